package dev.bpfnet.engine.trace;

/**
 * The execution context a trace event ran in, as the kernel distinguishes them with
 * {@code in_task()}, {@code in_hardirq()} and {@code in_serving_softirq()}
 * (include/linux/preempt.h). Ids are stable: they enter the canonical trace encoding
 * ({@link TraceHasher}) and must never be renumbered.
 */
public enum Context {

	/** Process context: a task (traffic generator, socket endpoint) in a system call. */
	TASK(0),

	/** Hard interrupt handler (NIC IRQ), with interrupts disabled. */
	HARDIRQ(1),

	/**
	 * Softirq run inline by {@code __do_softirq()} at {@code local_bh_enable()} or
	 * {@code irq_exit()}, on top of whatever task was running (kernel/softirq.c).
	 */
	SOFTIRQ(2),

	/**
	 * Softirq work deferred to the per-CPU {@code ksoftirqd/N} kthread (a schedulable
	 * task).
	 */
	KSOFTIRQD(3);

	private static final Context[] BY_ID = { TASK, HARDIRQ, SOFTIRQ, KSOFTIRQD };

	private final int id;

	Context(int id) {
		this.id = id;
	}

	/** The stable id, used in the canonical trace encoding. */
	public int id() {
		return this.id;
	}

	/**
	 * The context with the given stable id.
	 * @throws IllegalArgumentException if no context has that id
	 */
	public static Context ofId(int id) {
		if (id < 0 || id >= BY_ID.length) {
			throw new IllegalArgumentException("context id: no context has id " + id);
		}
		return BY_ID[id];
	}

}
