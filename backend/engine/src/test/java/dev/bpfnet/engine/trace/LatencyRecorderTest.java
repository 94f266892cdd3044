package dev.bpfnet.engine.trace;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class LatencyRecorderTest {

	@Test
	void percentilesPerFlow() {
		LatencyRecorder recorder = new LatencyRecorder();
		for (long v = 1; v <= 10_000; v++) {
			recorder.record(2, v * 100);
		}
		recorder.record(0, 44_450);

		LatencyRecorder.LatencySummary rr = recorder.summary(2);
		assertThat(rr.count()).isEqualTo(10_000);
		assertThat(rr.minNs()).isEqualTo(100);
		assertThat((double) rr.p50Ns()).isCloseTo(500_000, within(500.0));
		assertThat((double) rr.p90Ns()).isCloseTo(900_000, within(900.0));
		assertThat((double) rr.p99Ns()).isCloseTo(990_000, within(990.0));
		assertThat((double) rr.p999Ns()).isCloseTo(999_000, within(999.0));
		assertThat((double) rr.maxNs()).isCloseTo(1_000_000, within(1000.0));
		assertThat(rr.meanNs()).isCloseTo(500_050, within(500.0));

		LatencyRecorder.LatencySummary one = recorder.summary(0);
		assertThat(one.count()).isEqualTo(1);
		assertThat((double) one.p50Ns()).isCloseTo(44_450, within(50.0));
		assertThat(recorder.flowIds()).containsExactly(0, 2);
		assertThat(recorder.summary(1)).isEqualTo(LatencyRecorder.LatencySummary.EMPTY);
		assertThat(recorder.histogram(2).getTotalCount()).isEqualTo(10_000);
	}

	@Test
	void rejectsNegativeLatencies() {
		LatencyRecorder recorder = new LatencyRecorder();
		assertThatIllegalArgumentException().isThrownBy(() -> recorder.record(3, -5))
			.withMessage("latencyNs: flow 3 got a negative latency -5");
		assertThatIllegalArgumentException().isThrownBy(() -> recorder.record(-1, 5))
			.withMessage("flow: must be >= 0, got -1");
	}

}
