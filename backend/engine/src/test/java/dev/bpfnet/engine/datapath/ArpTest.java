package dev.bpfnet.engine.datapath;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.netns.NeighbourTable;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;

import static dev.bpfnet.engine.trace.Context.SOFTIRQ;
import static dev.bpfnet.engine.trace.Context.TASK;
import static dev.bpfnet.engine.trace.Function.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * ARP on Ethernet devices without static neighbours (net/ipv4/arp.c,
 * net/core/neighbour.c): the first skb to a next hop waits on the neighbour's
 * {@code arp_queue} while a broadcast request goes out; the peer answers for its own
 * address; the reply resolves the entry and sends the queued skbs.
 */
class ArpTest {

	private static final int CPU = 1;

	/** ns1 a (10.0.0.1/24) — veth — ns2 b (10.0.0.2/24); no neighbours declared. */
	static TopologyDocument pair() {
		return Topology.builder()
			.name("arp")
			.seed(11)
			.node("node1", n -> n.cpus(2)
				.namespace("ns1", ns -> ns.veth("a", v -> v.mac("02:00:00:00:0a:01")
					.address("10.0.0.1/24")
					.peer(new dev.bpfnet.engine.topology.VethDevice.Peer("ns2", "b",
							List.of(dev.bpfnet.engine.topology.IpPrefix.of("10.0.0.2/24")),
							java.util.Optional.of(dev.bpfnet.engine.topology.MacAddress.of("02:00:00:00:0b:02")),
							dev.bpfnet.engine.topology.VethDevice.RxDelivery.BACKLOG, false))))
				.namespace("ns2", ns -> ns.forwarding(false)))
			.build();
	}

	@Test
	void theFirstDatagramWaitsForTheArpReplyAndThenGoesOut() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pair(), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("ns1", "10.0.0.2:7", 64, CPU, 1_000);
		dp.run(1_000_000);
		int a = dp.device("node1/ns1/a").id();
		int b = dp.device("node1/ns2/b").id();
		List<Step> steps = Labs.steps(rec);
		long udp = steps.stream().filter(s -> s.fn() == UDP_SENDMSG).findFirst().orElseThrow().skbId();
		long request = steps.stream().filter(s -> s.fn() == ARP_SOLICIT).findFirst().orElseThrow().skbId();
		long reply = steps.stream()
			.filter(s -> s.fn() == ARP_RCV && s.deviceId() == a)
			.findFirst()
			.orElseThrow()
			.skbId();
		assertThat(steps).filteredOn(s -> s.fn() != SCHEDULE && s.fn() != TRY_TO_WAKE_UP)
			.extracting(Step::fn, Step::ctx, Step::deviceId, Step::skbId)
			.containsSubsequence(tuple(UDP_SENDMSG, TASK, a, udp), tuple(NEIGH_RESOLVE_OUTPUT, TASK, a, udp),
					tuple(ARP_SOLICIT, TASK, a, request), tuple(DEV_QUEUE_XMIT, TASK, a, request),
					tuple(VETH_XMIT, TASK, a, request), tuple(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, b, request),
					tuple(ARP_RCV, SOFTIRQ, b, request), tuple(CONSUME_SKB, SOFTIRQ, b, request),
					tuple(DEV_QUEUE_XMIT, SOFTIRQ, b, reply), tuple(VETH_XMIT, SOFTIRQ, b, reply),
					tuple(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, a, reply), tuple(ARP_RCV, SOFTIRQ, a, reply),
					tuple(NEIGH_OUTPUT, SOFTIRQ, a, udp), tuple(DEV_QUEUE_XMIT, SOFTIRQ, a, udp),
					tuple(NETIF_RECEIVE_SKB_CORE, SOFTIRQ, b, udp), tuple(IP_RCV, SOFTIRQ, b, udp),
					tuple(UDP_RCV, SOFTIRQ, b, udp));
		assertThat(dp.delivered("ns2", "10.0.0.2:7")).isEqualTo(1);
		assertThat(dp.dropped()).isZero();
		assertThat(dp.arpRequests()).isEqualTo(1);
		assertThat(dp.arpReplies()).isEqualTo(1);
		assertThat(dp.arpQueued()).isZero();
		NeighbourTable n1 = dp.netns().namespace("ns1").orElseThrow().neighbours();
		NeighbourTable n2 = dp.netns().namespace("ns2").orElseThrow().neighbours();
		int s1 = n1.find(dp.device("node1/ns1/a").ifindex(), IpAddress.of("10.0.0.2"));
		int s2 = n2.find(dp.device("node1/ns2/b").ifindex(), IpAddress.of("10.0.0.1"));
		assertThat(n1.stateAt(s1)).isEqualTo(NeighbourTable.State.REACHABLE);
		assertThat(n1.macAt(s1)).isEqualTo(0x02_00_00_00_0b_02L);
		assertThat(n2.stateAt(s2)).as("the request taught b the sender").isEqualTo(NeighbourTable.State.REACHABLE);
		assertThat(n2.macAt(s2)).isEqualTo(0x02_00_00_00_0a_01L);
		// the queued datagram got the resolved destination MAC
		Step delivered = steps.stream().filter(s -> s.fn() == UDP_RCV).findFirst().orElseThrow();
		assertThat(delivered.skbId()).isEqualTo(udp);
	}

	@Test
	void aSecondDatagramUsesTheResolvedEntryWithoutArp() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pair(), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("ns1", "10.0.0.2:7", 64, CPU, 1_000);
		dp.sendUdp("ns1", "10.0.0.2:7", 64, CPU, 500_000);
		dp.run(1_000_000);
		assertThat(Labs.steps(rec)).filteredOn(s -> s.fn() == ARP_SOLICIT).hasSize(1);
		assertThat(Labs.steps(rec)).filteredOn(s -> s.fn() == NEIGH_RESOLVE_OUTPUT).hasSize(1);
		assertThat(dp.delivered("ns2", "10.0.0.2:7")).isEqualTo(2);
	}

	@Test
	void theArpQueueKeepsUnresQlenBytesAndDropsTheOldestBeyond() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pair(), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdpBurst("ns1", "10.0.0.2:7", 64, 400, CPU, 1_000);
		dp.run(10_000_000);
		int truesize = 14 + 20 + 8 + 64 + Datapath.SKB_TRUESIZE_OVERHEAD;
		int fit = Datapath.UNRES_QLEN_BYTES / truesize;
		List<Step> drops = Labs.steps(rec).stream().filter(s -> s.fn() == KFREE_SKB_REASON).toList();
		assertThat(drops).hasSize(400 - fit);
		assertThat(drops).extracting(Step::drop).containsOnly(DropReason.NEIGH_QUEUEFULL);
		long first = Labs.steps(rec).stream().filter(s -> s.fn() == UDP_SENDMSG).findFirst().orElseThrow().skbId();
		assertThat(drops.get(0).skbId()).as("the oldest queued skb goes first").isEqualTo(first);
		assertThat(dp.delivered("ns2", "10.0.0.2:7")).isEqualTo(fit);
		assertThat(dp.arpRequests()).isEqualTo(1);
	}

	@Test
	void nobodyAnswersForAnAddressThatIsNotLocalSoTheSkbStaysQueued() {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(pair(), "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("ns1", "10.0.0.9:7", 64, CPU, 1_000);
		dp.run(1_000_000);
		assertThat(dp.arpRequests()).isEqualTo(1);
		assertThat(dp.arpReplies()).isZero();
		assertThat(dp.arpQueued()).isEqualTo(1);
		assertThat(dp.delivered()).isZero();
		assertThat(dp.dropped()).isZero();
	}

}
