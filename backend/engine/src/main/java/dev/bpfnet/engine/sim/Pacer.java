package dev.bpfnet.engine.sim;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Plays a {@link Simulator} against a wall clock for live views (DESIGN.md §3.1: "pacing
 * lives outside the core loop"): the simulator itself knows nothing of wall time, and a
 * paced run executes exactly the events, in exactly the order, of a batch run.
 *
 * <p>
 * The pace is a slow-down factor, wall nanoseconds shown per simulated nanosecond: with
 * {@code slowdown = 10_000}, 1 µs simulated takes 10 ms on screen; a factor below 1 plays
 * faster than real time. An event at simulated time {@code t} runs when the wall clock
 * reaches {@code anchorWall + (t - anchorSim) * slowdown}, where the anchors are taken at
 * the start and again at every resume or change of pace (so a pause is not "caught up"
 * afterwards). Events are never skipped: if the handlers are slower than the pace, the
 * run goes flat out and the shown time lags behind the pace.
 *
 * <p>
 * Controls: {@link #pause()}, {@link #resume()}, {@link #stepOne()} (pause, then run
 * exactly one event), {@link #runTo(long)} (fast-forward, unpaced, to a simulated time
 * and pause there), {@link #setSlowdown(double)} and {@link #close()}.
 *
 * <p>
 * <b>Threading</b>: {@link #poll()}, {@link #pumpUntilIdle()} and {@link #run()} call the
 * simulator and must run on the simulator's thread (the simulator asserts it). The
 * controls and the getters ({@link #state()}, {@link #shownTimeNs()},
 * {@link #simTimeNs()}) may be called from any thread, handlers included: controls are
 * recorded under a lock and take effect at the driver's next {@link #poll()}; the driver
 * is woken through {@link Sleeper#wake(Thread)}.
 *
 * <p>
 * The wall clock is a {@link LongSupplier} of nanoseconds and waiting goes through a
 * {@link Sleeper}, so tests drive a pacer with a fake clock and never sleep.
 */
public final class Pacer {

	/**
	 * Returned by {@link #poll()} when there is nothing to do until a control arrives.
	 */
	public static final long IDLE = -1L;

	/** Events run per {@link #poll()} while fast-forwarding, to stay responsive. */
	static final int FAST_FORWARD_BATCH = 4096;

	private static final long NO_TARGET = Long.MIN_VALUE;

	/** States of a pacer. */
	public enum State {

		/** Playing events at the pace. */
		RUNNING,
		/** Waiting for {@link #resume()}, {@link #stepOne()} or {@link #runTo(long)}. */
		PAUSED,
		/** Fast-forwarding to the {@link #runTo(long)} target. */
		FAST_FORWARD,
		/** Closed: {@link #run()} returns, the driver does nothing more. */
		CLOSED

	}

	/** How the driver waits. */
	public interface Sleeper {

		/**
		 * Waits up to {@code nanos} (may return early, e.g. when woken).
		 * @param nanos the longest wait, positive
		 */
		void sleep(long nanos);

		/**
		 * Wakes a driver waiting in {@link #sleep(long)}; a wake with no sleeper must
		 * make the next sleep return at once or be harmless.
		 * @param driver the thread running the pacer, or {@code null} if none yet
		 */
		void wake(Thread driver);

		/** Parks the thread ({@link LockSupport#parkNanos(long)} / {@code unpark}). */
		Sleeper PARK = new Sleeper() {
			@Override
			public void sleep(long nanos) {
				LockSupport.parkNanos(nanos);
			}

			@Override
			public void wake(Thread driver) {
				if (driver != null) {
					LockSupport.unpark(driver);
				}
			}
		};

	}

	/** Longest single wait, so the wall clock is re-read at least this often. */
	static final long MAX_SLEEP_NS = 50_000_000L;

	private final Simulator sim;

	private final LongSupplier wallClockNs;

	private final Sleeper sleeper;

	private final Object lock = new Object();

	// guarded by lock: the controls
	private State state = State.PAUSED;

	private int pendingSteps;

	private long target = NO_TARGET;

	private double slowdown;

	private boolean reanchor = true;

	private Thread driver;

	// driver thread only
	private long anchorWall;

	private long anchorSim;

	// published by the driver for other threads
	private volatile long simTimeNs;

	private volatile long shownTimeNs;

	/**
	 * Creates a pacer, paused; call {@link #resume()} to start playing.
	 * @param sim the simulator to drive
	 * @param slowdown wall ns per simulated ns, positive and finite
	 * @param wallClockNs the wall clock, e.g. {@code System::nanoTime}
	 * @param sleeper how to wait, e.g. {@link Sleeper#PARK}
	 */
	public Pacer(Simulator sim, double slowdown, LongSupplier wallClockNs, Sleeper sleeper) {
		if (sim == null || wallClockNs == null || sleeper == null) {
			throw new IllegalArgumentException("sim, wallClockNs and sleeper must not be null");
		}
		checkSlowdown(slowdown);
		this.sim = sim;
		this.slowdown = slowdown;
		this.wallClockNs = wallClockNs;
		this.sleeper = sleeper;
	}

	/**
	 * A pacer on {@link System#nanoTime()} that parks the driver thread.
	 * @param sim the simulator to drive
	 * @param slowdown wall ns per simulated ns
	 * @return a paused pacer
	 */
	public static Pacer realTime(Simulator sim, double slowdown) {
		return new Pacer(sim, slowdown, System::nanoTime, Sleeper.PARK);
	}

	private static void checkSlowdown(double slowdown) {
		if (!(slowdown > 0) || Double.isInfinite(slowdown)) {
			throw new IllegalArgumentException("slowdown must be positive and finite, got " + slowdown);
		}
	}

	// ---- controls: any thread

	/** Stops playing after the current event; the simulated clock keeps its value. */
	public void pause() {
		synchronized (this.lock) {
			if (this.state == State.RUNNING || this.state == State.FAST_FORWARD) {
				this.state = State.PAUSED;
				this.target = NO_TARGET;
			}
		}
		this.sleeper.wake(currentDriver());
	}

	/**
	 * Plays at the pace from the current simulated time, re-anchored to the wall clock
	 * now.
	 */
	public void resume() {
		synchronized (this.lock) {
			if (this.state == State.PAUSED) {
				this.state = State.RUNNING;
				this.pendingSteps = 0;
				this.reanchor = true;
			}
		}
		this.sleeper.wake(currentDriver());
	}

	/**
	 * Pauses if playing, then runs exactly one more event (queued if called repeatedly).
	 */
	public void stepOne() {
		synchronized (this.lock) {
			if (this.state == State.CLOSED) {
				return;
			}
			this.state = State.PAUSED;
			this.target = NO_TARGET;
			this.pendingSteps++;
		}
		this.sleeper.wake(currentDriver());
	}

	/**
	 * Runs, as fast as possible, every event up to {@code timeNs}, advances the clock to
	 * it and pauses there. A target before the current time just pauses.
	 * @param timeNs the simulated time to stop at
	 */
	public void runTo(long timeNs) {
		synchronized (this.lock) {
			if (this.state == State.CLOSED) {
				return;
			}
			this.state = State.FAST_FORWARD;
			this.pendingSteps = 0;
			this.target = timeNs;
		}
		this.sleeper.wake(currentDriver());
	}

	/**
	 * Changes the pace from now on.
	 * @param slowdown wall ns per simulated ns, positive and finite
	 */
	public void setSlowdown(double slowdown) {
		checkSlowdown(slowdown);
		synchronized (this.lock) {
			this.slowdown = slowdown;
			this.reanchor = true;
		}
		this.sleeper.wake(currentDriver());
	}

	/** Ends the pacing: {@link #run()} returns and {@link #poll()} does nothing more. */
	public void close() {
		synchronized (this.lock) {
			this.state = State.CLOSED;
			this.target = NO_TARGET;
			this.pendingSteps = 0;
		}
		this.sleeper.wake(currentDriver());
	}

	/**
	 * The control state.
	 * @return the state
	 */
	public State state() {
		synchronized (this.lock) {
			return this.state;
		}
	}

	/**
	 * The slow-down factor.
	 * @return wall ns per simulated ns
	 */
	public double slowdown() {
		synchronized (this.lock) {
			return this.slowdown;
		}
	}

	/**
	 * The simulator's clock as of the driver's last poll.
	 * @return simulated ns
	 */
	public long simTimeNs() {
		return this.simTimeNs;
	}

	/**
	 * The simulated time a live view should show: while playing it moves smoothly with
	 * the wall clock between events (never past the next event); otherwise the
	 * simulator's clock. As of the driver's last poll.
	 * @return simulated ns
	 */
	public long shownTimeNs() {
		return this.shownTimeNs;
	}

	private Thread currentDriver() {
		synchronized (this.lock) {
			return this.driver;
		}
	}

	// ---- driving: the simulator's thread

	/**
	 * Does the next piece of work, without waiting.
	 * @return 0 if there may be more work right now, a positive number of wall ns to wait
	 * before the next event is due, or {@link #IDLE} if nothing happens until a control
	 * arrives (paused, closed, or no event pending)
	 */
	public long poll() {
		State s;
		long runTarget;
		boolean step;
		double pace;
		boolean anchor;
		synchronized (this.lock) {
			if (this.driver == null) {
				this.driver = Thread.currentThread();
			}
			s = this.state;
			runTarget = this.target;
			step = s == State.PAUSED && this.pendingSteps > 0;
			if (step) {
				this.pendingSteps--;
			}
			pace = this.slowdown;
			anchor = this.reanchor;
			this.reanchor = false;
		}
		try {
			switch (s) {
				case CLOSED:
					return IDLE;
				case PAUSED:
					if (step && this.sim.step()) {
						return 0;
					}
					if (step) {
						clearSteps();
					}
					return IDLE;
				case FAST_FORWARD:
					return fastForward(runTarget);
				default:
					return play(pace, anchor);
			}
		}
		finally {
			long now = this.sim.now();
			this.simTimeNs = now;
			if (s != State.RUNNING) {
				this.shownTimeNs = now;
			}
		}
	}

	private void clearSteps() {
		synchronized (this.lock) {
			this.pendingSteps = 0;
		}
	}

	private long fastForward(long runTarget) {
		for (int i = 0; i < FAST_FORWARD_BATCH; i++) {
			long next = this.sim.nextEventTime();
			if (next == Simulator.NO_TIME || next > runTarget) {
				if (runTarget > this.sim.now()) {
					this.sim.runUntil(runTarget);
				}
				synchronized (this.lock) {
					if (this.state == State.FAST_FORWARD && this.target == runTarget) {
						this.state = State.PAUSED;
						this.target = NO_TARGET;
					}
				}
				return IDLE;
			}
			this.sim.step();
		}
		return 0;
	}

	private long play(double pace, boolean anchor) {
		long wall = this.wallClockNs.getAsLong();
		if (anchor) {
			// after a pause shownTimeNs == now(); on a change of pace keep the shown time
			this.anchorWall = wall;
			this.anchorSim = Math.max(this.sim.now(), this.shownTimeNs);
		}
		long next = this.sim.nextEventTime();
		if (next == Simulator.NO_TIME) {
			this.shownTimeNs = Math.max(this.sim.now(), shown(wall, pace, Long.MAX_VALUE));
			return IDLE;
		}
		double due = this.anchorWall + (next - this.anchorSim) * pace;
		if (wall >= due) {
			this.sim.step();
			this.shownTimeNs = this.sim.now();
			return 0;
		}
		this.shownTimeNs = Math.max(this.sim.now(), shown(wall, pace, next));
		return (long) Math.min(Math.ceil(due - wall), MAX_SLEEP_NS);
	}

	private long shown(long wall, double pace, long cap) {
		double t = this.anchorSim + (wall - this.anchorWall) / pace;
		return t >= cap ? cap : (long) t;
	}

	/**
	 * Polls and waits until there is nothing to do until a control arrives
	 * ({@link #poll()} returns {@link #IDLE}): plays the pending events at the pace,
	 * waiting through the {@link Sleeper}. Handy with a fake clock in tests and for "play
	 * until drained".
	 */
	public void pumpUntilIdle() {
		while (true) {
			long wait = poll();
			if (wait == IDLE) {
				return;
			}
			if (wait > 0) {
				this.sleeper.sleep(wait);
			}
		}
	}

	/**
	 * The driver loop: polls, waits for due events and for controls, until
	 * {@link #close()}. Run it on the simulator's thread (usually a dedicated one).
	 */
	public void run() {
		while (state() != State.CLOSED) {
			long wait = poll();
			if (wait == IDLE) {
				if (state() != State.CLOSED) {
					this.sleeper.sleep(MAX_SLEEP_NS);
				}
			}
			else if (wait > 0) {
				this.sleeper.sleep(wait);
			}
		}
	}

}
