package dev.bpfnet.engine.sim;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The pacer on a fake wall clock: waiting advances the clock, nothing sleeps. */
class PacerTest {

	static final long START = 1_000_000_000L;

	static final long MS = 1_000_000L;

	/** 1 µs simulated = 10 ms shown. */
	static final double SLOWDOWN = 10_000;

	long wall = START;

	final List<Long> sleeps = new ArrayList<>();

	final Pacer.Sleeper fakeSleeper = new Pacer.Sleeper() {
		@Override
		public void sleep(long nanos) {
			assertThat(nanos).isPositive();
			PacerTest.this.sleeps.add(nanos);
			PacerTest.this.wall += nanos;
		}

		@Override
		public void wake(Thread driver) {
		}
	};

	final Simulator sim = new Simulator();

	Pacer pacer;

	/** "simNs@wallNs since START" for every event run. */
	final List<String> log = new ArrayList<>();

	final EventHandler record = (s, arg) -> this.log.add(s.now() + "@" + (this.wall - START) / MS + "ms");

	@BeforeEach
	void setUp() {
		this.pacer = new Pacer(this.sim, SLOWDOWN, () -> this.wall, this.fakeSleeper);
		this.sim.scheduleAt(1_000, this.record, 0);
		this.sim.scheduleAt(2_000, this.record, 0);
		this.sim.scheduleAt(5_000, this.record, 0);
	}

	@Test
	void startsPausedAndPlaysEventsAtTheirScaledWallTimes() {
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.PAUSED);
		assertThat(this.pacer.poll()).isEqualTo(Pacer.IDLE);
		assertThat(this.log).isEmpty();
		this.pacer.resume();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@10ms", "2000@20ms", "5000@50ms");
		assertThat(this.sleeps).allSatisfy((ns) -> assertThat(ns).isLessThanOrEqualTo(Pacer.MAX_SLEEP_NS));
		assertThat(this.pacer.simTimeNs()).isEqualTo(5_000);
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.RUNNING);
	}

	@Test
	void aPauseIsNotCaughtUpAfterResume() {
		this.sim.scheduleAt(1_000, (s, arg) -> this.pacer.pause(), 0);
		this.pacer.resume();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@10ms");
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.PAUSED);
		this.wall += 1_000 * MS; // a second passes while paused
		assertThat(this.pacer.poll()).isEqualTo(Pacer.IDLE);
		this.pacer.resume();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@10ms", "2000@1020ms", "5000@1050ms");
	}

	@Test
	void stepOneRunsExactlyOneEventWithoutWaiting() {
		this.pacer.stepOne();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@0ms");
		this.pacer.stepOne();
		this.pacer.stepOne();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@0ms", "2000@0ms", "5000@0ms");
		assertThat(this.sleeps).isEmpty();
		this.pacer.stepOne();
		assertThat(this.pacer.poll()).as("nothing left to step").isEqualTo(Pacer.IDLE);
		assertThat(this.pacer.poll()).isEqualTo(Pacer.IDLE);
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.PAUSED);
	}

	@Test
	void stepOnePausesARunningPacer() {
		this.pacer.resume();
		assertThat(this.pacer.poll()).isEqualTo(10 * MS);
		this.pacer.stepOne();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@0ms");
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.PAUSED);
	}

	@Test
	void runToFastForwardsThenPausesAtTheTarget() {
		this.pacer.runTo(3_500);
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.FAST_FORWARD);
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@0ms", "2000@0ms");
		assertThat(this.sim.now()).isEqualTo(3_500);
		assertThat(this.pacer.shownTimeNs()).isEqualTo(3_500);
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.PAUSED);
		assertThat(this.sleeps).isEmpty();
		this.pacer.resume();
		this.pacer.pumpUntilIdle();
		assertThat(this.log).containsExactly("1000@0ms", "2000@0ms", "5000@15ms");
	}

	@Test
	void runToBeforeNowJustPauses() {
		this.pacer.runTo(2_000);
		this.pacer.pumpUntilIdle();
		this.pacer.runTo(1_000);
		this.pacer.pumpUntilIdle();
		assertThat(this.sim.now()).isEqualTo(2_000);
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.PAUSED);
	}

	@Test
	void theShownTimeMovesWithTheWallClockBetweenEvents() {
		this.pacer.resume();
		assertThat(this.pacer.poll()).isEqualTo(10 * MS);
		this.wall += 4 * MS;
		assertThat(this.pacer.poll()).isEqualTo(6 * MS);
		assertThat(this.pacer.shownTimeNs()).isEqualTo(400);
		assertThat(this.pacer.simTimeNs()).isZero();
	}

	@Test
	void aChangeOfPaceAppliesFromTheShownTime() {
		this.sim.scheduleAt(2_000, (s, arg) -> this.pacer.setSlowdown(1_000), 0);
		this.pacer.resume();
		this.pacer.pumpUntilIdle();
		// after 2 µs at 10 ms/µs, the remaining 3 µs take 3 ms
		assertThat(this.log).containsExactly("1000@10ms", "2000@20ms", "5000@23ms");
		assertThat(this.pacer.slowdown()).isEqualTo(1_000);
		assertThatIllegalArgumentException().isThrownBy(() -> this.pacer.setSlowdown(0))
			.withMessage("slowdown must be positive and finite, got 0.0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Pacer(this.sim, Double.NaN, () -> 0, this.fakeSleeper))
			.withMessage("slowdown must be positive and finite, got NaN");
	}

	@Test
	void runReturnsOnceClosedAndPlaysTheSameEventsAsABatchRun() {
		this.sim.scheduleAt(6_000, (s, arg) -> this.pacer.close(), 0);
		this.pacer.resume();
		this.pacer.run();
		assertThat(this.log).containsExactly("1000@10ms", "2000@20ms", "5000@50ms");
		assertThat(this.pacer.state()).isEqualTo(Pacer.State.CLOSED);
		assertThat(this.pacer.poll()).isEqualTo(Pacer.IDLE);
		this.pacer.resume();
		assertThat(this.pacer.state()).as("closed is final").isEqualTo(Pacer.State.CLOSED);
	}

}
