package dev.bpfnet.engine.trace;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TeeTest {

	@Test
	void everySinkGetsEveryEventInTheOrderGiven() {
		for (int n = 0; n <= 7; n++) {
			List<String> calls = new ArrayList<>();
			TraceSink[] sinks = new TraceSink[n];
			for (int k = 0; k < n; k++) {
				int id = k;
				sinks[k] = (timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict,
						drop) -> calls.add(id + ":" + timeNs + ":" + skbId + ":" + queueDepth);
			}
			TraceSink tee = Tee.of(sinks);
			Events.of(5, 9, Function.ofId(3), 1).queue(2, 4).feed(tee);
			Events.of(6, 10, Function.ofId(3), 1).feed(tee);

			List<String> expected = new ArrayList<>();
			for (long t = 5; t <= 6; t++) {
				for (int k = 0; k < n; k++) {
					expected.add(k + ":" + t + ":" + (t + 4) + ":" + ((t == 5) ? 4 : TraceSink.NO_ID));
				}
			}
			assertThat(calls).as("%d sinks", n).isEqualTo(expected);
			if (n == 0) {
				assertThat(tee).isSameAs(TraceSink.NONE);
			}
			if (n > 1) {
				assertThat(((Tee) tee).sinks()).containsExactly(sinks);
			}
		}
	}

}
