package dev.bpfnet.engine.hook;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

import dev.bpfnet.bpf.asm.AsmException;
import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfException;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.jit.JitCompiler;
import dev.bpfnet.bpf.jit.JitException;
import dev.bpfnet.bpf.load.BpfObjectInstance;
import dev.bpfnet.bpf.maps.MapException;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import dev.bpfnet.bpf.verifier.Verifier;
import dev.bpfnet.bpf.verifier.VerifierResult;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.RodataValue;

/**
 * Turns the topology's {@link ProgramRef}s into verified, loaded programs, as libbpf's
 * {@code bpf_object__open} / skeleton {@code ->rodata} / {@code bpf_object__load} do:
 *
 * <ol>
 * <li>The object bytes are read through the {@link ObjectSource} for
 * {@code ProgramRef.object} and parsed ({@link ElfLoader}).</li>
 * <li>The {@code rodata} values of every ref of that object are merged (one
 * {@code .rodata} per object, as a skeleton has; two refs giving one global different
 * values is an error) and written into the object before load; {@code ifindex:} values
 * are resolved by the engine's callback, which receives {@code node/namespace/device} and
 * returns a positive ifindex.</li>
 * <li>Every program of the object is verified ({@link Verifier#verify}) against the
 * object's maps with the {@code .rodata} values applied (libbpf loads every program; the
 * verifier treats frozen {@code .rodata} as constants). A rejection fails the load with
 * the program, section, instruction and verifier message.</li>
 * <li>One {@link BpfObjectInstance} per object is created and loaded for {@code numCpus}
 * CPUs; all programs of the object share its maps.</li>
 * <li>Each program runs JIT-compiled ({@link ExecMode#JIT}, falling back to the
 * interpreter on {@link JitException}) or interpreted.</li>
 * </ol>
 *
 * A ref's {@code section} selects the program: a function name first (an extension for
 * objects with several programs in one section, such as {@code SEC("tc")}), else the one
 * program in that ELF section; empty means the object's only program. Assembly refs
 * become SCHED_CLS programs without maps.
 *
 * <p>
 * Not thread-safe; used while the engine is built.
 */
public final class ProgramLoader {

	/** The {@code object} shown for assembly programs. */
	public static final String ASM = "<asm>";

	private final ObjectSource objects;

	private final ToIntFunction<String> ifindexes;

	private final int numCpus;

	private final ExecMode mode;

	/**
	 * @param objects gives the bytes of each {@code ProgramRef.object}
	 * @param ifindexes resolves {@code node/namespace/device} to its ifindex
	 * ({@code > 0})
	 * @param numCpus CPUs the per-CPU maps are created for
	 * @param mode interpreter or JIT
	 */
	public ProgramLoader(ObjectSource objects, ToIntFunction<String> ifindexes, int numCpus, ExecMode mode) {
		this.objects = Objects.requireNonNull(objects, "objects");
		this.ifindexes = Objects.requireNonNull(ifindexes, "ifindexes");
		if (numCpus < 1) {
			throw new IllegalArgumentException("numCpus must be >= 1, got " + numCpus);
		}
		this.numCpus = numCpus;
		this.mode = Objects.requireNonNull(mode, "mode");
	}

	/** Loads one program (its object gets its own instance). */
	public HookProgram load(ProgramRef ref) {
		return loadAll(List.of(ref)).get(ref.name());
	}

	/**
	 * Loads every program, objects in sorted path order.
	 * @return the programs by topology name
	 * @throws ProgramLoadException for the first program that cannot be loaded
	 * @throws IllegalArgumentException for two refs with the same name
	 */
	public SortedMap<String, HookProgram> loadAll(Collection<ProgramRef> refs) {
		SortedMap<String, ProgramRef> byName = new TreeMap<>();
		SortedMap<String, List<ProgramRef>> byObject = new TreeMap<>();
		for (ProgramRef ref : refs) {
			if (byName.put(ref.name(), ref) != null) {
				throw new IllegalArgumentException("program '" + ref.name() + "' is given twice");
			}
			if (ref.object().isPresent()) {
				byObject.computeIfAbsent(ref.object().get(), k -> new ArrayList<>()).add(ref);
			}
		}
		SortedMap<String, HookProgram> out = new TreeMap<>();
		for (Map.Entry<String, List<ProgramRef>> e : byObject.entrySet()) {
			loadObject(e.getKey(), e.getValue(), out);
		}
		for (ProgramRef ref : byName.values()) {
			if (ref.asm().isPresent()) {
				out.put(ref.name(), loadAsm(ref));
			}
		}
		return Collections.unmodifiableSortedMap(out);
	}

	private void loadObject(String objectName, List<ProgramRef> refs, Map<String, HookProgram> out) {
		ProgramRef first = refs.get(0);
		String where = "object " + objectName;
		byte[] bytes;
		try {
			bytes = Objects.requireNonNull(this.objects.load(objectName), "no bytes for object " + objectName);
		}
		catch (IOException | RuntimeException ex) {
			throw new ProgramLoadException(first.name(), where, "", -1, "cannot read the object: " + ex.getMessage(),
					"object", ex);
		}
		BpfObject object;
		try {
			object = ElfLoader.load(bytes, fileName(objectName));
		}
		catch (ElfException ex) {
			throw new ProgramLoadException(first.name(), where, "", -1, "not a valid BPF object: " + ex.getMessage(),
					"object", ex);
		}
		// one .rodata per object: merge the refs' values
		SortedMap<String, Long> values = new TreeMap<>();
		SortedMap<String, String> setBy = new TreeMap<>();
		for (ProgramRef ref : refs) {
			for (Map.Entry<String, RodataValue> rv : ref.rodata().entrySet()) {
				long v = resolve(ref, where, rv.getKey(), rv.getValue());
				Long old = values.put(rv.getKey(), v);
				if (old != null && old != v) {
					throw new ProgramLoadException(ref.name(), where, ref.section().orElse(""), -1,
							"rodata '" + rv.getKey() + "' = " + v + " conflicts with " + old + " set by program '"
									+ setBy.get(rv.getKey())
									+ "' of the same object (the programs of one object file are loaded once and share "
									+ "its .rodata and maps; for other values use a copy of the file)",
							"rodata." + rv.getKey(), null);
				}
				setBy.putIfAbsent(rv.getKey(), ref.name());
			}
		}
		for (Map.Entry<String, Long> g : values.entrySet()) {
			try {
				object = object.withGlobal(g.getKey(), g.getValue());
			}
			catch (RuntimeException ex) {
				String prog = setBy.get(g.getKey());
				throw new ProgramLoadException(prog, where, "", -1,
						"cannot set rodata '" + g.getKey() + "': " + ex.getMessage(), "rodata." + g.getKey(), ex);
			}
		}
		// select each ref's program before verifying, for precise errors
		Map<String, ProgramSpec> selected = new TreeMap<>();
		for (ProgramRef ref : refs) {
			selected.put(ref.name(), select(object, ref, where));
		}
		// libbpf loads (so the kernel verifies) every program of the object
		for (ProgramSpec spec : object.programs()) {
			VerifierResult vr = Verifier.verify(spec.insns(), spec.type(), object.maps());
			if (!vr.accepted()) {
				ProgramRef blame = first;
				for (ProgramRef ref : refs) {
					if (selected.get(ref.name()) == spec) {
						blame = ref;
					}
				}
				String fn = selected.get(blame.name()) == spec ? ""
						: "function " + spec.name() + " of the same object: ";
				throw new ProgramLoadException(blame.name(),
						where + ", section " + spec.section() + ", function " + spec.name(), spec.section(),
						vr.errorInsn(), fn + rejected(vr),
						(fn.isEmpty() && blame.section().isPresent()) ? "section" : "object", null);
			}
		}
		BpfObjectInstance instance;
		try {
			instance = BpfObjectInstance.open(object, this.numCpus).load();
		}
		catch (MapException | IllegalArgumentException | IllegalStateException ex) {
			throw new ProgramLoadException(first.name(), where, "", -1, "cannot load the object: " + ex.getMessage(),
					"object", ex);
		}
		for (ProgramRef ref : refs) {
			ProgramSpec spec = selected.get(ref.name());
			LoadedProgram p = instance.program(spec.name());
			out.put(ref.name(), finish(ref.name(), objectName, spec.section(), p, instance));
		}
	}

	/** The last path segment of an object reference, as the ELF loader's name. */
	private static String fileName(String objectRef) {
		int slash = Math.max(objectRef.lastIndexOf('/'), objectRef.lastIndexOf('\\'));
		return objectRef.substring(slash + 1);
	}

	private static String rejected(VerifierResult vr) {
		return "rejected by the verifier" + (vr.errorInsn() >= 0 ? " at insn " + vr.errorInsn() : "") + ": "
				+ vr.error();
	}

	private long resolve(ProgramRef ref, String where, String symbol, RodataValue value) {
		if (value instanceof RodataValue.Number n) {
			return n.value();
		}
		RodataValue.Ifindex ifx = (RodataValue.Ifindex) value;
		int ifindex;
		try {
			ifindex = this.ifindexes.applyAsInt(ifx.device().toString());
		}
		catch (RuntimeException ex) {
			throw new ProgramLoadException(ref.name(), where, ref.section().orElse(""), -1,
					"rodata '" + symbol + "': cannot resolve " + value + ": " + ex.getMessage(), "rodata." + symbol,
					ex);
		}
		if (ifindex <= 0) {
			throw new ProgramLoadException(ref.name(), where, ref.section().orElse(""), -1,
					"rodata '" + symbol + "': " + value + " has no ifindex (got " + ifindex + ")", "rodata." + symbol,
					null);
		}
		return ifindex;
	}

	private static ProgramSpec select(BpfObject object, ProgramRef ref, String where) {
		List<ProgramSpec> progs = object.programs();
		List<String> have = new ArrayList<>();
		for (ProgramSpec s : progs) {
			have.add(s.name() + " (" + s.section() + ")");
		}
		if (ref.section().isEmpty()) {
			if (progs.size() != 1) {
				throw new ProgramLoadException(ref.name(), where, "", -1,
						"the object has " + progs.size() + " programs, give a section or function: " + have, "section",
						null);
			}
			return progs.get(0);
		}
		String want = ref.section().get();
		ProgramSpec byName = object.program(want);
		if (byName != null) {
			return byName;
		}
		List<ProgramSpec> inSection = new ArrayList<>();
		for (ProgramSpec s : progs) {
			if (s.section().equals(want)) {
				inSection.add(s);
			}
		}
		if (inSection.size() == 1) {
			return inSection.get(0);
		}
		throw new ProgramLoadException(ref.name(), where, want, -1,
				(inSection.isEmpty() ? "no program in section or function '" + want + "'"
						: inSection.size() + " programs in section '" + want + "', give the function name")
						+ "; the object has " + have,
				"section", null);
	}

	private HookProgram loadAsm(ProgramRef ref) {
		Insn[] insns;
		try {
			insns = Assembler.assembleInsns(ref.asm().get());
		}
		catch (AsmException ex) {
			throw new ProgramLoadException(ref.name(), ASM, "", -1, "cannot assemble: " + ex.getMessage(), "asm", ex);
		}
		VerifierResult vr = Verifier.verify(insns, ProgramType.SCHED_CLS, List.of());
		if (!vr.accepted()) {
			throw new ProgramLoadException(ref.name(), ASM, "", vr.errorInsn(), rejected(vr), "asm", null);
		}
		LoadedProgram p = new LoadedProgram(ref.name(), ProgramType.SCHED_CLS, AttachType.NONE, insns, null);
		return finish(ref.name(), ASM, "", p, null);
	}

	private HookProgram finish(String name, String object, String section, LoadedProgram p,
			BpfObjectInstance instance) {
		Executor executor = Executor.INTERPRETER;
		boolean jitted = false;
		if (this.mode == ExecMode.JIT) {
			try {
				executor = JitCompiler.compile(p).executor();
				jitted = true;
			}
			catch (JitException ex) {
				// the interpreter runs what the JIT refuses (bpf_prog_select_runtime)
			}
		}
		return new HookProgram(name, object, section, p, executor, jitted, instance);
	}

}
