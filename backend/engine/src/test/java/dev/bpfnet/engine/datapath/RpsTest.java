package dev.bpfnet.engine.datapath;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.SoftnetData;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.Sysctl;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;

import static dev.bpfnet.engine.trace.Context.HARDIRQ;
import static dev.bpfnet.engine.trace.Context.SOFTIRQ;
import static dev.bpfnet.engine.trace.Context.TASK;
import static dev.bpfnet.engine.trace.Function.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receive Packet Steering (datapath.md §2.2, Documentation/networking/scaling.rst):
 * {@code rps_cpus} on a device's receive queue, {@code get_rps_cpu} by flow hash,
 * {@code enqueue_to_backlog} on the chosen CPU, the IPI from the end of the sender's
 * {@code net_rx_action} and the remote CPU's own NET_RX softirq.
 */
class RpsTest {

	private static final int SENDER = 1;

	private static final long T0 = 1_000;

	private static final String HOST_LOCAL = "192.0.2.1:9";

	/** (function, context, queue, CPU index) of one step. */
	record CHop(Function fn, Context ctx, int queue, int cpu) {

		@Override
		public String toString() {
			return this.fn.kernelName() + "[" + this.ctx + (this.queue >= 0 ? " q" + this.queue : "") + " cpu"
					+ this.cpu + "]";
		}

	}

	/**
	 * A 4-CPU node: host eth0 (NIC) and lxc0 (veth, RPS to {@code rps}, the end that
	 * receives pod egress); pod1 eth0 its peer, with static neighbours for the host
	 * address and the NIC's network.
	 */
	static TopologyDocument pod(Sysctl sysctl, int... rps) {
		return Topology.builder()
			.name("rps")
			.seed(3)
			.node("node1", n -> n.cpus(4)
				.sysctl(sysctl)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0", nic -> nic.address("192.0.2.1/24").rate("25Gbit").qdisc(NicDevice.Qdisc.PFIFO_FAST))
					.veth("lxc0",
							v -> v.mac("02:00:00:00:01:01")
								.rpsCpus(rps)
								.peer(new VethDevice.Peer("pod1", "eth0", List.of(IpPrefix.of("10.244.1.10/32")),
										java.util.Optional.of(MacAddress.of("02:00:00:00:02:02")),
										VethDevice.RxDelivery.BACKLOG, false)))
					.route("10.244.1.10/32", "lxc0"))
				.namespace("pod1",
						ns -> ns.route("0.0.0.0/0", "eth0").neighbour("192.0.2.1", "02:00:00:00:01:01", "eth0")))
			.build();
	}

	private static List<CHop> chops(Datapath dp, PathRecorder rec) {
		List<CHop> out = new ArrayList<>();
		for (Step s : Labs.steps(rec)) {
			if (s.fn() != SCHEDULE && s.fn() != TRY_TO_WAKE_UP) {
				out.add(new CHop(s.fn(), s.ctx(), s.queueId(), s.cpu() - dp.cpus().cpu(0).id()));
			}
		}
		return out;
	}

	private static CHop h(Function fn, Context ctx, int queue, int cpu) {
		return new CHop(fn, ctx, queue, cpu);
	}

	private static int backlog(Datapath dp, int cpu) {
		return dp.cpus().cpu(cpu).softnet().queueId();
	}

	@Test
	void aPacketSteeredToAnotherCpuIsQueuedThereAndProcessedInThatCpusSoftirqAfterTheIpi() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(Sysctl.DEFAULTS, 2), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", HOST_LOCAL, 64, SENDER, T0);
		dp.run(1_000_000);
		int b2 = backlog(dp, 2);
		int none = TraceSink.NO_ID;
		assertThat(chops(dp, rec)).containsExactly(h(UDP_SENDMSG, TASK, none, 1), h(IP_OUTPUT, TASK, none, 1),
				h(IP_FINISH_OUTPUT2, TASK, none, 1), h(NEIGH_OUTPUT, TASK, none, 1), h(DEV_QUEUE_XMIT, TASK, none, 1),
				h(VETH_XMIT, TASK, none, 1), h(DEV_FORWARD_SKB, TASK, none, 1), h(NETIF_RX_UNLOCKED, TASK, none, 1),
				h(NETIF_RX_INTERNAL, TASK, b2, 1), h(ENQUEUE_TO_BACKLOG, TASK, b2, 1),
				h(NAPI_SCHEDULE_RPS, TASK, b2, 1), h(LOCAL_BH_ENABLE, TASK, none, 1), h(DO_SOFTIRQ, SOFTIRQ, none, 1),
				h(NET_RX_ACTION, SOFTIRQ, none, 1), h(NET_RPS_SEND_IPI, SOFTIRQ, b2, 1),
				// CPU 2, idle until the IPI
				h(IRQ_HANDLER, HARDIRQ, none, 2), h(NAPI_SCHEDULE, HARDIRQ, b2, 2), h(IRQ_EXIT, HARDIRQ, none, 2),
				h(DO_SOFTIRQ, SOFTIRQ, none, 2), h(NET_RX_ACTION, SOFTIRQ, none, 2), h(PROCESS_BACKLOG, SOFTIRQ, b2, 2),
				h(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, none, 2), h(IP_RCV, SOFTIRQ, none, 2),
				h(IP_LOCAL_DELIVER, SOFTIRQ, none, 2), h(UDP_RCV, SOFTIRQ, none, 2), h(CONSUME_SKB, SOFTIRQ, none, 2));
		List<Step> steps = Labs.steps(rec);
		Step sent = steps.stream().filter(s -> s.fn() == NET_RPS_SEND_IPI).findFirst().orElseThrow();
		Step irq = steps.stream().filter(s -> s.fn() == IRQ_HANDLER).findFirst().orElseThrow();
		SchedParams p = dp.cpus().params();
		assertThat(irq.timeNs()).as("IPI delivery, then the idle CPU's exit latency")
			.isEqualTo(sent.timeNs() + p.ipiDeliveryNs() + p.idleExitNs());
		SoftnetData sd1 = dp.cpus().cpu(SENDER).softnet();
		SoftnetData sd2 = dp.cpus().cpu(2).softnet();
		assertThat(sd1.enqueued()).isZero();
		assertThat(sd2.enqueued()).isEqualTo(1);
		assertThat(sd2.processed()).isEqualTo(1);
		assertThat(sd2.receivedRps()).isEqualTo(1);
		assertThat(dp.delivered("host", HOST_LOCAL)).isEqualTo(1);
		int cpu2 = dp.cpus().cpu(2).id();
		assertThat(dp.accounting().contextNs(cpu2, HARDIRQ)).as("rps_trigger_softirq")
			.isEqualTo(dp.costs().cost(dev.bpfnet.engine.cost.CostModel.Id.RPS_TRIGGER_SOFTIRQ));
		assertThat(dp.accounting().contextNs(cpu2, SOFTIRQ)).isPositive();
		dp.accounting().verify(1_000_000);
	}

	@Test
	void aMaskWithOnlyTheSendingCpuEnqueuesLocallyWithoutAnIpi() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(Sysctl.DEFAULTS, SENDER), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", HOST_LOCAL, 64, SENDER, T0);
		dp.run(1_000_000);
		int b1 = backlog(dp, SENDER);
		assertThat(chops(dp, rec)).containsSubsequence(h(NETIF_RX_INTERNAL, TASK, b1, 1),
				h(ENQUEUE_TO_BACKLOG, TASK, b1, 1), h(NAPI_SCHEDULE_RPS, TASK, b1, 1),
				h(PROCESS_BACKLOG, SOFTIRQ, b1, 1));
		assertThat(chops(dp, rec)).extracting(CHop::fn).doesNotContain(NET_RPS_SEND_IPI, IRQ_HANDLER);
		assertThat(chops(dp, rec)).extracting(CHop::cpu).containsOnly(SENDER);
		assertThat(dp.delivered("host", HOST_LOCAL)).isEqualTo(1);
	}

	@Test
	void aBurstToOneRemoteCpuSendsOneIpiAndOverflowsItsBacklogFromPacketMaxPlus2() {
		Sysctl d = Sysctl.DEFAULTS;
		Sysctl small = new Sysctl(10, d.netdevBudget(), d.netdevBudgetUsecs(), d.devWeight(), d.softirqRestartLimit(),
				d.softirqTimeLimitNs(), d.softirqPolicy());
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(small, 3), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdpBurst("pod1", HOST_LOCAL, 32, 20, SENDER, T0);
		dp.run(10_000_000);
		List<Step> steps = Labs.steps(rec);
		int b3 = backlog(dp, 3);
		List<Step> enq = steps.stream().filter(s -> s.fn() == ENQUEUE_TO_BACKLOG).toList();
		assertThat(enq).hasSize(20);
		assertThat(enq).extracting(Step::queueId).containsOnly(b3);
		assertThat(enq).extracting(s -> s.cpu() - dp.cpus().cpu(0).id()).containsOnly(SENDER);
		List<Step> drops = steps.stream().filter(s -> s.fn() == KFREE_SKB_REASON).toList();
		// the input queue takes netdev_max_backlog + 1 = 11; packets 12..20 are dropped
		assertThat(drops).hasSize(9);
		assertThat(drops).extracting(Step::drop).containsOnly(DropReason.CPU_BACKLOG);
		assertThat(drops.get(0).skbId()).isEqualTo(enq.get(0).skbId() + 11);
		assertThat(drops).extracting(Step::ctx).containsOnly(TASK);
		assertThat(steps).filteredOn(s -> s.fn() == NET_RPS_SEND_IPI).hasSize(1);
		assertThat(steps).filteredOn(s -> s.fn() == IRQ_HANDLER).hasSize(1);
		SoftnetData sd3 = dp.cpus().cpu(3).softnet();
		assertThat(sd3.dropped()).isEqualTo(9);
		assertThat(sd3.processed()).isEqualTo(11);
		assertThat(dp.delivered("host", HOST_LOCAL)).isEqualTo(11);
		assertThat(dp.dropped()).isEqualTo(9);
	}

	@Test
	void flowsSpreadOverTheMaskAndEachFlowStaysOnOneCpu() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(Sysctl.DEFAULTS, 0, 1, 2, 3), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		int flows = 64;
		for (int k = 0; k < flows; k++) {
			for (int rep = 0; rep < 2; rep++) {
				dp.sendUdp("pod1", "192.0.2.1:" + (5000 + k), 32, SENDER, T0 + (2L * k + rep) * 50_000);
			}
		}
		dp.run(20_000_000);
		long total = 0;
		for (int c = 0; c < 4; c++) {
			long n = dp.cpus().cpu(c).softnet().processed();
			assertThat(n).as("cpu %d got some of the %d flows", c, flows).isPositive();
			total += n;
		}
		assertThat(total).isEqualTo(2L * flows);
		// both datagrams of a flow were queued on the same backlog
		List<Step> enq = Labs.steps(rec).stream().filter(s -> s.fn() == ENQUEUE_TO_BACKLOG).toList();
		assertThat(enq).hasSize(2 * flows);
		for (int k = 0; k < flows; k++) {
			assertThat(enq.get(2 * k + 1).queueId()).as("flow %d", k).isEqualTo(enq.get(2 * k).queueId());
		}
		for (int k = 0; k < flows; k++) {
			assertThat(dp.delivered("host", "192.0.2.1:" + (5000 + k))).isEqualTo(2);
		}
	}

	@Test
	void nicReceiveWithRpsQueuesEveryPacketOnTheChosenBacklogEvenTheIrqCpusOwn() {
		TopologyDocument doc = Topology.builder()
			.name("rps-nic")
			.seed(5)
			.node("node1",
					n -> n.cpus(4)
						.namespace("host",
								ns -> ns.nic("eth0",
										nic -> nic.address("192.0.2.1/24")
											.mac(EnginePathsTest.NODE1_MAC)
											.rate("25Gbit")
											.irqCpu(0)
											.rpsCpus(0))))
			.node("remote",
					n -> n.cpus(2)
						.namespace("host", ns -> ns
							.nic("eth0",
									nic -> nic.address("192.0.2.2/24").mac(EnginePathsTest.REMOTE_MAC).rate("25Gbit"))
							.neighbour("192.0.2.1", EnginePathsTest.NODE1_MAC, "eth0")))
			.wire("node1/host/eth0", "remote/host/eth0", "2us")
			.build();
		PathRecorder rec = new PathRecorder();
		Engine e = new Engine(doc, Labs.OBJECTS, Datapath.Options.of(rec));
		e.node("remote").sendUdp("host", "192.0.2.1:9", 64, 0, 1_000);
		e.runUntil(1_000_000);
		Datapath node1 = e.node("node1");
		int b0 = node1.cpus().cpu(0).softnet().queueId();
		List<Step> rx = Labs.steps(rec)
			.stream()
			.filter(s -> s.cpu() == node1.cpus().cpu(0).id() && s.skbId() != TraceSink.NO_SKB)
			.toList();
		assertThat(rx).extracting(Step::fn, Step::ctx, Step::queueId)
			.containsSubsequence(org.assertj.core.groups.Tuple.tuple(NETIF_RECEIVE_SKB_LIST, SOFTIRQ, b0),
					org.assertj.core.groups.Tuple.tuple(ENQUEUE_TO_BACKLOG, SOFTIRQ, b0),
					org.assertj.core.groups.Tuple.tuple(NAPI_SCHEDULE_RPS, SOFTIRQ, b0),
					org.assertj.core.groups.Tuple.tuple(PROCESS_BACKLOG, SOFTIRQ, b0),
					org.assertj.core.groups.Tuple.tuple(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, TraceSink.NO_ID),
					org.assertj.core.groups.Tuple.tuple(UDP_RCV, SOFTIRQ, TraceSink.NO_ID));
		assertThat(node1.cpus().cpu(0).softnet().processed()).isEqualTo(1);
		assertThat(node1.delivered("host", "192.0.2.1:9")).isEqualTo(1);
	}

}
