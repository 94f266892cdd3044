package dev.bpfnet.bench;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

import dev.bpfnet.engine.sim.BinaryHeapEventQueue;
import dev.bpfnet.engine.sim.EventHandler;
import dev.bpfnet.engine.sim.RandomStream;
import dev.bpfnet.engine.sim.SimRandom;
import dev.bpfnet.engine.sim.Simulator;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second of the simulation core on the classic <em>hold</em> model (Jones, "An
 * empirical comparison of priority-queue and event-set implementations", CACM 1986): a
 * queue of N pending events where each event, when it runs, schedules one more at a
 * random delay (uniform in 0..2047 ns, so ties happen), keeping N constant. One JMH
 * operation is one event; results are in events per second.
 *
 * <ul>
 * <li>{@code simulatorHold}: {@link Simulator#step()} with its default
 * {@link BinaryHeapEventQueue}, the handler scheduling through the simulator: the full
 * cost of an engine event;</li>
 * <li>{@code heapHold}: the same on the bare {@link BinaryHeapEventQueue}, without the
 * simulator's checks and dispatch;</li>
 * <li>{@code priorityQueueHold}: the baseline, a {@link PriorityQueue} of event objects
 * ordered by (time, seq), one allocation per event.</li>
 * </ul>
 * All three draw delays from identically seeded {@link SimRandom} streams.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(SimulatorBench.BATCH)
public class SimulatorBench {

	/** Events per benchmark invocation. */
	static final int BATCH = 1024;

	static final long DELAY_MASK = 2047;

	@Param({ "1000", "100000" })
	int pending;

	Simulator sim;

	RandomStream simDelays;

	EventHandler hold;

	BinaryHeapEventQueue heap;

	RandomStream heapDelays;

	long heapSeq;

	PriorityQueue<Event> pq;

	RandomStream pqDelays;

	long pqSeq;

	/** The baseline's event object. */
	static final class Event implements Comparable<Event> {

		final long time;

		final long seq;

		final long arg;

		Event(long time, long seq, long arg) {
			this.time = time;
			this.seq = seq;
			this.arg = arg;
		}

		@Override
		public int compareTo(Event o) {
			int c = Long.compare(this.time, o.time);
			return (c != 0) ? c : Long.compare(this.seq, o.seq);
		}

	}

	/** Fresh queues each iteration, created on the benchmark thread that runs them. */
	@Setup(Level.Iteration)
	public void setup() {
		this.sim = new Simulator();
		this.simDelays = new SimRandom(1).stream("bench/hold");
		RandomStream sd = this.simDelays;
		this.hold = (s, arg) -> s.schedule(sd.nextLong() & DELAY_MASK, this.hold, arg);
		for (int i = 0; i < this.pending; i++) {
			this.sim.schedule(sd.nextLong() & DELAY_MASK, this.hold, i);
		}

		this.heap = new BinaryHeapEventQueue();
		this.heapDelays = new SimRandom(1).stream("bench/hold");
		this.heapSeq = 0;
		for (int i = 0; i < this.pending; i++) {
			this.heap.insert(this.heapDelays.nextLong() & DELAY_MASK, this.heapSeq++, this.hold, i);
		}

		this.pq = new PriorityQueue<>();
		this.pqDelays = new SimRandom(1).stream("bench/hold");
		this.pqSeq = 0;
		for (int i = 0; i < this.pending; i++) {
			this.pq.add(new Event(this.pqDelays.nextLong() & DELAY_MASK, this.pqSeq++, i));
		}
	}

	@Benchmark
	public long simulatorHold() {
		Simulator s = this.sim;
		for (int i = 0; i < BATCH; i++) {
			s.step();
		}
		return s.now();
	}

	@Benchmark
	public long heapHold() {
		BinaryHeapEventQueue q = this.heap;
		RandomStream delays = this.heapDelays;
		long now = 0;
		for (int i = 0; i < BATCH; i++) {
			now = q.peekTime();
			long arg = q.peekArg();
			EventHandler h = q.peekHandler();
			q.removeMin();
			q.insert(now + (delays.nextLong() & DELAY_MASK), this.heapSeq++, h, arg);
		}
		return now;
	}

	@Benchmark
	public long priorityQueueHold() {
		PriorityQueue<Event> q = this.pq;
		RandomStream delays = this.pqDelays;
		long now = 0;
		for (int i = 0; i < BATCH; i++) {
			Event e = q.poll();
			now = e.time;
			q.add(new Event(now + (delays.nextLong() & DELAY_MASK), this.pqSeq++, e.arg));
		}
		return now;
	}

}
