package dev.bpfnet.engine.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SimulatorTest {

	final Simulator sim = new Simulator();

	final List<String> log = new ArrayList<>();

	/** Logs "time:arg". */
	final EventHandler record = (s, arg) -> this.log.add(s.now() + ":" + arg);

	@Test
	void eventsRunByTimeThenSchedulingOrder() {
		this.sim.scheduleAt(30, this.record, 1);
		this.sim.scheduleAt(10, this.record, 2);
		this.sim.scheduleAt(20, this.record, 3);
		this.sim.scheduleAt(10, this.record, 4);
		this.sim.scheduleAt(10, this.record, 5);
		this.sim.run();
		assertThat(this.log).containsExactly("10:2", "10:4", "10:5", "20:3", "30:1");
		assertThat(this.sim.now()).isEqualTo(30);
		assertThat(this.sim.eventsProcessed()).isEqualTo(5);
		assertThat(this.sim.pending()).isZero();
	}

	@Test
	void anEventScheduledForNowRunsAfterThoseAlreadyPendingForNow() {
		this.sim.scheduleAt(5, (s, arg) -> {
			this.log.add("a");
			s.schedule(0, (s2, a2) -> this.log.add("c"), 0);
		}, 0);
		this.sim.scheduleAt(5, (s, arg) -> this.log.add("b"), 0);
		this.sim.run();
		assertThat(this.log).containsExactly("a", "b", "c");
	}

	@Test
	void delaysAreRelativeToTheRunningEvent() {
		this.sim.scheduleAt(100, (s, arg) -> s.schedule(50, this.record, 7), 0);
		this.sim.run();
		assertThat(this.log).containsExactly("150:7");
	}

	@Test
	void cancelledEventsDoNotRunNorCount() {
		long a = this.sim.scheduleAt(10, this.record, 1);
		long b = this.sim.scheduleAt(20, this.record, 2);
		this.sim.scheduleAt(30, this.record, 3);
		assertThat(this.sim.pending()).isEqualTo(3);
		assertThat(this.sim.isPending(b)).isTrue();
		assertThat(this.sim.cancel(b)).isTrue();
		assertThat(this.sim.cancel(b)).as("second cancel").isFalse();
		assertThat(this.sim.isPending(b)).isFalse();
		assertThat(this.sim.pending()).isEqualTo(2);
		this.sim.run();
		assertThat(this.log).containsExactly("10:1", "30:3");
		assertThat(this.sim.eventsProcessed()).isEqualTo(2);
		assertThat(this.sim.cancel(a)).as("cancel after it ran").isFalse();
		assertThat(this.sim.cancel(Simulator.NO_EVENT)).isFalse();
	}

	@Test
	void aStaleIdDoesNotCancelTheEventThatReusedItsSlot() {
		long first = this.sim.scheduleAt(10, this.record, 1);
		this.sim.run();
		long second = this.sim.scheduleAt(20, this.record, 2);
		assertThat(second).isNotEqualTo(first);
		assertThat(this.sim.cancel(first)).isFalse();
		this.sim.run();
		assertThat(this.log).containsExactly("10:1", "20:2");
	}

	@Test
	void aHandlerCanCancelALaterEvent() {
		long[] timer = { Simulator.NO_EVENT };
		this.sim.scheduleAt(5, (s, arg) -> s.cancel(timer[0]), 0);
		timer[0] = this.sim.scheduleAt(9, this.record, 9);
		this.sim.run();
		assertThat(this.log).isEmpty();
		assertThat(this.sim.now()).isEqualTo(5);
	}

	@Test
	void schedulingInThePastNamesBothTimes() {
		this.sim.scheduleAt(100, (s, arg) -> {
		}, 0);
		this.sim.run();
		assertThatIllegalArgumentException().isThrownBy(() -> this.sim.scheduleAt(95, this.record, 0))
			.withMessage("cannot schedule an event in the past: time 95 ns is before the current time 100 ns");
		assertThatIllegalArgumentException().isThrownBy(() -> this.sim.schedule(-5, this.record, 0))
			.withMessage("cannot schedule an event in the past: delay -5 ns gives time 95 ns,"
					+ " before the current time 100 ns");
		assertThat(this.sim.pending()).isZero();
	}

	@Test
	void timeOverflowIsRejected() {
		this.sim.scheduleAt(10, (s, arg) -> {
		}, 0);
		this.sim.run();
		assertThatIllegalArgumentException().isThrownBy(() -> this.sim.schedule(Long.MAX_VALUE - 5, this.record, 0))
			.withMessage("cannot schedule an event " + (Long.MAX_VALUE - 5) + " ns after 10 ns: the time overflows");
		assertThatIllegalArgumentException().isThrownBy(() -> this.sim.scheduleAt(Simulator.NO_TIME, this.record, 0))
			.withMessageContaining("NO_TIME");
	}

	@Test
	void callsFromAnotherThreadAreRejectedNamingBothThreads() throws InterruptedException {
		this.sim.step();
		String owner = Thread.currentThread().getName();
		assertThat(this.sim.owner()).isSameAs(Thread.currentThread());
		List<Throwable> errors = new ArrayList<>();
		Thread other = new Thread(() -> {
			for (Runnable call : List.<Runnable>of(() -> this.sim.schedule(1, this.record, 0),
					() -> this.sim.scheduleAt(1, this.record, 0), () -> this.sim.cancel(0), this.sim::run,
					this.sim::step, () -> this.sim.runUntil(5), this.sim::stop)) {
				try {
					call.run();
					errors.add(null);
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
		}, "intruder");
		other.start();
		other.join();
		assertThat(errors).hasSize(7)
			.allSatisfy((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessage("the simulator is confined to thread '" + owner
						+ "' (the first to run it) but was called from thread 'intruder'"));
		assertThat(this.sim.pending()).isZero();
	}

	@Test
	void anotherThreadMaySetTheRunUpBeforeItFirstRuns() throws InterruptedException {
		AtomicReference<Throwable> error = new AtomicReference<>();
		Thread setup = new Thread(() -> {
			try {
				this.sim.scheduleAt(3, this.record, 3);
			}
			catch (Throwable ex) {
				error.set(ex);
			}
		}, "setup");
		setup.start();
		setup.join();
		assertThat(error.get()).isNull();
		this.sim.run();
		assertThat(this.log).containsExactly("3:3");
	}

	@Test
	void stepRunsExactlyOneEvent() {
		assertThat(this.sim.step()).isFalse();
		this.sim.scheduleAt(10, this.record, 1);
		this.sim.scheduleAt(10, this.record, 2);
		assertThat(this.sim.step()).isTrue();
		assertThat(this.log).containsExactly("10:1");
		assertThat(this.sim.pending()).isEqualTo(1);
		assertThat(this.sim.step()).isTrue();
		assertThat(this.sim.step()).isFalse();
		assertThat(this.log).containsExactly("10:1", "10:2");
		assertThat(this.sim.eventsProcessed()).isEqualTo(2);
	}

	@Test
	void runUntilRunsEventsAtOrBeforeTheLimitAndAdvancesTheClock() {
		this.sim.scheduleAt(10, this.record, 1);
		this.sim.scheduleAt(20, this.record, 2);
		this.sim.scheduleAt(21, this.record, 3);
		assertThat(this.sim.runUntil(20)).isTrue();
		assertThat(this.log).containsExactly("10:1", "20:2");
		assertThat(this.sim.now()).isEqualTo(20);
		assertThat(this.sim.runUntil(20)).isTrue();
		assertThat(this.sim.runUntil(25)).isTrue();
		assertThat(this.sim.now()).isEqualTo(25);
		assertThat(this.sim.runUntil(1000)).isTrue();
		assertThat(this.sim.now()).as("clock moves to the limit with nothing pending").isEqualTo(1000);
		assertThat(this.log).containsExactly("10:1", "20:2", "21:3");
		assertThatIllegalArgumentException().isThrownBy(() -> this.sim.runUntil(999))
			.withMessage("cannot run until 999 ns: it is before the current time 1000 ns");
	}

	@Test
	void stopEndsTheRunAfterTheCurrentEventAndALaterRunContinues() {
		this.sim.scheduleAt(10, this.record, 1);
		this.sim.scheduleAt(20, (s, arg) -> {
			this.record.handle(s, arg);
			s.stop();
		}, 2);
		this.sim.scheduleAt(20, this.record, 3);
		this.sim.scheduleAt(30, this.record, 4);
		this.sim.run();
		assertThat(this.log).containsExactly("10:1", "20:2");
		assertThat(this.sim.isStopped()).isTrue();
		assertThat(this.sim.pending()).isEqualTo(2);
		this.sim.run();
		assertThat(this.log).containsExactly("10:1", "20:2", "20:3", "30:4");
		assertThat(this.sim.isStopped()).isFalse();
	}

	@Test
	void stopDuringRunUntilLeavesTheClockAtTheStoppingEvent() {
		this.sim.scheduleAt(10, (s, arg) -> s.stop(), 0);
		this.sim.scheduleAt(15, this.record, 1);
		assertThat(this.sim.runUntil(100)).isFalse();
		assertThat(this.sim.now()).isEqualTo(10);
		assertThat(this.sim.runUntil(100)).isTrue();
		assertThat(this.log).containsExactly("15:1");
		assertThat(this.sim.now()).isEqualTo(100);
	}

	@Test
	void runIsNotReentrant() {
		this.sim.scheduleAt(1, (s, arg) -> s.run(), 0);
		assertThatIllegalStateException().isThrownBy(this.sim::run)
			.withMessage("run() called from an event handler: the simulator is not reentrant");
		this.sim.scheduleAt(2, this.record, 2);
		this.sim.run();
		assertThat(this.log).containsExactly("2:2");
	}

	@Test
	void theListenerSeesEveryEventBeforeItsHandler() {
		List<String> seen = new ArrayList<>();
		this.sim
			.setListener((time, seq, handler, arg) -> seen.add(time + "/" + seq + "/" + arg + "/" + this.log.size()));
		this.sim.scheduleAt(7, this.record, 70);
		this.sim.scheduleAt(3, this.record, 30);
		this.sim.run();
		assertThat(seen).containsExactly("3/1/30/0", "7/0/70/1");
		this.sim.setListener(null);
		this.sim.scheduleAt(9, this.record, 90);
		this.sim.run();
		assertThat(seen).hasSize(2);
	}

	@Test
	void nextEventTimeAndPending() {
		assertThat(this.sim.nextEventTime()).isEqualTo(Simulator.NO_TIME);
		this.sim.schedule(40, this.record, 0);
		this.sim.schedule(4, this.record, 0);
		assertThat(this.sim.nextEventTime()).isEqualTo(4);
		assertThat(this.sim.pending()).isEqualTo(2);
	}

	@Test
	void aNonEmptyQueueIsRefused() {
		BinaryHeapEventQueue q = new BinaryHeapEventQueue();
		q.insert(1, 0, this.record, 0);
		assertThatIllegalArgumentException().isThrownBy(() -> new Simulator(q))
			.withMessage("queue must be empty, has 1 events");
	}

}
