package dev.bpfnet.bpf.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.GlobalSymbol;
import dev.bpfnet.bpf.elf.MapInfo;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.helpers.BpfHost;
import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.bpf.helpers.HelperEnv;
import dev.bpfnet.bpf.helpers.Helpers;
import dev.bpfnet.bpf.helpers.TcAct;
import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.maps.ArrayMap;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.MapException;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.Maps;
import dev.bpfnet.bpf.maps.ProgArrayMap;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * A {@link BpfObject} brought to life, as libbpf's {@code bpf_object__load()} does: the
 * maps are created ({@link Maps#create}), global data can be set from Java while the
 * object is open (a skeleton's {@code skel->rodata->knob = v} before {@code __load()}),
 * then {@link #load()} freezes {@code .rodata}, builds one {@link LoadedProgram} per
 * program over the shared maps, and fills PROG_ARRAY maps declared with initial
 * {@code .values}.
 *
 * <pre>
 * BpfObjectInstance obj = BpfObjectInstance.open(ElfLoader.load(bytes, "nat.o"), 4);
 * obj.setGlobal("service_ip", 0x0100600a);
 * obj.load();
 * RunResult r = obj.run(obj.program("nat_egress"), new SkBuff(frame));
 * </pre>
 *
 * <p>
 * Not done here: verification (run the verifier on {@link ProgramSpec#insns()} first) and
 * attachment (the engine's business). {@link #run} is a convenience over one {@link Vm}
 * and {@link HelperEnv} owned by the instance; the engine uses its own per CPU.
 *
 * <p>
 * Threading: not thread-safe; maps and programs are used by one engine thread.
 */
public final class BpfObjectInstance {

	private final BpfObject object;

	private final int numCpus;

	private final List<BpfMap> maps;

	private final List<LoadedProgram> programs = new ArrayList<>();

	private boolean loaded;

	private Vm vm;

	private HelperEnv env;

	private BpfObjectInstance(BpfObject object, int numCpus, long memoryLimit) {
		this.object = object;
		this.numCpus = numCpus;
		List<BpfMap> created = new ArrayList<>(object.maps().size());
		for (MapSpec spec : object.maps()) {
			created.add(Maps.create(spec, numCpus, memoryLimit));
		}
		this.maps = Collections.unmodifiableList(created);
	}

	/**
	 * Creates the object's maps for {@code numCpus} CPUs with the default memory limit.
	 * @throws MapException when a map spec is refused
	 */
	public static BpfObjectInstance open(BpfObject object, int numCpus) {
		return new BpfObjectInstance(object, numCpus, Maps.DEFAULT_MEMORY_LIMIT);
	}

	/**
	 * Creates the object's maps; each map's worst-case memory must stay below
	 * {@code memoryLimit} bytes.
	 * @throws MapException when a map spec is refused
	 */
	public static BpfObjectInstance open(BpfObject object, int numCpus, long memoryLimit) {
		return new BpfObjectInstance(object, numCpus, memoryLimit);
	}

	public BpfObject object() {
		return this.object;
	}

	public int numCpus() {
		return this.numCpus;
	}

	public boolean isLoaded() {
		return this.loaded;
	}

	// ------------------------------------------------------------------ global data

	/**
	 * Sets the global variable {@code symbol} (a {@code const volatile} knob in
	 * {@code .rodata}, or a {@code .data}/{@code .bss} variable) to {@code value}.
	 * @throws IllegalArgumentException for an unknown symbol or a size mismatch
	 * @throws IllegalStateException for {@code .rodata} after {@link #load()}
	 */
	public BpfObjectInstance setGlobal(String symbol, byte[] value) {
		GlobalSymbol g = global(symbol);
		if (value.length != g.size()) {
			throw new IllegalArgumentException("global '" + symbol + "' of object '" + this.object.name() + "' is "
					+ g.size() + " bytes, got " + value.length);
		}
		return setGlobal(g.mapIndex(), g.offset(), value, symbol);
	}

	/**
	 * Sets the 1, 2, 4 or 8-byte global variable {@code symbol} to {@code value}, little
	 * endian (give network-order fields their stored value, e.g. {@code 0x0100000a} for a
	 * {@code __be32} holding 10.0.0.1).
	 * @throws IllegalArgumentException for an unknown symbol, a non-integer size or a
	 * value that does not fit
	 */
	public BpfObjectInstance setGlobal(String symbol, long value) {
		GlobalSymbol g = global(symbol);
		int size = g.size();
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			throw new IllegalArgumentException("global '" + symbol + "' is " + size + " bytes, not an integer");
		}
		if (size < 8 && (value < -(1L << (8 * size - 1)) || value > (1L << (8 * size)) - 1)) {
			throw new IllegalArgumentException(
					"value " + value + " does not fit in global '" + symbol + "' (" + size + " bytes)");
		}
		byte[] b = new byte[size];
		for (int i = 0; i < size; i++) {
			b[i] = (byte) (value >>> (8 * i));
		}
		return setGlobal(symbol, b);
	}

	/**
	 * Writes {@code bytes} at {@code offset} of the value of global data map
	 * {@code mapName} ({@code .rodata}, {@code .data}, {@code .bss}, ...), for objects
	 * whose symbols are not known.
	 * @throws IllegalArgumentException for an unknown map or bytes out of its value
	 * @throws IllegalStateException for {@code .rodata} after {@link #load()}
	 */
	public BpfObjectInstance setGlobalData(String mapName, int offset, byte[] bytes) {
		int index = this.object.mapIndex(mapName);
		if (index < 0 || this.object.maps().get(index).initialValue() == null) {
			throw new IllegalArgumentException(
					"object '" + this.object.name() + "' has no global data map '" + mapName + "'");
		}
		return setGlobal(index, offset, bytes, mapName + "+" + offset);
	}

	private GlobalSymbol global(String symbol) {
		GlobalSymbol g = this.object.global(symbol);
		if (g == null) {
			throw new IllegalArgumentException(
					"object '" + this.object.name() + "' has no global variable '" + symbol + "'");
		}
		return g;
	}

	private BpfObjectInstance setGlobal(int mapIndex, int offset, byte[] bytes, String what) {
		BpfMap map = this.maps.get(mapIndex);
		if (!(map instanceof ArrayMap array) || map.maxEntries() != 1) {
			throw new IllegalArgumentException("'" + what + "' is not in a global data map");
		}
		if (offset < 0 || (long) offset + bytes.length > map.valueSize()) {
			throw new IllegalArgumentException("'" + what + "': " + bytes.length + " bytes at offset " + offset
					+ " do not fit map '" + map.name() + "' of value_size " + map.valueSize());
		}
		if (map.isFrozen()) {
			throw new IllegalStateException("map '" + map.name() + "' of object '" + this.object.name()
					+ "' is frozen: set '" + what + "' before load()");
		}
		for (int cpu = 0; cpu < map.numCpus(); cpu++) {
			System.arraycopy(bytes, 0, array.value(0, cpu), offset, bytes.length);
		}
		return this;
	}

	/** A copy of the current bytes of global {@code symbol}. */
	public byte[] globalBytes(String symbol) {
		GlobalSymbol g = global(symbol);
		byte[] v = ((ArrayMap) this.maps.get(g.mapIndex())).value(0);
		return Arrays.copyOfRange(v, g.offset(), g.offset() + g.size());
	}

	/**
	 * The current value of the 1, 2, 4 or 8-byte global {@code symbol}, zero-extended.
	 */
	public long globalValue(String symbol) {
		byte[] b = globalBytes(symbol);
		long v = 0;
		for (int i = 0; i < Math.min(8, b.length); i++) {
			v |= (b[i] & 0xffL) << (8 * i);
		}
		return v;
	}

	// ------------------------------------------------------------------ load

	/**
	 * Freezes read-only global data, builds the programs and fills PROG_ARRAY maps from
	 * their declared {@code .values}. Idempotent.
	 * @throws MapException when a PROG_ARRAY slot names a program the object lacks
	 */
	public BpfObjectInstance load() {
		if (this.loaded) {
			return this;
		}
		BpfMap[] mapArray = this.maps.toArray(new BpfMap[0]);
		for (ProgramSpec spec : this.object.programs()) {
			this.programs.add(new LoadedProgram(spec.name(), spec.type(), spec.attachType(), spec.insns(), mapArray));
		}
		List<MapInfo> infos = this.object.mapInfos();
		for (int i = 0; i < infos.size(); i++) {
			BpfMap map = this.maps.get(i);
			for (MapInfo.Slot slot : infos.get(i).initialSlots()) {
				LoadedProgram p = find(slot.program());
				if (p == null || !(map instanceof ProgArrayMap pa)) {
					throw new MapException(map.name(), "values", Errno.EINVAL,
							"slot " + slot.index() + " names program '" + slot.program() + "', which object '"
									+ this.object.name() + "' does not have");
				}
				int rc = pa.set(slot.index(), p);
				if (rc != 0) {
					throw new MapException(map.name(), "values", -rc,
							"slot " + slot.index() + " is out of range (max_entries " + map.maxEntries() + ")");
				}
			}
		}
		for (BpfMap map : this.maps) {
			if (map.spec().readOnly()) {
				map.freeze();
			}
		}
		this.loaded = true;
		return this;
	}

	private LoadedProgram find(String nameOrSection) {
		for (LoadedProgram p : this.programs) {
			if (p.name().equals(nameOrSection)) {
				return p;
			}
		}
		List<ProgramSpec> specs = this.object.programs();
		for (int i = 0; i < specs.size(); i++) {
			if (specs.get(i).section().equals(nameOrSection)) {
				return this.programs.get(i);
			}
		}
		return null;
	}

	private void requireLoaded() {
		if (!this.loaded) {
			throw new IllegalStateException("object '" + this.object.name() + "' is not loaded: call load() first");
		}
	}

	/**
	 * The program whose function is {@code nameOrSection}, else the first one in section
	 * {@code nameOrSection}.
	 * @throws IllegalArgumentException naming the programs there are, when none matches
	 */
	public LoadedProgram program(String nameOrSection) {
		requireLoaded();
		LoadedProgram p = find(nameOrSection);
		if (p == null) {
			List<String> names = new ArrayList<>();
			for (ProgramSpec s : this.object.programs()) {
				names.add(s.name() + " (" + s.section() + ")");
			}
			throw new IllegalArgumentException("object '" + this.object.name() + "' has no program or section '"
					+ nameOrSection + "'; it has " + names);
		}
		return p;
	}

	/** The programs, in the object's order. */
	public List<LoadedProgram> programs() {
		requireLoaded();
		return Collections.unmodifiableList(this.programs);
	}

	/**
	 * The map called {@code name}.
	 * @throws IllegalArgumentException naming the maps there are, when none matches
	 */
	public BpfMap map(String name) {
		int i = this.object.mapIndex(name);
		if (i < 0) {
			List<String> names = new ArrayList<>();
			for (BpfMap m : this.maps) {
				names.add(m.name());
			}
			throw new IllegalArgumentException(
					"object '" + this.object.name() + "' has no map '" + name + "'; it has " + names);
		}
		return this.maps.get(i);
	}

	/** The maps, in the object's order (the index lddw src 5/6 uses). */
	public List<BpfMap> maps() {
		return this.maps;
	}

	// ------------------------------------------------------------------ running

	/**
	 * Uses {@code host} and a PRNG seeded with {@code seed} for {@link #run}; by default
	 * the host's clock stands at 0, traces are only captured and every FIB lookup answers
	 * BPF_FIB_LKUP_RET_NOT_FWDED.
	 */
	public BpfObjectInstance setHost(BpfHost host, long seed) {
		this.vm = new Vm(Helpers.standard());
		this.env = HelperEnv.attach(this.vm, host, seed);
		return this;
	}

	/** The vm behind {@link #run} (to set its CPU or instruction budget). */
	public Vm vm() {
		ensureVm();
		return this.vm;
	}

	/** The helper env behind {@link #run}. */
	public HelperEnv env() {
		ensureVm();
		return this.env;
	}

	private void ensureVm() {
		if (this.vm == null) {
			setHost(new QuietHost(), 0);
		}
	}

	/** Runs {@code program} over {@code skb} on this instance's vm. */
	public RunResult run(LoadedProgram program, SkBuff skb) {
		return run(program, skb, Executor.INTERPRETER);
	}

	/**
	 * As {@link #run(LoadedProgram, SkBuff)}, executed by {@code executor} (e.g.
	 * JIT-compiled code).
	 */
	public RunResult run(LoadedProgram program, SkBuff skb, Executor executor) {
		ensureVm();
		return run(this.vm, this.env, program, skb, executor);
	}

	/** Runs the program {@code nameOrSection} over {@code skb}. */
	public RunResult run(String nameOrSection, SkBuff skb) {
		return run(program(nameOrSection), skb);
	}

	/**
	 * Runs {@code program} over {@code skb} on {@code vm} with {@code env}: a fault does
	 * not escape, it is reported in the result.
	 */
	public static RunResult run(Vm vm, HelperEnv env, LoadedProgram program, SkBuff skb) {
		return run(vm, env, program, skb, Executor.INTERPRETER);
	}

	/**
	 * As {@link #run(Vm, HelperEnv, LoadedProgram, SkBuff)}, executed by
	 * {@code executor}.
	 */
	public static RunResult run(Vm vm, HelperEnv env, LoadedProgram program, SkBuff skb, Executor executor) {
		env.clearTrace();
		long r0 = 0;
		BpfFault fault = null;
		try {
			r0 = env.run(vm, program, skb, executor);
		}
		catch (BpfFault f) {
			fault = f;
		}
		String verdict = fault != null ? "FAULT" : verdictName(program.type(), r0);
		return new RunResult(r0, verdict, env.redirect().copy(), env.traceLines(), vm.instructionsExecuted(), fault);
	}

	/** r0 named for the program type. */
	public static String verdictName(ProgramType type, long r0) {
		return switch (type) {
			case SCHED_CLS, SCHED_ACT -> TcAct.name(r0);
			case XDP -> TcAct.xdpName(r0);
			default -> Long.toString(r0);
		};
	}

	/** The default host of {@link #run}: no clock, no routes. */
	private static final class QuietHost implements BpfHost {

		@Override
		public long ktimeGetNs() {
			return 0;
		}

		@Override
		public void tracePrintk(String line) {
		}

		@Override
		public int fibLookup(FibLookupParams params, int flags) {
			return FibLookupParams.RET_NOT_FWDED;
		}

	}

	@Override
	public String toString() {
		return "BpfObjectInstance[" + this.object.name() + ", " + this.maps.size() + " maps, "
				+ this.object.programs().size() + " programs" + (this.loaded ? ", loaded" : "") + "]";
	}

}
