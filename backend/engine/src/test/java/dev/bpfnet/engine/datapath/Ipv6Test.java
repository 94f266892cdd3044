package dev.bpfnet.engine.datapath;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;

import static dev.bpfnet.engine.trace.Context.SOFTIRQ;
import static dev.bpfnet.engine.trace.Context.TASK;
import static dev.bpfnet.engine.trace.Function.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * IPv6 in the IP layer: {@code ipv6_rcv}, {@code ip6_forward} in a router namespace,
 * {@code ip6_input} → {@code udpv6_rcv}, with static neighbours.
 */
class Ipv6Test {

	private static final String RA_MAC = "02:00:00:00:0a:ff";

	private static final String B_MAC = "02:00:00:00:0b:02";

	/**
	 * ns1 a 2001:db8:1::1 — veth — r ra 2001:db8:1::ff | rb 2001:db8:2::ff — veth — ns2 b
	 * 2001:db8:2::2; r forwards when {@code forwarding}.
	 */
	static TopologyDocument routed(boolean forwarding, boolean neighbourOfB) {
		return Topology.builder()
			.name("ipv6")
			.seed(13)
			.node("node1", n -> n.cpus(2)
				.namespace("ns1", ns -> ns
					.veth("a",
							v -> v.mac("02:00:00:00:0a:01")
								.address("2001:db8:1::1/64")
								.peer(new VethDevice.Peer("r", "ra", List.of(IpPrefix.of("2001:db8:1::ff/64")),
										Optional.of(MacAddress.of(RA_MAC)), VethDevice.RxDelivery.BACKLOG, false)))
					.route("::/0", "2001:db8:1::ff", "a")
					.neighbour("2001:db8:1::ff", RA_MAC, "a"))
				.namespace("r", ns -> {
					ns.forwarding(forwarding)
						.veth("rb",
								v -> v.mac("02:00:00:00:0b:ff")
									.address("2001:db8:2::ff/64")
									.peer(new VethDevice.Peer("ns2", "b", List.of(IpPrefix.of("2001:db8:2::2/64")),
											Optional.of(MacAddress.of(B_MAC)), VethDevice.RxDelivery.BACKLOG, false)));
					if (neighbourOfB) {
						ns.neighbour("2001:db8:2::2", B_MAC, "rb");
					}
				})
				.namespace("ns2", ns -> ns.route("::/0", "2001:db8:2::ff", "b")))
			.build();
	}

	private static List<Step> run(TopologyDocument doc, PathRecorder rec, Datapath[] out) {
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("ns1", "[2001:db8:2::2]:7", 64, 1, 1_000);
		dp.run(1_000_000);
		out[0] = dp;
		return Labs.steps(rec);
	}

	@Test
	void aRouterNamespaceForwardsIpv6AndTheDestinationDeliversIt() {
		PathRecorder rec = new PathRecorder();
		Datapath[] dp = new Datapath[1];
		List<Step> steps = run(routed(true, true), rec, dp);
		int ra = dp[0].device("node1/r/ra").id();
		int rb = dp[0].device("node1/r/rb").id();
		int b = dp[0].device("node1/ns2/b").id();
		assertThat(steps).extracting(Step::fn, Step::ctx, Step::deviceId)
			.containsSubsequence(tuple(UDP_SENDMSG, TASK, dp[0].device("node1/ns1/a").id()),
					tuple(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, ra), tuple(IPV6_RCV, SOFTIRQ, ra),
					tuple(IP6_FORWARD, SOFTIRQ, ra), tuple(IP_OUTPUT, SOFTIRQ, rb), tuple(NEIGH_OUTPUT, SOFTIRQ, rb),
					tuple(DEV_QUEUE_XMIT, SOFTIRQ, rb), tuple(VETH_XMIT, SOFTIRQ, rb),
					tuple(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, b), tuple(IPV6_RCV, SOFTIRQ, b),
					tuple(IP6_INPUT, SOFTIRQ, b), tuple(UDPV6_RCV, SOFTIRQ, b), tuple(CONSUME_SKB, SOFTIRQ, b));
		assertThat(steps).extracting(Step::fn).doesNotContain(KFREE_SKB_REASON, IP_RCV);
		assertThat(dp[0].delivered("ns2", "[2001:db8:2::2]:7")).isEqualTo(1);
		assertThat(dp[0].delivered()).isEqualTo(1);
	}

	@Test
	void withoutForwardingTheRouterDropsWithInAddrErrors() {
		PathRecorder rec = new PathRecorder();
		Datapath[] dp = new Datapath[1];
		List<Step> steps = run(routed(false, true), rec, dp);
		assertThat(steps).filteredOn(s -> s.fn() == KFREE_SKB_REASON)
			.singleElement()
			.satisfies(s -> assertThat(s.drop()).isEqualTo(DropReason.IP_INADDRERRORS));
		assertThat(dp[0].delivered()).isZero();
	}

	@Test
	void anIpv6NextHopWithoutAStaticNeighbourIsDroppedNoNeighbourDiscovery() {
		PathRecorder rec = new PathRecorder();
		Datapath[] dp = new Datapath[1];
		List<Step> steps = run(routed(true, false), rec, dp);
		assertThat(steps).filteredOn(s -> s.fn() == KFREE_SKB_REASON)
			.singleElement()
			.satisfies(s -> assertThat(s.drop()).isEqualTo(DropReason.NEIGH_FAILED));
		assertThat(steps).extracting(Step::fn).doesNotContain(ARP_SOLICIT);
	}

	@Test
	void aBoundIpv6SocketGetsTheDatagramAndIpv4KeysDoNotCollide() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(routed(true, true), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		List<Long> got = new java.util.ArrayList<>();
		dp.bind("ns2", dev.bpfnet.engine.topology.IpEndpoint.of("[2001:db8:2::2]:7"), (cpu, skb) -> got.add(skb.id()));
		// the same low 32 bits and port as IPv4: a different socket
		dp.bind("ns2", dev.bpfnet.engine.topology.IpEndpoint.of("0.0.0.2:7"), (cpu, skb) -> got.add(-1L));
		dp.sendUdp("ns1", "[2001:db8:2::2]:7", 64, 1, 1_000);
		dp.run(1_000_000);
		long sent = Labs.steps(rec).stream().filter(s -> s.fn() == UDP_SENDMSG).findFirst().orElseThrow().skbId();
		assertThat(got).containsExactly(sent);
		assertThat(dp.deliveredToSockets()).isEqualTo(1);
		assertThat(dp.delivered("ns2", "[2001:db8:2::2]:7")).isEqualTo(1);
		assertThat(dp.delivered("ns2", "0.0.0.2:7")).isZero();
		assertThat(Labs.steps(rec)).extracting(Step::fn).doesNotContain(UDPV6_RCV, KFREE_SKB_REASON);
	}

}
