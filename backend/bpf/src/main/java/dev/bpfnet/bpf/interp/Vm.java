package dev.bpfnet.bpf.interp;

import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;
import dev.bpfnet.bpf.mem.Memory;

/**
 * One execution environment for BPF programs, reused across runs (the per-CPU state the
 * kernel keeps around {@code bpf_prog_run()}): the {@link Memory} with its stack frames,
 * the register file, the helper table, the CPU number, an instruction budget and a
 * generic attachment ({@link #env()}) through which helper implementations reach their
 * host (this package must not know them).
 *
 * <p>
 * Threading: single-threaded. A {@code Vm} runs one program at a time on the calling
 * thread; use one {@code Vm} per engine thread. Nothing is allocated per run once warm
 * except by helpers.
 */
public final class Vm {

	/** Default instruction budget per run. */
	public static final long DEFAULT_BUDGET = 1_000_000;

	final Memory memory = new Memory();

	/** r0..r10; 16 entries so that any 4-bit register field indexes safely. */
	final long[] reg = new long[16];

	/** Saved r6..r9 and r10 of each caller frame: 5 per frame. */
	final long[] saved = new long[Opcodes.MAX_CALL_FRAMES * 5];

	final int[] returnPc = new int[Opcodes.MAX_CALL_FRAMES];

	final LoadedProgram[] returnProgram = new LoadedProgram[Opcodes.MAX_CALL_FRAMES];

	HelperTable helpers;

	private int cpu;

	private long budget = DEFAULT_BUDGET;

	private Object env;

	private Object ctxObject;

	long executed;

	int tailCalls;

	int helperPc = -1;

	LoadedProgram current;

	private byte[] rawBuffer = new byte[0];

	public Vm() {
		this(HelperTable.empty());
	}

	public Vm(HelperTable helpers) {
		this.helpers = helpers;
	}

	public Memory memory() {
		return this.memory;
	}

	public HelperTable helpers() {
		return this.helpers;
	}

	public void setHelpers(HelperTable helpers) {
		this.helpers = helpers;
	}

	/** The CPU this environment stands for ({@code bpf_get_smp_processor_id()}). */
	public int cpu() {
		return this.cpu;
	}

	public void setCpu(int cpu) {
		this.cpu = cpu;
	}

	public long instructionBudget() {
		return this.budget;
	}

	/**
	 * Instructions a run may execute (tail-called programs included) before it faults
	 * with {@code instruction budget exhausted after N insns}.
	 */
	public void setInstructionBudget(long budget) {
		if (budget <= 0) {
			throw new IllegalArgumentException("instruction budget must be positive: " + budget);
		}
		this.budget = budget;
	}

	/** The attachment helpers use (their host, the current packet, ...). */
	public Object env() {
		return this.env;
	}

	public void setEnv(Object env) {
		this.env = env;
	}

	/**
	 * The object behind the context of the current run (by default the ContextAccess).
	 */
	public Object ctxObject() {
		return this.ctxObject;
	}

	/** The context of the current run, or {@code null} for a raw run. */
	public ContextAccess context() {
		return this.memory.context();
	}

	/** Instructions executed by the last run (also after a fault). */
	public long instructionsExecuted() {
		return this.executed;
	}

	/** Tail calls taken by the last run. */
	public int tailCallsTaken() {
		return this.tailCalls;
	}

	/** The program executing (or last executed): changes on a tail call. */
	public LoadedProgram currentProgram() {
		return this.current;
	}

	/** The instruction index of the helper call in progress (for helper messages). */
	public int pc() {
		return this.helperPc;
	}

	// ------------------------------------------------------------------ hooks for other
	// execution engines

	/**
	 * For another execution engine (the JIT): what {@link #ctxObject()} returns to
	 * helpers during its run.
	 */
	public void setCtxObject(Object ctxObject) {
		this.ctxObject = ctxObject;
	}

	/**
	 * For another execution engine: the program executing, as {@link #currentProgram()}
	 * shows it.
	 */
	public void setCurrentProgram(LoadedProgram program) {
		this.current = program;
	}

	/**
	 * For another execution engine: records the statistics of a run it executed, as
	 * {@link #instructionsExecuted()} and {@link #tailCallsTaken()} report them.
	 */
	public void recordRun(long instructionsExecuted, int tailCallsTaken) {
		this.executed = instructionsExecuted;
		this.tailCalls = tailCallsTaken;
	}

	/**
	 * For another execution engine: sets register {@code r} as {@link #register(int)}
	 * reports it.
	 */
	public void setRegister(int r, long value) {
		this.reg[r] = value;
	}

	/**
	 * Calls helper {@code id} exactly as the interpreter does (sets {@link #pc()} and the
	 * memory's fault pc; {@code unknown helper N}; a helper's RuntimeException becomes a
	 * BpfFault naming it), with r1..r5 as given.
	 * @return r0 (the caller checks {@link HelperTable#unwindId()} for a 0 that stops the
	 * program)
	 */
	public long callHelper(int pc, int id, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		this.reg[1] = r1;
		this.reg[2] = r2;
		this.reg[3] = r3;
		this.reg[4] = r4;
		this.reg[5] = r5;
		Interpreter.callHelper(this, pc, id);
		return this.reg[0];
	}

	/** Register {@code r} as the last run left it (r0..r10). */
	public long register(int r) {
		return this.reg[r];
	}

	/**
	 * Runs {@code program} with {@code r1} = pointer to the context.
	 * @return r0
	 */
	public long run(LoadedProgram program, ContextAccess ctx) throws BpfFault {
		return run(program, ctx, ctx);
	}

	/**
	 * Runs {@code program} with {@code r1} = pointer to the context; {@code ctxObject} is
	 * what {@link #ctxObject()} returns to helpers meanwhile.
	 * @return r0
	 */
	public long run(LoadedProgram program, ContextAccess ctx, Object ctxObject) throws BpfFault {
		this.ctxObject = ctxObject;
		this.memory.setContext(ctx);
		this.memory.beginRun();
		try {
			clearRegisters();
			this.reg[1] = ctx == null ? 0 : Memory.ctxPointer();
			return Interpreter.execute(this, program);
		}
		finally {
			this.memory.endRun();
		}
	}

	/**
	 * Runs {@code program} in the bpf_conformance convention: r1 = pointer to a writable
	 * copy of {@code mem} (0 if empty), r2 = its length, r10 = top of the stack; no
	 * context and no packet.
	 * @return r0
	 */
	public long runRaw(LoadedProgram program, byte[] mem) throws BpfFault {
		this.ctxObject = null;
		this.memory.setContext(null);
		this.memory.clearPacket();
		this.memory.beginRun();
		try {
			clearRegisters();
			int len = mem == null ? 0 : mem.length;
			if (len > 0) {
				if (this.rawBuffer.length < len) {
					this.rawBuffer = new byte[len];
				}
				System.arraycopy(mem, 0, this.rawBuffer, 0, len);
				this.reg[1] = this.memory.addBuffer(this.rawBuffer, 0, len, true, null);
			}
			this.reg[2] = len;
			return Interpreter.execute(this, program);
		}
		finally {
			this.memory.endRun();
		}
	}

	private void clearRegisters() {
		java.util.Arrays.fill(this.reg, 0);
		this.reg[Opcodes.FP] = Memory.framePointer(0);
	}

}
