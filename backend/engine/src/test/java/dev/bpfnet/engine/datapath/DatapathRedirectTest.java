package dev.bpfnet.engine.datapath;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;

import static dev.bpfnet.engine.trace.Function.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * skb_do_redirect's other variants from tc ingress (datapath.md §2.4):
 * {@code bpf_redirect_peer} (another round on the peer, no backlog) and
 * {@code bpf_redirect(BPF_F_INGRESS)} (into the backlog on the target).
 */
class DatapathRedirectTest {

	/**
	 * pod1 behind veth lxc1, pod2 behind bpfnet nk2 (host: lo 1, lxc1 2, nk2 3); the
	 * program runs at lxc1's tcx ingress.
	 */
	private static TopologyDocument twoPods(String asm) {
		return Topology.builder()
			.name("two-pods")
			.node("node1", n -> n.cpus(1)
				.namespace("host", ns -> ns.forwarding(true)
					.veth("lxc1", v -> v.mac("02:00:00:00:01:01")
						.peer(new VethDevice.Peer("pod1", "eth0", List.of(IpPrefix.of("10.244.1.1/32")),
								Optional.of(MacAddress.of("02:00:00:00:02:01")), VethDevice.RxDelivery.BACKLOG, false)))
					.bpfnet("nk2", nk -> nk.peer("pod2", "eth0", "10.244.1.2/32"))
					.route("10.244.1.1/32", "lxc1")
					.route("10.244.1.2/32", "nk2"))
				.namespace("pod1",
						ns -> ns.route("0.0.0.0/0", "eth0").neighbour("10.244.1.2", "02:00:00:00:01:01", "eth0"))
				.namespace("pod2", ns -> ns.route("0.0.0.0/0", "eth0")))
			.program(ProgramRef.asm("redir", asm))
			.attach("redir", "node1/host/lxc1", Attach.Hook.TCX_INGRESS)
			.build();
	}

	private static List<Step> run(TopologyDocument doc, Datapath[] out) {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", "10.244.1.2:7000", 32, 0, 1_000);
		dp.run(1_000_000);
		out[0] = dp;
		return rec.path(0);
	}

	@Test
	void redirectPeerGoesAnotherRoundOnThePodDeviceWithoutBacklogOrNetkitXmit() {
		Datapath[] dp = new Datapath[1];
		List<Step> path = run(twoPods("r1 = 3\nr2 = 0\ncall 155\nexit\n"), dp);
		int lxc1 = dp[0].device("node1/host/lxc1").id();
		int pod2 = dp[0].device("node1/pod2/eth0").id();
		List<Step> rx = path.stream().dropWhile(s -> s.fn() != PROCESS_BACKLOG).toList();
		assertThat(rx).extracting(Step::fn, Step::deviceId)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(PROCESS_BACKLOG, lxc1),
					org.assertj.core.groups.Tuple.tuple(NETIF_RECEIVE_SKB_CORE, lxc1),
					org.assertj.core.groups.Tuple.tuple(TCX_INGRESS, lxc1),
					org.assertj.core.groups.Tuple.tuple(SKB_DO_REDIRECT, lxc1),
					org.assertj.core.groups.Tuple.tuple(SKB_GET_PEER_DEV, pod2),
					org.assertj.core.groups.Tuple.tuple(NETIF_RECEIVE_SKB_CORE, pod2),
					org.assertj.core.groups.Tuple.tuple(IP_RCV, pod2),
					org.assertj.core.groups.Tuple.tuple(IP_LOCAL_DELIVER, pod2),
					org.assertj.core.groups.Tuple.tuple(UDP_RCV, pod2),
					org.assertj.core.groups.Tuple.tuple(CONSUME_SKB, pod2));
		assertThat(rx).extracting(Step::ctx).containsOnly(Context.SOFTIRQ);
		assertThat(path).extracting(Step::fn).doesNotContain(NETKIT_XMIT).containsOnlyOnce(ENQUEUE_TO_BACKLOG);
		assertThat(dp[0].delivered("pod2", "10.244.1.2:7000")).isEqualTo(1);
	}

	@Test
	void redirectIngressEntersTheBacklogAgainOnTheTargetAndTheHostForwardsThroughNetkit() {
		Datapath[] dp = new Datapath[1];
		List<Step> path = run(twoPods("r1 = 3\nr2 = 1\ncall 23\nexit\n"), dp);
		int nk2 = dp[0].device("node1/host/nk2").id();
		List<Function> fns = path.stream().map(Step::fn).toList();
		assertThat(fns).containsSubsequence(TCX_INGRESS, SKB_DO_REDIRECT, BPF_RX_SKB, NETIF_RX_UNLOCKED,
				ENQUEUE_TO_BACKLOG, PROCESS_BACKLOG, NETIF_RECEIVE_SKB_CORE, IP_RCV, IP_FORWARD, IP_OUTPUT,
				DEV_QUEUE_XMIT, NETKIT_XMIT, NETIF_RX_UNLOCKED, ENQUEUE_TO_BACKLOG, PROCESS_BACKLOG,
				NETIF_RECEIVE_SKB_CORE, IP_RCV, IP_LOCAL_DELIVER, UDP_RCV, CONSUME_SKB);
		assertThat(fns.stream().filter(f -> f == ENQUEUE_TO_BACKLOG)).hasSize(3);
		assertThat(path).filteredOn(s -> s.fn() == BPF_RX_SKB).extracting(Step::deviceId).containsExactly(nk2);
		assertThat(dp[0].delivered("pod2", "10.244.1.2:7000")).isEqualTo(1);
		assertThat(dp[0].dropped()).isZero();
	}

	@Test
	void redirectToAnUnknownIfindexIsDroppedInSkbDoRedirect() {
		Datapath[] dp = new Datapath[1];
		List<Step> path = run(twoPods("r1 = 42\nr2 = 0\ncall 23\nexit\n"), dp);
		assertThat(path).extracting(Step::fn).endsWith(TCX_INGRESS, SKB_DO_REDIRECT, KFREE_SKB_REASON);
		assertThat(dp[0].dropped()).isEqualTo(1);
		assertThat(dp[0].delivered()).isZero();
	}

}
