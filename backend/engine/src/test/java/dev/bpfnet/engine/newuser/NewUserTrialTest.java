package dev.bpfnet.engine.newuser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.hook.ProgramLoadException;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunState;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The new-user trial of issue 3: topologies and C programs written by hand outside the
 * project, from the README and docs/ only (resources under {@code newuser/}, each C
 * source next to its object with the clang command in its first lines), run as a user
 * runs them, and the defects the trial found, each pinned by a test that failed before
 * its fix.
 */
class NewUserTrialTest {

	static final Path DIR = Path.of("src/test/resources/newuser");

	static final ObjectSource OBJECTS = ObjectSource.directory(DIR);

	/** Every count-limited flow of the trial's topologies is done well before this. */
	static final long DURATION = 20_000_000;

	static TopologyDocument doc(String name) {
		return TopologyParser.parse(DIR.resolve(name));
	}

	static String text(String name) throws IOException {
		return Files.readString(DIR.resolve(name));
	}

	static RunReport run(TopologyDocument doc, long durationNs) {
		RunSession s = RunSession.create(doc, OBJECTS, RunOptions.of(durationNs));
		RunStatus end = s.run();
		assertThat(end.state()).as(end.reason()).isEqualTo(RunState.FINISHED);
		return s.report();
	}

	static long dropped(RunReport r) {
		return r.packets().dropped().values().stream().mapToLong(Long::longValue).sum();
	}

	static RunReport.MapDump map(RunReport r, String name) {
		return r.maps().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
	}

	/**
	 * Once every flow is done, each packet the traffic sent was delivered or dropped for
	 * a reason. Before the fix {@code kind: packet} frames were not counted as sent (the
	 * routing loop reported 0 sent, 3 dropped) and datagrams a full socket queue dropped
	 * were counted as delivered too.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "two-pods-bpfnet-l3.yaml", "two-pods-bpfnet-l2.yaml", "two-pods-veth-tcx.yaml",
			"two-pods-veth-fib.yaml", "two-nodes-redirect-peer.yaml", "odd-ipv6-rps-burst.yaml", "routing-loop.yaml",
			"unknown-verdict-netkit.yaml", "unknown-verdict-tcx.yaml", "nic-noqueue-tiny-datagrams.yaml",
			"runaway-tail-calls.yaml" })
	void everyHandWrittenTopologyRunsAndAccountsForEveryPacket(String name) {
		RunReport r = run(doc(name), DURATION);
		assertThat(r.packets().sent()).isPositive();
		assertThat(r.packets().sent()).as("sent = delivered + dropped + left, by reason %s", r.packets().dropped())
			.isEqualTo(r.packets().delivered() + dropped(r) + r.packets().left());
		assertThat(r.packets().inFlight()).isZero();
	}

	/**
	 * {@code packets.inFlight}: packets neither delivered, dropped nor gone at the end.
	 * Here pod2's 5 datagrams wait on the host's ARP queue for ever: pod1's ARP reply
	 * died at its tcx egress program, with its 10 datagrams.
	 */
	@Test
	void packetsWaitingForAnArpReplyThatWasDroppedAreInFlight() {
		RunReport r = run(doc("tcx-drops-and-a-lost-arp-reply.yaml"), DURATION);
		assertThat(r.flows()).allSatisfy(f -> assertThat(f.received()).isZero());
		assertThat(r.packets().dropped()).containsExactly(Map.entry("TC_EGRESS", 11L));
		assertThat(r.packets().inFlight()).isEqualTo(5);
		assertThat(r.packets().sent()).isEqualTo(r.packets().delivered() + 11 + 5);
	}

	/**
	 * The two complete examples of docs/topology.md, as a new user copies them, with the
	 * program object of lab 1 ({@code programs/to_nic.o}): before the fix neither made a
	 * single transaction (the remote host had no route back to the pod; the veth pod
	 * ARPed for the remote host, which no one answers without proxy ARP).
	 */
	@Test
	void theDocumentedExamplesMakeTransactions() throws IOException {
		String md = Files.readString(Path.of("../../docs/topology.md"));
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL)
			.matcher(md);
		int examples = 0;
		while (m.find()) {
			if (!m.group(1).contains("\nnodes:")) {
				continue;
			}
			examples++;
			TopologyDocument d = TopologyParser.parse(m.group(1), Format.YAML);
			RunSession s = RunSession.create(d, ObjectSource.directory(Path.of("../../labs/01-pod-egress")),
					RunOptions.of(2_000_000));
			assertThat(s.run().state()).isEqualTo(RunState.FINISHED);
			assertThat(s.report().flows().get(0).transactions()).as(d.name()).isGreaterThan(10);
		}
		assertThat(examples).isEqualTo(2);
	}

	/**
	 * The server reads stored summaries back: one from before {@code left} and
	 * {@code inFlight} existed still reads (with primitives Jackson 3 refused it).
	 */
	@Test
	void aSummaryStoredBeforeInFlightExistedStillReads() {
		RunReport.Packets p = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readValue("{\"sent\":3,\"delivered\":2,\"dropped\":{\"CPU_BACKLOG\":1}}", RunReport.Packets.class);
		assertThat(p.sent()).isEqualTo(3);
		assertThat(p.left()).isNull();
		assertThat(p.inFlight()).isNull();
	}

	@Test
	void aRoutingLoopEndsInTtlExpiry() {
		RunReport r = run(doc("routing-loop.yaml"), DURATION);
		assertThat(r.packets().dropped()).containsExactly(Map.entry("IP_INHDR", 3L));
		// the 3 crafted packets and the ARP exchange of the two routers
		assertThat(r.packets().sent()).isEqualTo(3 + r.packets().delivered());
	}

	@Test
	void datagramsAFullSocketQueueDropsAreNotDelivered() throws IOException {
		String t = text("two-pods-bpfnet-l3.yaml").replace("rate: 100kpps, count: 100", "rate: 1000Mpps, count: 3000");
		RunReport r = run(TopologyParser.parse(t, Format.YAML), DURATION);
		long socketDrops = r.packets().dropped().getOrDefault("SOCKET_RCVBUFF", 0L);
		assertThat(socketDrops).isPositive();
		RunReport.Flow f = r.flows().get(0);
		assertThat(r.packets().delivered()).isEqualTo(f.received()).isEqualTo(3000 - socketDrops);
		assertThat(r.packets().sent()).isEqualTo(r.packets().delivered() + socketDrops);
	}

	/**
	 * {@code transactionsPerSec} is the flow's rate while it ran (netperf's), not the
	 * transactions divided by the whole run: before the fix the 100 transactions of this
	 * flow gave 10 000/s in a 10 ms run and 5 000/s in a 20 ms run, with a 39 µs round
	 * trip.
	 */
	@Test
	void aRequestResponseRateIsTheFlowsOwnWhateverTheRunsDuration() {
		RunReport shortRun = run(doc("two-nodes-redirect-peer.yaml"), 10_000_000);
		RunReport longRun = run(doc("two-nodes-redirect-peer.yaml"), 40_000_000);
		RunReport.Flow f = shortRun.flows().get(0);
		assertThat(f.transactions()).isEqualTo(100);
		assertThat(longRun.flows().get(0).transactionsPerSec()).isEqualTo(f.transactionsPerSec());
		// one transaction at a time: the rate is about one over the mean round trip
		assertThat(f.transactionsPerSec() * f.latencyNs().p50() / 1e9).isCloseTo(1.0, within(0.25));
	}

	/**
	 * {@code throughputBps} of a flow that sent 100 datagrams of 64 bytes at 100 kpps is
	 * about 51 Mbit/s, not averaged over the idle rest of the run (5.1 Mbit/s in 10 ms
	 * before the fix).
	 */
	@Test
	void aDatagramFlowsThroughputIsOverItsOwnLifetime() {
		RunReport a = run(doc("two-pods-bpfnet-l3.yaml"), 10_000_000);
		RunReport b = run(doc("two-pods-bpfnet-l3.yaml"), 30_000_000);
		double bps = a.flows().get(0).throughputBps();
		assertThat(b.flows().get(0).throughputBps()).isEqualTo(bps);
		// 100 x 64 bytes from the start to the last arrival (99 gaps of 10 us + one trip)
		assertThat(bps).isCloseTo(100 * 64 * 8 / 0.000993, within(1e6));
	}

	/**
	 * The host side of a Cilium-style veth pair has no address: the ARP request of
	 * {@code bpf_redirect_neigh} (and of plain forwarding) goes out from 0.0.0.0, and
	 * {@code arp_process} answers it (its RFC 2131 special case). Before the fix the pod
	 * ignored it and every packet waited on the ARP queue for ever: 0 delivered.
	 */
	@Test
	void aHostWithoutAddressesStillResolvesItsPodsNeighbours() {
		RunReport r = run(doc("two-pods-veth-fib.yaml"), DURATION);
		assertThat(r.flows().get(0).received()).isEqualTo(200);
		assertThat(r.flows().get(1).transactions()).isEqualTo(20);
		assertThat(r.packets().dropped()).isEmpty();
		// fib_rc counts bpf_fib_lookup's answers (key 6 holds 6 and above): the first
		// packet NO_NEIGH (7), redirected with bpf_redirect_neigh; the rest SUCCESS
		RunReport.MapDump fib = map(r, "fib_rc");
		assertThat(fib.entries().get(6).values().get(0)).isEqualTo("0100000000000000");
		assertThat(Long.reverseBytes(Long.parseUnsignedLong(fib.entries().get(0).values().get(0), 16)))
			.isEqualTo(200 + 20 - 1);
	}

	@Test
	void theHandWrittenCountAndRewriteProgramsDoWhatTheirSourceSays() {
		RunReport r = run(doc("two-pods-veth-tcx.yaml"), DURATION);
		assertThat(r.flows().get(0).received()).isEqualTo(200);
		// key 10.1.0.20 in network order, value 200 (u64, little-endian)
		assertThat(map(r, "pkt_count").entries()).singleElement().satisfies(e -> {
			assertThat(e.key()).isEqualTo("0a010014");
			assertThat(e.values()).containsExactly("c800000000000000");
		});
	}

	@Test
	void unknownVerdictsActAsTheKernelSays() {
		RunReport nk = run(doc("unknown-verdict-netkit.yaml"), DURATION);
		assertThat(nk.packets().dropped()).containsExactly(Map.entry("NOT_SPECIFIED", 100L));
		RunReport tcx = run(doc("unknown-verdict-tcx.yaml"), DURATION);
		assertThat(tcx.flows().get(0).received()).isEqualTo(10);
		// tcx_run stopped at the unknown code: the counting program after it never ran
		assertThat(map(tcx, "pkt_count").size()).isZero();
	}

	/**
	 * A program that tail-calls itself runs 1 + MAX_TAIL_CALL_CNT (33) times a packet.
	 */
	@Test
	void aRunawayTailCallChainStopsAfter33TailCalls() {
		RunReport r = run(doc("runaway-tail-calls.yaml"), DURATION);
		assertThat(r.flows().get(0).received()).isEqualTo(10);
		assertThat(map(r, "calls").entries().get(0).values().get(0))
			.isEqualTo(String.format("%016x", Long.reverseBytes(10 * 34L)));
	}

	@Test
	void theIpv6RpsBurstTopologyOverflowsTheBacklogAndTheQdisc() {
		RunReport r = run(doc("odd-ipv6-rps-burst.yaml"), DURATION);
		assertThat(r.packets().dropped()).containsOnlyKeys("CPU_BACKLOG", "QDISC_DROP");
		RunReport again = run(doc("odd-ipv6-rps-burst.yaml"), DURATION);
		assertThat(again.traceSha256()).isEqualTo(r.traceSha256());
	}

	/**
	 * A NIC with a {@code noqueue} root sends straight onto its TX ring, and drops when
	 * the ring is full (found by {@link RunConservationProperties}: before the fix every
	 * packet vanished, neither delivered nor dropped). The datagrams carry no payload, so
	 * no send timestamp: their one-way latency still starts at the send (before the fix
	 * it started when the receiving NIC built the skb: 1.9 us for a path with 2 us of
	 * cable).
	 */
	@Test
	void aNoqueueNicTransmitsAndTinyDatagramsKeepTheirAgeAcrossTheWire() throws IOException {
		RunReport r = run(doc("nic-noqueue-tiny-datagrams.yaml"), DURATION);
		assertThat(r.packets().delivered()).isEqualTo(3);
		// 2 us of cable + 64 bytes at 100 Mbit/s (5.12 us) at least
		assertThat(r.flows().get(0).latencyNs().p50()).isGreaterThan(7_120);
		String flood = text("nic-noqueue-tiny-datagrams.yaml").replace("rate: 10000pps, count: 3",
				"rate: 10Mpps, count: 3000");
		RunReport f = run(TopologyParser.parse(flood, Format.YAML), DURATION);
		assertThat(f.packets().dropped()).containsOnlyKeys("NOT_SPECIFIED");
		assertThat(f.packets().delivered() + f.packets().dropped().get("NOT_SPECIFIED")).isEqualTo(3000);
	}

	/**
	 * Before the fix: {@code no route from n1/pod1 to 10.1.0.20 (IP_NOROUTE)}, no path.
	 */
	@Test
	void aFlowWithoutARouteIsReportedAtItsDocumentPath() {
		assertThatThrownBy(() -> RunSession.create(doc("bad-no-route.yaml"), OBJECTS, RunOptions.of(DURATION)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("traffic[0].to: no route from n1/pod1 to 10.1.0.20 (IP_NOROUTE)");
	}

	/**
	 * Before the fix the requests went out and every response was lost in the responder's
	 * {@code udp_sendmsg} (no route), silently: 0 transactions, no drop.
	 */
	@Test
	void aResponderWithoutARouteBackIsReportedAtTheFlowsTo() {
		assertThatThrownBy(() -> RunSession.create(doc("bad-rr-no-route-back.yaml"), OBJECTS, RunOptions.of(DURATION)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("traffic[0].to: the responder cannot answer: no route from b/pod to 10.1.1.10");
	}

	/**
	 * Before the fix the validator let it through and the engine said {@code to: ...}.
	 */
	@Test
	void aDatagramFlowToAnAddressNobodyHasIsAProblemWithItsLine() throws IOException {
		String t = text("two-pods-bpfnet-l3.yaml").replace("to: 10.1.0.20:9000", "to: 10.1.0.99:9000");
		assertThatThrownBy(() -> TopologyParser.parse(t, Format.YAML)).isInstanceOfSatisfying(TopologyException.class,
				ex -> assertThat(ex.problems()).singleElement().satisfies(p -> {
					assertThat(p.path()).isEqualTo("traffic[0].to");
					assertThat(p.message()).startsWith("no device has address 10.1.0.99");
					assertThat(p.line()).hasValue(40);
				}));
	}

	/** Before the fix: {@code program 'x' of type XDP cannot attach ...}, no path. */
	@Test
	void anXdpProgramOnATcxHookIsRefusedAtItsAttachEntry() {
		assertThatThrownBy(() -> RunSession.create(doc("bad-xdp-on-tcx.yaml"), OBJECTS, RunOptions.of(DURATION)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("attach[0].program: program 'x' of type XDP cannot attach to TCX_INGRESS");
	}

	@Test
	void twoRodataValuesForOneObjectFileSayWhatToDo() throws IOException {
		String t = text("two-pods-bpfnet-l3.yaml").replaceFirst("(?s)(ingress-pass.*?)verdict: 0", "$1verdict: 2");
		assertThatThrownBy(
				() -> RunSession.create(TopologyParser.parse(t, Format.YAML), OBJECTS, RunOptions.of(DURATION)))
			.isInstanceOfSatisfying(ProgramLoadException.class, ex -> {
				assertThat(ex.field()).isEqualTo("rodata.verdict");
				assertThat(ex.getMessage()).contains("conflicts with 0").contains("use a copy of the file");
			});
	}

	@Test
	void aProgramErrorNamesTheFieldItIsAbout() throws IOException {
		assertThatThrownBy(() -> RunSession.create(doc("bad-section.yaml"), OBJECTS, RunOptions.of(DURATION)))
			.isInstanceOfSatisfying(ProgramLoadException.class, ex -> {
				assertThat(ex.program()).isEqualTo("ingress-pass");
				assertThat(ex.field()).isEqualTo("section");
				assertThat(ex.getMessage()).contains("no program in section or function 'netkit/primry'");
			});
		assertThatThrownBy(() -> RunSession.create(doc("bad-verifier.yaml"), OBJECTS, RunOptions.of(DURATION)))
			.isInstanceOfSatisfying(ProgramLoadException.class, ex -> {
				assertThat(ex.program()).isEqualTo("bad");
				assertThat(ex.field()).isEqualTo("object");
				assertThat(ex.insn()).isEqualTo(1);
				assertThat(ex.getMessage()).contains("invalid access to packet");
			});
		// the CLI locates such paths in the text
		List<Problem> located = TopologyParser.locate(text("bad-section.yaml"), Format.YAML,
				List.of(Problem.at("programs[1].section", "x"), Problem.at("programs[7].object", "y")));
		assertThat(located.get(0).line()).hasValue(35);
		assertThat(located.get(1).line()).isPresent();
	}

}
