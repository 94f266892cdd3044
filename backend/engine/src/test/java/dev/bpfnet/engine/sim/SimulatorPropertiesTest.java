package dev.bpfnet.engine.sim;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants of the event loop over random schedules, with handlers that schedule more.
 */
class SimulatorPropertiesTest {

	/** An initial event: its time, and how many follow-ups its handler chain spawns. */
	record Seed(long timeNs, int fanout, long delaySeed) {
	}

	@Provide
	Arbitrary<List<Seed>> schedules() {
		Arbitrary<Seed> seed = Combinators
			.combine(Arbitraries.longs().between(0, 50), Arbitraries.integers().between(0, 3), Arbitraries.longs())
			.as(Seed::new);
		return seed.list().ofMaxSize(40);
	}

	/** One executed event: time, seq and the arg that identifies it. */
	record Ran(long timeNs, long seq, long arg) {
	}

	/**
	 * Runs a schedule: each initial event's handler schedules {@code fanout} more events
	 * at pseudo-random delays (0..9 ns, so ties are frequent) that themselves fan out one
	 * level less, with cancellation of every seventh scheduled event.
	 */
	static List<Ran> execute(List<Seed> schedule) {
		Simulator sim = new Simulator();
		List<Ran> ran = new ArrayList<>();
		sim.setListener((time, seq, handler, arg) -> ran.add(new Ran(time, seq, arg)));
		RandomStream delays = RandomStream.ofState(schedule.size());
		long[] scheduled = { 0 };
		EventHandler[] spawn = new EventHandler[1];
		spawn[0] = (s, arg) -> {
			int fanout = (int) (arg & 0xf);
			for (int i = 0; i < fanout; i++) {
				long id = s.schedule(delays.nextInt(10), spawn[0], ((arg >>> 4) * 7 + i) << 4 | (fanout - 1));
				if (++scheduled[0] % 7 == 0) {
					s.cancel(id);
				}
			}
		};
		for (int i = 0; i < schedule.size(); i++) {
			Seed seed = schedule.get(i);
			sim.scheduleAt(seed.timeNs(), spawn[0], ((long) i << 4) | seed.fanout());
		}
		sim.run();
		assertThat(sim.pending()).isZero();
		assertThat(sim.eventsProcessed()).isEqualTo(ran.size());
		return ran;
	}

	@Property
	void timeNeverGoesBackAndTiesRunInSchedulingOrder(@ForAll("schedules") List<Seed> schedule) {
		List<Ran> ran = execute(schedule);
		for (int i = 1; i < ran.size(); i++) {
			Ran prev = ran.get(i - 1);
			Ran cur = ran.get(i);
			assertThat(cur.timeNs()).as("time of event %d", i).isGreaterThanOrEqualTo(prev.timeNs());
			if (cur.timeNs() == prev.timeNs()) {
				assertThat(cur.seq()).as("seq of event %d at a tie", i).isGreaterThan(prev.seq());
			}
		}
	}

	@Property
	void theSameScheduleRunsInTheSameOrder(@ForAll("schedules") List<Seed> schedule) {
		assertThat(execute(schedule)).isEqualTo(execute(schedule));
	}

	@Property
	void stepByStepEqualsRunAndRunUntilInSlices(@ForAll @Size(max = 60) List<@IntRange(max = 100) Integer> times,
			@ForAll @IntRange(min = 1, max = 30) int slice) {
		List<Long> byRun = new ArrayList<>();
		List<Long> byStep = new ArrayList<>();
		List<Long> bySlices = new ArrayList<>();
		Simulator a = new Simulator();
		Simulator b = new Simulator();
		Simulator c = new Simulator();
		for (int i = 0; i < times.size(); i++) {
			a.scheduleAt(times.get(i), (s, arg) -> byRun.add(arg), i);
			b.scheduleAt(times.get(i), (s, arg) -> byStep.add(arg), i);
			c.scheduleAt(times.get(i), (s, arg) -> bySlices.add(arg), i);
		}
		a.run();
		while (b.step()) {
			assertThat(b.now()).isLessThanOrEqualTo(100);
		}
		for (long t = 0; t <= 100 + slice; t += slice) {
			c.runUntil(t);
			assertThat(c.nextEventTime()).isGreaterThan(t);
		}
		assertThat(byStep).isEqualTo(byRun);
		assertThat(bySlices).isEqualTo(byRun);
		assertThat(byRun).hasSize(times.size());
	}

}
