package dev.bpfnet.engine.run;

import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PacketLedger;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.QueueDepthRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * One run of a topology document: builds the {@link Engine} with the standard recorders
 * ({@link PathRecorder}, {@link QueueDepthRecorder}, {@link DropCounter},
 * {@link TraceHasher}, the engine's own CPU accounting and latency recorder) and an
 * optional live sink, then runs it for a simulated duration, in batch mode (as fast as
 * possible) or paced against the wall clock ({@link Pace}), with pause, step (one event,
 * or to the next hop of an skb), resume and stop (DESIGN.md §3.1).
 *
 * <p>
 * <b>Threading.</b> The model is single-threaded: {@link #run()} drives the simulator on
 * the calling thread (one run, one thread) until the run ends. The controls
 * ({@link #pause()}, {@link #resume()}, {@link #step()}, {@link #stepHop(long)},
 * {@link #setPace(Pace)}, {@link #stop()}) and queries
 * ({@link #inspect(java.util.function.Function)}) may be called from any thread: they are
 * queued and executed by the run's thread between two events, and their futures complete
 * there. Once the run has ended they execute on the caller's thread (the model no longer
 * changes). {@link #status()} is a snapshot readable at any time.
 *
 * <p>
 * <b>Determinism.</b> Pacing, pauses and steps only decide <i>when</i> the next event
 * runs, never which: the simulator runs the same events in the same order as a batch run,
 * so a paused, stepped and resumed run has the trace hash of a batch run with the same
 * seed. Pacing lives here, outside the simulator's core loop.
 *
 * <p>
 * <b>Limits.</b> {@link RunLimits#maxEvents()} is checked before each event,
 * {@link RunLimits#maxWallNs()} at least every {@value #CHUNK} events and while waiting;
 * either ends the run {@link RunState#STOPPED} with a reason naming the limit.
 */
public final class RunSession {

	/** Events run between two looks at the controls in batch mode. */
	static final int CHUNK = 4096;

	/** Longest single wait, so the wall-time limit is seen while paused. */
	static final long MAX_WAIT_NS = 50_000_000L;

	private static final long NO_HOP = Long.MIN_VALUE;

	private final Engine engine;

	private final RunOptions options;

	private final PathRecorder paths = new PathRecorder();

	private final QueueDepthRecorder queues = new QueueDepthRecorder();

	private final DropCounter drops = new DropCounter();

	private final TraceHasher hasher = new TraceHasher();

	private final HopWatch hops = new HopWatch();

	private final PacketLedger ledger = new PacketLedger();

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final AtomicBoolean runCalled = new AtomicBoolean();

	private final CompletableFuture<RunStatus> end = new CompletableFuture<>();

	// ---- run thread only

	private boolean paused;

	private Pace pace;

	private boolean reanchor = true;

	private long anchorWall;

	private long anchorSim;

	private long wallStart;

	private String stopRequest;

	// ---- published

	private volatile RunStatus status;

	private volatile RunReport report;

	private volatile boolean ended;

	private RunSession(TopologyDocument doc, ObjectSource objects, RunOptions options) {
		this.options = options;
		this.pace = options.pace();
		this.paused = options.startPaused();
		TraceSink tee = options.recordPaths()
				? Tee.of(this.hasher, this.drops, this.ledger, this.paths, this.queues, this.hops, options.live())
				: Tee.of(this.hasher, this.drops, this.ledger, this.hops, options.live());
		this.engine = new Engine(doc, objects,
				new Datapath.Options(options.mode(), tee, SchedParams.defaults(), CostModel.defaults()));
		this.ledger.exitDevices(this.engine.exitDeviceIds());
		this.status = new RunStatus(RunState.CREATED, 0, options.durationNs(), 0, 0, options.pace() != null, null,
				null);
	}

	/**
	 * Builds the engine of {@code doc} (nodes, wires, programs, traffic), ready to
	 * {@link #run()}.
	 * @param doc a validated topology document
	 * @param objects gives the programs' object bytes
	 * @param options duration, seed, limits, pace, live sink
	 * @return the session, {@link RunState#CREATED}
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 * @throws IllegalArgumentException if the document cannot be built (e.g. a wire end
	 * is not a NIC)
	 */
	public static RunSession create(TopologyDocument doc, ObjectSource objects, RunOptions options) {
		Objects.requireNonNull(doc, "doc");
		Objects.requireNonNull(objects, "objects");
		Objects.requireNonNull(options, "options");
		TopologyDocument d = doc;
		if (options.seed() != null) {
			d = new TopologyDocument(doc.name(), options.seed(), doc.nodes(), doc.wires(), doc.programs(), doc.attach(),
					doc.traffic(), doc.costs());
		}
		return new RunSession(d, objects, options);
	}

	/** Notes whether the watched skb (or any skb) had an event. */
	private static final class HopWatch implements TraceSink {

		static final long ANY = -2L;

		long skb = NO_HOP;

		boolean seen;

		@Override
		public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId,
				int netnsId, int queueId, int queueDepth, int verdict, DropReason drop) {
			if (skbId == this.skb || (this.skb == ANY && skbId >= 0)) {
				this.seen = true;
			}
		}

	}

	// =====================================================================
	// driving

	/**
	 * Runs the session on the calling thread until it finishes, is stopped or fails;
	 * callable once.
	 * @return the final status
	 * @throws IllegalStateException if called twice
	 */
	public RunStatus run() {
		if (!this.runCalled.compareAndSet(false, true)) {
			throw new IllegalStateException("run() was already called");
		}
		this.wallStart = System.nanoTime();
		RunState last = RunState.FAILED;
		String reason = null;
		RunLimits.Limit limit = null;
		Simulator sim = this.engine.simulator();
		try {
			this.engine.start();
			publish(this.paused ? RunState.PAUSED : RunState.RUNNING, null, null);
			long endNs = this.options.durationNs();
			long maxEvents = this.options.limits().maxEvents();
			while (true) {
				drain();
				if (this.stopRequest != null) {
					last = RunState.STOPPED;
					reason = this.stopRequest;
					break;
				}
				if (wallExceeded()) {
					last = RunState.STOPPED;
					limit = RunLimits.Limit.MAX_WALL_TIME;
					reason = wallReason();
					break;
				}
				long next = sim.nextEventTime();
				if (next == Simulator.NO_TIME || next > endNs) {
					sim.runUntil(endNs);
					last = RunState.FINISHED;
					break;
				}
				if (sim.eventsProcessed() >= maxEvents) {
					last = RunState.STOPPED;
					limit = RunLimits.Limit.MAX_EVENTS;
					reason = eventsReason();
					break;
				}
				if (this.paused) {
					publish(RunState.PAUSED, null, null);
					waitForCommand(MAX_WAIT_NS);
				}
				else if (this.pace == null) {
					int n = 0;
					while (n < CHUNK && sim.eventsProcessed() < maxEvents) {
						long t = sim.nextEventTime();
						if (t == Simulator.NO_TIME || t > endNs) {
							break;
						}
						sim.step();
						n++;
					}
					publish(RunState.RUNNING, null, null);
				}
				else {
					long wall = System.nanoTime();
					if (this.reanchor) {
						this.anchorWall = wall;
						this.anchorSim = sim.now();
						this.reanchor = false;
					}
					double due = this.anchorWall + (next - this.anchorSim) * this.pace.slowdown();
					if (wall >= due) {
						sim.step();
						publish(RunState.RUNNING, null, null);
					}
					else {
						waitForCommand((long) Math.min(Math.ceil(due - wall), MAX_WAIT_NS));
					}
				}
			}
		}
		catch (RuntimeException | StackOverflowError ex) {
			last = RunState.FAILED;
			reason = describe(ex);
		}
		try {
			this.report = RunReport.of(this.engine, this.ledger, this.drops, this.hasher);
		}
		catch (RuntimeException ex) {
			if (last != RunState.FAILED) {
				last = RunState.FAILED;
				reason = "cannot build the report: " + describe(ex);
			}
		}
		publish(last, limit, reason);
		this.ended = true;
		drain();
		RunStatus s = this.status;
		this.end.complete(s);
		return s;
	}

	/**
	 * Runs {@link #run()} on a new thread.
	 * @param name the thread's name
	 * @return the started thread
	 */
	public Thread start(String name) {
		Thread t = new Thread(this::run, name);
		t.setDaemon(true);
		t.start();
		return t;
	}

	private static String describe(Throwable ex) {
		String m = ex.getMessage();
		return ex.getClass().getSimpleName() + (m != null ? ": " + m : "");
	}

	private boolean wallExceeded() {
		long max = this.options.limits().maxWallNs();
		return max != Long.MAX_VALUE && System.nanoTime() - this.wallStart >= max;
	}

	private String wallReason() {
		return "stopped at the wall-time limit of " + (this.options.limits().maxWallNs() / 1_000_000) + " ms, at "
				+ this.engine.simulator().now() + " ns of simulated time";
	}

	private String eventsReason() {
		return "stopped at the event limit of " + this.options.limits().maxEvents() + " events, at "
				+ this.engine.simulator().now() + " ns of simulated time";
	}

	private void waitForCommand(long nanos) {
		long max = this.options.limits().maxWallNs();
		long wait = nanos;
		if (max != Long.MAX_VALUE) {
			wait = Math.max(1, Math.min(wait, max - (System.nanoTime() - this.wallStart)));
		}
		try {
			Runnable r = this.commands.poll(wait, TimeUnit.NANOSECONDS);
			if (r != null) {
				r.run();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.stopRequest = "stopped: the run's thread was interrupted at " + this.engine.simulator().now()
					+ " ns of simulated time";
		}
	}

	private void drain() {
		Runnable r;
		while ((r = this.commands.poll()) != null) {
			r.run();
		}
	}

	private void publish(RunState state, RunLimits.Limit limit, String reason) {
		Simulator sim = this.engine.simulator();
		this.status = new RunStatus(state, sim.now(), this.options.durationNs(), sim.eventsProcessed(),
				this.hasher.events(), this.pace != null, limit, reason);
	}

	// =====================================================================
	// controls and queries: any thread

	private <T> CompletableFuture<T> submit(Supplier<T> action) {
		CompletableFuture<T> f = new CompletableFuture<>();
		this.commands.add(() -> {
			try {
				f.complete(action.get());
			}
			catch (RuntimeException | StackOverflowError ex) {
				f.completeExceptionally(ex);
			}
		});
		if (this.ended) {
			drain();
		}
		return f;
	}

	private boolean live() {
		return !this.ended;
	}

	/**
	 * Pauses after the current event.
	 * @return the status once paused (or the final status if the run has ended)
	 */
	public CompletableFuture<RunStatus> pause() {
		return submit(() -> {
			if (live()) {
				this.paused = true;
				publish(RunState.PAUSED, null, null);
			}
			return this.status;
		});
	}

	/**
	 * Resumes playing (at the pace, re-anchored to the wall clock now, or as fast as
	 * possible).
	 * @return the status once resumed
	 */
	public CompletableFuture<RunStatus> resume() {
		return submit(() -> {
			if (live()) {
				this.paused = false;
				this.reanchor = true;
				publish(RunState.RUNNING, null, null);
			}
			return this.status;
		});
	}

	/**
	 * Pauses if playing, then runs exactly one simulator event (none if the next event
	 * lies past the run's end or the event limit is reached; the run then ends).
	 * @return the status after the step
	 */
	public CompletableFuture<RunStatus> step() {
		return submit(() -> {
			if (live()) {
				this.paused = true;
				if (canStep()) {
					this.engine.simulator().step();
				}
				publish(RunState.PAUSED, null, null);
			}
			return this.status;
		});
	}

	/**
	 * Pauses if playing, then runs events, as fast as possible, until one of them makes
	 * the skb take its next step (emit a trace event), the run's end or a limit. A hop is
	 * one simulator event: an event that runs several functions on the skb (e.g. a whole
	 * transmit chain) is one hop. An skb not seen yet may appear later; an skb whose path
	 * has ended ({@link #inFlight(long)} is false) is refused.
	 * @param skb the skb id, or a negative number for the next event of any skb
	 * @return the status after the hop; fails with {@link IllegalArgumentException} for
	 * an skb that has finished its path
	 */
	public CompletableFuture<RunStatus> stepHop(long skb) {
		return submit(() -> {
			if (live()) {
				if (skb >= 0 && this.options.recordPaths()) {
					int[] rows = this.paths.pathRows(skb);
					if (rows.length > 0 && !inFlight(skb)) {
						Step last = this.paths.step(rows[rows.length - 1]);
						throw new IllegalArgumentException("skb " + skb + " has finished its path (its last step is "
								+ last.fn().kernelName() + " at " + last.timeNs() + " ns): no next hop");
					}
				}
				this.paused = true;
				this.hops.skb = skb >= 0 ? skb : HopWatch.ANY;
				this.hops.seen = false;
				try {
					int n = 0;
					while (!this.hops.seen && canStep()) {
						this.engine.simulator().step();
						if (++n % CHUNK == 0 && wallExceeded()) {
							break;
						}
					}
				}
				finally {
					this.hops.skb = NO_HOP;
				}
				publish(RunState.PAUSED, null, null);
			}
			return this.status;
		});
	}

	private boolean canStep() {
		Simulator sim = this.engine.simulator();
		long next = sim.nextEventTime();
		return next != Simulator.NO_TIME && next <= this.options.durationNs()
				&& sim.eventsProcessed() < this.options.limits().maxEvents();
	}

	/**
	 * Plays at another pace from now on ({@code null}: as fast as possible).
	 * @param pace the pace
	 * @return the status
	 */
	public CompletableFuture<RunStatus> setPace(Pace pace) {
		return submit(() -> {
			if (live()) {
				this.pace = pace;
				this.reanchor = true;
				publish(this.paused ? RunState.PAUSED : RunState.RUNNING, null, null);
			}
			return this.status;
		});
	}

	/**
	 * Stops the run after the current event; it ends {@link RunState#STOPPED}.
	 * @return the final status
	 */
	public CompletableFuture<RunStatus> stop() {
		submit(() -> {
			if (live() && this.stopRequest == null) {
				this.stopRequest = "stopped by request at " + this.engine.simulator().now() + " ns of simulated time";
			}
			return null;
		});
		return this.end;
	}

	/**
	 * Runs a query on the model between two events (or at once, once the run has ended):
	 * the query may read {@link #engine()}, {@link #paths()}, {@link #queues()} and
	 * {@link #drops()}, and must not change them.
	 * @param <T> the result type
	 * @param query the query
	 * @return its result
	 */
	public <T> CompletableFuture<T> inspect(java.util.function.Function<RunSession, T> query) {
		Objects.requireNonNull(query, "query");
		return submit(() -> query.apply(this));
	}

	/**
	 * Completes with the final status when the run ends.
	 * @return the future
	 */
	public CompletableFuture<RunStatus> ended() {
		return this.end;
	}

	/**
	 * The current status (a snapshot, any thread).
	 * @return the status
	 */
	public RunStatus status() {
		return this.status;
	}

	/**
	 * The report, once the run has ended (also after a stop or a failure, with what ran).
	 * @return the report, or {@code null} before the end or if it could not be built
	 */
	public RunReport report() {
		return this.report;
	}

	/** The options. */
	public RunOptions options() {
		return this.options;
	}

	// ---- model access: inside inspect() or after the end

	/** The engine (only inside {@link #inspect} or after the end). */
	public Engine engine() {
		return this.engine;
	}

	/** Every trace event, per skb (only inside {@link #inspect} or after the end). */
	public PathRecorder paths() {
		return this.paths;
	}

	/**
	 * Whether an skb has recorded steps and its last one neither frees it
	 * ({@code kfree_skb_reason}, {@code consume_skb}) nor hands it to a socket reader
	 * (only inside {@link #inspect} or after the end; needs recorded paths).
	 * @param skb the skb id
	 * @return {@code true} if it is still on its way
	 */
	public boolean inFlight(long skb) {
		int[] rows = this.paths.pathRows(skb);
		if (rows.length == 0) {
			return false;
		}
		Function fn = this.paths.step(rows[rows.length - 1]).fn();
		return fn != Function.KFREE_SKB_REASON && fn != Function.CONSUME_SKB && fn != Function.UDP_RECVMSG
				&& fn != Function.TCP_RECVMSG;
	}

	/** Queue depth series (only inside {@link #inspect} or after the end). */
	public QueueDepthRecorder queues() {
		return this.queues;
	}

	/**
	 * Every packet's fate so far: delivered, dropped, left, in flight (only inside
	 * {@link #inspect} or after the end).
	 */
	public PacketLedger ledger() {
		return this.ledger;
	}

	/** Drops by reason and device (only inside {@link #inspect} or after the end). */
	public DropCounter drops() {
		return this.drops;
	}

}
