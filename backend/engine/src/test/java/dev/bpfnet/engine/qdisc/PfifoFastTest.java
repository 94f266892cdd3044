package dev.bpfnet.engine.qdisc;

import dev.bpfnet.engine.trace.DropReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PfifoFastTest {

	@Test
	void prio2bandIsTheKernelTable() {
		int[] expected = { 1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 };
		for (int prio = 0; prio < 16; prio++) {
			assertThat(PfifoFast.prio2band(prio)).as("priority %d", prio).isEqualTo(expected[prio]);
		}
		assertThat(PfifoFast.prio2band(PfifoFast.TC_PRIO_CONTROL)).isZero();
		assertThat(PfifoFast.prio2band(PfifoFast.TC_PRIO_INTERACTIVE)).isZero();
		assertThat(PfifoFast.prio2band(PfifoFast.TC_PRIO_BESTEFFORT)).isEqualTo(1);
		assertThat(PfifoFast.prio2band(PfifoFast.TC_PRIO_BULK)).isEqualTo(2);
		// only the low 4 bits count (skb->priority & TC_PRIO_MAX)
		assertThat(PfifoFast.prio2band(0x10006)).isZero();
	}

	@Test
	void band0IsServedFirstAndEachBandIsFifo() {
		PfifoFast<TestPacket> q = new PfifoFast<>(10);
		q.enqueue(new TestPacket(1, 100, PfifoFast.TC_PRIO_BULK, 0), 0);
		q.enqueue(new TestPacket(2, 100, PfifoFast.TC_PRIO_BESTEFFORT, 0), 0);
		q.enqueue(new TestPacket(3, 100, PfifoFast.TC_PRIO_INTERACTIVE, 0), 0);
		q.enqueue(new TestPacket(4, 100, PfifoFast.TC_PRIO_BESTEFFORT, 0), 0);
		q.enqueue(new TestPacket(5, 100, PfifoFast.TC_PRIO_CONTROL, 0), 0);
		assertThat(q.bandLength(0)).isEqualTo(2);
		assertThat(q.bandLength(1)).isEqualTo(2);
		assertThat(q.bandLength(2)).isEqualTo(1);
		assertThat(q.peek(0).id()).isEqualTo(3);
		long[] order = new long[5];
		for (int i = 0; i < 5; i++) {
			order[i] = q.dequeue(0).id();
		}
		assertThat(order).containsExactly(3, 5, 2, 4, 1);
		assertThat(q.dequeue(0)).isNull();
		assertThat(q.isEmpty()).isTrue();
	}

	@Test
	void tailDropsAtTxqueuelenPlusOnePerBandWithQdiscDrop() {
		PfifoFast<TestPacket> q = new PfifoFast<>(5);
		TestPacket.Recorder rec = new TestPacket.Recorder();
		q.setListener(rec);
		for (int i = 1; i <= 5; i++) {
			assertThat(q.enqueue(new TestPacket(i, 1000, 0, 0), 7)).isEqualTo(EnqueueResult.SUCCESS);
		}
		assertThat(q.drops()).isZero();
		TestPacket sixth = new TestPacket(6, 1000, 0, 0);
		assertThat(q.enqueue(sixth, 9)).isEqualTo(EnqueueResult.DROP);
		assertThat(q.drops(DropReason.QDISC_DROP)).isEqualTo(1);
		assertThat(q.drops()).isEqualTo(1);
		assertThat(rec.dropped).containsExactly(sixth);
		assertThat(rec.reasons).containsExactly(DropReason.QDISC_DROP);
		assertThat(rec.dropTimes).containsExactly(9L);
		assertThat(q.backlogPackets()).isEqualTo(5);
		assertThat(q.backlogBytes()).isEqualTo(5000);
		assertThat(rec.lastDepth).isEqualTo(5);
		// another band has its own txqueuelen entries
		assertThat(q.enqueue(new TestPacket(7, 1000, PfifoFast.TC_PRIO_CONTROL, 0), 9))
			.isEqualTo(EnqueueResult.SUCCESS);
		// after one dequeue the full band accepts one more, then drops again
		assertThat(q.dequeue(10).id()).isEqualTo(7);
		assertThat(q.dequeue(10).id()).isEqualTo(1);
		assertThat(q.enqueue(new TestPacket(8, 1000, 0, 0), 11)).isEqualTo(EnqueueResult.SUCCESS);
		assertThat(q.enqueue(new TestPacket(9, 1000, 0, 0), 11)).isEqualTo(EnqueueResult.DROP);
		assertThat(q.drops(DropReason.QDISC_DROP)).isEqualTo(2);
		assertThat(q.received()).isEqualTo(q.dequeued() + q.drops() + q.backlogPackets());
	}

	@Test
	void reportsBypassAndKernelName() {
		PfifoFast<TestPacket> q = new PfifoFast<>(1);
		assertThat(q.canBypass()).isTrue();
		assertThat(q.kind()).isEqualTo("pfifo_fast");
		assertThatIllegalArgumentException().isThrownBy(() -> new PfifoFast<TestPacket>(0))
			.withMessage("txqueuelen: must be >= 1, got 0");
	}

	@Test
	void noqueueTakesNothing() {
		Qdisc<TestPacket> q = QdiscFactory.create("noqueue", 1000, 1500);
		assertThat(q).isInstanceOf(NoQueue.class);
		assertThat(q.enqueue(new TestPacket(1, 100, 0, 0), 0)).isEqualTo(EnqueueResult.NO_QUEUE);
		assertThat(q.received()).isZero();
		assertThat(q.dequeue(0)).isNull();
		assertThat(q.backlogPackets()).isZero();
	}

	@Test
	void factoryUsesKernelDefaults() {
		Qdisc<TestPacket> pfifo = QdiscFactory.create(QdiscKind.PFIFO_FAST, 1000, 1500);
		assertThat(((PfifoFast<TestPacket>) pfifo).txqueuelen()).isEqualTo(1000);
		FqCodel<TestPacket> fq = (FqCodel<TestPacket>) QdiscFactory.<TestPacket>create("fq_codel", 1000, 1500);
		assertThat(fq.config())
			.isEqualTo(new FqCodel.Config(10240, 1024, 1514, 32L << 20, 64, 5_000_000L, 100_000_000L, 1514));
		assertThat(fq.canBypass()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> QdiscFactory.create("fq", 1000, 1500))
			.withMessage("qdisc: unknown kind 'fq', expected one of noqueue, pfifo_fast, fq_codel");
	}

}
