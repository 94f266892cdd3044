package dev.bpfnet.engine.nic;

import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random bursts from NIC A to NIC B with random ring sizes, moderation, weights and
 * latencies: frames are conserved at every checkpoint and at the end, and runs are
 * deterministic.
 */
class NicConservationProperties {

	static final class Run {

		EmbeddedNics bench;

		long sent;

	}

	static Run scenario(long seed, boolean check) {
		SplittableRandom rnd = new SplittableRandom(seed);
		NicRx.Config rx = new NicRx.Config(1 + rnd.nextInt(64), rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(20_000),
				1 + rnd.nextInt(64), 1 + rnd.nextInt(64), EmbeddedNics.DEV_B, 1, EmbeddedNics.RXQ_B, 22);
		Run run = new Run();
		EmbeddedNics b = new EmbeddedNics(EmbeddedNics.exactParams(), rnd.nextLong(10_000), rx);
		run.bench = b;
		int bursts = 1 + rnd.nextInt(8);
		for (int k = 0; k < bursts; k++) {
			int n = 1 + rnd.nextInt(150);
			int len = 60 + rnd.nextInt(1440);
			b.sim.scheduleAt(rnd.nextLong(300_000), (s, arg) -> {
				for (int i = 0; i < n && b.txA.free() > 0; i++) {
					b.sendFromA(b.frame(len));
					run.sent++;
				}
			}, 0);
		}
		if (check) {
			for (long t = 0; t < 600_000; t += 1 + rnd.nextLong(40_000)) {
				b.sim.runUntil(t);
				assertConserved(run);
			}
		}
		b.run();
		return run;
	}

	static void assertConserved(Run run) {
		EmbeddedNics b = run.bench;
		assertThat(run.sent)
			.isEqualTo(b.nicB.received() + b.nicB.missed() + b.wire.inFlight(Wire.A) + b.nicB.ringLength());
		assertThat(b.received).hasSize((int) b.nicB.received());
		assertThat(b.missedFrames).hasSize((int) b.nicB.missed());
	}

	@Property(tries = 200)
	void framesAreConserved(@ForAll long seed) {
		Run run = scenario(seed, true);
		EmbeddedNics b = run.bench;
		assertConserved(run);
		assertThat(b.wire.inFlight(Wire.A)).isZero();
		assertThat(b.nicB.ringLength()).isZero();
		assertThat(run.sent).isEqualTo(b.nicB.received() + b.nicB.missed());
		assertThat(b.drops.total()).isEqualTo(b.nicB.missed());
		// every transmitted frame was cleaned from A's TX ring in A's NAPI poll
		assertThat(b.cleanerA.cleaned()).isEqualTo(run.sent);
		assertThat(b.txA.inUse()).isZero();
		// receive order is wire order
		assertThat(b.received).extracting(EmbeddedNics.Received::frameId).isSortedAccordingTo(Long::compare);
		// both IRQs end re-armed, nothing scheduled
		assertThat(b.nicB.irqArmed()).isTrue();
		assertThat(b.nicA.irqArmed()).isTrue();
		b.accounting.verify(b.sim.now());
	}

	@Property(tries = 30)
	void runsAreDeterministic(@ForAll long seed) {
		Run one = scenario(seed, false);
		Run two = scenario(seed, false);
		assertThat(two.bench.events).isEqualTo(one.bench.events);
		assertThat(two.bench.received).isEqualTo(one.bench.received);
	}

}
