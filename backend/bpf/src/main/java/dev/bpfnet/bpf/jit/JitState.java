package dev.bpfnet.bpf.jit;

import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.mem.Memory;

/**
 * The mutable state of one JIT run, shared by the generated methods of all programs the
 * run goes through (tail calls included). Generated code reads and writes these fields
 * directly (the hidden classes live in this package).
 *
 * <p>
 * The instruction budget lives in a {@code long} local of each generated method and is
 * handed over through {@link #left} at calls, returns and region changes. When a run ends
 * abnormally, the innermost generated method records its local budget once
 * ({@link #unwind}) so that {@code instructionsExecuted} is exact after faults too.
 *
 * <p>
 * Threading: used by one thread for one run at a time; {@link JitProgram} keeps one spare
 * instance so that warm runs allocate nothing.
 */
final class JitState {

	Vm vm;

	Memory mem;

	JitProgram root;

	long budget;

	/** Instructions the run may still execute (exact at method boundaries). */
	long left;

	boolean recorded;

	int tailCalls;

	/**
	 * Set by {@link JitRuntime#tailCall} when the target ran: the caller returns its r0.
	 */
	boolean tailTaken;

	/** r1..r5 at the exit of the last function that returned (callers reload them). */
	long ret1;

	long ret2;

	long ret3;

	long ret4;

	long ret5;

	/** Per call depth: r0..r9 of a function split into region methods. */
	final long[][] frames = new long[Memory.STACK_FRAMES][16];

	byte[] rawBuffer = new byte[0];

	void begin(Vm vm, JitProgram root) {
		this.vm = vm;
		this.mem = vm.memory();
		this.root = root;
		this.budget = vm.instructionBudget();
		this.left = this.budget;
		this.recorded = false;
		this.tailCalls = 0;
		this.tailTaken = false;
	}

	void end() {
		this.vm = null;
		this.mem = null;
		this.root = null;
	}

	/**
	 * Called by the exception handler of every generated method: the first (innermost)
	 * call records that method's budget local.
	 */
	Throwable unwind(Throwable t, long localLeft) {
		if (!this.recorded) {
			this.recorded = true;
			this.left = localLeft;
		}
		return t;
	}

	long executed() {
		return this.budget - Math.max(this.left, 0);
	}

}
