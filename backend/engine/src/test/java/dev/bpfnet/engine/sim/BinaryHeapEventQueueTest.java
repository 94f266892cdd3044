package dev.bpfnet.engine.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The heap against {@link PriorityQueue} as the reference model. */
class BinaryHeapEventQueueTest {

	static final EventHandler A = (s, arg) -> {
	};

	static final EventHandler B = (s, arg) -> {
	};

	/** An entry of the reference model. */
	record Entry(long time, long seq, EventHandler handler, long arg, long handle) {
	}

	static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparingLong(Entry::seq);

	/**
	 * Operations: 0-4 insert, 5-6 removeMin, 7-8 remove a live or stale handle, 9
	 * contains.
	 */
	@Provide
	Arbitrary<List<int[]>> operations() {
		return Arbitraries.integers()
			.between(0, 9)
			.flatMap((op) -> Arbitraries.integers().between(0, 1_000).map((x) -> new int[] { op, x }))
			.list()
			.ofMaxSize(400);
	}

	@Property(tries = 300)
	void behavesLikeAPriorityQueueOrderedByTimeThenSeq(@ForAll("operations") List<int[]> ops) {
		BinaryHeapEventQueue heap = new BinaryHeapEventQueue(1);
		PriorityQueue<Entry> model = new PriorityQueue<>(ORDER);
		List<Entry> everInserted = new ArrayList<>();
		long seq = 0;
		for (int[] op : ops) {
			int kind = op[0];
			int x = op[1];
			if (kind <= 4) {
				long time = x % 37; // few distinct times: many ties
				EventHandler h = (x & 1) == 0 ? A : B;
				long handle = heap.insert(time, seq, h, x);
				assertThat(handle).isNotNegative();
				Entry e = new Entry(time, seq, h, x, handle);
				seq++;
				model.add(e);
				everInserted.add(e);
			}
			else if (kind <= 6) {
				if (model.isEmpty()) {
					assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(heap::removeMin);
				}
				else {
					Entry expected = model.poll();
					assertThat(heap.peekHandle()).isEqualTo(expected.handle());
					heap.removeMin();
				}
			}
			else if (kind <= 8) {
				if (!everInserted.isEmpty()) {
					Entry e = everInserted.get(x % everInserted.size());
					assertThat(heap.remove(e.handle())).isEqualTo(model.remove(e));
				}
			}
			else if (!everInserted.isEmpty()) {
				Entry e = everInserted.get(x % everInserted.size());
				assertThat(heap.contains(e.handle())).isEqualTo(model.contains(e));
			}
			assertThat(heap.size()).isEqualTo(model.size());
			if (!model.isEmpty()) {
				Entry first = model.peek();
				assertThat(heap.peekTime()).isEqualTo(first.time());
				assertThat(heap.peekSeq()).isEqualTo(first.seq());
				assertThat(heap.peekHandler()).isSameAs(first.handler());
				assertThat(heap.peekArg()).isEqualTo(first.arg());
				assertThat(heap.peekHandle()).isEqualTo(first.handle());
			}
		}
		while (!model.isEmpty()) {
			Entry expected = model.poll();
			assertThat(heap.peekSeq()).isEqualTo(expected.seq());
			heap.removeMin();
		}
		assertThat(heap.isEmpty()).isTrue();
	}

	@Test
	void handlesOfFreedSlotsGoStale() {
		BinaryHeapEventQueue heap = new BinaryHeapEventQueue(1);
		long h1 = heap.insert(5, 0, A, 0);
		heap.removeMin();
		long h2 = heap.insert(5, 1, A, 0);
		assertThat(h2).isNotEqualTo(h1);
		assertThat(heap.contains(h1)).isFalse();
		assertThat(heap.remove(h1)).isFalse();
		assertThat(heap.contains(h2)).isTrue();
		assertThat(heap.remove(-1)).isFalse();
		assertThat(heap.remove(Long.MAX_VALUE)).isFalse();
	}

	@Test
	void emptyQueueAndBadArguments() {
		BinaryHeapEventQueue heap = new BinaryHeapEventQueue();
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(heap::peekTime)
			.withMessage("the event queue is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> heap.insert(1, 1, null, 0))
			.withMessage("handler must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new BinaryHeapEventQueue(0))
			.withMessage("initialCapacity must be at least 1, got 0");
	}

}
