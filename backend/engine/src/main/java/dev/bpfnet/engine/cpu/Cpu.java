package dev.bpfnet.engine.cpu;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * One CPU of a node: its local time cursor, its execution contexts, the softirq machinery
 * of kernel/softirq.c and a small fair scheduler (kernel/sched/fair.c, reduced). See the
 * package documentation for the execution model.
 *
 * <p>
 * <b>Contexts.</b> A call chain runs in {@link Context#TASK} (a task's step),
 * {@link Context#KSOFTIRQD} (ksoftirqd's step), {@link Context#HARDIRQ} (an
 * {@link IrqHandler}) or {@link Context#SOFTIRQ} (softirqs run inline by
 * {@code __do_softirq} at {@link #localBhEnable()} or at {@code irq_exit}). Inline
 * softirq time is charged to SOFTIRQ with the interrupted task's id (or
 * {@link TraceSink#NO_ID} on an idle CPU), as {@code /proc/stat} does with
 * {@code CONFIG_IRQ_TIME_ACCOUNTING=y}; it does not advance the task's vruntime. Softirq
 * work done inside ksoftirqd is charged to KSOFTIRQD and to ksoftirqd's task.
 *
 * <p>
 * <b>Softirq rules</b> (kernel/softirq.c): {@link #raiseSoftirq} sets a pending bit and,
 * outside interrupt context, wakes ksoftirqd ({@code raise_softirq_irqoff}).
 * {@link #localBhEnable()} and {@code irq_exit} run pending softirqs inline when they
 * leave the last interrupt/BH-disabled level, except, under
 * {@link SchedParams.SoftirqPolicy#PRE_6_5}, while ksoftirqd is runnable
 * ({@code ksoftirqd_running()}, 4cd13c21b207). {@code __do_softirq} restarts while new
 * softirqs are pending, at most {@code MAX_SOFTIRQ_RESTART} rounds, within
 * {@code MAX_SOFTIRQ_TIME} and while {@code !need_resched()}; then
 * {@code wakeup_softirqd}.
 *
 * <p>
 * <b>Scheduler</b> (a reduction of CFS, all tasks nice 0): the run queue is ordered by
 * (vruntime, task id); a woken task's vruntime is raised to at least {@code min_vruntime
 * − slice/2} ({@code place_entity}, GENTLE_FAIR_SLEEPERS, with the slice standing in for
 * {@code sched_latency}); need_resched is set when the current task has run a full
 * {@link SchedParams#timeSliceNs(int) slice} and another task is runnable, when a woken
 * task's vruntime is more than {@link SchedParams#baseSliceNs()} below the current one's
 * (wake-up preemption, standing in for {@code sysctl_sched_wakeup_granularity}), or when
 * the CPU idles and a task is runnable. Preemption takes effect at the end of the current
 * step. Simplifications: no migration or load balancing, no EEVDF lag/deadline, no
 * context-switch cost besides {@code try_to_wake_up}'s.
 *
 * <p>
 * Not thread-safe: everything runs on the simulator's thread.
 */
public final class Cpu {

	/** {@code NET_TX_SOFTIRQ}, bit 2 of the pending mask (include/linux/interrupt.h). */
	public static final int NET_TX_SOFTIRQ = 2;

	/** {@code NET_RX_SOFTIRQ}, bit 3 of the pending mask. */
	public static final int NET_RX_SOFTIRQ = 3;

	/** {@code NR_SOFTIRQS}. */
	public static final int NR_SOFTIRQS = 10;

	private final CpuSet set;

	private final int index;

	private final int id;

	private final Simulator sim;

	private final CostModel costs;

	private final SchedParams params;

	private final CpuAccounting accounting;

	private final TraceSink trace;

	private final long timeSliceNs;

	private final SoftirqAction[] actions = new SoftirqAction[NR_SOFTIRQS];

	private SoftnetData softnet;

	private Task ksoftirqd;

	// ---- time ----

	private long cursor;

	private boolean idle = true;

	private long idleNs;

	private long kickEvent = Simulator.NO_EVENT;

	private long kickTime;

	// ---- context ----

	private Context ctx;

	private int ctxTask = TraceSink.NO_ID;

	private int hardirqDepth;

	private int bhDisableDepth;

	private boolean servingSoftirq;

	private int pending;

	// ---- pending hard interrupts (FIFO ring) ----

	private IrqHandler[] irqHandlers = new IrqHandler[8];

	private long[] irqArgs = new long[8];

	private int irqHead;

	private int irqCount;

	// ---- scheduler ----

	private Task current;

	private Task[] runQueue = new Task[4];

	private int runQueueSize;

	private long minVruntime;

	private long sliceStartExecNs;

	private boolean preemptWanted;

	// ---- statistics ----

	private long softirqRestarts;

	private long ksoftirqdWakeups;

	private long contextSwitches;

	private long irqs;

	Cpu(CpuSet set, int index, int id, Simulator sim, CostModel costs, SchedParams params, CpuAccounting accounting,
			TraceSink trace, int cpusOfNode) {
		this.set = set;
		this.index = index;
		this.id = id;
		this.sim = sim;
		this.costs = costs;
		this.params = params;
		this.accounting = accounting;
		this.trace = trace;
		this.timeSliceNs = params.timeSliceNs(cpusOfNode);
	}

	void attach(SoftnetData softnet, Task ksoftirqd) {
		this.softnet = softnet;
		this.ksoftirqd = ksoftirqd;
		this.actions[NET_RX_SOFTIRQ] = softnet::netRxAction;
	}

	// =====================================================================
	// identity and state
	// =====================================================================

	/** The index of this CPU in its node ({@code smp_processor_id()}). */
	public int index() {
		return this.index;
	}

	/** The run-wide CPU id carried by trace events and accounting. */
	public int id() {
		return this.id;
	}

	/** The node's CPUs. */
	public CpuSet cpuSet() {
		return this.set;
	}

	/** This CPU's {@code softnet_data}. */
	public SoftnetData softnet() {
		return this.softnet;
	}

	/** This CPU's {@code ksoftirqd/N}. */
	public Task ksoftirqd() {
		return this.ksoftirqd;
	}

	/** The scheduling parameters. */
	public SchedParams params() {
		return this.params;
	}

	/** The cost table. */
	public CostModel costs() {
		return this.costs;
	}

	/**
	 * The CPU's local time: inside a call chain, the time the chain has reached;
	 * otherwise the end of the last chain (the CPU is busy until then) or an earlier time
	 * if it has been idle since.
	 */
	public long now() {
		return this.cursor;
	}

	/** The context of the running call chain, or {@code null} outside one. */
	public Context context() {
		return this.ctx;
	}

	/**
	 * The task charged with the running chain: the running task, or for SOFTIRQ/HARDIRQ
	 * the interrupted one; {@link TraceSink#NO_ID} if none.
	 */
	public int contextTaskId() {
		return this.ctxTask;
	}

	/** The current task ({@code rq->curr}), or {@code null} if idle. */
	public Task current() {
		return this.current;
	}

	/**
	 * {@code in_interrupt()}: in a hard IRQ, serving a softirq, or with bottom halves
	 * disabled.
	 */
	public boolean inInterrupt() {
		return this.hardirqDepth > 0 || this.servingSoftirq || this.bhDisableDepth > 0;
	}

	/** {@code in_serving_softirq()}. */
	public boolean inServingSoftirq() {
		return this.servingSoftirq;
	}

	/** {@code local_softirq_pending()}: the pending mask. */
	public int softirqPending() {
		return this.pending;
	}

	/** Tasks waiting on the run queue (not counting the current one). */
	public int runQueueLength() {
		return this.runQueueSize;
	}

	/** Restarts of {@code __do_softirq} so far. */
	public long softirqRestarts() {
		return this.softirqRestarts;
	}

	/** Times ksoftirqd was woken from sleep. */
	public long ksoftirqdWakeups() {
		return this.ksoftirqdWakeups;
	}

	/** Context switches (a different task became current). */
	public long contextSwitches() {
		return this.contextSwitches;
	}

	/** Hard interrupts served. */
	public long irqs() {
		return this.irqs;
	}

	/**
	 * The CPU's own idle count after {@code elapsedNs}: the gaps its cursor skipped
	 * (including idle-exit latencies) plus the time since its last chain. Independent of
	 * {@link CpuAccounting}, so that tests can check that busy + idle = elapsed.
	 * @param elapsedNs the elapsed simulated time, not before {@link #now()}
	 * @return idle ns
	 */
	public long idleNs(long elapsedNs) {
		if (elapsedNs < this.cursor) {
			throw new IllegalArgumentException(
					"elapsedNs " + elapsedNs + " is before cpu " + this.id + "'s busy end " + this.cursor);
		}
		return this.idleNs + (elapsedNs - this.cursor);
	}

	// =====================================================================
	// charging and tracing
	// =====================================================================

	/**
	 * Runs a modelled function's CPU cost: advances the cursor by
	 * {@code costs.cost(costId, bytes)} and charges the interval to the current context
	 * and task.
	 * @param costId a {@link CostModel.Id} constant
	 * @param bytes bytes touched
	 * @throws IllegalStateException outside a call chain
	 */
	public void spend(int costId, int bytes) {
		spendNs(this.costs.cost(costId, bytes));
	}

	/**
	 * Spends {@code ns} of CPU time in the current context (user-space work of a task, a
	 * cost computed elsewhere).
	 * @param ns nanoseconds, {@code >= 0}
	 * @throws IllegalStateException outside a call chain
	 */
	public void spendNs(long ns) {
		if (this.ctx == null) {
			throw new IllegalStateException("cpu " + this.id + ": spend outside a call chain (no context)");
		}
		if (ns < 0) {
			throw new IllegalArgumentException("ns must be >= 0, was " + ns);
		}
		if (ns == 0) {
			return;
		}
		long from = this.cursor;
		this.cursor = from + ns;
		this.accounting.charge(this.id, this.ctx, this.ctxTask, from, this.cursor);
		if (this.ctx == Context.TASK || this.ctx == Context.KSOFTIRQD) {
			this.current.vruntime += ns;
			this.current.sumExecNs += ns;
		}
	}

	/**
	 * Emits a trace event stamped with the cursor, in the current context.
	 * @param fn the function
	 * @param skb the skb, or {@code null}
	 * @param queueId the queue touched, or {@link TraceSink#NO_ID}
	 * @param queueDepth its depth after the function, or {@link TraceSink#NO_ID}
	 * @param drop the drop reason or {@link DropReason#NOT_DROPPED_YET}
	 */
	public void trace(Function fn, Skb skb, int queueId, int queueDepth, DropReason drop) {
		Context c = (this.ctx == null) ? Context.TASK : this.ctx;
		if (skb == null) {
			this.trace.event(this.cursor, TraceSink.NO_SKB, this.id, c, this.ctxTask, fn, TraceSink.NO_ID,
					TraceSink.NO_ID, queueId, queueDepth, TraceSink.NO_VERDICT, drop);
		}
		else {
			this.trace.event(this.cursor, skb.id(), this.id, c, this.ctxTask, fn, skb.deviceId(), skb.netnsId(),
					queueId, queueDepth, TraceSink.NO_VERDICT, drop);
		}
	}

	/** {@link #trace(Function, Skb, int, int, DropReason)} without queue or drop. */
	public void trace(Function fn, Skb skb) {
		trace(fn, skb, TraceSink.NO_ID, TraceSink.NO_ID, DropReason.NOT_DROPPED_YET);
	}

	/** The raw sink, for events with verdicts or devices the skb does not carry. */
	public TraceSink traceSink() {
		return this.trace;
	}

	// =====================================================================
	// softirq (kernel/softirq.c)
	// =====================================================================

	/**
	 * Registers a softirq handler ({@code open_softirq}). NET_RX is registered by
	 * {@link SoftnetData}.
	 * @param nr the softirq number, {@code 0..NR_SOFTIRQS-1}
	 * @param action the handler
	 */
	public void openSoftirq(int nr, SoftirqAction action) {
		checkSoftirq(nr);
		this.actions[nr] = action;
	}

	/**
	 * {@code raise_softirq_irqoff(nr)}: marks the softirq pending; outside interrupt
	 * context (nobody will run it at irq_exit/local_bh_enable) also wakes ksoftirqd.
	 * @param nr the softirq number
	 */
	public void raiseSoftirq(int nr) {
		checkSoftirq(nr);
		requireChain("raise_softirq");
		this.pending |= 1 << nr;
		if (!inInterrupt()) {
			wakeupSoftirqd();
		}
	}

	/**
	 * {@code local_bh_disable()}: enters a BH-disabled section (nests).
	 */
	public void localBhDisable() {
		requireChain("local_bh_disable");
		this.bhDisableDepth++;
	}

	/**
	 * {@code local_bh_enable()}: leaves a BH-disabled section; leaving the last level
	 * outside hard/soft interrupt context runs pending softirqs inline
	 * ({@code do_softirq}, cost {@code LOCAL_BH_ENABLE}) in {@link Context#SOFTIRQ} on
	 * top of the current task, unless the policy is PRE_6_5 and ksoftirqd is runnable.
	 */
	public void localBhEnable() {
		requireChain("local_bh_enable");
		if (this.bhDisableDepth <= 0) {
			throw new IllegalStateException("cpu " + this.id + ": local_bh_enable without local_bh_disable");
		}
		this.bhDisableDepth--;
		if (this.pending != 0 && !inInterrupt() && !deferToKsoftirqd()) {
			trace(Function.LOCAL_BH_ENABLE, null);
			doSoftirq(CostModel.Id.LOCAL_BH_ENABLE);
		}
	}

	/**
	 * Schedules a hard interrupt on this CPU at the current simulated time (or, if the
	 * CPU is in a call chain, at its end: chains are not interrupted). The handler runs
	 * in HARDIRQ context between {@code irq_enter} and {@code irq_exit}; pending softirqs
	 * run at {@code irq_exit} ({@code invoke_softirq}, cost {@code DO_SOFTIRQ}) unless
	 * deferred to ksoftirqd by the PRE_6_5 policy. An idle CPU first pays
	 * {@link SchedParams#idleExitNs()}.
	 * @param handler the handler (keep it in a field)
	 * @param arg its argument
	 */
	public void raiseIrq(IrqHandler handler, long arg) {
		if (handler == null) {
			throw new IllegalArgumentException("handler must not be null");
		}
		if (this.irqCount == this.irqHandlers.length) {
			growIrqRing();
		}
		int slot = (this.irqHead + this.irqCount) & (this.irqHandlers.length - 1);
		this.irqHandlers[slot] = handler;
		this.irqArgs[slot] = arg;
		this.irqCount++;
		ensureKick();
	}

	/**
	 * {@link #raiseIrq} at a later simulated time: an interrupt sent from elsewhere (an
	 * IPI from another CPU) that takes {@code atNs - now} to arrive.
	 * @param atNs arrival time, not before the simulator's time
	 * @param handler the handler
	 * @param arg its argument
	 */
	public void raiseIrqAt(long atNs, IrqHandler handler, long arg) {
		if (handler == null) {
			throw new IllegalArgumentException("handler must not be null");
		}
		this.sim.scheduleAt(Math.max(atNs, this.sim.now()), (s, a) -> raiseIrq(handler, arg), 0);
	}

	private boolean deferToKsoftirqd() {
		return this.params.softirqPolicy() == SchedParams.SoftirqPolicy.PRE_6_5 && this.ksoftirqd.isRunnable();
	}

	/**
	 * {@code __do_softirq} ({@code handle_softirqs}): runs pending softirqs with the
	 * restart, time and need_resched limits, then hands leftovers to ksoftirqd.
	 * @param entryCostId the cost of getting here (LOCAL_BH_ENABLE, DO_SOFTIRQ)
	 */
	void doSoftirq(int entryCostId) {
		Context savedCtx = this.ctx;
		if (savedCtx != Context.KSOFTIRQD) {
			this.ctx = Context.SOFTIRQ;
		}
		this.servingSoftirq = true;
		long start = this.cursor;
		int restart = this.params.maxSoftirqRestart();
		trace(Function.DO_SOFTIRQ, null);
		spend(entryCostId, 0);
		while (true) {
			int p = this.pending;
			this.pending = 0;
			for (int nr = 0; p != 0; nr++, p >>>= 1) {
				if ((p & 1) != 0 && this.actions[nr] != null) {
					this.actions[nr].run(this);
				}
			}
			if (this.pending == 0) {
				break;
			}
			if (this.cursor - start < this.params.maxSoftirqTimeNs() && !needResched() && --restart > 0) {
				this.softirqRestarts++;
				trace(Function.DO_SOFTIRQ, null);
				spend(CostModel.Id.DO_SOFTIRQ_RESTART, 0);
				continue;
			}
			wakeupSoftirqd();
			break;
		}
		this.servingSoftirq = false;
		this.ctx = savedCtx;
	}

	/**
	 * {@code wakeup_softirqd()}: wakes ksoftirqd unless it is already runnable (cost
	 * {@code TRY_TO_WAKE_UP}).
	 */
	void wakeupSoftirqd() {
		if (this.ksoftirqd.isRunnable()) {
			return;
		}
		this.ksoftirqdWakeups++;
		trace(Function.WAKEUP_SOFTIRQD, null);
		this.set.wake(this.ksoftirqd);
	}

	/**
	 * {@code need_resched()}: see the class documentation.
	 * @return whether the scheduler wants the current task off the CPU
	 */
	public boolean needResched() {
		if (this.current == null) {
			return this.runQueueSize > 0;
		}
		if (this.preemptWanted) {
			return true;
		}
		return this.runQueueSize > 0 && this.current.sumExecNs - this.sliceStartExecNs >= this.timeSliceNs;
	}

	// =====================================================================
	// the run loop
	// =====================================================================

	/** Makes sure a kick is scheduled at the earliest time this CPU can run again. */
	void ensureKick() {
		if (this.set.running() == this) {
			return; // the chain's end schedules it
		}
		scheduleKick(Math.max(this.cursor, this.sim.now()));
	}

	private void scheduleKick(long at) {
		if (this.kickEvent != Simulator.NO_EVENT) {
			if (this.kickTime <= at) {
				return;
			}
			this.sim.cancel(this.kickEvent);
		}
		this.kickTime = at;
		this.kickEvent = this.sim.scheduleAt(at, this.set.kickHandler, this.index);
	}

	/** The kick event: serve pending IRQs, or run one step of the scheduler's pick. */
	void onKick() {
		this.kickEvent = Simulator.NO_EVENT;
		long now = this.sim.now();
		if (this.cursor > now) {
			scheduleKick(this.cursor);
			return;
		}
		boolean work = this.irqCount > 0 || this.current != null || this.runQueueSize > 0;
		if (!work) {
			this.idle = true;
			return;
		}
		this.idleNs += now - this.cursor;
		this.cursor = now;
		if (this.idle) {
			this.idle = false;
			this.idleNs += this.params.idleExitNs();
			this.cursor += this.params.idleExitNs();
		}
		this.set.enter(this);
		try {
			if (this.irqCount > 0) {
				serveIrqs();
			}
			else {
				runStep();
			}
		}
		finally {
			this.ctx = null;
			this.ctxTask = TraceSink.NO_ID;
			this.set.leave(this);
		}
		if (this.bhDisableDepth != 0 || this.hardirqDepth != 0 || this.servingSoftirq) {
			throw new IllegalStateException("cpu " + this.id + ": call chain ended with bh depth " + this.bhDisableDepth
					+ ", hardirq depth " + this.hardirqDepth + ", serving softirq " + this.servingSoftirq);
		}
		// Always come back at the end of the chain: either to run more, or to mark the
		// CPU idle at the right time (the simulated clock then covers every charge).
		scheduleKick(this.cursor);
	}

	private void serveIrqs() {
		int interrupted = (this.current != null) ? this.current.id : TraceSink.NO_ID;
		while (this.irqCount > 0) {
			int slot = this.irqHead;
			IrqHandler h = this.irqHandlers[slot];
			long arg = this.irqArgs[slot];
			this.irqHandlers[slot] = null;
			this.irqHead = (slot + 1) & (this.irqHandlers.length - 1);
			this.irqCount--;
			this.irqs++;
			this.ctx = Context.HARDIRQ;
			this.ctxTask = interrupted;
			this.hardirqDepth++;
			trace(Function.IRQ_HANDLER, null);
			h.handle(this, arg);
			this.hardirqDepth--;
			trace(Function.IRQ_EXIT, null);
			if (this.pending != 0 && !inInterrupt() && !deferToKsoftirqd()) {
				doSoftirq(CostModel.Id.DO_SOFTIRQ);
			}
		}
	}

	private void runStep() {
		if (this.current != null && (!this.current.isRunnable() || needResched())) {
			Task prev = this.current;
			this.current = null;
			if (prev.state == Task.State.RUNNING) {
				prev.state = Task.State.RUNNABLE;
				rqAdd(prev);
			}
		}
		if (this.current == null) {
			Task next = rqPollMin();
			if (next == null) {
				return;
			}
			next.state = Task.State.RUNNING;
			this.current = next;
			this.sliceStartExecNs = next.sumExecNs;
			this.preemptWanted = false;
			this.contextSwitches++;
			this.ctx = next.ksoftirqd ? Context.KSOFTIRQD : Context.TASK;
			this.ctxTask = next.id;
			trace(Function.SCHEDULE, null);
		}
		Task t = this.current;
		this.ctx = t.ksoftirqd ? Context.KSOFTIRQD : Context.TASK;
		this.ctxTask = t.id;
		t.wokenWhileRunning = false;
		t.steps++;
		long r = t.body.step(this, t);
		if (r == TaskBody.RUN_AGAIN || t.wokenWhileRunning || (r >= 0 && r <= this.cursor)) {
			updateMinVruntime();
			return;
		}
		if (r == TaskBody.BLOCK) {
			t.state = Task.State.BLOCKED;
		}
		else if (r >= 0) {
			t.state = Task.State.SLEEPING;
			t.timerEvent = this.sim.scheduleAt(r, this.set.timerHandler, t.index);
		}
		else {
			throw new IllegalStateException(
					"task " + t.name + " returned " + r + " from its step: expected RUN_AGAIN, BLOCK or a time >= 0");
		}
		this.current = null;
		updateMinVruntime();
	}

	/**
	 * Makes a task of this CPU runnable (the local half of {@code try_to_wake_up}).
	 * @param t a task of this CPU
	 */
	void enqueue(Task t) {
		switch (t.state) {
			case RUNNING -> {
				t.wokenWhileRunning = true;
				return;
			}
			case RUNNABLE -> {
				return;
			}
			case SLEEPING -> {
				this.sim.cancel(t.timerEvent);
				t.timerEvent = Simulator.NO_EVENT;
			}
			case BLOCKED -> {
			}
		}
		updateMinVruntime();
		long floor = this.minVruntime - this.timeSliceNs / 2;
		if (t.vruntime < floor) {
			t.vruntime = floor;
		}
		t.state = Task.State.RUNNABLE;
		rqAdd(t);
		if (this.current != null && t.vruntime + this.params.baseSliceNs() < this.current.vruntime) {
			this.preemptWanted = true;
		}
		ensureKick();
	}

	void timerExpired(Task t) {
		t.timerEvent = Simulator.NO_EVENT;
		if (t.state == Task.State.SLEEPING) {
			t.state = Task.State.BLOCKED;
			enqueue(t);
		}
	}

	private void updateMinVruntime() {
		long min = Long.MAX_VALUE;
		if (this.current != null) {
			min = this.current.vruntime;
		}
		for (int k = 0; k < this.runQueueSize; k++) {
			min = Math.min(min, this.runQueue[k].vruntime);
		}
		if (min != Long.MAX_VALUE && min > this.minVruntime) {
			this.minVruntime = min;
		}
	}

	private void rqAdd(Task t) {
		if (this.runQueueSize == this.runQueue.length) {
			this.runQueue = java.util.Arrays.copyOf(this.runQueue, this.runQueueSize * 2);
		}
		this.runQueue[this.runQueueSize++] = t;
	}

	private Task rqPollMin() {
		if (this.runQueueSize == 0) {
			return null;
		}
		int best = 0;
		for (int k = 1; k < this.runQueueSize; k++) {
			Task c = this.runQueue[k];
			Task b = this.runQueue[best];
			if (c.vruntime < b.vruntime || (c.vruntime == b.vruntime && c.id < b.id)) {
				best = k;
			}
		}
		Task t = this.runQueue[best];
		this.runQueue[best] = this.runQueue[--this.runQueueSize];
		this.runQueue[this.runQueueSize] = null;
		return t;
	}

	private void growIrqRing() {
		int n = this.irqHandlers.length;
		IrqHandler[] h = new IrqHandler[n * 2];
		long[] a = new long[n * 2];
		for (int k = 0; k < this.irqCount; k++) {
			int s = (this.irqHead + k) & (n - 1);
			h[k] = this.irqHandlers[s];
			a[k] = this.irqArgs[s];
		}
		this.irqHandlers = h;
		this.irqArgs = a;
		this.irqHead = 0;
	}

	private void requireChain(String what) {
		if (this.ctx == null) {
			throw new IllegalStateException("cpu " + this.id + ": " + what + " outside a call chain");
		}
	}

	private static void checkSoftirq(int nr) {
		if (nr < 0 || nr >= NR_SOFTIRQS) {
			throw new IllegalArgumentException("softirq nr must be in [0, " + NR_SOFTIRQS + "), was " + nr);
		}
	}

	@Override
	public String toString() {
		return "Cpu[" + this.id + " (index " + this.index + ")]";
	}

}
