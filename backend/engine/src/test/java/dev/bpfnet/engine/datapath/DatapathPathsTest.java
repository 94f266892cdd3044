package dev.bpfnet.engine.datapath;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.trace.Verdict;

import static dev.bpfnet.engine.trace.Context.HARDIRQ;
import static dev.bpfnet.engine.trace.Context.SOFTIRQ;
import static dev.bpfnet.engine.trace.Context.TASK;
import static dev.bpfnet.engine.trace.Function.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance paths of datapath.md §6 (A, B, D) and the veth/bpfnet variants, as exact
 * sequences of (function, context, device) from the trace.
 */
class DatapathPathsTest {

	private static final int SENDER_CPU = 1;

	private static final long T0 = 1_000;

	/**
	 * Allow-list on the PEER slot: NETKIT_NEXT for daddr 192.0.2.2, NETKIT_DROP
	 * otherwise.
	 */
	private static ProgramRef allowRemoteOnly() {
		return ProgramRef.asm("allow", """
				r2 = *(u32 *)(r1 + 76)
				r3 = *(u32 *)(r1 + 80)
				r4 = r2
				r4 += 34
				if r4 > r3 goto +4
				r5 = *(u32 *)(r2 + 30)
				if r5 != 0x020200c0 goto +2
				r0 = -1
				exit
				r0 = 2
				exit
				""");
	}

	private record Run(Datapath dp, PathRecorder rec) {

		int dev(String ref) {
			return this.dp.device(ref).id();
		}

		List<Labs.Hop> hops() {
			return Labs.hops(this.rec);
		}

		Step first(Function fn) {
			return Labs.steps(this.rec).stream().filter(s -> s.fn() == fn).findFirst().orElseThrow();
		}

	}

	private static Run send(TopologyDocument doc, String ns, String dst) {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp(ns, dst, 64, SENDER_CPU, T0);
		dp.run(1_000_000);
		return new Run(dp, rec);
	}

	private static Labs.Hop hop(Function fn, Context ctx, int dev) {
		return new Labs.Hop(fn, ctx, dev);
	}

	@Test
	void pathBBpfnetPeerProgramRedirectsToTheNicSynchronouslyInTaskContext() {
		Run r = send(Labs.bpfnet(BpfnetDevice.Policy.DROP, Labs.podEgress(), NicDevice.Qdisc.FQ_CODEL), "pod1",
				Labs.REMOTE);
		int pod = r.dev("node1/pod1/eth0");
		int nk0 = r.dev("node1/host/nk0");
		int eth0 = r.dev("node1/host/eth0");
		assertThat(r.hops()).containsExactly(hop(UDP_SENDMSG, TASK, pod), hop(IP_OUTPUT, TASK, pod),
				hop(IP_FINISH_OUTPUT2, TASK, pod), hop(NEIGH_OUTPUT, TASK, pod), hop(DEV_QUEUE_XMIT, TASK, pod),
				hop(NETKIT_XMIT, TASK, pod), hop(NETKIT_RUN, TASK, nk0), hop(SKB_DO_REDIRECT, TASK, nk0),
				hop(BPF_REDIRECT_NEIGH_V4, TASK, eth0), hop(NEIGH_OUTPUT, TASK, eth0), hop(DEV_QUEUE_XMIT, TASK, eth0),
				hop(DEV_XMIT_SKB, TASK, eth0), hop(QDISC_ENQUEUE, TASK, eth0), hop(QDISC_RUN, TASK, eth0),
				hop(QDISC_DEQUEUE, TASK, eth0), hop(SCH_DIRECT_XMIT, TASK, eth0), hop(NDO_START_XMIT, TASK, eth0),
				hop(PHY_TX, HARDIRQ, eth0));
		assertThat(r.first(NETKIT_RUN).verdictValue()).isEqualTo(Verdict.REDIRECT);
		assertThat(Labs.steps(r.rec)).filteredOn(s -> s.fn() != PHY_TX)
			.extracting(Step::cpu)
			.containsOnly(r.dp.cpus().cpu(SENDER_CPU).id());
		assertThat(r.dp.transmitted()).isEqualTo(1);
		assertThat(r.dp.dropped()).isZero();
		assertThat(r.dp.cpus().cpu(SENDER_CPU).softnet().enqueued()).isZero();
		assertThat(r.dp.device("node1/host/eth0").phyTxBytes()).isEqualTo(14 + 20 + 8 + 64);
		int cpu = r.dp.cpus().cpu(SENDER_CPU).id();
		assertThat(r.dp.accounting().contextNs(cpu, SOFTIRQ)).isZero();
		assertThat(r.dp.accounting().contextNs(cpu, TASK)).isPositive();
		r.dp.accounting().verify(1_000_000);
	}

	@Test
	void pathDBpfnetPolicyPassQueuesOnTheBacklogAndReceivesInSoftirq() {
		Run r = send(Labs.bpfnet(BpfnetDevice.Policy.DROP, null, NicDevice.Qdisc.FQ_CODEL), "host", "10.244.1.10:5000");
		int pod = r.dev("node1/pod1/eth0");
		int nk0 = r.dev("node1/host/nk0");
		int none = TraceSink.NO_ID;
		assertThat(r.hops()).containsExactly(hop(UDP_SENDMSG, TASK, nk0), hop(IP_OUTPUT, TASK, nk0),
				hop(IP_FINISH_OUTPUT2, TASK, nk0), hop(NEIGH_OUTPUT, TASK, nk0), hop(DEV_QUEUE_XMIT, TASK, nk0),
				hop(NETKIT_XMIT, TASK, nk0), hop(NETIF_RX_UNLOCKED, TASK, pod), hop(ENQUEUE_TO_BACKLOG, TASK, pod),
				hop(NAPI_SCHEDULE_RPS, TASK, pod), hop(LOCAL_BH_ENABLE, TASK, none), hop(DO_SOFTIRQ, SOFTIRQ, none),
				hop(NET_RX_ACTION, SOFTIRQ, none), hop(PROCESS_BACKLOG, SOFTIRQ, pod),
				hop(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, pod), hop(IP_RCV, SOFTIRQ, pod),
				hop(IP_LOCAL_DELIVER, SOFTIRQ, pod), hop(UDP_RCV, SOFTIRQ, pod), hop(CONSUME_SKB, SOFTIRQ, pod));
		assertThat(r.first(NETKIT_XMIT).verdictValue()).as("the primary's policy (pass)").isEqualTo(Verdict.PASS);
		assertThat(r.first(ENQUEUE_TO_BACKLOG).queueDepth()).isEqualTo(1);
		assertThat(r.dp.delivered("pod1", "10.244.1.10:5000")).isEqualTo(1);
		assertThat(r.dp.delivered("pod1", "10.244.1.10:5001")).isZero();
		assertThat(r.dp.delivered()).isEqualTo(1);
		assertThat(r.dp.dropped()).isZero();
		assertThat(r.dp.accounting().contextNs(r.dp.cpus().cpu(SENDER_CPU).id(), SOFTIRQ)).isPositive();
		r.dp.accounting().verify(1_000_000);
	}

	@Test
	void pathAVethHostTcxIngressRedirectsToTheNicFromSoftirq() {
		Run r = send(Labs.veth(VethDevice.RxDelivery.BACKLOG, true), "pod1", Labs.REMOTE);
		int pod = r.dev("node1/pod1/eth0");
		int lxc0 = r.dev("node1/host/lxc0");
		int eth0 = r.dev("node1/host/eth0");
		int none = TraceSink.NO_ID;
		assertThat(r.hops()).containsExactly(hop(UDP_SENDMSG, TASK, pod), hop(IP_OUTPUT, TASK, pod),
				hop(IP_FINISH_OUTPUT2, TASK, pod), hop(NEIGH_OUTPUT, TASK, pod), hop(DEV_QUEUE_XMIT, TASK, pod),
				hop(VETH_XMIT, TASK, pod), hop(DEV_FORWARD_SKB, TASK, lxc0), hop(NETIF_RX_UNLOCKED, TASK, lxc0),
				hop(ENQUEUE_TO_BACKLOG, TASK, lxc0), hop(NAPI_SCHEDULE_RPS, TASK, lxc0),
				hop(LOCAL_BH_ENABLE, TASK, none), hop(DO_SOFTIRQ, SOFTIRQ, none), hop(NET_RX_ACTION, SOFTIRQ, none),
				hop(PROCESS_BACKLOG, SOFTIRQ, lxc0), hop(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, lxc0),
				hop(TCX_INGRESS, SOFTIRQ, lxc0), hop(SKB_DO_REDIRECT, SOFTIRQ, lxc0), hop(BPF_TX_SKB, SOFTIRQ, lxc0),
				hop(DEV_QUEUE_XMIT, SOFTIRQ, eth0), hop(DEV_XMIT_SKB, SOFTIRQ, eth0), hop(QDISC_ENQUEUE, SOFTIRQ, eth0),
				hop(QDISC_RUN, SOFTIRQ, eth0), hop(QDISC_DEQUEUE, SOFTIRQ, eth0), hop(SCH_DIRECT_XMIT, SOFTIRQ, eth0),
				hop(NDO_START_XMIT, SOFTIRQ, eth0), hop(PHY_TX, HARDIRQ, eth0));
		assertThat(r.first(TCX_INGRESS).verdictValue()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.first(DEV_FORWARD_SKB).netnsId()).isNotEqualTo(r.first(VETH_XMIT).netnsId());
		assertThat(r.dp.transmitted()).isEqualTo(1);
		assertThat(r.dp.cpus().cpu(SENDER_CPU).softnet().processed()).isEqualTo(1);
	}

	@Test
	void vethDirectDeliveryReceivesInlineInTaskContextWithoutTheBacklog() {
		Run r = send(Labs.veth(VethDevice.RxDelivery.DIRECT, true), "pod1", Labs.REMOTE);
		int lxc0 = r.dev("node1/host/lxc0");
		List<Labs.Hop> hops = r.hops();
		assertThat(hops).extracting(Labs.Hop::fn)
			.doesNotContain(NETIF_RX_UNLOCKED, ENQUEUE_TO_BACKLOG, PROCESS_BACKLOG, DO_SOFTIRQ, NET_RX_ACTION)
			.containsSubsequence(VETH_XMIT, DEV_FORWARD_SKB, NETIF_RECEIVE_SKB, NETIF_RECEIVE_SKB_CORE, TCX_INGRESS,
					SKB_DO_REDIRECT, BPF_TX_SKB, DEV_QUEUE_XMIT, NDO_START_XMIT);
		assertThat(hops).filteredOn(h -> h.fn() != PHY_TX).extracting(Labs.Hop::ctx).containsOnly(TASK);
		assertThat(hops).contains(hop(NETIF_RECEIVE_SKB_CORE, TASK, lxc0));
		assertThat(r.dp.transmitted()).isEqualTo(1);
		assertThat(r.dp.cpus().cpu(SENDER_CPU).softnet().enqueued()).isZero();
	}

	@Test
	void vethWithoutProgramDeliversToTheHostStackWhichForwardsToTheNic() {
		Run r = send(Labs.veth(VethDevice.RxDelivery.BACKLOG, false), "pod1", Labs.REMOTE);
		assertThat(r.hops()).extracting(Labs.Hop::fn)
			.containsSubsequence(PROCESS_BACKLOG, NETIF_RECEIVE_SKB_CORE, IP_RCV, IP_FORWARD, IP_OUTPUT,
					IP_FINISH_OUTPUT2, NEIGH_OUTPUT, DEV_QUEUE_XMIT, NDO_START_XMIT, PHY_TX)
			.doesNotContain(TCX_INGRESS);
		assertThat(r.dp.transmitted()).isEqualTo(1);
	}

	@Test
	void aNextHopWithoutNeighbourWaitsOnTheArpQueueWhileARequestGoesOut() {
		Run r = send(Labs.bpfnet(BpfnetDevice.Policy.DROP, Labs.podEgress(), NicDevice.Qdisc.FQ_CODEL), "pod1",
				"192.0.2.3:7000");
		List<Labs.Hop> hops = r.hops();
		int eth0 = r.dev("node1/host/eth0");
		assertThat(hops).containsSubsequence(hop(BPF_REDIRECT_NEIGH_V4, TASK, eth0),
				hop(NEIGH_RESOLVE_OUTPUT, TASK, eth0), hop(ARP_SOLICIT, TASK, eth0), hop(DEV_QUEUE_XMIT, TASK, eth0),
				hop(NDO_START_XMIT, TASK, eth0), hop(PHY_TX, HARDIRQ, eth0));
		assertThat(hops).extracting(Labs.Hop::fn).doesNotContain(KFREE_SKB_REASON);
		assertThat(r.dp.arpRequests()).isEqualTo(1);
		assertThat(r.dp.arpQueued()).as("no wire, no reply: the datagram stays queued").isEqualTo(1);
		assertThat(r.dp.dropped()).isZero();
		assertThat(r.dp.transmitted()).as("the ARP request").isEqualTo(1);
	}

	@Test
	void aRedirectLoopBetweenDirectVethEndsStopsAtTheRecursionLimit() {
		TopologyDocument doc = dev.bpfnet.engine.topology.Topology.builder()
			.name("loop")
			.node("node1", n -> n.cpus(1)
				.namespace("host", ns -> ns.forwarding(true)
					.veth("lxc0", v -> v.rxDelivery(VethDevice.RxDelivery.DIRECT)
						.peer(new VethDevice.Peer("pod1", "eth0",
								List.of(dev.bpfnet.engine.topology.IpPrefix.of("10.244.1.10/32")),
								java.util.Optional.of(dev.bpfnet.engine.topology.MacAddress.of("02:00:00:00:02:02")),
								VethDevice.RxDelivery.DIRECT, false))))
				.namespace("pod1",
						ns -> ns.route("0.0.0.0/0", "eth0").neighbour("192.0.2.2", "02:00:00:00:01:01", "eth0")))
			// host: lo 1, lxc0 2; pod1: lo 1, eth0 2: each end sends what it receives
			// back out
			.program(ProgramRef.asm("back", "r1 = 2\nr2 = 0\ncall 23\nexit\n"))
			.attach("back", "node1/host/lxc0", dev.bpfnet.engine.topology.Attach.Hook.TCX_INGRESS)
			.attach("back", "node1/pod1/eth0", dev.bpfnet.engine.topology.Attach.Hook.TCX_INGRESS)
			.build();
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", Labs.REMOTE, 64, 0, T0);
		dp.sendUdp("pod1", Labs.REMOTE, 64, 0, T0 + 100_000);
		dp.run(1_000_000);
		assertThat(rec.dropCount()).isEqualTo(2);
		assertThat(Labs.steps(rec)).filteredOn(s -> s.fn() == KFREE_SKB_REASON)
			.extracting(Step::drop)
			.containsOnly(DropReason.RECURSION_LIMIT);
		List<Step> first = rec.path(0);
		List<Step> second = rec.path(1);
		assertThat(first).extracting(Step::ctx).containsOnly(TASK);
		assertThat(first).filteredOn(s -> s.fn() == VETH_XMIT).hasSizeBetween(4, 10);
		assertThat(second).extracting(Step::fn)
			.as("the recursion counters unwound: the second packet takes the same path")
			.isEqualTo(first.stream().map(Step::fn).toList());
		assertThat(dp.dropped()).isEqualTo(2);
	}

	@Test
	void aFullTxRingStopsTheQueueAndItsWakeReschedulesTheQdiscInNetTx() {
		TopologyDocument doc = dev.bpfnet.engine.topology.Topology.builder()
			.name("slow-nic")
			.node("node1",
					n -> n.cpus(2)
						.namespace("host",
								ns -> ns
									.nic("eth0",
											nic -> nic.address("192.0.2.1/24")
												.rate("10Mbit")
												.txRing(2)
												.qdisc(NicDevice.Qdisc.PFIFO_FAST)
												.irqCpu(0))
									.neighbour("192.0.2.2", Labs.REMOTE_MAC, "eth0")))
			.build();
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		for (int i = 0; i < 6; i++) {
			dp.sendUdp("host", Labs.REMOTE, 100, 1, T0);
		}
		dp.run(100_000_000);
		assertThat(dp.transmitted()).isEqualTo(6);
		NetDevice eth0 = dp.device("node1/host/eth0");
		assertThat(eth0.qdisc().isEmpty()).isTrue();
		assertThat(eth0.txRing().stops()).isGreaterThanOrEqualTo(2);
		List<Step> all = Labs.steps(rec);
		assertThat(all).filteredOn(st -> st.fn() == NET_TX_ACTION)
			.isNotEmpty()
			.extracting(Step::ctx, Step::cpu)
			.containsOnly(org.assertj.core.groups.Tuple.tuple(SOFTIRQ, dp.cpus().cpu(0).id()));
		assertThat(all).filteredOn(st -> st.fn() == NETIF_TX_WAKE_QUEUE).extracting(Step::ctx).containsOnly(HARDIRQ);
		// frames leave at least a serialisation time apart; with a 2-entry ring the queue
		// only
		// wakes once the ring is empty, so the wire idles for the IRQ + NET_TX latency
		List<Long> departures = all.stream().filter(st -> st.fn() == PHY_TX).map(Step::timeNs).toList();
		long ser = dev.bpfnet.engine.qdisc.TxRing.serialisationNs(14 + 20 + 8 + 100 + 24, 10_000_000);
		List<Long> gaps = new java.util.ArrayList<>();
		for (int i = 1; i < departures.size(); i++) {
			gaps.add(departures.get(i) - departures.get(i - 1));
		}
		assertThat(gaps).hasSize(5).allSatisfy(g -> assertThat(g).isGreaterThanOrEqualTo(ser - 1));
		assertThat(gaps).anySatisfy(g -> assertThat(g).isGreaterThan(ser + 1_000));
	}

	@Test
	void aLocalDestinationGoesThroughLoopbackAndTheBacklog() {
		Run r = send(Labs.bpfnet(BpfnetDevice.Policy.DROP, null, NicDevice.Qdisc.FQ_CODEL), "host", "192.0.2.1:9");
		int lo = r.dev("node1/host/lo");
		assertThat(r.hops()).extracting(Labs.Hop::fn)
			.containsSubsequence(UDP_SENDMSG, IP_OUTPUT, DEV_QUEUE_XMIT, NETIF_RX_UNLOCKED, ENQUEUE_TO_BACKLOG,
					PROCESS_BACKLOG, NETIF_RECEIVE_SKB_CORE, IP_RCV, IP_LOCAL_DELIVER, UDP_RCV, CONSUME_SKB);
		assertThat(r.first(NETIF_RECEIVE_SKB_CORE).deviceId()).isEqualTo(lo);
		assertThat(r.dp.delivered("host", "192.0.2.1:9")).isEqualTo(1);
		assertThat(r.dp.transmitted()).isZero();
	}

	@Test
	void bpfnetPeerPolicyDropWithoutProgramDropsInNetkitXmit() {
		Run r = send(Labs.bpfnet(BpfnetDevice.Policy.DROP, null, NicDevice.Qdisc.FQ_CODEL), "pod1", Labs.REMOTE);
		int pod = r.dev("node1/pod1/eth0");
		int nk0 = r.dev("node1/host/nk0");
		List<Labs.Hop> hops = r.hops();
		assertThat(hops.subList(hops.size() - 3, hops.size())).containsExactly(hop(DEV_QUEUE_XMIT, TASK, pod),
				hop(NETKIT_XMIT, TASK, pod), hop(KFREE_SKB_REASON, TASK, nk0));
		assertThat(r.first(NETKIT_XMIT).verdictValue()).isEqualTo(Verdict.DROP);
		assertThat(r.first(KFREE_SKB_REASON).drop()).isEqualTo(DropReason.NOT_SPECIFIED);
		assertThat(r.rec.dropCount()).isEqualTo(1);
		assertThat(r.dp.dropped()).isEqualTo(1);
		assertThat(r.dp.transmitted()).isZero();
		assertThat(r.dp.device("node1/pod1/eth0").txDropped()).isEqualTo(1);
	}

	@Test
	void allowListProgramPassesOneDestinationThroughTheHostAndDropsTheOthers() {
		TopologyDocument doc = Labs.bpfnet(BpfnetDevice.Policy.DROP, allowRemoteOnly(), NicDevice.Qdisc.PFIFO_FAST);
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", Labs.REMOTE, 64, SENDER_CPU, T0);
		dp.sendUdp("pod1", "198.51.100.7:53", 64, SENDER_CPU, T0 + 50_000);
		dp.run(1_000_000);
		List<Step> runs = Labs.steps(rec).stream().filter(s -> s.fn() == NETKIT_RUN).toList();
		assertThat(runs).extracting(Step::verdict).containsExactly(Verdict.NEXT.code(), Verdict.DROP.code());
		// NEXT after the last program = PASS: backlog, host stack, forwarded to the NIC
		assertThat(rec.path(runs.get(0).skbId())).extracting(Step::fn)
			.containsSubsequence(NETKIT_RUN, NETIF_RX_UNLOCKED, ENQUEUE_TO_BACKLOG, PROCESS_BACKLOG,
					NETIF_RECEIVE_SKB_CORE, IP_RCV, IP_FORWARD, DEV_QUEUE_XMIT, SCH_DIRECT_XMIT, NDO_START_XMIT, PHY_TX)
			.as("pfifo_fast bypasses the empty qdisc")
			.doesNotContain(QDISC_ENQUEUE);
		assertThat(rec.path(runs.get(1).skbId())).extracting(Step::fn).endsWith(NETKIT_RUN, KFREE_SKB_REASON);
		assertThat(rec.path(runs.get(1).skbId()).get(rec.path(runs.get(1).skbId()).size() - 1).drop())
			.isEqualTo(DropReason.NOT_SPECIFIED);
		assertThat(dp.transmitted()).isEqualTo(1);
		assertThat(dp.dropped()).isEqualTo(1);
	}

	@Test
	void sameTopologyAndSeedGiveTheSameTraceHashAndRecordingDoesNotChangeResults() {
		TopologyDocument doc = Labs.bpfnet(BpfnetDevice.Policy.DROP, allowRemoteOnly(), NicDevice.Qdisc.FQ_CODEL);
		Result a = workload(doc, true);
		Result b = workload(doc, true);
		Result off = workload(doc, false);
		assertThat(a.hash).isEqualTo(b.hash).isNotEmpty();
		assertThat(a.events).isGreaterThan(100);
		assertThat(off).isEqualTo(new Result("", 0, a.delivered, a.dropped, a.transmitted, a.busyNs));
		assertThat(a.delivered).isEqualTo(10);
		assertThat(a.dropped).isEqualTo(10);
		assertThat(a.transmitted).isEqualTo(10);
		TopologyDocument veth = Labs.veth(VethDevice.RxDelivery.BACKLOG, true);
		assertThat(workload(veth, true).hash).as("another topology, another trace").isNotEqualTo(a.hash);
	}

	private record Result(String hash, long events, long delivered, long dropped, long transmitted, long busyNs) {
	}

	/**
	 * Both CPUs: pod → remote (passes), pod → elsewhere (dropped), host → pod
	 * (delivered).
	 */
	private static Result workload(TopologyDocument doc, boolean record) {
		TraceHasher hasher = new TraceHasher();
		TraceSink sink = record ? Tee.of(new PathRecorder(), hasher) : TraceSink.NONE;
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(sink));
		for (int i = 0; i < 10; i++) {
			int cpu = i % 2;
			long t = T0 + i * 3_000L;
			dp.sendUdp("pod1", Labs.REMOTE, 64 + i, cpu, t);
			dp.sendUdp("pod1", "198.51.100.7:53", 64, cpu, t + 100);
			dp.sendUdp("host", "10.244.1.10:5000", 32, 1 - cpu, t + 200);
		}
		dp.run(10_000_000);
		long busy = dp.accounting().busyNs(0) + dp.accounting().busyNs(1);
		return new Result(record ? hasher.hex() : "", record ? hasher.events() : 0, dp.delivered(), dp.dropped(),
				dp.transmitted(), busy);
	}

}
