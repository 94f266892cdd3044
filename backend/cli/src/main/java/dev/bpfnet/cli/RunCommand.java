package dev.bpfnet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.jit.JitCompiler;
import dev.bpfnet.bpf.jit.JitException;
import dev.bpfnet.bpf.load.BpfObjectInstance;
import dev.bpfnet.bpf.load.RunResult;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.MapEntry;
import dev.bpfnet.bpf.maps.MapException;
import dev.bpfnet.bpf.verifier.Verifier;
import dev.bpfnet.bpf.verifier.VerifierResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bpfnet bpf run FILE --section S --packet HEX}: runs a program on a packet, like
 * {@code bpftool prog run}. The program is verified first (as loading it into the kernel
 * would), maps keep their state across the {@code --repeat} runs, every run starts from
 * the same packet, and the output shows the last run: verdict, r0, the packet after it,
 * the redirect requested, the {@code bpf_printk} lines, and the map entries that changed
 * over all runs.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
		description = "Run a program on a packet (like bpftool prog run): verdict, r0, time per run, packet after, changed maps.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

	@Parameters(paramLabel = "FILE", description = "ELF object or eBPF assembly")
	Path file;

	@Option(names = { "-s", "--section" }, description = "section or function name of the program")
	String section;

	@Option(names = "--packet", description = "the frame as hex (Ethernet header first)", required = true)
	String packet;

	@Option(names = "--repeat", description = "number of runs (default 1)", defaultValue = "1")
	int repeat;

	@Option(names = "--json", description = "print one JSON object")
	boolean json;

	@Option(names = "--cpus", description = "CPUs for per-CPU maps (default 1)", defaultValue = "1")
	int cpus;

	@Option(names = "--ifindex", description = "skb->ifindex and ingress_ifindex (default 1)", defaultValue = "1")
	int ifindex;

	@Option(names = "--global", paramLabel = "NAME=VALUE",
			description = "set a global variable (.rodata knob, .data, .bss) before load: decimal, 0x hex, or hex bytes with a 'bytes:' prefix")
	List<String> globals = new ArrayList<>();

	@Option(names = "--map-update", paramLabel = "MAP:KEYHEX=VALUEHEX",
			description = "put an entry into a map after load, before the first run (repeatable)")
	List<String> mapUpdates = new ArrayList<>();

	@Option(names = "--jit", description = "run JIT-compiled code (eBPF to JVM bytecode) instead of the interpreter")
	boolean jit;

	@Option(names = "--no-verify", description = "skip the verifier")
	boolean noVerify;

	@Option(names = "--type", description = "program type of an assembly file (default sched_cls)",
			defaultValue = "sched_cls")
	String type;

	@Override
	public Integer call() {
		if (this.repeat < 1) {
			throw new BpfCommand.CliException("--repeat must be at least 1, got " + this.repeat);
		}
		if (this.cpus < 1 || this.cpus > 1024) {
			throw new BpfCommand.CliException("--cpus must be in 1..1024, got " + this.cpus);
		}
		byte[] frame = BpfCommand.parseHex("--packet", this.packet);
		BpfObject object = BpfCommand.loadObject(this.file, BpfCommand.parseType(this.type));
		ProgramSpec spec = BpfCommand.selectOne(object, this.section);
		if (!this.noVerify) {
			VerifierResult vr = Verifier.verify(spec.insns(), spec.type(), object.maps());
			if (!vr.accepted()) {
				throw new BpfCommand.CliException(
						spec.name() + " (" + spec.section() + "): rejected by the verifier at insn " + vr.errorInsn()
								+ ": " + vr.error() + " (use --no-verify to run it anyway)");
			}
		}
		BpfObjectInstance instance;
		try {
			instance = BpfObjectInstance.open(object, this.cpus);
			for (String g : this.globals) {
				setGlobal(instance, g);
			}
			instance.load();
			for (String u : this.mapUpdates) {
				updateMap(instance, u);
			}
		}
		catch (MapException | IllegalArgumentException | IllegalStateException ex) {
			throw new BpfCommand.CliException(object.name() + ": " + ex.getMessage());
		}
		LoadedProgram program = instance.program(spec.name());
		Executor executor = Executor.INTERPRETER;
		if (this.jit) {
			try {
				executor = JitCompiler.compile(program).executor();
			}
			catch (JitException ex) {
				throw new BpfCommand.CliException(spec.name() + ": the JIT refused it: " + ex.getMessage());
			}
		}
		Map<String, List<MapEntry>> before = snapshot(instance);
		SkBuff template = new SkBuff(frame);
		template.ifindex = this.ifindex;
		template.ingressIfindex = this.ifindex;
		RunResult last = null;
		SkBuff skb = null;
		long start = System.nanoTime();
		for (int i = 0; i < this.repeat; i++) {
			skb = template.copy();
			last = instance.run(program, skb, executor);
			if (!last.ok()) {
				break;
			}
		}
		long elapsed = System.nanoTime() - start;
		long nsPerRun = elapsed / this.repeat;
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("program", spec.name());
		out.put("section", spec.section());
		out.put("r0", last.r0());
		out.put("r0Hex", "0x" + Long.toHexString(last.r0()));
		out.put("verdict", last.verdict());
		out.put("packetHex", BpfCommand.hex(skb.frame()));
		out.put("packetChanged", !java.util.Arrays.equals(frame, skb.frame()));
		out.put("nsPerRun", nsPerRun);
		out.put("runs", this.repeat);
		out.put("instructions", last.instructions());
		out.put("engine", this.jit ? "jit" : "interpreter");
		if (last.redirect() != null && last.redirect().isSet()) {
			Map<String, Object> redirect = new LinkedHashMap<>();
			redirect.put("kind", last.redirect().kind().name());
			redirect.put("ifindex", last.redirect().ifindex());
			redirect.put("flags", last.redirect().flags());
			out.put("redirect", redirect);
		}
		out.put("trace", last.trace());
		out.put("mapsChanged", diff(before, snapshot(instance)));
		if (last.fault() != null) {
			out.put("fault", last.fault().getMessage());
		}
		if (this.json) {
			System.out.println(JsonMapper.builder().build().writeValueAsString(out));
		}
		else {
			printText(out);
		}
		return last.ok() ? 0 : 1;
	}

	private static void setGlobal(BpfObjectInstance instance, String assignment) {
		int eq = assignment.indexOf('=');
		if (eq <= 0) {
			throw new BpfCommand.CliException("--global " + assignment + ": expected NAME=VALUE");
		}
		String name = assignment.substring(0, eq);
		String value = assignment.substring(eq + 1);
		if (value.startsWith("bytes:")) {
			instance.setGlobal(name, BpfCommand.parseHex("--global " + name, value.substring(6)));
			return;
		}
		try {
			long v = value.startsWith("0x") || value.startsWith("0X") ? Long.parseUnsignedLong(value.substring(2), 16)
					: Long.parseLong(value);
			instance.setGlobal(name, v);
		}
		catch (NumberFormatException ex) {
			throw new BpfCommand.CliException("--global " + name + ": '" + value + "' is not a number");
		}
	}

	private static void updateMap(BpfObjectInstance instance, String assignment) {
		int colon = assignment.indexOf(':');
		int eq = assignment.indexOf('=', Math.max(colon, 0));
		if (colon <= 0 || eq < 0) {
			throw new BpfCommand.CliException("--map-update " + assignment + ": expected MAP:KEYHEX=VALUEHEX");
		}
		String name = assignment.substring(0, colon);
		BpfMap map = instance.map(name);
		if (map == null) {
			throw new BpfCommand.CliException("--map-update: no map named '" + name + "'");
		}
		byte[] key = BpfCommand.parseHex("--map-update " + name + " key", assignment.substring(colon + 1, eq));
		byte[] value = BpfCommand.parseHex("--map-update " + name + " value", assignment.substring(eq + 1));
		if (key.length != map.keySize() || value.length != map.valueSize()) {
			throw new BpfCommand.CliException("--map-update " + name + ": key must be " + map.keySize()
					+ " bytes and value " + map.valueSize() + " bytes, got " + key.length + " and " + value.length);
		}
		int rc = map.update(key, value, BpfMap.BPF_ANY);
		if (rc != 0) {
			throw new BpfCommand.CliException(
					"--map-update " + name + ": update failed with " + dev.bpfnet.bpf.maps.Errno.name(-rc));
		}
	}

	private static Map<String, List<MapEntry>> snapshot(BpfObjectInstance instance) {
		Map<String, List<MapEntry>> out = new LinkedHashMap<>();
		for (BpfMap map : instance.maps()) {
			switch (map.type()) {
				case PROG_ARRAY, RINGBUF -> {
				}
				default -> out.put(map.name(), map.entries());
			}
		}
		return out;
	}

	/** Entries added, changed or removed, per map, as hex. */
	private static Map<String, List<Map<String, Object>>> diff(Map<String, List<MapEntry>> before,
			Map<String, List<MapEntry>> after) {
		Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
		for (Map.Entry<String, List<MapEntry>> e : after.entrySet()) {
			Map<String, MapEntry> old = new LinkedHashMap<>();
			for (MapEntry m : before.getOrDefault(e.getKey(), List.of())) {
				old.put(BpfCommand.hex(m.key()), m);
			}
			List<Map<String, Object>> changes = new ArrayList<>();
			for (MapEntry m : e.getValue()) {
				String key = BpfCommand.hex(m.key());
				MapEntry was = old.remove(key);
				if (was == null || !was.equals(m)) {
					changes.add(change(key, was == null ? "added" : "changed", m));
				}
			}
			for (Map.Entry<String, MapEntry> gone : old.entrySet()) {
				changes.add(change(gone.getKey(), "deleted", null));
			}
			if (!changes.isEmpty()) {
				out.put(e.getKey(), changes);
			}
		}
		return out;
	}

	private static Map<String, Object> change(String key, String what, MapEntry now) {
		Map<String, Object> c = new LinkedHashMap<>();
		c.put("key", key);
		c.put("change", what);
		if (now != null) {
			List<String> values = new ArrayList<>();
			for (byte[] v : now.values()) {
				values.add(BpfCommand.hex(v));
			}
			c.put(values.size() == 1 ? "value" : "valuesPerCpu", values.size() == 1 ? values.get(0) : values);
		}
		return c;
	}

	@SuppressWarnings("unchecked")
	private static void printText(Map<String, Object> out) {
		StringBuilder sb = new StringBuilder();
		sb.append(String.format("%s (%s): %s, r0 = %s (%d)%n", out.get("program"), out.get("section"),
				out.get("verdict"), out.get("r0Hex"), (Long) out.get("r0")));
		sb.append(String.format("runs: %d, %d ns per run, %d instructions in the last run%n", (Integer) out.get("runs"),
				(Long) out.get("nsPerRun"), (Long) out.get("instructions")));
		if (out.containsKey("fault")) {
			sb.append("fault: ").append(out.get("fault")).append('\n');
		}
		if (out.containsKey("redirect")) {
			sb.append("redirect: ").append(out.get("redirect")).append('\n');
		}
		sb.append("packet after")
			.append(Boolean.TRUE.equals(out.get("packetChanged")) ? " (changed)" : " (unchanged)")
			.append(": ")
			.append(out.get("packetHex"))
			.append('\n');
		for (String line : (List<String>) out.get("trace")) {
			sb.append("bpf_trace_printk: ").append(line).append('\n');
		}
		Map<String, List<Map<String, Object>>> maps = (Map<String, List<Map<String, Object>>>) out.get("mapsChanged");
		if (maps.isEmpty()) {
			sb.append("maps: no changes\n");
		}
		for (Map.Entry<String, List<Map<String, Object>>> m : maps.entrySet()) {
			sb.append("map ").append(m.getKey()).append(":\n");
			for (Map<String, Object> c : m.getValue()) {
				sb.append("  ").append(c.get("change")).append(" key ").append(c.get("key"));
				if (c.containsKey("value")) {
					sb.append(" value ").append(c.get("value"));
				}
				if (c.containsKey("valuesPerCpu")) {
					sb.append(" values per cpu ").append(c.get("valuesPerCpu"));
				}
				sb.append('\n');
			}
		}
		System.out.print(sb);
	}

}
