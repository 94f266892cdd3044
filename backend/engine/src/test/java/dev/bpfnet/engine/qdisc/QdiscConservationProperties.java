package dev.bpfnet.engine.qdisc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.engine.trace.DropReason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packet conservation on every qdisc under random operations: every packet taken is
 * dequeued, dropped or still held, exactly once; the backlog in bytes is the sum of the
 * lengths of the packets held.
 */
class QdiscConservationProperties {

	/** One operation: enqueue (kind 0..2), dequeue (3..4), peek (5), requeue (6). */
	record Op(int kind, int len, int priority, int flow, int advanceNs) {
	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<Op> op = Combinators
			.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(1, 1600),
					Arbitraries.integers().between(0, 31), Arbitraries.integers().between(0, 5),
					Arbitraries.integers().between(0, 3000))
			.as(Op::new);
		return op.list().ofMinSize(1).ofMaxSize(400);
	}

	@Property(tries = 200)
	void pfifoFastConserves(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 8) int txqueuelen) {
		check(new PfifoFast<>(txqueuelen), ops);
	}

	@Property(tries = 200)
	void fqCodelConserves(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 24) int limit,
			@ForAll @IntRange(min = 1, max = 8) int flows, @ForAll @IntRange(min = 1, max = 4) int batch) {
		// tiny target, interval and mtu so that CoDel and fq_codel_drop both act
		FqCodel.Config config = new FqCodel.Config(limit, flows, 600, 20_000, batch, 500, 5_000, 0);
		FqCodel<TestPacket> q = new FqCodel<>(config);
		check(q, ops);
		q.checkInvariants();
		Statistics.label("codel drops").collect(q.drops(DropReason.QDISC_CONGESTED) > 0);
		Statistics.label("overlimit drops").collect(q.drops(DropReason.QDISC_OVERLIMIT) > 0);
		Statistics.label("codel drops").coverage(c -> c.check(true).percentage(p -> p >= 3));
		Statistics.label("overlimit drops").coverage(c -> c.check(true).percentage(p -> p >= 3));
	}

	@Property(tries = 50)
	void noqueueConserves(@ForAll("ops") List<Op> ops) {
		check(new NoQueue<>(), ops);
	}

	private static void check(Qdisc<TestPacket> q, List<Op> ops) {
		Map<Long, TestPacket> held = new TreeMap<>();
		List<Long> gone = new ArrayList<>();
		q.setListener(new QdiscListener<>() {
			@Override
			public void dropped(long nowNs, TestPacket packet, DropReason reason) {
				assertThat(held.remove(packet.id())).as("dropped packet %d was held", packet.id()).isNotNull();
				assertThat(reason.isDrop()).isTrue();
				gone.add(packet.id());
			}
		});
		long now = 0;
		long nextId = 0;
		TestPacket lastDequeued = null;
		for (Op op : ops) {
			now += op.advanceNs();
			if (op.kind() <= 2) {
				TestPacket p = new TestPacket(nextId++, op.len(), op.priority(), op.flow() * 0x2545_F491);
				held.put(p.id(), p);
				EnqueueResult result = q.enqueue(p, now);
				if (result == EnqueueResult.NO_QUEUE) {
					held.remove(p.id());
				}
				if (result == EnqueueResult.DROP) {
					assertThat(held).doesNotContainKey(p.id());
				}
				lastDequeued = null;
			}
			else if (op.kind() <= 4) {
				TestPacket p = q.dequeue(now);
				if (p != null) {
					assertThat(held.remove(p.id())).as("dequeued packet %d was held", p.id()).isNotNull();
					gone.add(p.id());
				}
				lastDequeued = p;
			}
			else if (op.kind() == 5) {
				TestPacket p = q.peek(now);
				if (p != null) {
					assertThat(held).containsKey(p.id());
				}
			}
			else if (lastDequeued != null) {
				q.requeue(lastDequeued, now);
				held.put(lastDequeued.id(), lastDequeued);
				gone.remove(lastDequeued.id());
				lastDequeued = null;
			}
			assertThat(q.received()).isEqualTo(q.dequeued() + q.drops() + q.backlogPackets());
			assertThat(q.backlogPackets()).isEqualTo(held.size());
			assertThat(q.backlogBytes()).isEqualTo(held.values().stream().mapToLong(TestPacket::len).sum());
			long byReason = 0;
			for (DropReason reason : DropReason.values()) {
				byReason += q.drops(reason);
			}
			assertThat(byReason).isEqualTo(q.drops());
		}
		// drain: everything held comes out or is dropped
		for (TestPacket p = q.dequeue(now); p != null; p = q.dequeue(now)) {
			assertThat(held.remove(p.id())).as("dequeued packet %d was held", p.id()).isNotNull();
			gone.add(p.id());
			now += 1_000;
		}
		assertThat(q.backlogPackets()).isZero();
		assertThat(q.backlogBytes()).isZero();
		assertThat(held).isEmpty();
		assertThat(gone).doesNotHaveDuplicates();
		assertThat(q.received()).isEqualTo(q.dequeued() + q.drops());
	}

}
