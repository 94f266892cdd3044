package dev.bpfnet.engine.trace;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QueueDepthRecorderTest {

	private static void sample(TraceSink sink, long time, int queue, int depth) {
		Events.of(time, 1, Function.ENQUEUE_TO_BACKLOG, 0).queue(queue, depth).feed(sink);
	}

	@Test
	void keepsEveryChangeAndSkipsRepeatsAndEventsWithoutQueue() {
		QueueDepthRecorder recorder = new QueueDepthRecorder();
		sample(recorder, 10, 2, 1);
		sample(recorder, 20, 2, 1);
		sample(recorder, 30, 2, 2);
		Events.of(35, 1, Function.VETH_XMIT, 0).feed(recorder);
		sample(recorder, 40, 5, 7);
		sample(recorder, 50, 2, 0);

		QueueDepthRecorder.Series backlog = recorder.series(2);
		assertThat(backlog.times()).containsExactly(10, 30, 50);
		assertThat(backlog.depths()).containsExactly(1, 2, 0);
		assertThat(backlog.downsampled()).isFalse();
		assertThat(backlog.maxDepth()).isEqualTo(2);
		assertThat(backlog.lastDepth()).isZero();
		assertThat(recorder.queueIds()).containsExactly(2, 5);
		assertThat(recorder.series(3)).isNull();
	}

	@Test
	void downsamplingIsBoundedAndKeepsPeaksAndTroughs() {
		int maxPoints = 64;
		QueueDepthRecorder recorder = new QueueDepthRecorder(maxPoints);
		// a saw-tooth: fill to 1000 and drain to 0, 50 times, one change per ns; one
		// spike to 1001
		long time = 0;
		for (int tooth = 0; tooth < 50; tooth++) {
			for (int d = 0; d <= 1000; d++) {
				sample(recorder, time++, 0, d);
			}
			if (tooth == 30) {
				sample(recorder, time++, 0, 1001);
			}
			for (int d = 999; d >= 1; d--) {
				sample(recorder, time++, 0, d);
			}
		}

		QueueDepthRecorder.Series s = recorder.series(0);
		assertThat(s.downsampled()).isTrue();
		assertThat(s.size()).isLessThanOrEqualTo(maxPoints);
		assertThat(s.changes()).isEqualTo(50 * 2000 + 1);
		assertThat(s.maxDepth()).isEqualTo(1001);
		assertThat(s.lastDepth()).isEqualTo(1);
		long[] times = s.times();
		for (int k = 1; k < times.length; k++) {
			assertThat(times[k]).as("time order at %d", k).isGreaterThanOrEqualTo(times[k - 1]);
		}
		assertThat(Arrays.stream(s.depths()).max().getAsInt()).isEqualTo(1001);
		assertThat(Arrays.stream(s.depths()).min().getAsInt()).isZero();
	}

	@Test
	void everyBucketKeepsItsMinimumAndMaximum() {
		QueueDepthRecorder recorder = new QueueDepthRecorder(8);
		int[] depths = { 3, 9, 1, 4, 8, 2, 7, 5, 6, 0, 10, 4 };
		for (int k = 0; k < depths.length; k++) {
			sample(recorder, k * 10, 0, depths[k]);
		}
		QueueDepthRecorder.Series s = recorder.series(0);
		assertThat(s.size()).isLessThanOrEqualTo(8);
		long width = s.bucketWidthNs();
		long[] times = s.times();
		int[] kept = s.depths();
		// recompute each bucket's min and max from the input and check both are kept
		for (long bucket = 0; bucket * width <= 110; bucket++) {
			int min = Integer.MAX_VALUE;
			int max = Integer.MIN_VALUE;
			for (int k = 0; k < depths.length; k++) {
				if (k * 10 / width == bucket) {
					min = Math.min(min, depths[k]);
					max = Math.max(max, depths[k]);
				}
			}
			if (min == Integer.MAX_VALUE) {
				continue;
			}
			int keptMin = Integer.MAX_VALUE;
			int keptMax = Integer.MIN_VALUE;
			for (int k = 0; k < times.length; k++) {
				if (times[k] / width == bucket) {
					keptMin = Math.min(keptMin, kept[k]);
					keptMax = Math.max(keptMax, kept[k]);
				}
			}
			assertThat(keptMin).as("min of bucket %d", bucket).isEqualTo(min);
			assertThat(keptMax).as("max of bucket %d", bucket).isEqualTo(max);
		}
	}

	@Test
	void rejectsATinyBuffer() {
		assertThatIllegalArgumentException().isThrownBy(() -> new QueueDepthRecorder(4))
			.withMessage("maxPoints: must be >= 8, got 4");
	}

}
