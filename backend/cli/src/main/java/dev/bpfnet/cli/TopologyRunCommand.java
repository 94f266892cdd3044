package dev.bpfnet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.capture.CaptureSession;
import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.hook.ProgramLoadException;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunState;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyValidator;
import dev.bpfnet.engine.topology.TopologyWriter;
import dev.bpfnet.engine.topology.Units;
import dev.bpfnet.engine.traffic.FrameSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bpfnet run TOPOLOGY.yaml}: builds a {@link RunSession} of a topology document
 * (every node, wire and program), starts its traffic and runs it for {@code --duration}
 * of simulated time, then prints packets sent, delivered and dropped (by reason), each
 * flow's latencies and rate, the CPU time per context and task, and the SHA-256 of the
 * trace (the run's fingerprint: same document and seed, same hash).
 *
 * <p>
 * A document that does not parse or validate, or whose programs cannot be loaded, prints
 * its problems as {@code path: message} lines and exits 1.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
		description = "Run a topology document: its nodes, wires, programs and traffic, in simulated time.")
final class TopologyRunCommand implements java.util.concurrent.Callable<Integer> {

	@Parameters(paramLabel = "TOPOLOGY", description = "topology document (YAML, or JSON by extension)")
	Path file;

	@Option(names = "--seed", description = "the run's seed (default: the document's)")
	Long seed;

	@Option(names = "--duration", description = "simulated time to run, e.g. 10ms, 500us (default 10ms)",
			defaultValue = "10ms")
	String duration;

	@Option(names = "--json", description = "print one JSON object")
	boolean json;

	@Option(names = "--objects",
			description = "directory the programs' object paths are relative to (default: the document's directory)")
	Path objects;

	@Option(names = "--capture", paramLabel = "DEV[:in|out]",
			description = "capture a device (node/ns/dev) as tcpdump -i would, into the --pcap file of the same position (repeatable)")
	List<String> captures = new ArrayList<>();

	@Option(names = "--pcap", paramLabel = "FILE", description = "the pcap file of the --capture at the same position")
	List<Path> pcaps = new ArrayList<>();

	@Option(names = "--path-capture", paramLabel = "FILE",
			description = "pcapng with one interface per hop (device and direction) and the skb id as packet comment")
	Path pathCapture;

	@Option(names = "--latency-csv", paramLabel = "FILE", description = "per-packet first/last step, latency and fate")
	Path latencyCsv;

	@Option(names = "--perfetto", paramLabel = "FILE",
			description = "the run as Chrome/Perfetto trace-event JSON (ui.perfetto.dev)")
	Path perfetto;

	@Option(names = "--out", paramLabel = "DIR",
			description = "write the full trace and the results into DIR (created if missing): trace.csv.gz (one line per trace event), "
					+ "trace.bpfntrc.gz (the same, binary), report.json, topology.yaml (the document as run)")
	Path out;

	/**
	 * Bytes of heap a recorded trace event costs when {@code --perfetto} keeps every step
	 * (the path recorder's ≈ 31 bytes per step and the exporter's 20, rounded up).
	 */
	static final long PERFETTO_BYTES_PER_EVENT = 64;

	/**
	 * Bytes of heap per trace event for {@code --latency-csv} alone (a row per skb of ≈
	 * 30 steps).
	 */
	static final long LATENCY_CSV_BYTES_PER_EVENT = 8;

	@Override
	public Integer call() {
		long durationNs;
		try {
			durationNs = Units.parseDuration(this.duration);
		}
		catch (IllegalArgumentException ex) {
			throw new BpfCommand.CliException("--duration " + this.duration + ": " + ex.getMessage());
		}
		if (durationNs <= 0) {
			throw new BpfCommand.CliException("--duration must be positive, got " + this.duration);
		}
		TopologyDocument doc;
		try {
			doc = TopologyParser.parse(this.file);
			List<Problem> problems = TopologyValidator.validate(doc);
			if (!problems.isEmpty()) {
				throw new TopologyException(problems);
			}
		}
		catch (TopologyException ex) {
			return problems(ex.problems());
		}
		if (this.seed != null) {
			doc = new TopologyDocument(doc.name(), this.seed, doc.nodes(), doc.wires(), doc.programs(), doc.attach(),
					doc.traffic(), doc.costs());
		}
		Path base = (this.objects != null) ? this.objects : (this.file.toAbsolutePath().getParent() != null
				? this.file.toAbsolutePath().getParent() : Path.of("."));
		List<Problem> missing = missingObjects(doc, base);
		if (!missing.isEmpty()) {
			return problems(missing);
		}
		OutDir outDir = (this.out != null) ? OutDir.create(this.out) : null;
		CaptureSession.Request request = captureRequest();
		CaptureSession captureSession = new CaptureSession(request, null);
		RecordingBudget budget = RecordingBudget.of(request, Runtime.getRuntime().maxMemory());
		LateSink late = new LateSink();
		RunSession session;
		try {
			session = RunSession.create(doc, ObjectSource.directory(base),
					RunOptions.of(durationNs)
						.withRecordPaths(false)
						.withLive(Tee.of(captureSession.traceSink(), late, budget)));
			captureSession.attach(session.engine());
		}
		catch (ProgramLoadException ex) {
			return problems(List.of(Problem.at(programPath(doc, ex.program()) + "." + ex.field(), ex.getMessage())));
		}
		catch (IllegalArgumentException ex) {
			return problems(List.of(problemOf(ex.getMessage())));
		}
		budget.watch(session);
		if (outDir != null) {
			outDir.open(session.engine().names());
			late.target = outDir.sink();
		}
		RunStatus status;
		try {
			status = session.run();
		}
		catch (OutOfMemoryError ex) {
			throw outOfMemory(request);
		}
		finally {
			try {
				captureSession.close();
			}
			catch (OutOfMemoryError ex) {
				throw outOfMemory(request);
			}
			finally {
				if (outDir != null) {
					outDir.closeTraces();
				}
			}
		}
		if (status.state() == RunState.FAILED) {
			throw new BpfCommand.CliException("the run failed: " + status.reason());
		}
		unfinishedFrameSources(session, durationNs);
		Map<String, Object> result = report(session.report());
		JsonMapper json = JsonMapper.builder().build();
		if (outDir != null) {
			outDir.finish(json.writerWithDefaultPrettyPrinter().writeValueAsString(result), TopologyWriter.toYaml(doc));
		}
		if (this.json) {
			System.out.println(json.writeValueAsString(result));
		}
		else {
			printText(result);
			if (outDir != null) {
				System.out.println("wrote " + outDir.describe());
			}
		}
		if (budget.tripped()) {
			System.err.println("bpfnet: " + budget.message(status));
			return 1;
		}
		return 0;
	}

	private BpfCommand.CliException outOfMemory(CaptureSession.Request request) {
		return new BpfCommand.CliException("out of memory (Java heap " + (Runtime.getRuntime().maxMemory() >> 20)
				+ " MiB) while "
				+ ((request.perfetto() != null || request.latencyCsv() != null)
						? "recording the run for --perfetto/--latency-csv, which keep every packet's steps in memory"
						: "running")
				+ ": use a shorter --duration, a lower traffic rate, --out DIR (streams the trace to disk), "
				+ "or a bigger heap (BPFNET_JAVA_OPTS=-Xmx4g)");
	}

	/**
	 * A problem from an engine error message: {@code traffic[0].to: no route ...} keeps
	 * its document path, anything else is about the whole document.
	 */
	static Problem problemOf(String message) {
		String m = (message == null) ? "" : message;
		java.util.regex.Matcher matcher = DOCUMENT_PATH.matcher(m);
		return matcher.matches() ? Problem.at(matcher.group(1), matcher.group(2)) : Problem.at("", m);
	}

	/** {@code nodes[0].namespaces[1].devices[2].peer: message}, top-level fields only. */
	private static final java.util.regex.Pattern DOCUMENT_PATH = java.util.regex.Pattern.compile(
			"((?:name|seed|nodes|wires|programs|attach|traffic|costs)(?:\\[\\d+\\])?(?:\\.[A-Za-z_][A-Za-z0-9_]*(?:\\[\\d+\\])?)*): (.*)",
			java.util.regex.Pattern.DOTALL);

	/**
	 * A replay or crafted source whose frames were not all due before the run ended (a
	 * capture spanning seconds, the default 10 ms): said on stderr, since the report's
	 * packet counts do not show it.
	 */
	private static void unfinishedFrameSources(RunSession session, long durationNs) {
		for (FrameSource f : session.engine().frameSources()) {
			if (f.sent() < f.size()) {
				System.err.printf(
						"bpfnet: traffic %s sent %d of its %d frames before the run ended at %d ns; the next was due"
								+ " at %d ns (a longer --duration, or timing: scale/rate, sends the rest)%n",
						f.task().name(), f.sent(), f.size(), durationNs, f.nextTimeNs());
			}
		}
	}

	/** The capture options as a request; {@code --capture} and {@code --pcap} pair up. */
	private CaptureSession.Request captureRequest() {
		if (this.captures.size() != this.pcaps.size()) {
			throw new BpfCommand.CliException("--capture and --pcap pair up: got " + this.captures.size()
					+ " --capture and " + this.pcaps.size() + " --pcap");
		}
		List<CaptureSession.DeviceSpec> devices = new ArrayList<>();
		for (int i = 0; i < this.captures.size(); i++) {
			try {
				devices.add(CaptureSession.DeviceSpec.parse(this.captures.get(i), this.pcaps.get(i)));
			}
			catch (IllegalArgumentException ex) {
				throw new BpfCommand.CliException("--" + ex.getMessage());
			}
		}
		return new CaptureSession.Request(devices, this.pathCapture, this.latencyCsv, this.perfetto);
	}

	private int problems(List<Problem> problems) {
		List<Problem> located = problems;
		try {
			String text = Files.readString(this.file, java.nio.charset.StandardCharsets.UTF_8);
			String name = (this.file.getFileName() == null) ? "" : this.file.getFileName().toString();
			located = TopologyParser.locate(text,
					name.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? Format.JSON : Format.YAML, problems);
		}
		catch (java.io.IOException | RuntimeException ex) {
			// unreadable: the problems as they are (the parse error says why)
		}
		for (Problem p : located) {
			System.err.println(p);
		}
		return 1;
	}

	private static String programPath(TopologyDocument doc, String program) {
		for (int k = 0; k < doc.programs().size(); k++) {
			if (doc.programs().get(k).name().equals(program)) {
				return "programs[" + k + "]";
			}
		}
		return "programs";
	}

	/** Every program whose object file does not exist under {@code base}. */
	private static List<Problem> missingObjects(TopologyDocument doc, Path base) {
		List<Problem> out = new ArrayList<>();
		for (int k = 0; k < doc.programs().size(); k++) {
			ProgramRef p = doc.programs().get(k);
			if (p.object().isPresent() && !Files.isRegularFile(base.resolve(p.object().get()))) {
				out.add(Problem.at("programs[" + k + "].object",
						"no such object file " + base.resolve(p.object().get()) + " (program " + p.name() + ")"));
			}
		}
		return out;
	}

	/** The report as the JSON object this command has always printed (no maps). */
	private static Map<String, Object> report(RunReport r) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("topology", r.topology());
		out.put("seed", r.seed());
		out.put("simulatedNs", r.simulatedNs());
		Map<String, Object> packets = new LinkedHashMap<>();
		packets.put("sent", r.packets().sent());
		packets.put("delivered", r.packets().delivered());
		packets.put("dropped", r.packets().dropped());
		packets.put("left", r.packets().left());
		packets.put("inFlight", r.packets().inFlight());
		out.put("packets", packets);
		List<Object> flows = new ArrayList<>();
		for (RunReport.Flow f : r.flows()) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("name", f.name());
			m.put("kind", f.kind());
			Map<String, Object> lat = new LinkedHashMap<>();
			lat.put("count", f.latencyNs().count());
			lat.put("p50", f.latencyNs().p50());
			lat.put("p99", f.latencyNs().p99());
			lat.put("max", f.latencyNs().max());
			m.put("latencyNs", lat);
			if (f.transactions() != null) {
				m.put("transactions", f.transactions());
				m.put("transactionsPerSec", f.transactionsPerSec());
			}
			else if (f.sent() != null) {
				m.put("sent", f.sent());
				m.put("received", f.received());
				m.put("throughputBps", f.throughputBps());
			}
			flows.add(m);
		}
		out.put("flows", flows);
		out.put("accountedNs", r.accountedNs());
		List<Object> cpus = new ArrayList<>();
		for (RunReport.CpuTime c : r.cpus()) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("cpu", c.cpu());
			m.put("id", c.id());
			m.put("processNs", c.processNs());
			m.put("hardirqNs", c.hardirqNs());
			m.put("softirqNs", c.softirqNs());
			m.put("ksoftirqdNs", c.ksoftirqdNs());
			m.put("idleNs", c.idleNs());
			m.put("byTask", c.byTask());
			cpus.add(m);
		}
		out.put("cpus", cpus);
		out.put("traceEvents", r.traceEvents());
		out.put("traceSha256", r.traceSha256());
		List<Object> maps = new ArrayList<>();
		for (RunReport.MapDump d : r.maps()) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("node", d.node());
			m.put("object", d.object());
			m.put("name", d.name());
			m.put("type", d.type());
			m.put("size", d.size());
			m.put("maxEntries", d.maxEntries());
			List<Object> entries = new ArrayList<>();
			for (RunReport.MapEntryHex e : d.entries()) {
				Map<String, Object> kv = new LinkedHashMap<>();
				kv.put("key", e.key());
				kv.put("value", (e.values().size() == 1) ? e.values().get(0) : e.values());
				entries.add(kv);
			}
			m.put("entries", entries);
			m.put("truncated", d.truncated());
			maps.add(m);
		}
		out.put("maps", maps);
		return out;
	}

	@SuppressWarnings("unchecked")
	private static void printText(Map<String, Object> out) {
		System.out.printf("%s, seed %s: %s ns simulated%n", out.get("topology"), out.get("seed"),
				out.get("simulatedNs"));
		Map<String, Object> p = (Map<String, Object>) out.get("packets");
		System.out.printf("packets: %s sent, %s delivered, dropped %s, %s left the topology, %s in flight%n",
				p.get("sent"), p.get("delivered"), p.get("dropped"), p.get("left"), p.get("inFlight"));
		for (Object o : (List<Object>) out.get("flows")) {
			Map<String, Object> f = (Map<String, Object>) o;
			Map<String, Object> lat = (Map<String, Object>) f.get("latencyNs");
			String rate = f.containsKey("transactionsPerSec")
					? String.format("%.0f transactions/s", (Double) f.get("transactionsPerSec"))
					: String.format("%.3f Mbit/s", (Double) f.get("throughputBps") / 1e6);
			System.out.printf("flow %s (%s): %s samples, p50 %s ns, p99 %s ns, max %s ns, %s%n", f.get("name"),
					f.get("kind"), lat.get("count"), lat.get("p50"), lat.get("p99"), lat.get("max"), rate);
		}
		for (Object o : (List<Object>) out.get("cpus")) {
			Map<String, Object> c = (Map<String, Object>) o;
			System.out.printf("%-14s process %s ns, hardirq %s ns, softirq %s ns, ksoftirqd %s ns, idle %s ns%n",
					c.get("cpu"), c.get("processNs"), c.get("hardirqNs"), c.get("softirqNs"), c.get("ksoftirqdNs"),
					c.get("idleNs"));
		}
		for (Object o : (List<Object>) out.get("maps")) {
			Map<String, Object> m = (Map<String, Object>) o;
			List<Object> entries = (List<Object>) m.get("entries");
			// .rodata/.data/.bss are the object's globals: in the JSON only
			if (entries.isEmpty() || String.valueOf(m.get("name")).startsWith(".")) {
				continue;
			}
			System.out.printf("map %s %s (%s, %s entries):", m.get("node"), m.get("name"), m.get("object"),
					m.get("size"));
			int shown = 0;
			for (Object e : entries) {
				if (shown++ == 8) {
					System.out.print(" ...");
					break;
				}
				Map<String, Object> kv = (Map<String, Object>) e;
				System.out.print(" " + kv.get("key") + "=" + kv.get("value"));
			}
			System.out.println();
		}
		System.out.println("trace sha256 " + out.get("traceSha256") + " (" + out.get("traceEvents") + " events)");
	}

}
