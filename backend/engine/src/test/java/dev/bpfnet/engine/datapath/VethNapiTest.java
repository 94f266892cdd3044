package dev.bpfnet.engine.datapath;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.ProgramRef;
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
 * veth NAPI/GRO mode (datapath.md §2.1): {@code veth_xmit} → {@code veth_xdp_rx} into the
 * receiving end's 256-entry {@code ptr_ring}, {@code __napi_schedule} on the sending CPU,
 * {@code veth_poll} in its NET_RX softirq with the NAPI budget of 64.
 */
class VethNapiTest {

	private static final int CPU = 1;

	private static final long T0 = 1_000;

	private static final String HOST_LOCAL = "192.0.2.1:9";

	/** (function, context, queue) of one step. */
	record QHop(Function fn, Context ctx, int queue) {

		@Override
		public String toString() {
			return this.fn.kernelName() + "[" + this.ctx + (this.queue >= 0 ? " q" + this.queue : "") + "]";
		}

	}

	/**
	 * host: eth0 (NIC) and lxc0 with {@code gro} as given (the end that receives pod
	 * egress); pod1: eth0, lxc0's peer. With {@code program}, a tcx-ingress program on
	 * lxc0 redirects to the NIC ({@code bpf_redirect(2, 0)}).
	 */
	static TopologyDocument pod(boolean gro, boolean program) {
		return pod(gro, program, dev.bpfnet.engine.topology.Sysctl.DEFAULTS);
	}

	static TopologyDocument pod(boolean gro, boolean program, dev.bpfnet.engine.topology.Sysctl sysctl) {
		Topology.Builder b = Topology.builder()
			.name("veth-napi")
			.seed(7)
			.node("node1", n -> n.cpus(2)
				.sysctl(sysctl)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0", nic -> nic.address("192.0.2.1/24").rate("25Gbit").qdisc(NicDevice.Qdisc.PFIFO_FAST))
					.veth("lxc0",
							v -> v.mac("02:00:00:00:01:01")
								.gro(gro)
								.peer(new VethDevice.Peer("pod1", "eth0", List.of(IpPrefix.of("10.244.1.10/32")),
										java.util.Optional.of(MacAddress.of("02:00:00:00:02:02")),
										VethDevice.RxDelivery.BACKLOG, false)))
					.route("10.244.1.10/32", "lxc0")
					.route("0.0.0.0/0", "192.0.2.254", "eth0")
					.neighbour("192.0.2.254", Labs.GATEWAY_MAC, "eth0")
					.neighbour("192.0.2.2", Labs.REMOTE_MAC, "eth0"))
				.namespace("pod1",
						ns -> ns.route("0.0.0.0/0", "eth0")
							.neighbour("192.0.2.2", "02:00:00:00:01:01", "eth0")
							.neighbour("192.0.2.1", "02:00:00:00:01:01", "eth0")));
		if (program) {
			b.program(ProgramRef.asm("to-nic", """
					r1 = 2
					r2 = 0
					call 23
					exit
					""")).attach("to-nic", "node1/host/lxc0", Attach.Hook.TCX_INGRESS);
		}
		return b.build();
	}

	private static List<QHop> qhops(PathRecorder rec) {
		List<QHop> out = new ArrayList<>();
		for (Step s : Labs.steps(rec)) {
			if (s.fn() != SCHEDULE && s.fn() != TRY_TO_WAKE_UP) {
				out.add(new QHop(s.fn(), s.ctx(), s.queueId()));
			}
		}
		return out;
	}

	private static QHop q(Function fn, Context ctx, int queue) {
		return new QHop(fn, ctx, queue);
	}

	@Test
	void aDatagramGoesThroughThePtrRingAndVethPollInTheSendersSoftirq() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(true, true), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", Labs.REMOTE, 64, CPU, T0);
		dp.run(1_000_000);
		NetDevice lxc0 = dp.device("node1/host/lxc0");
		NetDevice eth0 = dp.device("node1/host/eth0");
		int ring = lxc0.rq.queueId;
		int none = TraceSink.NO_ID;
		assertThat(qhops(rec)).containsExactly(q(UDP_SENDMSG, TASK, none), q(IP_OUTPUT, TASK, none),
				q(IP_FINISH_OUTPUT2, TASK, none), q(NEIGH_OUTPUT, TASK, none), q(DEV_QUEUE_XMIT, TASK, none),
				q(VETH_XMIT, TASK, none), q(DEV_FORWARD_SKB, TASK, none), q(VETH_XDP_RX, TASK, ring),
				q(NAPI_SCHEDULE, TASK, ring), q(LOCAL_BH_ENABLE, TASK, none), q(DO_SOFTIRQ, SOFTIRQ, none),
				q(NET_RX_ACTION, SOFTIRQ, none), q(VETH_POLL, SOFTIRQ, ring), q(NAPI_GRO_RECEIVE, SOFTIRQ, ring),
				q(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, none), q(TCX_INGRESS, SOFTIRQ, none),
				q(SKB_DO_REDIRECT, SOFTIRQ, none), q(BPF_TX_SKB, SOFTIRQ, none), q(DEV_QUEUE_XMIT, SOFTIRQ, none),
				q(DEV_XMIT_SKB, SOFTIRQ, none), q(SCH_DIRECT_XMIT, SOFTIRQ, eth0.qdiscQueueId),
				q(NDO_START_XMIT, SOFTIRQ, eth0.ringQueueId), q(PHY_TX, HARDIRQ, eth0.ringQueueId));
		List<Step> steps = Labs.steps(rec);
		int cpu = dp.cpus().cpu(CPU).id();
		assertThat(steps).filteredOn(s -> s.fn() != PHY_TX).extracting(Step::cpu).containsOnly(cpu);
		Step produced = steps.stream().filter(s -> s.fn() == VETH_XDP_RX).findFirst().orElseThrow();
		assertThat(produced.queueDepth()).isEqualTo(1);
		assertThat(produced.deviceId()).as("the skb is on the receiving end").isEqualTo(lxc0.id());
		Step poll = steps.stream().filter(s -> s.fn() == VETH_POLL).findFirst().orElseThrow();
		assertThat(poll.deviceId()).isEqualTo(lxc0.id());
		assertThat(poll.queueDepth()).isEqualTo(1);
		assertThat(dp.cpus().cpu(CPU).softnet().enqueued()).as("no backlog in NAPI mode").isZero();
		assertThat(dp.transmitted()).isEqualTo(1);
		assertThat(lxc0.rq.polls).isEqualTo(1);
		assertThat(lxc0.rq.scheduled).as("napi_complete_done cleared rx_notify_masked").isFalse();
		dp.accounting().verify(1_000_000);
	}

	@Test
	void withoutGroTheSameSendUsesTheBacklog() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(false, true), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", Labs.REMOTE, 64, CPU, T0);
		dp.run(1_000_000);
		assertThat(qhops(rec)).extracting(QHop::fn)
			.doesNotContain(VETH_XDP_RX, VETH_POLL, NAPI_GRO_RECEIVE)
			.containsSubsequence(VETH_XMIT, DEV_FORWARD_SKB, NETIF_RX_UNLOCKED, ENQUEUE_TO_BACKLOG, PROCESS_BACKLOG);
		assertThat(dp.device("node1/host/lxc0").rq).isNull();
		assertThat(dp.transmitted()).isEqualTo(1);
	}

	@Test
	void aBurstOverflowsTheRingFromEntry257AndTheSenderCountsTheDrops() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(true, false), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdpBurst("pod1", HOST_LOCAL, 32, 300, CPU, T0);
		dp.run(10_000_000);
		NetDevice lxc0 = dp.device("node1/host/lxc0");
		NetDevice pod = dp.device("node1/pod1/eth0");
		int ring = lxc0.rq.queueId;
		List<Step> steps = Labs.steps(rec);
		List<Step> produced = steps.stream().filter(s -> s.fn() == VETH_XDP_RX).toList();
		assertThat(produced).hasSize(300);
		assertThat(produced).extracting(Step::queueDepth)
			.as("the depth grows to 256 and stays there while the rest of the burst is refused")
			.startsWith(1, 2, 3)
			.containsOnlyOnce(256 - 1)
			.endsWith(256, 256);
		List<Step> drops = steps.stream().filter(s -> s.fn() == KFREE_SKB_REASON).toList();
		assertThat(drops).hasSize(300 - 256);
		assertThat(drops).extracting(Step::drop).containsOnly(DropReason.NOT_SPECIFIED);
		assertThat(drops).extracting(Step::queueId).containsOnly(ring);
		assertThat(drops).extracting(Step::ctx).containsOnly(TASK);
		// the first drop is the 257th datagram of the burst
		long firstSkb = produced.get(0).skbId();
		assertThat(drops.get(0).skbId()).isEqualTo(firstSkb + 256);
		assertThat(drops).extracting(Step::skbId)
			.containsExactlyElementsOf(produced.subList(256, 300).stream().map(Step::skbId).toList());
		// nothing was polled before the burst ended: all drops precede the first
		// veth_poll
		int firstPoll = steps.indexOf(steps.stream().filter(s -> s.fn() == VETH_POLL).findFirst().orElseThrow());
		assertThat(steps.indexOf(drops.get(drops.size() - 1))).isLessThan(firstPoll);
		assertThat(pod.txDropped()).as("veth priv->dropped of the sender").isEqualTo(44);
		assertThat(lxc0.rq.ringFull).isEqualTo(44);
		assertThat(dp.delivered("host", HOST_LOCAL)).isEqualTo(256);
		assertThat(dp.dropped()).isEqualTo(44);
		assertThat(lxc0.rq.size()).isZero();
	}

	@Test
	void pollsStopAtTheNapiBudgetOf64AndAreRepolled() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(true, false), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdpBurst("pod1", HOST_LOCAL, 32, 150, CPU, T0);
		dp.run(10_000_000);
		NetDevice lxc0 = dp.device("node1/host/lxc0");
		List<Step> steps = Labs.steps(rec);
		List<Step> polls = steps.stream().filter(s -> s.fn() == VETH_POLL).toList();
		assertThat(polls).extracting(Step::queueDepth)
			.as("ring depth at each veth_poll: 150, then 150 - 64, then 150 - 128")
			.containsExactly(150, 86, 22);
		assertThat(polls).extracting(Step::ctx).containsOnly(SOFTIRQ);
		// each poll receives at most 64; the skbs between two polls are that poll's work
		List<Integer> perPoll = new ArrayList<>();
		int n = -1;
		for (Step s : steps) {
			if (s.fn() == VETH_POLL) {
				perPoll.add(0);
				n++;
			}
			else if (s.fn() == NAPI_GRO_RECEIVE) {
				perPoll.set(n, perPoll.get(n) + 1);
			}
		}
		assertThat(perPoll).containsExactly(64, 64, 22);
		// net_rx_action polls an instance once per call; a full poll goes on the
		// repoll list, NET_RX is raised again and __do_softirq restarts: one
		// schedule, three net_rx_action rounds
		assertThat(steps).filteredOn(s -> s.fn() == NAPI_SCHEDULE).hasSize(1);
		assertThat(steps).filteredOn(s -> s.fn() == NET_RX_ACTION).hasSize(3);
		assertThat(steps).filteredOn(s -> s.fn() == DO_SOFTIRQ).hasSize(3);
		assertThat(dp.cpus().cpu(CPU).softnet().timeSqueeze()).as("netdev_budget 300 never ran out").isZero();
		assertThat(lxc0.rq.polls).isEqualTo(3);
		assertThat(dp.delivered("host", HOST_LOCAL)).isEqualTo(150);
		assertThat(dp.dropped()).isZero();
	}

	@Test
	void netdevBudgetEndsTheSoftirqRoundAndTheRingIsPolledAgain() {
		// netdev_budget 50 < the NAPI weight 64: every full poll exhausts the budget
		// (time_squeeze); the last poll (8 skbs) does not
		dev.bpfnet.engine.topology.Sysctl d = dev.bpfnet.engine.topology.Sysctl.DEFAULTS;
		dev.bpfnet.engine.topology.Sysctl small = new dev.bpfnet.engine.topology.Sysctl(d.netdevMaxBacklog(), 50,
				d.netdevBudgetUsecs(), d.devWeight(), d.softirqRestartLimit(), d.softirqTimeLimitNs(),
				d.softirqPolicy());
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pod(true, false, small), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdpBurst("pod1", HOST_LOCAL, 32, 200, CPU, T0);
		dp.run(10_000_000);
		List<Step> steps = Labs.steps(rec);
		assertThat(steps).filteredOn(s -> s.fn() == VETH_POLL)
			.extracting(Step::queueDepth)
			.containsExactly(200, 136, 72, 8);
		assertThat(steps).filteredOn(s -> s.fn() == NET_RX_ACTION).hasSize(4);
		assertThat(dp.cpus().cpu(CPU).softnet().timeSqueeze()).isEqualTo(3);
		assertThat(dp.delivered("host", HOST_LOCAL)).isEqualTo(200);
	}

}
