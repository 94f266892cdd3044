package dev.bpfnet.engine.sim;

/**
 * The discrete-event core of a run: ns-3's {@code Simulator} with its
 * {@code DefaultSimulatorImpl}, as one object per run instead of a singleton.
 *
 * <p>
 * <b>Time</b> is a {@code long} of nanoseconds starting at 0 ({@link #now()}), about 292
 * years of range. <b>Order</b>: every scheduled event gets the next sequence number, and
 * events run by (time, sequence number), so events at the same time run in the order they
 * were scheduled (FIFO) and the same schedule always runs in the same order. Scheduling
 * before {@link #now()} is an error, as in ns-3 ({@code NS_ASSERT_MSG (tAbsolute >=
 * TimeStep (m_currentTs), ...)}); scheduling at {@code now()} is allowed and runs after
 * every event already pending for {@code now()}.
 *
 * <p>
 * <b>Threading</b>: one run, one thread. The simulator records the thread that first
 * calls {@link #run()}, {@link #runUntil(long)} or {@link #step()} and from then on
 * throws {@link IllegalStateException} naming both threads when any method that reads or
 * changes the schedule is called from another thread (ns-3 asserts the same with
 * {@code m_main}). Before the first run, a different thread may set the run up (schedule
 * the initial events), provided it hands the simulator over with a happens-before edge
 * (an executor submission, a thread start). Cross-thread control (pause, step, stop from
 * a UI) goes through {@link Pacer}, which keeps the rule.
 *
 * <p>
 * <b>Cost</b>: scheduling and running an event allocate nothing once the
 * {@link EventQueue} has reached its peak size (see {@link EventHandler} for keeping
 * handlers allocation-free); cancellation is eager and O(log n) with the default
 * {@link BinaryHeapEventQueue}. The {@link EventListener} hook costs one null check per
 * event when absent.
 */
public final class Simulator {

	/**
	 * An event id that is never returned by {@link #schedule}: a convenient "no timer
	 * armed" value for fields holding event ids.
	 */
	public static final long NO_EVENT = -1L;

	/** What {@link #nextEventTime()} returns when nothing is pending. */
	public static final long NO_TIME = Long.MAX_VALUE;

	private final EventQueue queue;

	private long now;

	private long nextSeq;

	private long eventsProcessed;

	private boolean stopped;

	private boolean running;

	private Thread owner;

	private EventListener listener;

	/** Creates a simulator at time 0 with a {@link BinaryHeapEventQueue}. */
	public Simulator() {
		this(new BinaryHeapEventQueue());
	}

	/**
	 * Creates a simulator at time 0.
	 * @param queue the pending-event set to use, empty and not shared
	 */
	public Simulator(EventQueue queue) {
		if (queue == null) {
			throw new IllegalArgumentException("queue must not be null");
		}
		if (!queue.isEmpty()) {
			throw new IllegalArgumentException("queue must be empty, has " + queue.size() + " events");
		}
		this.queue = queue;
	}

	/**
	 * The current simulated time: the time of the event running, or of the last one run.
	 * @return nanoseconds since the start of the run
	 */
	public long now() {
		return this.now;
	}

	/**
	 * Schedules an event {@code delayNs} after {@link #now()}.
	 * @param delayNs delay in ns, not negative
	 * @param handler what to run
	 * @param arg the handler's argument
	 * @return an id for {@link #cancel(long)}, never {@link #NO_EVENT}
	 * @throws IllegalArgumentException if the delay is negative (the message names the
	 * requested time and the current time) or the time overflows
	 * @throws IllegalStateException if called from another thread than the run's
	 */
	public long schedule(long delayNs, EventHandler handler, long arg) {
		checkThread();
		if (delayNs < 0) {
			throw new IllegalArgumentException("cannot schedule an event in the past: delay " + delayNs
					+ " ns gives time " + (this.now + delayNs) + " ns, before the current time " + this.now + " ns");
		}
		if (delayNs >= NO_TIME - this.now) {
			throw new IllegalArgumentException(
					"cannot schedule an event " + delayNs + " ns after " + this.now + " ns: the time overflows");
		}
		return this.queue.insert(this.now + delayNs, this.nextSeq++, handler, arg);
	}

	/**
	 * Schedules an event at an absolute time.
	 * @param timeNs the event's time, at or after {@link #now()}, below {@link #NO_TIME}
	 * @param handler what to run
	 * @param arg the handler's argument
	 * @return an id for {@link #cancel(long)}, never {@link #NO_EVENT}
	 * @throws IllegalArgumentException if {@code timeNs} is before {@link #now()} (the
	 * message names both times) or is {@link #NO_TIME}
	 * @throws IllegalStateException if called from another thread than the run's
	 */
	public long scheduleAt(long timeNs, EventHandler handler, long arg) {
		checkThread();
		if (timeNs < this.now) {
			throw new IllegalArgumentException("cannot schedule an event in the past: time " + timeNs
					+ " ns is before the current time " + this.now + " ns");
		}
		if (timeNs == NO_TIME) {
			throw new IllegalArgumentException("cannot schedule an event at " + timeNs + " ns (NO_TIME)");
		}
		return this.queue.insert(timeNs, this.nextSeq++, handler, arg);
	}

	/**
	 * Cancels a pending event (ns-3's {@code Simulator::Remove}): it will not run and no
	 * longer counts in {@link #pending()}.
	 * @param eventId an id returned by {@link #schedule} or {@link #scheduleAt}, or
	 * {@link #NO_EVENT}
	 * @return {@code true} if the event was pending, {@code false} if it already ran, was
	 * cancelled before, or the id is {@link #NO_EVENT}
	 * @throws IllegalStateException if called from another thread than the run's
	 */
	public boolean cancel(long eventId) {
		checkThread();
		return this.queue.remove(eventId);
	}

	/**
	 * Whether an event is still waiting to run.
	 * @param eventId an id returned by {@link #schedule} or {@link #scheduleAt}
	 * @return {@code true} if it has neither run nor been cancelled
	 */
	public boolean isPending(long eventId) {
		checkThread();
		return this.queue.contains(eventId);
	}

	/**
	 * Runs events until none is pending or {@link #stop()} is called by a handler. A stop
	 * requested before this call is forgotten.
	 * @throws IllegalStateException if called from a handler (not reentrant) or from
	 * another thread than the run's
	 */
	public void run() {
		enter("run()");
		try {
			EventQueue q = this.queue;
			while (!this.stopped && !q.isEmpty()) {
				runFirst(q);
			}
		}
		finally {
			this.running = false;
		}
	}

	/**
	 * Runs every event with a time at or before {@code timeNs}, then advances the clock
	 * to {@code timeNs}. If a handler calls {@link #stop()}, returns at once and the
	 * clock stays at that event's time.
	 * @param timeNs the time to run to, at or after {@link #now()}
	 * @return {@code true} if the clock reached {@code timeNs}, {@code false} if stopped
	 * @throws IllegalArgumentException if {@code timeNs} is before {@link #now()}
	 * @throws IllegalStateException as {@link #run()}
	 */
	public boolean runUntil(long timeNs) {
		enter("runUntil()");
		try {
			if (timeNs < this.now) {
				throw new IllegalArgumentException(
						"cannot run until " + timeNs + " ns: it is before the current time " + this.now + " ns");
			}
			EventQueue q = this.queue;
			while (!this.stopped && !q.isEmpty() && q.peekTime() <= timeNs) {
				runFirst(q);
			}
			if (this.stopped) {
				return false;
			}
			this.now = timeNs;
			return true;
		}
		finally {
			this.running = false;
		}
	}

	/**
	 * Runs exactly one event, the first pending one, whatever {@link #stop()} said.
	 * @return {@code false} if no event was pending (nothing ran)
	 * @throws IllegalStateException as {@link #run()}
	 */
	public boolean step() {
		enter("step()");
		try {
			if (this.queue.isEmpty()) {
				return false;
			}
			runFirst(this.queue);
			return true;
		}
		finally {
			this.running = false;
		}
	}

	/**
	 * Makes the current {@link #run()} or {@link #runUntil(long)} return after the event
	 * running now. Meant for handlers; from other threads use {@link Pacer}.
	 * @throws IllegalStateException if called from another thread than the run's
	 */
	public void stop() {
		checkThread();
		this.stopped = true;
	}

	/**
	 * Whether {@link #stop()} ended the last run.
	 * @return {@code true} if stopped
	 */
	public boolean isStopped() {
		return this.stopped;
	}

	/**
	 * Events run so far (cancelled events are not counted).
	 * @return the count
	 */
	public long eventsProcessed() {
		return this.eventsProcessed;
	}

	/**
	 * Events waiting to run (cancelled events are not counted).
	 * @return the count
	 */
	public int pending() {
		return this.queue.size();
	}

	/**
	 * Time of the next event, for pacing and for "run to next event" controls.
	 * @return its time, or {@link #NO_TIME} if none is pending
	 */
	public long nextEventTime() {
		checkThread();
		return this.queue.isEmpty() ? NO_TIME : this.queue.peekTime();
	}

	/**
	 * Installs the hook called before every event, replacing any previous one.
	 * @param listener the listener, or {@code null} for none
	 */
	public void setListener(EventListener listener) {
		checkThread();
		this.listener = listener;
	}

	/**
	 * The thread the run is confined to.
	 * @return the thread that first ran the simulator, or {@code null} before that
	 */
	public Thread owner() {
		return this.owner;
	}

	private void enter(String what) {
		Thread current = Thread.currentThread();
		if (this.owner == null) {
			this.owner = current;
		}
		else if (this.owner != current) {
			throw wrongThread(current);
		}
		if (this.running) {
			throw new IllegalStateException(what + " called from an event handler: the simulator is not reentrant");
		}
		this.running = true;
		this.stopped = false;
	}

	private void runFirst(EventQueue q) {
		long time = q.peekTime();
		long seq = q.peekSeq();
		EventHandler handler = q.peekHandler();
		long arg = q.peekArg();
		q.removeMin();
		this.now = time;
		this.eventsProcessed++;
		EventListener l = this.listener;
		if (l != null) {
			l.beforeEvent(time, seq, handler, arg);
		}
		handler.handle(this, arg);
	}

	private void checkThread() {
		Thread o = this.owner;
		if (o != null && o != Thread.currentThread()) {
			throw wrongThread(Thread.currentThread());
		}
	}

	private IllegalStateException wrongThread(Thread current) {
		return new IllegalStateException("the simulator is confined to thread '" + this.owner.getName()
				+ "' (the first to run it) but was called from thread '" + current.getName() + "'");
	}

}
