package dev.bpfnet.engine.datapath;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.RodataValue;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.trace.Verdict;

import static dev.bpfnet.engine.trace.Context.HARDIRQ;
import static dev.bpfnet.engine.trace.Context.SOFTIRQ;
import static dev.bpfnet.engine.trace.Context.TASK;
import static dev.bpfnet.engine.trace.Function.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-node runs over a wire: datapath.md §6 path C (remote → pod through the NIC's NAPI
 * poll and {@code bpf_redirect_peer}) and path E (NIC to NIC, host networking), as exact
 * (function, context, device) sequences.
 */
class EnginePathsTest {

	static final String NODE1_MAC = "02:00:00:00:00:01";

	static final String REMOTE_MAC = "02:00:00:00:00:02";

	/** 10.244.1.10 as the little-endian u32 of its network-order bytes. */
	static final long POD_IP_BE = 0x0A01F40AL;

	/**
	 * node1 (2 CPUs, NIC irq on CPU 1): host eth0 with pod_egress.o's {@code nic_ingress}
	 * on tcx ingress (or nothing), nk0 → pod1/eth0 10.244.1.10; remote (2 CPUs): eth0
	 * 192.0.2.2 with a route to the pods via node1 and static neighbours both ways.
	 */
	static TopologyDocument twoNodes(boolean nicIngress) {
		Topology.Builder b = Topology.builder()
			.name("engine-two-nodes")
			.seed(7)
			.node("node1", n -> n.cpus(2)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0",
							nic -> nic.address("192.0.2.1/24")
								.mac(NODE1_MAC)
								.rate("25Gbit")
								.qdisc(NicDevice.Qdisc.FQ_CODEL)
								.irqCpu(1))
					.bpfnet("nk0", nk -> nk.peerPolicy(BpfnetDevice.Policy.DROP).peer("pod1", "eth0", "10.244.1.10/32"))
					.route("10.244.1.10/32", "nk0")
					.neighbour("192.0.2.2", REMOTE_MAC, "eth0"))
				.namespace("pod1", ns -> ns.route("0.0.0.0/0", "eth0")))
			.node("remote",
					n -> n.cpus(2)
						.namespace("host",
								ns -> ns.nic("eth0", nic -> nic.address("192.0.2.2/24").mac(REMOTE_MAC).rate("25Gbit"))
									.route("10.244.0.0/16", "192.0.2.1", "eth0")
									.neighbour("192.0.2.1", NODE1_MAC, "eth0")))
			.wire("node1/host/eth0", "remote/host/eth0", "2us");
		if (nicIngress) {
			b.program(ProgramRef.object("nic-ingress", "pod_egress.o", "tcx/ingress",
					new TreeMap<>(Map.of("pod_ifindex", new RodataValue.Ifindex(DeviceRef.of("node1/host/nk0")),
							"pod_ip", new RodataValue.Number(POD_IP_BE)))))
				.attach("nic-ingress", "node1/host/eth0", Attach.Hook.TCX_INGRESS);
		}
		return b.build();
	}

	private record Run(Engine engine, PathRecorder rec) {

		int dev(String ref) {
			return this.engine.traceDeviceId(ref);
		}

		List<Labs.Hop> hops() {
			return Labs.hops(this.rec);
		}

		Step first(Function fn) {
			return Labs.steps(this.rec).stream().filter(s -> s.fn() == fn).findFirst().orElseThrow();
		}

	}

	private static Run sendFromRemote(TopologyDocument doc, String dst) {
		PathRecorder rec = new PathRecorder();
		Engine e = new Engine(doc, Labs.OBJECTS, Datapath.Options.of(rec));
		e.node("remote").sendUdp("host", dst, 64, 0, 1_000);
		e.runUntil(1_000_000);
		return new Run(e, rec);
	}

	private static Labs.Hop hop(Function fn, Context ctx, int dev) {
		return new Labs.Hop(fn, ctx, dev);
	}

	/** The sender's half, identical in C and E: remote TASK → its NIC → the wire. */
	private static List<Labs.Hop> remoteTx(int reth0) {
		return List.of(hop(UDP_SENDMSG, TASK, reth0), hop(IP_OUTPUT, TASK, reth0), hop(IP_FINISH_OUTPUT2, TASK, reth0),
				hop(NEIGH_OUTPUT, TASK, reth0), hop(DEV_QUEUE_XMIT, TASK, reth0), hop(DEV_XMIT_SKB, TASK, reth0),
				hop(SCH_DIRECT_XMIT, TASK, reth0), hop(NDO_START_XMIT, TASK, reth0), hop(PHY_TX, TASK, reth0));
	}

	/**
	 * The remote NIC's TX completion: its IRQ (coalescing timer) and a NAPI poll that
	 * only cleans the TX ring.
	 */
	private static List<Labs.Hop> remoteTxCompletion(int reth0) {
		int none = TraceSink.NO_ID;
		return List.of(hop(IRQ_HANDLER, HARDIRQ, none), hop(NAPI_SCHEDULE, HARDIRQ, reth0),
				hop(IRQ_EXIT, HARDIRQ, none), hop(DO_SOFTIRQ, SOFTIRQ, none), hop(NET_RX_ACTION, SOFTIRQ, none),
				hop(NAPI_POLL, SOFTIRQ, reth0), hop(NETDEV_TX_COMPLETED_QUEUE, SOFTIRQ, reth0));
	}

	private static List<Labs.Hop> concat(List<Labs.Hop> a, List<Labs.Hop> b, List<Labs.Hop> c, List<Labs.Hop> d) {
		List<Labs.Hop> out = new java.util.ArrayList<>(a);
		out.addAll(b);
		out.addAll(c);
		out.addAll(d);
		return out;
	}

	@Test
	void pathCRemoteToPodGoesNapiThenTcxIngressThenBpfRedirectPeerWithoutBacklog() {
		Run r = sendFromRemote(twoNodes(true), "10.244.1.10:7000");
		int reth0 = r.dev("remote/host/eth0");
		int eth0 = r.dev("node1/host/eth0");
		int pod = r.dev("node1/pod1/eth0");
		int none = TraceSink.NO_ID;
		List<Labs.Hop> rx = List.of(hop(IRQ_HANDLER, HARDIRQ, none), hop(NAPI_SCHEDULE, HARDIRQ, eth0),
				hop(IRQ_EXIT, HARDIRQ, none), hop(DO_SOFTIRQ, SOFTIRQ, none), hop(NET_RX_ACTION, SOFTIRQ, none),
				hop(NAPI_POLL, SOFTIRQ, eth0), hop(NAPI_GRO_RECEIVE, SOFTIRQ, eth0),
				hop(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, eth0), hop(TCX_INGRESS, SOFTIRQ, eth0),
				hop(SKB_DO_REDIRECT, SOFTIRQ, eth0), hop(SKB_GET_PEER_DEV, SOFTIRQ, pod),
				hop(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, pod), hop(IP_RCV, SOFTIRQ, pod),
				hop(IP_LOCAL_DELIVER, SOFTIRQ, pod), hop(UDP_RCV, SOFTIRQ, pod), hop(CONSUME_SKB, SOFTIRQ, pod));
		assertThat(r.hops()).containsExactlyElementsOf(
				concat(remoteTx(reth0), List.of(hop(PHY_RX, TASK, eth0)), remoteTxCompletion(reth0), rx));
		assertThat(r.first(TCX_INGRESS).verdictValue()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.hops()).extracting(Labs.Hop::fn).doesNotContain(NETKIT_RUN, NETKIT_XMIT, PROCESS_BACKLOG);
		// the receive half runs on node1's irq CPU (1), the packet keeps its skb id
		int irqCpu = r.engine.node("node1").cpus().cpu(1).id();
		assertThat(Labs.steps(r.rec)).filteredOn(s -> s.fn() == NAPI_GRO_RECEIVE || s.fn() == UDP_RCV)
			.extracting(Step::cpu)
			.containsOnly(irqCpu);
		assertThat(r.first(UDP_RCV).skbId()).isEqualTo(r.first(UDP_SENDMSG).skbId());
		Datapath node1 = r.engine.node("node1");
		assertThat(node1.delivered("pod1", "10.244.1.10:7000")).isEqualTo(1);
		assertThat(node1.dropped()).isZero();
		assertThat(node1.cpus().cpu(1).softnet().enqueued()).isZero();
		assertThat(r.engine.wires().get(0).delivered(1)).isEqualTo(1);
		assertThat(r.engine.node("remote").device("remote/host/eth0").txRingInUse()).as("TX completion by NAPI")
			.isZero();
		r.engine.accounting().verify(1_000_000);
	}

	@Test
	void pathEHostNicToNicAcrossTheWire() {
		Run r = sendFromRemote(twoNodes(false), "192.0.2.1:7000");
		int reth0 = r.dev("remote/host/eth0");
		int eth0 = r.dev("node1/host/eth0");
		int none = TraceSink.NO_ID;
		List<Labs.Hop> rx = List.of(hop(IRQ_HANDLER, HARDIRQ, none), hop(NAPI_SCHEDULE, HARDIRQ, eth0),
				hop(IRQ_EXIT, HARDIRQ, none), hop(DO_SOFTIRQ, SOFTIRQ, none), hop(NET_RX_ACTION, SOFTIRQ, none),
				hop(NAPI_POLL, SOFTIRQ, eth0), hop(NAPI_GRO_RECEIVE, SOFTIRQ, eth0),
				hop(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, eth0), hop(IP_RCV, SOFTIRQ, eth0),
				hop(IP_LOCAL_DELIVER, SOFTIRQ, eth0), hop(UDP_RCV, SOFTIRQ, eth0), hop(CONSUME_SKB, SOFTIRQ, eth0));
		assertThat(r.hops()).containsExactlyElementsOf(
				concat(remoteTx(reth0), List.of(hop(PHY_RX, TASK, eth0)), remoteTxCompletion(reth0), rx));
		assertThat(r.engine.node("node1").delivered("host", "192.0.2.1:7000")).isEqualTo(1);
		assertThat(r.first(PHY_RX).timeNs() - r.first(PHY_TX).timeNs()).as("wire latency").isEqualTo(2_000);
		r.engine.accounting().verify(1_000_000);
	}

	@Test
	void runWideIdsAreDistinctAcrossNodes() {
		Engine e = new Engine(twoNodes(false), Labs.OBJECTS, Datapath.Options.of(TraceSink.NONE));
		assertThat(e.traceDeviceId("remote/host/eth0")).isNotEqualTo(e.traceDeviceId("node1/host/eth0"));
		assertThat(e.node("remote").cpus().cpu(0).id()).isEqualTo(2);
		assertThat(e.nicRxs()).hasSize(2);
		assertThat(e.nicRxs().get(1).irqCpu().id()).isEqualTo(2);
	}

}
