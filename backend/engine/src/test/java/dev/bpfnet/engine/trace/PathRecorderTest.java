package dev.bpfnet.engine.trace;

import java.util.ArrayList;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathRecorderTest {

	private static final int POD_VETH = 1;

	private static final int HOST_VETH = 2;

	private static final int ETH0 = 3;

	/**
	 * Two skbs of path A (pod egress over veth) interleaved, the second dropped at the
	 * backlog.
	 */
	private static List<Events> interleavedPathA() {
		return List.of(Events.of(100, 7, Function.DEV_QUEUE_XMIT, POD_VETH),
				Events.of(110, 7, Function.VETH_XMIT, POD_VETH), Events.of(115, 8, Function.DEV_QUEUE_XMIT, POD_VETH),
				Events.of(120, 7, Function.ENQUEUE_TO_BACKLOG, HOST_VETH).queue(0, 1000),
				Events.of(125, 8, Function.VETH_XMIT, POD_VETH),
				Events.of(130, 8, Function.ENQUEUE_TO_BACKLOG, HOST_VETH).queue(0, 1001),
				Events.of(131, 8, Function.KFREE_SKB_REASON, HOST_VETH).dropped(DropReason.CPU_BACKLOG),
				Events.of(140, TraceSink.NO_SKB, Function.NET_RX_ACTION, TraceSink.NO_ID).in(0, Context.SOFTIRQ),
				Events.of(150, 7, Function.PROCESS_BACKLOG, HOST_VETH).queue(0, 1000).in(0, Context.SOFTIRQ),
				Events.of(160, 7, Function.TCX_INGRESS, HOST_VETH).verdict(7).in(0, Context.SOFTIRQ),
				Events.of(170, 7, Function.DEV_QUEUE_XMIT, ETH0).in(0, Context.SOFTIRQ));
	}

	@Test
	void pathOfOneSkbIsItsStepsInOrder() {
		PathRecorder recorder = new PathRecorder();
		Events.feed(interleavedPathA(), recorder);

		assertThat(recorder.size()).isEqualTo(11);
		assertThat(recorder.skbCount()).isEqualTo(2);
		assertThat(recorder.path(7)).extracting(Step::fn)
			.containsExactly(Function.DEV_QUEUE_XMIT, Function.VETH_XMIT, Function.ENQUEUE_TO_BACKLOG,
					Function.PROCESS_BACKLOG, Function.TCX_INGRESS, Function.DEV_QUEUE_XMIT);
		assertThat(recorder.pathRows(7)).containsExactly(0, 1, 3, 8, 9, 10);
		assertThat(recorder.path(8)).extracting(Step::timeNs).containsExactly(115L, 125L, 130L, 131L);
		assertThat(recorder.path(99)).isEmpty();
		assertThat(recorder.path(TraceSink.NO_SKB)).isEmpty();
	}

	@Test
	void aStepKeepsEveryField() {
		PathRecorder recorder = new PathRecorder();
		recorder.event(5_000, 42, 3, Context.KSOFTIRQD, 9, Function.TCX_INGRESS, 4, 2, 6, 17, 7,
				DropReason.NOT_DROPPED_YET);

		assertThat(recorder.step(0)).isEqualTo(new Step(0, 5_000, 42, 3, Context.KSOFTIRQD, 9, Function.TCX_INGRESS, 4,
				2, 6, 17, 7, DropReason.NOT_DROPPED_YET));
		assertThat(recorder.step(0).verdictValue()).isEqualTo(Verdict.REDIRECT);
		assertThatThrownBy(() -> recorder.step(1)).isInstanceOf(IndexOutOfBoundsException.class)
			.hasMessage("step index: 1 not in [0, 1)");
	}

	@Test
	void dropsAndSkbsAtADeviceAreQueryable() {
		PathRecorder recorder = new PathRecorder();
		Events.feed(interleavedPathA(), recorder);

		Page<Step> drops = recorder.drops(0, 10);
		assertThat(drops.total()).isEqualTo(1);
		assertThat(drops.items()).singleElement().satisfies(step -> {
			assertThat(step.skbId()).isEqualTo(8);
			assertThat(step.drop()).isEqualTo(DropReason.CPU_BACKLOG);
			assertThat(step.index()).isEqualTo(6);
		});
		assertThat(recorder.skbsAtDevice(HOST_VETH, 0, 10).items()).containsExactly(7L, 8L);
		assertThat(recorder.skbsAtDevice(ETH0, 0, 10).items()).containsExactly(7L);
		assertThat(recorder.skbsAtDevice(99, 0, 10).total()).isZero();
	}

	@Test
	void pagesSplitResultsWithoutGapsOrOverlap() {
		PathRecorder recorder = new PathRecorder(4);
		for (int k = 0; k < 100; k++) {
			Events.of(k, k % 10, Function.ALLOC_SKB, k % 3).feed(recorder);
		}

		Page<Step> first = recorder.steps(0, 40);
		Page<Step> last = recorder.steps(80, 40);
		assertThat(first.items()).extracting(Step::index).startsWith(0).endsWith(39).hasSize(40);
		assertThat(first.hasMore()).isTrue();
		assertThat(last.items()).extracting(Step::index).startsWith(80).endsWith(99).hasSize(20);
		assertThat(last.hasMore()).isFalse();
		assertThat(recorder.steps(200, 10).items()).isEmpty();

		Page<Step> path = recorder.path(3, 2, 3);
		assertThat(path.total()).isEqualTo(10);
		assertThat(path.items()).extracting(Step::timeNs).containsExactly(23L, 33L, 43L);

		Page<Long> skbs = recorder.skbsAtDevice(0, 3, 4);
		assertThat(skbs.total()).isEqualTo(10);
		assertThat(skbs.items()).containsExactly(9L, 2L, 5L, 8L);
		assertThatIllegalArgumentException().isThrownBy(() -> recorder.steps(-1, 5))
			.withMessage("offset: must be >= 0, got -1");
	}

	@Test
	void aRecordedStepCostsAtMost64Bytes() {
		PathRecorder recorder = new PathRecorder();
		int steps = 10 << PathRecorder.DEFAULT_CHUNK_SHIFT;
		for (int k = 0; k < steps; k++) {
			// 10 steps per skb, like the veth pod-egress path
			recorder.event(k, k / 10, k & 3, Context.SOFTIRQ, 1, Function.ofId(k % 50), k % 7, 1, k % 5, k % 1000,
					TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		}

		assertThat(recorder.size()).isEqualTo(steps);
		assertThat(recorder.skbCount()).isEqualTo(steps / 10);
		assertThat(recorder.bytesPerStep()).isGreaterThanOrEqualTo(PathRecorder.BYTES_PER_ROW).isLessThanOrEqualTo(64);
		// 30 bytes of columns, about 1 of skb index
		assertThat(recorder.bytesPerStep()).isLessThan(PathRecorder.BYTES_PER_ROW + 2);
		assertThat(recorder.storageBytes()).isEqualTo(arrayBytes(recorder));
		assertThat(recorder.path(1234)).extracting(Step::timeNs)
			.containsExactly(12340L, 12341L, 12342L, 12343L, 12344L, 12345L, 12346L, 12347L, 12348L, 12349L);
	}

	@Test
	void storageBytesCountsEveryArrayTheRecorderHolds() throws Exception {
		PathRecorder recorder = new PathRecorder(4);
		assertThat(recorder.storageBytes()).isEqualTo(arrayBytes(recorder));
		Events.feed(Events.random(3, 1000), recorder);
		assertThat(recorder.storageBytes()).isEqualTo(arrayBytes(recorder));
		// wide columns too
		recorder.event(Long.MAX_VALUE, 1L << 40, 70_000, Context.TASK, -7, Function.ofId(0), 1 << 20, -9, 70_000,
				1 << 17, 1 << 30, DropReason.NOT_DROPPED_YET);
		assertThat(recorder.storageBytes()).isEqualTo(arrayBytes(recorder));
	}

	/**
	 * Every array reachable from the recorder's fields (arrays of arrays followed), at 16
	 * bytes of header and 8 per reference, counted by reflection.
	 */
	static long arrayBytes(PathRecorder recorder) {
		long bytes = 0;
		for (java.lang.reflect.Field f : PathRecorder.class.getDeclaredFields()) {
			if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || !f.getType().isArray()
					|| f.getName().startsWith("cur")) {
				continue;
			}
			f.setAccessible(true);
			try {
				bytes += arrayBytes(f.get(recorder));
			}
			catch (IllegalAccessException ex) {
				throw new AssertionError(ex);
			}
		}
		return bytes;
	}

	private static long arrayBytes(Object array) {
		if (array == null) {
			return 0;
		}
		int n = java.lang.reflect.Array.getLength(array);
		Class<?> type = array.getClass().getComponentType();
		if (!type.isPrimitive()) {
			long bytes = 16 + 8L * n;
			for (int k = 0; k < n; k++) {
				bytes += arrayBytes(java.lang.reflect.Array.get(array, k));
			}
			return bytes;
		}
		int width = (type == long.class || type == double.class) ? 8
				: (type == int.class || type == float.class) ? 4 : (type == short.class || type == char.class) ? 2 : 1;
		return 16 + (long) width * n;
	}

	@Test
	void manySkbsGrowTheIndexWithoutLosingPaths() {
		PathRecorder recorder = new PathRecorder(6);
		for (int round = 0; round < 3; round++) {
			for (long skb = 0; skb < 5000; skb++) {
				Events.of(round * 10_000 + skb, skb * 1_000_003, Function.ofId(round), 0).feed(recorder);
			}
		}
		assertThat(recorder.skbCount()).isEqualTo(5000);
		assertThat(recorder.path(4999L * 1_000_003)).extracting(Step::fn)
			.containsExactly(Function.ofId(0), Function.ofId(1), Function.ofId(2));
	}

	@Test
	void valuesBeyondTheNarrowColumnsAreKeptExactly() {
		PathRecorder recorder = new PathRecorder(4);
		List<Events> events = new ArrayList<>();
		int[] ints = { 40_000, Integer.MIN_VALUE, Integer.MAX_VALUE, -2, 0xFFFE, 0xFFFF, -0x8001, -0x8000, 0x7FFD,
				0x7FFE, TraceSink.NO_VERDICT, -1 };
		long[] longs = { Long.MAX_VALUE, Integer.MIN_VALUE, 1L << 40, Integer.MAX_VALUE, -5, TraceSink.NO_SKB };
		for (int k = 0; k < 200; k++) {
			int a = ints[k % ints.length];
			int b = ints[(k / 3) % ints.length];
			long t = (k % 7 == 0) ? longs[k % longs.length] : k * 1_000L;
			events.add(new Events(t, longs[(k / 2) % longs.length], a, Context.HARDIRQ, b, Function.ofId(k % 80), b, a,
					a, b, (k % 5 == 0) ? TraceSink.NO_VERDICT : b, DropReason.NOT_DROPPED_YET));
		}
		Events.feed(events, recorder);

		for (int k = 0; k < events.size(); k++) {
			Step s = recorder.step(k);
			assertThat(new Events(s.timeNs(), s.skbId(), s.cpu(), s.ctx(), s.taskId(), s.fn(), s.deviceId(),
					s.netnsId(), s.queueId(), s.queueDepth(), s.verdict(), s.drop()))
				.as("step %d", k)
				.isEqualTo(events.get(k));
		}
		assertThat(recorder.path(Long.MAX_VALUE)).hasSize(34);
		assertThat(recorder.path(Integer.MIN_VALUE)).isEmpty();
		assertThat(recorder.skbCount()).isEqualTo(3);
		// the wide columns are counted
		assertThat(recorder.bytesPerStep()).isGreaterThan(64);
	}

	@Test
	void verdictCodesAreABijection() {
		int[] probes = { TraceSink.NO_VERDICT, -0x8001, -0x8000, -1, 0, 1, 2, 0x7FFD, 0x7FFE, Integer.MAX_VALUE,
				TraceSink.NO_VERDICT + 0x8000, TraceSink.NO_VERDICT + 1 };
		for (int v : probes) {
			assertThat(PathRecorder.verdictOf(PathRecorder.verdictCode(v))).isEqualTo(v);
		}
		assertThat(PathRecorder.verdictCode(TraceSink.NO_VERDICT)).isEqualTo(-1);
		assertThat(PathRecorder.verdictCode(-0x8000)).isZero();
		assertThat(PathRecorder.verdictCode(0x7FFD)).isEqualTo(0xFFFD);
	}

	@Test
	void denseAndSparseSkbIdsMixWithoutLosingPaths() {
		PathRecorder recorder = new PathRecorder(5);
		// sparse ids first (hashed), then dense ids that grow the direct table over them
		long[] sparse = { 5000, 9000, 70_000, 1L << 40 };
		for (long id : sparse) {
			Events.of(1, id, Function.ofId(1), 0).feed(recorder);
		}
		for (long id = 0; id < 100_000; id++) {
			Events.of(2, id, Function.ofId(2), 0).feed(recorder);
		}
		for (long id : sparse) {
			Events.of(3, id, Function.ofId(3), 0).feed(recorder);
		}
		assertThat(recorder.skbCount()).isEqualTo(100_001);
		for (long id : sparse) {
			int expected = (id < 100_000) ? 3 : 2;
			assertThat(recorder.path(id)).as("skb %d", id)
				.hasSize(expected)
				.last()
				.extracting(Step::timeNs)
				.isEqualTo(3L);
		}
		assertThat(recorder.path(99_999)).singleElement().extracting(Step::timeNs).isEqualTo(2L);
	}

}
