package dev.bpfnet.engine.run;

import java.nio.file.Path;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.PacketLedger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packet conservation over whole runs: every packet the engine created
 * ({@code Engine.skbsCreated}) shows up in the trace, ends at most once, and the run's
 * totals add up, {@code sent = delivered + Σ dropped + left + in flight}, for any seed
 * and stopping time, on topologies that drop for several reasons (full RX rings, socket
 * buffers, the CPU backlog, the recursion limit, program verdicts), cross wires and CPUs,
 * and send frames out of the topology. The first property checks the trace against the
 * engine's own counters at any stopping time (where {@code inFlight} is the remainder);
 * the second lets every lab run drain, so that nothing may be in flight and the totals
 * must add up from the end events alone.
 */
class PacketConservationProperties {

	private static final Path LABS = Path.of("../../labs");

	@Provide
	Arbitrary<String> topologies() {
		return Arbitraries.of("src/test/resources/engine/causality-stress.yaml",
				"exit:src/test/resources/engine/pod-egress-veth.yaml", "../../labs/04-backlog-overflow/overflow.yaml",
				"../../labs/02-netif-rx/chain-direct.yaml", "../../labs/05-default-drop/allowlist.yaml",
				"../../labs/03-redirect-peer/redirect.yaml");
	}

	@Provide
	Arbitrary<Long> durations() {
		return Arbitraries.longs().between(50_000, 4_000_000);
	}

	@Property(tries = 12)
	void everyPacketIsDeliveredDroppedGoneOrInFlight(@ForAll("topologies") String topology, @ForAll long seed,
			@ForAll("durations") long durationNs) {
		boolean exit = topology.startsWith("exit:");
		Path file = Path.of(exit ? topology.substring(5) : topology);
		TopologyDocument parsed = TopologyParser.parse(file);
		// exit: the same topology without its wires, so node1's NIC sends into nothing
		TopologyDocument doc = new TopologyDocument(parsed.name(), seed, parsed.nodes(),
				exit ? List.of() : parsed.wires(), parsed.programs(), parsed.attach(), parsed.traffic(),
				parsed.costs());
		RunSession s = RunSession.create(doc, ObjectSource.directory(file.toAbsolutePath().getParent()),
				RunOptions.of(durationNs));
		assertThat(s.run().state()).isEqualTo(RunState.FINISHED);

		RunReport.Packets p = s.report().packets();
		PacketLedger ledger = s.ledger();
		long dropped = p.dropped().values().stream().mapToLong(Long::longValue).sum();
		assertThat(ledger.firstViolation()).as("an skb that ended twice or moved after its end").isNull();
		assertThat(ledger.born()).as("skbs seen in the trace").isEqualTo(s.engine().skbsCreated());
		assertThat(dropped).as("drops by reason").isEqualTo(ledger.dropped()).isEqualTo(s.drops().total());
		assertThat(p.inFlight()).isNotNegative();
		assertThat(p.sent()).as("sent = delivered + dropped + left + in flight")
			.isEqualTo(p.delivered() + dropped + p.left() + p.inFlight());
		if (exit) {
			assertThat(p.left()).as("frames out of the unwired NIC").isPositive();
		}
	}

	@Provide
	Arbitrary<String> labTopologies() {
		return Arbitraries.of("01-pod-egress/bpfnet.yaml", "01-pod-egress/veth.yaml", "02-netif-rx/backlog.yaml",
				"02-netif-rx/chain-direct.yaml", "03-redirect-peer/redirect.yaml", "04-backlog-overflow/overflow.yaml",
				"05-default-drop/allowlist.yaml", "05-default-drop/default-drop.yaml");
	}

	@Property(tries = 8)
	void aDrainedRunHasNothingInFlightAndEveryPacketEndedOnce(@ForAll("labTopologies") String topology,
			@ForAll long seed) {
		Path file = LABS.resolve(topology);
		TopologyDocument parsed = TopologyParser.parse(file);
		TopologyDocument doc = new TopologyDocument(parsed.name(), seed, parsed.nodes(), parsed.wires(),
				parsed.programs(), parsed.attach(), parsed.traffic(), parsed.costs());
		RunSession s = RunSession.create(doc, ObjectSource.directory(file.toAbsolutePath().getParent()),
				RunOptions.of(30_000_000));
		assertThat(s.run().state()).isEqualTo(RunState.FINISHED);

		RunReport.Packets p = s.report().packets();
		long dropped = p.dropped().values().stream().mapToLong(Long::longValue).sum();
		long received = 0;
		for (RunReport.Flow f : s.report().flows()) {
			received += (f.received() != null) ? f.received() : 0;
		}
		assertThat(s.ledger().firstViolation()).isNull();
		assertThat(p.inFlight()).as("in flight after draining").isZero();
		assertThat(p.sent()).as("sent = delivered + dropped + left").isEqualTo(p.delivered() + dropped + p.left());
		assertThat(p.delivered()).as("delivered covers what the flows received").isGreaterThanOrEqualTo(received);
	}

}
