package dev.bpfnet.engine.qdisc;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QdiscRunTest {

	private static PfifoFast<TestPacket> filled(int n) {
		PfifoFast<TestPacket> q = new PfifoFast<>(1000);
		for (int i = 0; i < n; i++) {
			q.enqueue(new TestPacket(i, 1500, 0, 0), 0);
		}
		return q;
	}

	private static TxRing<TestPacket> ring(int size) {
		return new TxRing<>(TxRing.Config.of(size, 10_000_000_000L, OptionalLong.empty()));
	}

	@Test
	void sendsAtMostTheQuotaThenReschedules() {
		PfifoFast<TestPacket> q = filled(100);
		TxRing<TestPacket> ring = ring(256);
		QdiscRun run = new QdiscRun();
		assertThat(run.quota()).isEqualTo(64);
		QdiscRun.Stop stop = run.run(q, ring, 0);
		assertThat(stop).isEqualTo(QdiscRun.Stop.QUOTA);
		assertThat(stop.reschedule()).isTrue();
		assertThat(run.sent()).isEqualTo(64);
		assertThat(ring.inUse()).isEqualTo(64);
		assertThat(q.backlogPackets()).isEqualTo(36);
		stop = run.run(q, ring, 10);
		assertThat(stop).isEqualTo(QdiscRun.Stop.EMPTY);
		assertThat(stop.reschedule()).isFalse();
		assertThat(run.sent()).isEqualTo(36);
	}

	@Test
	void reschedulesWhenTheQuotaRunsOutEvenIfTheQdiscJustEmptied() {
		QdiscRun run = new QdiscRun();
		assertThat(run.run(filled(64), ring(256), 0)).isEqualTo(QdiscRun.Stop.QUOTA);
		assertThat(run.run(filled(63), ring(256), 0)).isEqualTo(QdiscRun.Stop.EMPTY);
		assertThat(run.sent()).isEqualTo(63);
		assertThat(run.run(filled(0), ring(256), 0)).isEqualTo(QdiscRun.Stop.EMPTY);
		assertThat(run.sent()).isZero();
	}

	@Test
	void stopsWithoutReschedulingWhenTheRingFills() {
		PfifoFast<TestPacket> q = filled(100);
		TxRing<TestPacket> ring = ring(10);
		QdiscRun run = new QdiscRun();
		QdiscRun.Stop stop = run.run(q, ring, 0);
		assertThat(stop).isEqualTo(QdiscRun.Stop.QUEUE_STOPPED);
		assertThat(stop.reschedule()).isFalse();
		assertThat(run.sent()).isEqualTo(10);
		assertThat(q.backlogPackets()).isEqualTo(90);
		assertThat(q.requeues()).isZero();
	}

	@Test
	void requeuesWhenTheDriverIsBusy() {
		PfifoFast<TestPacket> q = filled(5);
		TxQueue<TestPacket> busyOnThird = new TxQueue<>() {
			int calls;

			@Override
			public boolean stopped() {
				return false;
			}

			@Override
			public boolean startXmit(TestPacket packet, long nowNs) {
				return ++this.calls != 3;
			}
		};
		QdiscRun run = new QdiscRun(64);
		QdiscRun.Stop stop = run.run(q, busyOnThird, 0);
		assertThat(stop).isEqualTo(QdiscRun.Stop.DRIVER_BUSY);
		assertThat(stop.reschedule()).isTrue();
		assertThat(run.sent()).isEqualTo(2);
		assertThat(q.requeues()).isEqualTo(1);
		assertThat(q.backlogPackets()).isEqualTo(3);
		assertThat(q.backlogBytes()).isEqualTo(4500);
		assertThat(q.dequeued()).isEqualTo(2);
		assertThat(q.peek(0).id()).isEqualTo(2);
		assertThat(run.run(q, busyOnThird, 1)).isEqualTo(QdiscRun.Stop.EMPTY);
		assertThat(run.sent()).isEqualTo(3);
		assertThat(q.received()).isEqualTo(q.dequeued() + q.drops() + q.backlogPackets());
	}

	@Test
	void aNoqueueDeviceHasNothingToRun() {
		QdiscRun run = new QdiscRun();
		assertThat(run.run(new NoQueue<TestPacket>(), ring(4), 0)).isEqualTo(QdiscRun.Stop.EMPTY);
	}

}
