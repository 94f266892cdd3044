package dev.bpfnet.engine.qdisc;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TxRingTest {

	private static final long G = 1_000_000_000L;

	private final List<String> events = new ArrayList<>();

	private final List<TestPacket> done = new ArrayList<>();

	private TxRing<TestPacket> ring(int size, int wake, long rate, int overhead, OptionalLong bql) {
		TxRing<TestPacket> ring = new TxRing<>(new TxRing.Config(size, wake, rate, overhead, bql));
		ring.setListener(new TxRing.Listener<>() {
			@Override
			public void stopped(long nowNs, boolean byBql) {
				TxRingTest.this.events.add("stop" + (byBql ? "-bql" : "") + "@" + nowNs);
			}

			@Override
			public void woken(long nowNs) {
				TxRingTest.this.events.add("wake@" + nowNs);
			}
		});
		return ring;
	}

	private static TestPacket packet(long id, int len) {
		return new TestPacket(id, len, 0, 0);
	}

	@Test
	void serialisationTimesAtCommonRates() {
		assertThat(TxRing.serialisationNs(1500, 10 * G)).isEqualTo(1200);
		assertThat(TxRing.serialisationNs(1500, 25 * G)).isEqualTo(480);
		assertThat(TxRing.serialisationNs(1500, 100 * G)).isEqualTo(120);
		assertThat(TxRing.serialisationNs(64, 10 * G)).isEqualTo(52); // 51.2 rounded up
		assertThat(TxRing.serialisationNs(64, 25 * G)).isEqualTo(21); // 20.48
		assertThat(TxRing.serialisationNs(1524, 100 * G)).isEqualTo(122); // 121.92
		assertThat(TxRing.serialisationNs(65536, 100 * G)).isEqualTo(5243); // 5242.88
		// no overflow for the largest packet at the slowest and the fastest rate
		assertThat(TxRing.serialisationNs(Integer.MAX_VALUE, 1000)).isEqualTo(17_179_869_176_000_000L);
		assertThat(TxRing.serialisationNs(Integer.MAX_VALUE, 1_000_000_000_000_000L)).isEqualTo(17_180); // 17179.87
	}

	@Test
	void backToBackPacketsCarryFractionalNanoseconds() {
		TxRing<TestPacket> ring = ring(64, 1, 25 * G, 0, OptionalLong.empty());
		long departure = 0;
		for (int i = 0; i < 25; i++) {
			departure = ring.post(packet(i, 64), 0);
		}
		// 25 x 20.48 ns = 512 ns exactly, not 25 x 21
		assertThat(departure).isEqualTo(512);
		assertThat(ring.headDepartureNs()).isEqualTo(20);
		// a packet posted when the link is idle starts at once, with Ethernet overhead
		TxRing<TestPacket> eth = new TxRing<>(TxRing.Config.of(256, 10 * G, OptionalLong.empty()));
		// (1524 B = 1219.2 ns; departures are rounded down, the fraction carried over)
		assertThat(eth.post(packet(1, 1500), 1000)).isEqualTo(1000 + 1219);
		assertThat(eth.post(packet(2, 1500), 1100)).isEqualTo(1000 + 2438);
		assertThat(eth.post(packet(3, 1500), 10_000)).isEqualTo(10_000 + 1219);
		assertThat(eth.post(packet(4, 1500), 20_000)).isEqualTo(20_000 + 1219);
		assertThat(eth.post(packet(5, 1500), 30_000)).isEqualTo(30_000 + 1220);
	}

	@Test
	void stopsWhenFullAndWakesAtTheThreshold() {
		TxRing<TestPacket> ring = ring(4, 2, 10 * G, 0, OptionalLong.empty());
		for (int i = 0; i < 4; i++) {
			assertThat(ring.stopped()).isFalse();
			assertThat(ring.startXmit(packet(i, 1500), 0)).isTrue();
		}
		assertThat(ring.stopped()).isTrue();
		assertThat(ring.stoppedByDriver()).isTrue();
		assertThat(this.events).containsExactly("stop@0");
		assertThat(ring.post(packet(9, 1500), 0)).isEqualTo(-1);
		assertThat(ring.busy()).isEqualTo(1);
		// departures at 1200, 2400, 3600, 4800
		assertThat(ring.clean(1199, 64, this.done::add)).isZero();
		assertThat(ring.clean(1200, 64, this.done::add)).isEqualTo(1);
		assertThat(ring.stopped()).as("1 free < wake threshold 2").isTrue();
		assertThat(ring.clean(2500, 64, this.done::add)).isEqualTo(1);
		assertThat(ring.stopped()).isFalse();
		assertThat(this.events).containsExactly("stop@0", "wake@2500");
		assertThat(this.done).extracting(TestPacket::id).containsExactly(0L, 1L);
		// the budget bounds a clean
		assertThat(ring.clean(10_000, 1, this.done::add)).isEqualTo(1);
		assertThat(ring.inUse()).isEqualTo(1);
		assertThat(ring.bytes()).isEqualTo(1500);
		assertThat(ring.completed()).isEqualTo(3);
	}

	@Test
	void bqlLimitGrowsWhenTheQueueStarves() {
		TxRing<TestPacket> ring = ring(256, 32, 10 * G, 0, OptionalLong.of(100_000));
		DynamicQueueLimits bql = ring.bql();
		assertThat(bql.limit()).isZero();
		// limit 0: the first packet goes out, then BQL stops the queue
		ring.post(packet(1, 1500), 0);
		assertThat(ring.stoppedByBql()).isTrue();
		assertThat(this.events).containsExactly("stop-bql@0");
		// starved while over the limit: limit += completed since last interval
		ring.clean(1200, 64, this.done::add);
		assertThat(bql.limit()).isEqualTo(1500);
		assertThat(ring.stopped()).isFalse();
		assertThat(this.events).containsExactly("stop-bql@0", "wake@1200");
		ring.post(packet(2, 1500), 2000);
		assertThat(ring.stopped()).isFalse();
		ring.post(packet(3, 1500), 2000);
		assertThat(ring.stoppedByBql()).isTrue();
		ring.clean(10_000, 64, this.done::add);
		assertThat(bql.limit()).isEqualTo(4500);
		assertThat(bql.inflight()).isZero();
		// keep starving it: the limit keeps growing until limit_max
		long t = 20_000;
		for (int round = 0; round < 20; round++) {
			while (!ring.stopped()) {
				ring.post(packet(100 + round, 1500), t);
			}
			t = ring.linkFreeAtNs();
			ring.clean(t, 256, this.done::add);
		}
		assertThat(bql.limit()).isEqualTo(100_000);
		assertThat(bql.limitChanges()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void dqlShrinksByTheLowestSlackWhileBusy() {
		DynamicQueueLimits dql = new DynamicQueueLimits(0, DynamicQueueLimits.DQL_MAX_LIMIT);
		// grow to 30000 by starving it once
		dql.queued(30_000);
		dql.completed(30_000, 0);
		assertThat(dql.limit()).isEqualTo(30_000);
		// then keep it busy with far more room than it needs: 3000 queued and 3000
		// completed per interval, 6000 to 9000 bytes in flight
		dql.queued(6000);
		long t = 0;
		for (int i = 0; i < 2000; i++) {
			t += 1_000_000;
			dql.queued(3000);
			dql.completed(3000, t);
		}
		assertThat(dql.limit()).isLessThan(30_000);
		assertThat(dql.inflight()).isEqualTo(6000);
	}

	@Test
	void configNamesTheBadField() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TxRing.Config(8, 9, 10 * G, 24, OptionalLong.empty()))
			.withMessage("wakeThreshold: must be in [1, size 8], got 9");
		assertThatIllegalArgumentException().isThrownBy(() -> new TxRing.Config(8, 1, 999, 24, OptionalLong.empty()))
			.withMessage("rateBps: must be in [1000, 10^15], got 999");
		assertThatIllegalArgumentException().isThrownBy(() -> new TxRing.Config(0, 1, 1000, 24, OptionalLong.empty()))
			.withMessage("size: must be >= 1, got 0");
	}

}
