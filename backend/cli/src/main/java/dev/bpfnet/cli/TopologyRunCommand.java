package dev.bpfnet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.engine.capture.CaptureSession;
import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.hook.ProgramLoadException;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyValidator;
import dev.bpfnet.engine.topology.Units;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.traffic.TrafficPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bpfnet run TOPOLOGY.yaml}: builds the {@link Engine} of a topology document
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
		CaptureSession captureSession = new CaptureSession(captureRequest(), null);
		TraceHasher hasher = new TraceHasher();
		DropCounter drops = new DropCounter();
		long[] sent = new long[1];
		TraceSink counter = (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, verdict, drop) -> {
			if (fn == Function.UDP_SENDMSG) {
				sent[0]++;
			}
		};
		Engine engine;
		try {
			engine = new Engine(doc, base,
					Datapath.Options.of(Tee.of(hasher, drops, counter, captureSession.traceSink())));
			captureSession.attach(engine);
		}
		catch (ProgramLoadException ex) {
			return problems(List.of(Problem.at(programPath(doc, ex.program()), ex.getMessage())));
		}
		catch (IllegalArgumentException ex) {
			return problems(List.of(Problem.at("", ex.getMessage())));
		}
		engine.run(durationNs);
		captureSession.close();
		Map<String, Object> out = report(engine, doc, durationNs, sent[0], drops, hasher);
		if (this.json) {
			System.out.println(JsonMapper.builder().build().writeValueAsString(out));
		}
		else {
			printText(out);
		}
		return 0;
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

	private static int problems(List<Problem> problems) {
		for (Problem p : problems) {
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

	private static Map<String, Object> report(Engine engine, TopologyDocument doc, long durationNs, long sent,
			DropCounter drops, TraceHasher hasher) {
		long elapsed = engine.simulator().now();
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("topology", doc.name());
		out.put("seed", doc.seed());
		out.put("simulatedNs", elapsed);
		long delivered = 0;
		for (Datapath dp : engine.nodes()) {
			delivered += dp.delivered();
		}
		Map<String, Object> packets = new LinkedHashMap<>();
		packets.put("sent", sent);
		packets.put("delivered", delivered);
		Map<String, Long> byReason = new TreeMap<>();
		for (Map.Entry<DropReason, Long> e : drops.byReason().entrySet()) {
			byReason.put(e.getKey().name(), e.getValue());
		}
		packets.put("dropped", byReason);
		out.put("packets", packets);
		List<Object> flows = new ArrayList<>();
		for (TrafficPlan.Flow f : engine.plan().flows()) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("name", f.traffic().name());
			m.put("kind", f.traffic().kind());
			LatencyRecorder.LatencySummary s = engine.latency().summary(f.flowId());
			Map<String, Object> lat = new LinkedHashMap<>();
			lat.put("count", s.count());
			lat.put("p50", s.p50Ns());
			lat.put("p99", s.p99Ns());
			lat.put("max", s.maxNs());
			m.put("latencyNs", lat);
			if (f instanceof TrafficPlan.RequestResponseFlow rr) {
				m.put("transactions", rr.client().transactions());
				m.put("transactionsPerSec", rr.client().transactions() * 1e9 / Math.max(1, elapsed));
			}
			else if (f instanceof TrafficPlan.UdpFlow u) {
				m.put("sent", u.source().sent());
				m.put("received", u.sink().received());
				m.put("throughputBps", u.sink().receivedBytes() * 8e9 / Math.max(1, elapsed));
			}
			flows.add(m);
		}
		out.put("flows", flows);
		// chains that started before the end run to completion: account up to the last
		// one
		long accounted = elapsed;
		for (int c = 0; c < engine.accounting().cpus(); c++) {
			accounted = Math.max(accounted, engine.accounting().chargedUntilNs(c));
		}
		out.put("accountedNs", accounted);
		out.put("cpus", cpus(engine, accounted));
		out.put("traceEvents", hasher.events());
		out.put("traceSha256", hasher.hex());
		return out;
	}

	private static List<Object> cpus(Engine engine, long elapsed) {
		CpuAccounting acc = engine.accounting();
		Names names = engine.names();
		List<Object> out = new ArrayList<>();
		for (Datapath dp : engine.nodes()) {
			for (int c = 0; c < dp.cpus().size(); c++) {
				int id = dp.cpus().cpu(c).id();
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("cpu", names.name(Names.Kind.CPU, id));
				m.put("id", id);
				m.put("processNs", acc.contextNs(id, Context.TASK));
				m.put("hardirqNs", acc.contextNs(id, Context.HARDIRQ));
				m.put("softirqNs", acc.contextNs(id, Context.SOFTIRQ));
				m.put("ksoftirqdNs", acc.contextNs(id, Context.KSOFTIRQD));
				m.put("idleNs", acc.idleNs(id, elapsed));
				Map<String, Long> byTask = new TreeMap<>();
				for (int t : acc.taskIds(id)) {
					byTask.put(names.name(Names.Kind.TASK, t), acc.taskNs(id, t));
				}
				m.put("byTask", byTask);
				out.add(m);
			}
		}
		return out;
	}

	@SuppressWarnings("unchecked")
	private static void printText(Map<String, Object> out) {
		System.out.printf("%s, seed %s: %s ns simulated%n", out.get("topology"), out.get("seed"),
				out.get("simulatedNs"));
		Map<String, Object> p = (Map<String, Object>) out.get("packets");
		System.out.printf("packets: %s sent, %s delivered, dropped %s%n", p.get("sent"), p.get("delivered"),
				p.get("dropped"));
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
		System.out.println("trace sha256 " + out.get("traceSha256") + " (" + out.get("traceEvents") + " events)");
	}

}
