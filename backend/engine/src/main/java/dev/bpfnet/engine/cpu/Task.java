package dev.bpfnet.engine.cpu;

import dev.bpfnet.engine.sim.Simulator;

/**
 * A schedulable task ({@code struct task_struct} of a SCHED_OTHER thread): a traffic
 * generator, a socket endpoint, or {@code ksoftirqd/N}. It is pinned to one CPU (no
 * migration) and runs its {@link TaskBody} one step at a time when the CPU's {@link Cpu
 * fair scheduler} picks it.
 *
 * <p>
 * Created by {@link CpuSet#createTask}; state changes go through the CPU and
 * {@link CpuSet#wake}. Not thread-safe.
 */
public final class Task {

	/** The life-cycle states, a reduction of the kernel's {@code __state}. */
	public enum State {

		/** On the run queue, waiting for the CPU ({@code TASK_RUNNING}, not current). */
		RUNNABLE,

		/** The CPU's current task ({@code TASK_RUNNING}, {@code rq->curr}). */
		RUNNING,

		/** Sleeping until a time ({@code schedule_hrtimeout}). */
		SLEEPING,

		/** Blocked until woken ({@code TASK_INTERRUPTIBLE}). */
		BLOCKED

	}

	final int index;

	final int id;

	final String name;

	final Cpu cpu;

	final TaskBody body;

	final boolean ksoftirqd;

	State state = State.BLOCKED;

	long vruntime;

	long sumExecNs;

	boolean wokenWhileRunning;

	long timerEvent = Simulator.NO_EVENT;

	long steps;

	Task(int index, int id, String name, Cpu cpu, TaskBody body, boolean ksoftirqd) {
		this.index = index;
		this.id = id;
		this.name = name;
		this.cpu = cpu;
		this.body = body;
		this.ksoftirqd = ksoftirqd;
	}

	/** The run-wide task id (trace events and {@code CpuAccounting} use it). */
	public int id() {
		return this.id;
	}

	/** The task's name, e.g. {@code ksoftirqd/0}. */
	public String name() {
		return this.name;
	}

	/** The CPU the task is pinned to. */
	public Cpu cpu() {
		return this.cpu;
	}

	/** The current state. */
	public State state() {
		return this.state;
	}

	/** Whether the task is runnable or running ({@code TASK_RUNNING}). */
	public boolean isRunnable() {
		return this.state == State.RUNNABLE || this.state == State.RUNNING;
	}

	/** Whether this is the CPU's {@code ksoftirqd/N}. */
	public boolean isKsoftirqd() {
		return this.ksoftirqd;
	}

	/** The virtual runtime in ns ({@code se->vruntime}, nice 0 so weight 1). */
	public long vruntime() {
		return this.vruntime;
	}

	/**
	 * The task's own CPU time in ns ({@code se->sum_exec_runtime}, without softirq run on
	 * top of it: {@code CONFIG_IRQ_TIME_ACCOUNTING=y}).
	 */
	public long sumExecNs() {
		return this.sumExecNs;
	}

	/** Steps run so far. */
	public long steps() {
		return this.steps;
	}

	@Override
	public String toString() {
		return "Task[" + this.id + " " + this.name + " " + this.state + "]";
	}

}
