package dev.bpfnet.engine.qdisc;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.trace.DropReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FqCodelTest {

	private static final long MS = 1_000_000L;

	private static final int FAT = TestPacket.hashOfFlow(3);

	private static final int THIN = TestPacket.hashOfFlow(700);

	@Test
	void classifiesWithReciprocalScale() {
		FqCodel<TestPacket> q = new FqCodel<>();
		assertThat(q.classify(0)).isZero();
		assertThat(q.classify(-1)).isEqualTo(1023);
		assertThat(q.classify(FAT)).isEqualTo(3);
		assertThat(q.classify(0x8000_0000)).isEqualTo(512);
	}

	@Test
	void aThinFlowIsServedAheadOfAFatBacklogAsANewFlow() {
		FqCodel<TestPacket> q = new FqCodel<>();
		for (int i = 0; i < 100; i++) {
			q.enqueue(new TestPacket(i, 1514, 0, FAT), 0);
		}
		assertThat(q.dequeue(0).id()).isZero();
		// the fat flow has used its quantum; the thin packet arrives on new_flows
		q.enqueue(new TestPacket(1000, 100, 0, THIN), 0);
		assertThat(q.dequeue(0).id()).isEqualTo(1000);
		assertThat(q.newFlowCount()).isEqualTo(2);
		assertThat(q.dequeue(0).id()).isEqualTo(1);
	}

	@Test
	void drrSharesBytesEquallyBetweenBackloggedFlows() {
		FqCodel<TestPacket> q = new FqCodel<>();
		for (int i = 0; i < 300; i++) {
			q.enqueue(new TestPacket(i, 1514, 0, FAT), 0);
			q.enqueue(new TestPacket(10_000 + i, 200, 0, THIN), 0);
			q.enqueue(new TestPacket(20_000 + i, 200, 0, THIN), 0);
			q.enqueue(new TestPacket(30_000 + i, 200, 0, THIN), 0);
		}
		long fatBytes = 0;
		long thinBytes = 0;
		for (int i = 0; i < 400; i++) {
			TestPacket p = q.dequeue(0);
			if (p.flowHash() == FAT) {
				fatBytes += p.len();
			}
			else {
				thinBytes += p.len();
			}
		}
		assertThat(Math.abs(fatBytes - thinBytes)).isLessThanOrEqualTo(2 * 1514);
		assertThat(fatBytes).isGreaterThan(40_000);
		q.checkInvariants();
	}

	@Test
	void codelDropsFromAStandingQueueAtThePinnedTimes() {
		FqCodel<TestPacket> q = new FqCodel<>();
		TestPacket.Recorder rec = new TestPacket.Recorder();
		q.setListener(rec);
		long id = 0;
		// a standing queue of 20 packets at t = 0, then one arrival and one departure per
		// ms
		for (int i = 0; i < 20; i++) {
			q.enqueue(new TestPacket(id++, 1000, 0, FAT), 0);
		}
		List<Integer> depthAt = new ArrayList<>();
		for (long t = 1; t <= 3000; t++) {
			q.enqueue(new TestPacket(id++, 1000, 0, FAT), t * MS);
			assertThat(q.dequeue(t * MS)).isNotNull();
			if (t % 500 == 0) {
				depthAt.add(q.backlogPackets());
			}
		}
		// sojourn reaches the 5 ms target at t = 5 ms: first_above_time = 105 ms, so the
		// first drop is the dequeue at 106 ms; then drop_next = 106 + 100 ms, and after
		// one Newton step from rec_inv_sqrt = 1.0 for count 2 the next gap is ~50 ms
		assertThat(rec.dropTimes.subList(0, 3)).containsExactly(106 * MS, 206 * MS, 256 * MS);
		assertThat(rec.reasons).containsOnly(DropReason.QDISC_CONGESTED);
		assertThat(q.drops(DropReason.QDISC_CONGESTED)).isEqualTo(q.codelDrops()).isEqualTo(rec.dropped.size());
		// each drop shortens the queue by one packet until the sojourn is under 5 ms
		assertThat(depthAt.get(depthAt.size() - 1)).isLessThanOrEqualTo(6);
		assertThat(q.codelDrops()).isBetween(14L, 20L);
		assertThat(q.received()).isEqualTo(q.dequeued() + q.drops() + q.backlogPackets());
		q.checkInvariants();
	}

	@Test
	void noCodelDropWhileTheSojournStaysUnderTarget() {
		FqCodel<TestPacket> q = new FqCodel<>();
		long id = 0;
		for (int i = 0; i < 4; i++) {
			q.enqueue(new TestPacket(id++, 1000, 0, FAT), 0);
		}
		for (long t = 1; t <= 5000; t++) {
			q.enqueue(new TestPacket(id++, 1000, 0, FAT), t * MS);
			q.dequeue(t * MS);
		}
		assertThat(q.drops()).isZero();
	}

	@Test
	void overLimitDropsHalfTheFattestFlowFromItsHead() {
		FqCodel<TestPacket> q = new FqCodel<>(FqCodel.Config.defaults(1500).withLimit(10));
		TestPacket.Recorder rec = new TestPacket.Recorder();
		q.setListener(rec);
		for (int i = 0; i < 8; i++) {
			q.enqueue(new TestPacket(i, 1000, 0, FAT), 0);
		}
		q.enqueue(new TestPacket(100, 100, 0, THIN), 0);
		q.enqueue(new TestPacket(101, 100, 0, THIN), 0);
		assertThat(q.drops()).isZero();
		// the 11th packet: fq_codel_drop drops from the head of the fat flow until half
		// of
		// its 8000 bytes are gone
		assertThat(q.enqueue(new TestPacket(102, 100, 0, THIN), 5)).isEqualTo(EnqueueResult.SUCCESS);
		assertThat(rec.dropped).extracting(TestPacket::id).containsExactly(0L, 1L, 2L, 3L);
		assertThat(rec.reasons).containsOnly(DropReason.QDISC_OVERLIMIT);
		assertThat(q.drops(DropReason.QDISC_OVERLIMIT)).isEqualTo(4);
		assertThat(q.dropOverlimit()).isEqualTo(4);
		assertThat(q.codelCount(3)).isEqualTo(4);
		assertThat(q.flowBacklog(3)).isEqualTo(4000);
		assertThat(q.backlogPackets()).isEqualTo(7);
		assertThat(q.backlogBytes()).isEqualTo(4300);
		q.checkInvariants();
		// an arrival in the fattest flow itself gets NET_XMIT_CN
		for (int i = 0; i < 3; i++) {
			q.enqueue(new TestPacket(200 + i, 1000, 0, FAT), 6);
		}
		assertThat(q.backlogPackets()).isEqualTo(10);
		assertThat(q.enqueue(new TestPacket(300, 1000, 0, FAT), 7)).isEqualTo(EnqueueResult.CN);
		assertThat(rec.dropped).extracting(TestPacket::id).endsWith(4L, 5L, 6L, 7L);
		assertThat(q.received()).isEqualTo(q.dequeued() + q.drops() + q.backlogPackets());
		q.checkInvariants();
	}

	@Test
	void peekHoldsTheDequeuedPacket() {
		FqCodel<TestPacket> q = new FqCodel<>();
		q.enqueue(new TestPacket(1, 500, 0, FAT), 0);
		q.enqueue(new TestPacket(2, 500, 0, THIN), 0);
		assertThat(q.peek(0).id()).isEqualTo(1);
		assertThat(q.peek(0).id()).isEqualTo(1);
		assertThat(q.backlogPackets()).isEqualTo(2);
		assertThat(q.dequeue(0).id()).isEqualTo(1);
		assertThat(q.dequeue(0).id()).isEqualTo(2);
		assertThat(q.requeues()).isZero();
	}

	@Test
	void configNamesTheBadField() {
		assertThatIllegalArgumentException().isThrownBy(() -> FqCodel.Config.defaults(1500).withFlows(0))
			.withMessage("flows: must be in [1, 65536], got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new FqCodel.Config(10, 1, 1, 1, 1, 1, 1L << 32, 0))
			.withMessage("intervalNs: must be in [1, 2^32), got 4294967296");
	}

}
