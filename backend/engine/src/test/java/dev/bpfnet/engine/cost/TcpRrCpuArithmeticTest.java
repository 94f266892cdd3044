package dev.bpfnet.engine.cost;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * costs.md §4 recomputed from the engine's table, pinned, and checked against
 * docs/costs.md. Run with {@code -Dbpfnet.printCostDocs=true} to print the generated
 * tables.
 */
class TcpRrCpuArithmeticTest {

	private final CostModel model = CostModel.defaults();

	@Test
	void reproducesCostsMdSection4FromTheTable() {
		CostDocs.TcpRr t = CostDocs.TcpRr.of(this.model);
		// the BPF program of costs.md §4: 10 + 400 x 0.3 + 3 x 30 + one helper call 3
		assertThat(TcpRrCpuPaths.sum(this.model, TcpRrCpuPaths.program())).isEqualTo(223);
		assertThat(t.sender()).isEqualTo(1823);
		assertThat(t.receiver()).isEqualTo(3256);
		assertThat(t.oneDirection()).isEqualTo(5079);
		assertThat(t.roundTrip()).isEqualTo(10158);
		assertThat(t.extraPerCrossing()).isEqualTo(220);
		assertThat(t.extraPerRoundTrip()).isEqualTo(440);
		assertThat(t.predictedRatio()).isBetween(1.0098, 1.0100);
	}

	@Test
	void withTheBacklogPerPollCostTheDocsVariantHolds() {
		// docs/costs.md: charging process_backlog_poll once per backlog poll (each
		// crossing is its
		// own poll in TCP_RR) gives a 10 258 ns round trip and 540 ns extra per round
		// trip
		long poll = this.model.cost(CostModel.Id.PROCESS_BACKLOG_POLL);
		CostDocs.TcpRr t = CostDocs.TcpRr.of(this.model);
		assertThat(2 * (t.sender() + poll + t.receiver())).isEqualTo(10_258);
		assertThat(2 * (t.extraPerCrossing() + poll)).isEqualTo(540);
	}

	@Test
	void theConclusionHoldsCpuWorkCannotExplainTheMeasuredGap() {
		CostDocs.TcpRr t = CostDocs.TcpRr.of(this.model);
		// measured: 122.45 - 44.45 = 78 us mean, 13 us at the minimum
		assertThat(t.extraPerRoundTrip()).isLessThan(78_000 / 100);
		assertThat(3 * t.extraPerRoundTrip()).isLessThan(13_000 / 5);
		// and the whole CPU round trip is below the measured redirect_peer minimum of
		// 33.5 us
		assertThat(t.roundTrip()).isLessThan(33_500);
	}

	@Test
	void pathsAreSensitiveToTheTable() {
		CostModel slowVeth = this.model.withOverrides(Map.of("veth_xmit", 1_050L));
		CostDocs.TcpRr t = CostDocs.TcpRr.of(slowVeth);
		assertThat(t.sender()).isEqualTo(1823 + 1000);
		assertThat(t.extraPerCrossing()).isEqualTo(220 + 1000);
	}

	@Test
	void docsStateTheSameTables() throws IOException {
		String tcpRr = CostDocs.tcpRrTable(this.model);
		String costs = CostDocs.costTable(this.model);
		if (Boolean.getBoolean("bpfnet.printCostDocs")) {
			System.out.println(costs);
			System.out.println(tcpRr);
		}
		String doc = CostDocs.doc();
		assertThat(doc).as("docs/costs.md must contain the §4 table generated from the engine's table").contains(tcpRr);
		assertThat(doc).as("docs/costs.md must contain the cost table generated from CostModel.defaults()")
			.contains(costs);
	}

}
