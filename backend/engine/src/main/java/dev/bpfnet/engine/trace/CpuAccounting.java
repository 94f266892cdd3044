package dev.bpfnet.engine.trace;

import java.util.Arrays;

/**
 * Per CPU, the nanoseconds charged to each context and task (DESIGN.md §3.2: "every
 * nanosecond of CPU time is charged to a task or to softirq, per CPU"), like
 * {@code /proc/stat}'s user/system/irq/softirq split and the per-task
 * {@code sum_exec_runtime}, but exact to the ns.
 *
 * <p>
 * The CPU model calls {@link #charge} for every interval a CPU spends running something.
 * Per CPU, intervals must come in time order and must not overlap: a CPU runs one thing
 * at a time, so an overlap is a model bug and raises {@link IllegalStateException} naming
 * both intervals. Time not charged is idle: {@code idle = elapsed − busy}, so per CPU the
 * contexts plus idle always add up to the elapsed time ({@link #verify} checks that
 * nothing was charged beyond it).
 *
 * <p>
 * <b>Tasks.</b> A {@link Context#TASK} or {@link Context#KSOFTIRQD} charge needs the id
 * of the task that ran (ksoftirqd/N is a task with its own id); {@link #taskNs(int, int)}
 * sums those, i.e. the task's own run time. {@link Context#SOFTIRQ} and
 * {@link Context#HARDIRQ} charges may name the task they interrupted (or
 * {@link TraceSink#NO_ID}); {@link #taskNs(int, Context, int)} reports them, which shows
 * softirq work done on top of (and, in the kernel, accounted away from) a pod's task.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: call on the run's thread.
 */
public final class CpuAccounting {

	private static final int CONTEXTS = Context.values().length;

	private final int cpus;

	private final long[] contextNs;

	private final long[] chargedUntil;

	private final long[] lastFrom;

	private final byte[] lastCtx;

	private final int[] lastTask;

	/** [cpu * CONTEXTS + ctx] → ns per task id + 1 (slot 0 is "no task"). */
	private final long[][] taskNs;

	/**
	 * An accounting for {@code cpus} CPUs with run-wide ids {@code 0..cpus-1}, all idle
	 * since time 0.
	 * @param cpus number of CPUs, at least 1
	 */
	public CpuAccounting(int cpus) {
		if (cpus < 1) {
			throw new IllegalArgumentException("cpus: must be >= 1, got " + cpus);
		}
		this.cpus = cpus;
		this.contextNs = new long[cpus * CONTEXTS];
		this.chargedUntil = new long[cpus];
		this.lastFrom = new long[cpus];
		this.lastCtx = new byte[cpus];
		Arrays.fill(this.lastCtx, (byte) -1);
		this.lastTask = new int[cpus];
		this.taskNs = new long[cpus * CONTEXTS][];
		for (int k = 0; k < this.taskNs.length; k++) {
			this.taskNs[k] = new long[8];
		}
	}

	/**
	 * Charges the interval {@code [fromNs, toNs)} of {@code cpu} to {@code ctx} and
	 * {@code taskId}. Empty intervals are accepted and change nothing.
	 * @throws IllegalArgumentException for an unknown CPU, a reversed interval, a
	 * negative time or a TASK/KSOFTIRQD charge without a task
	 * @throws IllegalStateException if the interval starts before the end of the CPU's
	 * last charge
	 */
	public void charge(int cpu, Context ctx, int taskId, long fromNs, long toNs) {
		checkCpu(cpu);
		if (fromNs < 0 || toNs < fromNs) {
			throw new IllegalArgumentException(
					"cpu " + cpu + ": interval [" + fromNs + ", " + toNs + ") ns is not a valid interval");
		}
		if (taskId < TraceSink.NO_ID) {
			throw new IllegalArgumentException("cpu " + cpu + ": taskId must be >= -1, got " + taskId);
		}
		if ((ctx == Context.TASK || ctx == Context.KSOFTIRQD) && taskId < 0) {
			throw new IllegalArgumentException("cpu " + cpu + ": a " + ctx + " charge needs a task id, got " + taskId);
		}
		if (fromNs < this.chargedUntil[cpu]) {
			throw new IllegalStateException(
					"cpu " + cpu + ": charge " + describe(ctx, taskId, fromNs, toNs) + " overlaps the previous charge "
							+ describe(lastContext(cpu), this.lastTask[cpu], this.lastFrom[cpu], this.chargedUntil[cpu])
							+ " (a CPU runs one thing at a time; charges must come in time order)");
		}
		if (toNs == fromNs) {
			return;
		}
		long ns = toNs - fromNs;
		int slot = cpu * CONTEXTS + ctx.id();
		this.contextNs[slot] += ns;
		long[] perTask = this.taskNs[slot];
		if (taskId + 1 >= perTask.length) {
			perTask = Arrays.copyOf(perTask, Math.max(taskId + 2, perTask.length * 2));
			this.taskNs[slot] = perTask;
		}
		perTask[taskId + 1] += ns;
		this.chargedUntil[cpu] = toNs;
		this.lastFrom[cpu] = fromNs;
		this.lastCtx[cpu] = (byte) ctx.id();
		this.lastTask[cpu] = taskId;
	}

	private Context lastContext(int cpu) {
		return (this.lastCtx[cpu] < 0) ? null : Context.ofId(this.lastCtx[cpu]);
	}

	private static String describe(Context ctx, int taskId, long fromNs, long toNs) {
		String who = (ctx == null) ? "?" : ctx.name();
		if (taskId >= 0) {
			who += " task " + taskId;
		}
		return who + " [" + fromNs + ", " + toNs + ") ns";
	}

	private void checkCpu(int cpu) {
		if (cpu < 0 || cpu >= this.cpus) {
			throw new IllegalArgumentException("cpu: must be in [0, " + this.cpus + "), got " + cpu);
		}
	}

	/** Number of CPUs. */
	public int cpus() {
		return this.cpus;
	}

	/** Nanoseconds of {@code cpu} charged to {@code ctx}. */
	public long contextNs(int cpu, Context ctx) {
		checkCpu(cpu);
		return this.contextNs[cpu * CONTEXTS + ctx.id()];
	}

	/** Nanoseconds of {@code cpu} charged to anything. */
	public long busyNs(int cpu) {
		checkCpu(cpu);
		long sum = 0;
		for (int k = 0; k < CONTEXTS; k++) {
			sum += this.contextNs[cpu * CONTEXTS + k];
		}
		return sum;
	}

	/** The end of the last interval charged on {@code cpu} (0 if none). */
	public long chargedUntilNs(int cpu) {
		checkCpu(cpu);
		return this.chargedUntil[cpu];
	}

	/**
	 * Idle nanoseconds of {@code cpu} after {@code elapsedNs} of simulated time.
	 * @throws IllegalStateException if more than {@code elapsedNs} was charged (see
	 * {@link #verify})
	 */
	public long idleNs(int cpu, long elapsedNs) {
		checkCpu(cpu);
		verifyCpu(cpu, elapsedNs);
		return elapsedNs - busyNs(cpu);
	}

	/** The task's own run time on {@code cpu}: its TASK and KSOFTIRQD charges. */
	public long taskNs(int cpu, int taskId) {
		return taskNs(cpu, Context.TASK, taskId) + taskNs(cpu, Context.KSOFTIRQD, taskId);
	}

	/**
	 * Nanoseconds of {@code cpu} charged to {@code ctx} with {@code taskId}
	 * ({@link TraceSink#NO_ID} allowed).
	 */
	public long taskNs(int cpu, Context ctx, int taskId) {
		checkCpu(cpu);
		long[] perTask = this.taskNs[cpu * CONTEXTS + ctx.id()];
		int k = taskId + 1;
		return (k >= 0 && k < perTask.length) ? perTask[k] : 0;
	}

	/** The ids of the tasks with TASK or KSOFTIRQD time on {@code cpu}, ascending. */
	public int[] taskIds(int cpu) {
		checkCpu(cpu);
		long[] a = this.taskNs[cpu * CONTEXTS + Context.TASK.id()];
		long[] b = this.taskNs[cpu * CONTEXTS + Context.KSOFTIRQD.id()];
		int max = Math.max(a.length, b.length);
		int[] ids = new int[max];
		int n = 0;
		for (int k = 1; k < max; k++) {
			if ((k < a.length && a[k] != 0) || (k < b.length && b[k] != 0)) {
				ids[n++] = k - 1;
			}
		}
		return Arrays.copyOf(ids, n);
	}

	/**
	 * Checks, for every CPU, that nothing was charged beyond {@code elapsedNs}, so that
	 * the contexts plus idle add up to exactly {@code elapsedNs}.
	 * @throws IllegalStateException naming the first CPU charged beyond the elapsed time
	 */
	public void verify(long elapsedNs) {
		for (int cpu = 0; cpu < this.cpus; cpu++) {
			verifyCpu(cpu, elapsedNs);
		}
	}

	private void verifyCpu(int cpu, long elapsedNs) {
		if (elapsedNs < 0) {
			throw new IllegalArgumentException("elapsedNs: must be >= 0, got " + elapsedNs);
		}
		if (this.chargedUntil[cpu] > elapsedNs) {
			throw new IllegalStateException("cpu " + cpu + ": charged up to " + this.chargedUntil[cpu]
					+ " ns, beyond the elapsed " + elapsedNs + " ns");
		}
	}

}
