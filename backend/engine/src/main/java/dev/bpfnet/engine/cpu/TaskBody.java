package dev.bpfnet.engine.cpu;

/**
 * What a {@link Task} does each time the scheduler runs it: one step, executed
 * synchronously (a system call, a loop iteration of a kthread), charging its CPU time
 * with {@link Cpu#spend}. A step is not interrupted: interrupts that arrive meanwhile are
 * served when it returns, and a preemption decided meanwhile takes effect when it returns
 * (the return to user space is the preemption point). Keep steps short (a few µs) so that
 * interrupts are not delayed unrealistically.
 *
 * <p>
 * The result is a {@code long} so that stepping allocates nothing: {@link #RUN_AGAIN},
 * {@link #BLOCK}, or an absolute wake-up time {@code >= 0}.
 */
@FunctionalInterface
public interface TaskBody {

	/** Stay runnable; the scheduler runs the next step when it picks the task again. */
	long RUN_AGAIN = -1L;

	/**
	 * Block until {@link CpuSet#wake woken}
	 * ({@code set_current_state(TASK_INTERRUPTIBLE);
	 * schedule()}). A wake-up that came during the step makes this a {@link #RUN_AGAIN},
	 * as in the kernel.
	 */
	long BLOCK = -2L;

	/**
	 * Runs one step.
	 * @param cpu the CPU the task runs on; {@link Cpu#now()} is the step's start time
	 * @param task the task itself
	 * @return {@link #RUN_AGAIN}, {@link #BLOCK} or the absolute time to sleep until (a
	 * time not after the step's end means "run again")
	 */
	long step(Cpu cpu, Task task);

}
