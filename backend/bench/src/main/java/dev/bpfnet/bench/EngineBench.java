package dev.bpfnet.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.hook.ExecMode;
import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import dev.bpfnet.engine.topology.NamespaceRef;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.Traffic;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.QueueDepthRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Emulated packets per second through the whole engine on the veth pod-egress path
 * (datapath.md §6 A: pod task {@code udp_sendmsg} → {@code veth_xmit} → backlog →
 * {@code NET_RX} softirq → tcx ingress {@code bpf_redirect} → NIC qdisc → TX ring →
 * wire), with recording on (every standard recorder of a run: {@link PathRecorder},
 * {@link QueueDepthRecorder}, {@link DropCounter} and {@link TraceHasher} behind a
 * {@link Tee}, plus the engine's CPU accounting and latency recorder, which are always
 * on) and off ({@link TraceSink#NONE}), in the same run, on one thread.
 *
 * <p>
 * <b>Workload.</b> node1 (2 CPUs) has pod1 behind a veth pair; lxc0's tcx ingress
 * redirects to eth0 (fq_codel, 25 Gbit/s). A constant-rate UDP flow of {@value #RATE_PPS}
 * packets/s (64-byte payload) runs from pod1 on CPU 0 to 192.0.2.2, owned by a second,
 * idle node; eth0 has no wire, so frames leave into nothing and the receive side costs
 * nothing. One operation runs {@value #OP_NS} ns of simulated time, i.e.
 * {@value #PACKETS_PER_OP} packets, so the primary score is packets/s; the {@code events}
 * auxiliary counter gives trace events per second (the same events are emitted with
 * recording off, they are just not stored). The engine (and its recorder) is rebuilt when
 * the recorder holds {@value #RESET_STEPS} steps, amortised like {@code TraceBench}. The
 * recorder's storage per step is printed at the end of each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class EngineBench {

	/** The flow's rate: well under what one CPU sustains on this path. */
	static final long RATE_PPS = 200_000;

	/** Simulated time per operation. */
	static final long OP_NS = 10_000_000;

	static final int PACKETS_PER_OP = (int) (RATE_PPS * OP_NS / 1_000_000_000L);

	static final int RESET_STEPS = 1 << 22;

	private static final Path NO_OBJECTS = Path.of(".");

	private static final String POD_MAC = "02:00:00:00:02:02";

	private static final String LXC_MAC = "02:00:00:00:01:01";

	/** Counters reported as rates next to the primary packets/s score. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Counts {

		/** Frames that left eth0. */
		public long packets;

		/** Trace events emitted. */
		public long events;

		@Setup(Level.Iteration)
		public void clear() {
			this.packets = 0;
			this.events = 0;
		}

	}

	/** The pod-egress topology with its flow. */
	static TopologyDocument topology() {
		return Topology.builder()
			.name("bench-veth-egress")
			.seed(1)
			.node("node1", n -> n.cpus(2)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0",
							nic -> nic.address("192.0.2.1/24")
								.mac("02:00:00:00:00:01")
								.rate("25Gbit")
								.qdisc(NicDevice.Qdisc.FQ_CODEL))
					.veth("lxc0", v -> v.mac(LXC_MAC)
						.rxDelivery(VethDevice.RxDelivery.BACKLOG)
						.peer(new VethDevice.Peer("pod1", "eth0", List.of(IpPrefix.of("10.244.1.10/32")),
								java.util.Optional.of(MacAddress.of(POD_MAC)), VethDevice.RxDelivery.BACKLOG, false)))
					.route("10.244.1.10/32", "lxc0")
					.route("0.0.0.0/0", "192.0.2.254", "eth0")
					.neighbour("10.244.1.10", POD_MAC, "lxc0")
					.neighbour("192.0.2.2", "02:00:00:00:00:02", "eth0"))
				.namespace("pod1", ns -> ns.route("0.0.0.0/0", "eth0").neighbour("192.0.2.2", LXC_MAC, "eth0")))
			.node("remote", n -> n.cpus(1)
				.namespace("host", ns -> ns.nic("eth0", nic -> nic.address("192.0.2.2/24").mac("02:00:00:00:00:02"))))
			// eth0 is ifindex 2 in host (lo = 1, then declared devices in order)
			.program(ProgramRef.asm("to-nic", """
					r1 = 2
					r2 = 0
					call 23
					exit
					"""))
			.attach("to-nic", "node1/host/lxc0", Attach.Hook.TCX_INGRESS)
			.traffic(new Traffic.ConstantRate("cbr", NamespaceRef.of("node1/pod1"), IpEndpoint.of("192.0.2.2:7000"), 64,
					Traffic.Rate.pps(RATE_PPS), OptionalLong.empty(), 0, 0))
			.build();
	}

	private TopologyDocument doc;

	private Engine on;

	private PathRecorder recorder;

	private TraceHasher hasher;

	private Engine off;

	private long offEventsPerPacket;

	@Setup
	public void setup() {
		this.doc = topology();
		this.off = new Engine(this.doc, NO_OBJECTS, options(TraceSink.NONE));
		// check the workload once: every packet leaves, nothing is dropped
		Engine probe = newRecordingEngine();
		probe.run(OP_NS);
		Datapath dp = probe.node("node1");
		if (dp.transmitted() < PACKETS_PER_OP - 1 || dp.dropped() != 0 || dp.sendErrors() != 0) {
			throw new IllegalStateException("workload not sustained: " + dp.transmitted() + " sent, " + dp.dropped()
					+ " dropped, " + dp.sendErrors() + " send errors in " + OP_NS + " ns");
		}
		this.offEventsPerPacket = Math.round((double) this.hasher.events() / dp.transmitted());
		long busy = dp.accounting().busyNs(dp.cpus().cpu(0).id());
		System.out.printf(
				"%n[EngineBench] %d packets/op, %d events/packet, sender CPU %.1f%% busy, "
						+ "PathRecorder %.2f bytes/step (%d steps, %d bytes), trace hash input %.2f bytes/event%n",
				dp.transmitted(), this.offEventsPerPacket, 100.0 * busy / OP_NS, this.recorder.bytesPerStep(),
				this.recorder.size(), this.recorder.storageBytes(),
				(double) this.hasher.encodedBytes() / this.hasher.events());
		newRecordingEngine();
	}

	private static Datapath.Options options(TraceSink sink) {
		return new Datapath.Options(ExecMode.JIT, sink, SchedParams.defaults(), CostModel.defaults());
	}

	private Engine newRecordingEngine() {
		this.recorder = new PathRecorder();
		this.hasher = new TraceHasher();
		this.on = new Engine(this.doc, NO_OBJECTS,
				options(Tee.of(this.recorder, new QueueDepthRecorder(), new DropCounter(), this.hasher)));
		return this.on;
	}

	/** Packets of this iteration, for the CPU time per packet. */
	private long iterationPackets;

	private long processCpu0;

	private long threadCpu0;

	private long gcMillis0;

	/** Starts the CPU clocks of an iteration (on the benchmark thread). */
	@Setup(Level.Iteration)
	public void startClocks() {
		this.iterationPackets = 0;
		this.processCpu0 = processCpuNs();
		this.threadCpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
		this.gcMillis0 = gcMillis();
	}

	private static long processCpuNs() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static long gcMillis() {
		long ms = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			ms += Math.max(0, gc.getCollectionTime());
		}
		return ms;
	}

	@Benchmark
	@OperationsPerInvocation(PACKETS_PER_OP)
	public long recordingOn(Counts counts) {
		if (this.recorder.size() >= RESET_STEPS) {
			newRecordingEngine();
		}
		Datapath dp = this.on.nodes().get(0);
		long sent = dp.transmitted();
		long events = this.hasher.events();
		this.on.run(OP_NS);
		counts.packets += dp.transmitted() - sent;
		counts.events += this.hasher.events() - events;
		this.iterationPackets += dp.transmitted() - sent;
		return this.recorder.size();
	}

	@Benchmark
	@OperationsPerInvocation(PACKETS_PER_OP)
	public long recordingOff(Counts counts) {
		Datapath dp = this.off.nodes().get(0);
		long sent = dp.transmitted();
		this.off.run(OP_NS);
		long packets = dp.transmitted() - sent;
		counts.packets += packets;
		counts.events += packets * this.offEventsPerPacket;
		this.iterationPackets += packets;
		return packets;
	}

	/**
	 * Prints the CPU time per packet of the iteration: of the benchmark thread (time it
	 * actually ran, so other load on the machine does not count) and of the whole JVM
	 * (with GC and JIT threads), and the GC pause time.
	 */
	@TearDown(Level.Iteration)
	public void storage() {
		long n = Math.max(1, this.iterationPackets);
		double thread = (double) (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - this.threadCpu0) / n;
		double process = (double) (processCpuNs() - this.processCpu0) / n;
		System.out.printf(
				"%n[EngineBench] CPU per packet: thread %.0f ns (%.2f M packets/thread-CPU-s), "
						+ "JVM %.0f ns (%.2f M packets/CPU-s), GC pauses %d ms, %d packets%n",
				thread, 1e3 / thread, process, 1e3 / process, gcMillis() - this.gcMillis0, this.iterationPackets);
		if (this.recorder.size() > 0) {
			System.out.printf("%n[EngineBench] PathRecorder %.2f bytes/step (%d steps, %d bytes)%n",
					this.recorder.bytesPerStep(), this.recorder.size(), this.recorder.storageBytes());
		}
	}

}
