package dev.bpfnet.engine.fidelity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.traffic.TrafficPlan;
import dev.bpfnet.engine.hook.ExecMode;

/**
 * The calibration scenarios of issue 3 and their runs: emulated versus published numbers,
 * with the default cost table and the default scheduling model (softirq policy from the
 * topology's sysctls). Nothing is fitted per scenario: every scenario runs with the same
 * {@link SchedParams}, see {@link #schedParams()}.
 */
public final class Fidelity {

	/** {@code BPF_FUNC_redirect}. */
	public static final int HELPER_REDIRECT = 23;

	/** {@code BPF_FUNC_redirect_peer}. */
	public static final int HELPER_REDIRECT_PEER = 155;

	/** Round trips per TCP_RR run. */
	public static final int TRANSACTIONS = 2_000;

	/** Simulated time budget per run (runs end earlier when their traffic is done). */
	public static final long RUN_NS = 2_000_000_000L;

	/** CPU time per step of the busy netperf-like task sharing the pod's CPU. */
	public static final long BUSY_STEP_NS = 2_000;

	/** 9aa1206e8f48 commit message, TCP_RR pod to remote pod, 4 flows (costs.md §1). */
	public static final String TCP_RR_SOURCE = "9aa1206e8f48 (bpf_redirect vs bpf_redirect_peer, TCP_RR)";

	/**
	 * Kotodian/netkit-driver README, iperf3 container to container (datapath.md §3.2).
	 */
	public static final String EGRESS_SOURCE = "Kotodian/netkit-driver iperf3 (third-party)";

	/** UDP datagrams per stream in a pod-egress run. */
	public static final int EGRESS_PACKETS_PER_STREAM = 4_000;

	/**
	 * Offered rate per stream, above what one CPU can send, so each sender is CPU-bound.
	 */
	public static final String EGRESS_RATE = "2mpps";

	/** Datagram size of the pod-egress streams (a 1500-byte MTU frame). */
	public static final int EGRESS_SIZE = 1_400;

	/** The scenarios, in report order. */
	public static final List<Scenario> SCENARIOS = List.of(
			new Scenario("tcp-rr-mean", TCP_RR_SOURCE + " RT_LATENCY", "us", 122.45, 44.449, Scenario.DEFAULT_BAND),
			new Scenario("tcp-rr-min", TCP_RR_SOURCE + " MIN_LATENCY", "us", 46.5, 33.5, Scenario.DEFAULT_BAND),
			new Scenario("tcp-rr-p50", TCP_RR_SOURCE + " P50_LATENCY", "us", 118.5, 43.25, Scenario.DEFAULT_BAND),
			new Scenario("tcp-rr-p99", TCP_RR_SOURCE + " P99_LATENCY", "us", 130.75, 52.75, Scenario.DEFAULT_BAND),
			new Scenario("pod-egress-1-stream", EGRESS_SOURCE + ", 1 stream (bpfnet vs veth)", "Gbit/s", 75.21, 65.98,
					Scenario.DEFAULT_BAND),
			new Scenario("pod-egress-4-streams", EGRESS_SOURCE + ", 4 streams (bpfnet vs veth)", "Gbit/s", 146.56,
					117.10, Scenario.DEFAULT_BAND));

	private Fidelity() {
	}

	/**
	 * The one scheduling model every scenario runs with: the engine defaults. This is the
	 * only place a fitted parameter could enter; none is fitted.
	 * @return {@link SchedParams#defaults()}
	 */
	public static SchedParams schedParams() {
		return SchedParams.defaults();
	}

	/**
	 * Runs every scenario.
	 * @param seed the seed written into every topology
	 * @return one result per {@link #SCENARIOS} entry, same order
	 */
	public static List<Result> runAll(long seed) {
		List<Result> out = new ArrayList<>();
		LatencyRecorder.LatencySummary slow = tcpRr(seed, HELPER_REDIRECT, TraceSink.NONE).latency;
		LatencyRecorder.LatencySummary fast = tcpRr(seed, HELPER_REDIRECT_PEER, TraceSink.NONE).latency;
		String note = TRANSACTIONS + " round trips each, remote host -> node1 NIC -> pod1, busy task on the pod's CPU";
		out.add(new Result(SCENARIOS.get(0), slow.meanNs() / 1e3, fast.meanNs() / 1e3, note));
		out.add(new Result(SCENARIOS.get(1), slow.minNs() / 1e3, fast.minNs() / 1e3, note));
		out.add(new Result(SCENARIOS.get(2), slow.p50Ns() / 1e3, fast.p50Ns() / 1e3, note));
		out.add(new Result(SCENARIOS.get(3), slow.p99Ns() / 1e3, fast.p99Ns() / 1e3, note));
		for (int i = 0; i < 2; i++) {
			int streams = i == 0 ? 1 : 4;
			try {
				EgressRun bpfnet = podEgress(seed, true, streams, TraceSink.NONE);
				EgressRun veth = podEgress(seed, false, streams, TraceSink.NONE);
				out.add(new Result(SCENARIOS.get(4 + i), bpfnet.packetsPerCpuSecond(), veth.packetsPerCpuSecond(),
						"emulated: datagrams delivered to the remote per second of node1 CPU (" + streams + " x "
								+ EGRESS_PACKETS_PER_STREAM + " datagrams of " + EGRESS_SIZE + " B)"));
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				// an engine failure is reported as a miss, never hidden
				out.add(new Result(SCENARIOS.get(4 + i), Double.NaN, Double.NaN,
						"run failed in the engine: " + ex.getMessage()));
			}
		}
		return List.copyOf(out);
	}

	/** A finished TCP_RR run. */
	public record RrRun(Engine engine, LatencyRecorder.LatencySummary latency, long transactions) {
	}

	/**
	 * The TCP_RR topology ({@code fidelity/tcp-rr.yaml}) with the given NIC ingress
	 * helper.
	 * @param seed the seed
	 * @param helper {@link #HELPER_REDIRECT} or {@link #HELPER_REDIRECT_PEER}
	 * @return the document
	 */
	public static TopologyDocument tcpRrTopology(long seed, int helper) {
		if (helper != HELPER_REDIRECT && helper != HELPER_REDIRECT_PEER) {
			throw new IllegalArgumentException("helper must be 23 (redirect) or 155 (redirect_peer), was " + helper);
		}
		String text = resource("tcp-rr.yaml").replace("${HELPER}", Integer.toString(helper))
			.replace("${TRANSACTIONS}", Integer.toString(TRANSACTIONS))
			.replace("seed: 1", "seed: " + seed);
		return TopologyParser.parse(text, Format.YAML);
	}

	/**
	 * Runs the TCP_RR scenario once.
	 * @param seed the seed
	 * @param helper {@link #HELPER_REDIRECT} or {@link #HELPER_REDIRECT_PEER}
	 * @param sink trace sink
	 * @return the run
	 */
	public static RrRun tcpRr(long seed, int helper, TraceSink sink) {
		return tcpRr(seed, helper, sink, schedParams());
	}

	/**
	 * Runs the TCP_RR scenario once with other scheduling parameters (for exploring what
	 * a fitted parameter would do; {@link #runAll} never uses it).
	 * @param seed the seed
	 * @param helper {@link #HELPER_REDIRECT} or {@link #HELPER_REDIRECT_PEER}
	 * @param sink trace sink
	 * @param sched scheduling parameters (the topology's sysctls still set the policy)
	 * @return the run
	 */
	public static RrRun tcpRr(long seed, int helper, TraceSink sink, SchedParams sched) {
		Engine e = new Engine(tcpRrTopology(seed, helper), Path.of("."),
				new Datapath.Options(ExecMode.INTERPRETER, sink, sched, CostModel.defaults()));
		CpuSet cpus = e.cpus("node1");
		cpus.wake(cpus.createTask(1, "netperf-busy", Fidelity::busyStep));
		e.run(RUN_NS);
		TrafficPlan.RequestResponseFlow rr = (TrafficPlan.RequestResponseFlow) e.plan().flows().get(0);
		return new RrRun(e, e.latency().summary(rr.flowId()), rr.client().transactions());
	}

	/**
	 * A finished pod-egress run.
	 *
	 * @param engine the engine
	 * @param transmitted packets transmitted by node1's devices
	 * @param cpuNs node1 CPU time (all contexts)
	 */
	public record EgressRun(Engine engine, long transmitted, long cpuNs) {

		/**
		 * @return transmitted packets per second of node1 CPU
		 */
		public double packetsPerCpuSecond() {
			return this.cpuNs == 0 ? 0 : this.transmitted * 1e9 / this.cpuNs;
		}

	}

	/**
	 * The pod-egress topology ({@code fidelity/pod-egress.yaml}).
	 * @param seed the seed
	 * @param bpfnet bpfnet pair with a peer program, else veth with a tcx-ingress program
	 * on the host side
	 * @param streams UDP streams, one per CPU, 1 to 4
	 * @return the document
	 */
	public static TopologyDocument podEgressTopology(long seed, boolean bpfnet, int streams) {
		if (streams < 1 || streams > 4) {
			throw new IllegalArgumentException("streams must be 1..4, was " + streams);
		}
		String ind = "          ";
		String device = bpfnet
				? ind + "- name: nk0\n" + ind + "  kind: bpfnet\n" + ind + "  mode: l3\n" + ind + "  policy: pass\n"
						+ ind + "  peer_policy: drop\n" + ind
						+ "  peer: { namespace: pod1, name: eth0, addresses: [10.244.1.10/32] }"
				: ind + "- name: lxc0\n" + ind + "  kind: veth\n" + ind + "  mac: \"02:00:00:00:01:01\"\n" + ind
						+ "  rx_delivery: backlog\n" + ind
						+ "  peer: { namespace: pod1, name: eth0, addresses: [10.244.1.10/32], mac: \"02:00:00:00:02:02\" }";
		StringBuilder traffic = new StringBuilder();
		for (int i = 0; i < streams; i++) {
			traffic.append("  - { name: s")
				.append(i)
				.append(", kind: constant-rate, from: node1/pod1, to: 192.0.2.2:")
				.append(9000 + i)
				.append(", size: ")
				.append(EGRESS_SIZE)
				.append(", rate: ")
				.append(EGRESS_RATE)
				.append(", count: ")
				.append(EGRESS_PACKETS_PER_STREAM)
				.append(", cpu: ")
				.append(i)
				.append(" }\n");
		}
		String text = resource("pod-egress.yaml").replace("${DEVICE}", device)
			.replace("${HOSTDEV}", bpfnet ? "nk0" : "lxc0")
			.replace("${ATTACH}", bpfnet ? "node1/host/nk0, hook: peer" : "node1/host/lxc0, hook: tcx-ingress")
			.replace("${TRAFFIC}", traffic.toString())
			.replace("${STREAMS}", Integer.toString(streams))
			.replace("seed: 1", "seed: " + seed);
		return TopologyParser.parse(text, Format.YAML);
	}

	/**
	 * Runs a pod-egress throughput scenario once.
	 * @param seed the seed
	 * @param bpfnet bpfnet, else veth
	 * @param streams streams, 1 to 4
	 * @param sink trace sink
	 * @return the run
	 */
	public static EgressRun podEgress(long seed, boolean bpfnet, int streams, TraceSink sink) {
		Engine e = new Engine(podEgressTopology(seed, bpfnet, streams), Path.of("."),
				new Datapath.Options(ExecMode.INTERPRETER, sink, schedParams(), CostModel.defaults()));
		e.run(RUN_NS);
		CpuSet cpus = e.cpus("node1");
		long cpuNs = 0;
		for (int i = 0; i < cpus.size(); i++) {
			cpuNs += e.accounting().busyNs(cpus.cpu(i).id());
		}
		long delivered = 0;
		for (TrafficPlan.Flow f : e.plan().flows()) {
			delivered += ((TrafficPlan.UdpFlow) f).sink().received();
		}
		return new EgressRun(e, delivered, cpuNs);
	}

	private static long busyStep(Cpu cpu, dev.bpfnet.engine.cpu.Task task) {
		cpu.spendNs(BUSY_STEP_NS);
		return TaskBody.RUN_AGAIN;
	}

	static String resource(String name) {
		try (InputStream in = Fidelity.class.getResourceAsStream("/fidelity/" + name)) {
			if (in == null) {
				throw new IllegalStateException("missing resource /fidelity/" + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
