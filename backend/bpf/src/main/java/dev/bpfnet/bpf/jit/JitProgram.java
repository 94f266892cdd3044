package dev.bpfnet.bpf.jit;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;
import dev.bpfnet.bpf.mem.Memory;

/**
 * A {@link LoadedProgram} compiled to JVM bytecode by {@link JitCompiler}: runs with the
 * same conventions, results, faults (pc and text), instruction budget and statistics as
 * {@link Vm#run(LoadedProgram, ContextAccess, Object)} and
 * {@link Vm#runRaw(LoadedProgram, byte[])}. The {@link Vm} provides the memory, helpers,
 * budget and CPU exactly as for the interpreter.
 *
 * <p>
 * Not reflected by the JIT: {@link Vm#register(int)} after a run (registers live in JVM
 * locals; the result is the return value).
 *
 * <p>
 * Tail-call targets are compiled on first use and kept by the calling program. A target
 * the JIT refuses faults with {@code tail call target 'NAME' cannot be JIT-compiled: ...}
 * (only programs beyond the limits in {@link JitCompiler}).
 *
 * <p>
 * Threading: immutable; may be run by several threads at once, each with its own
 * {@link Vm}. A warm single-threaded run allocates nothing.
 */
public final class JitProgram {

	private final LoadedProgram program;

	private final JitCode code;

	private final int bytecodeSize;

	private final int methodCount;

	private final Map<LoadedProgram, JitProgram> targets = new IdentityHashMap<>();

	private final AtomicReference<JitState> spare = new AtomicReference<>();

	/** The tail-call target used last (a lock-free hit for the common single target). */
	private volatile JitProgram lastTarget;

	JitProgram(LoadedProgram program, JitCode code, int bytecodeSize, int methodCount) {
		this.program = program;
		this.code = code;
		this.bytecodeSize = bytecodeSize;
		this.methodCount = methodCount;
	}

	/** The program this code was compiled from. */
	public LoadedProgram program() {
		return this.program;
	}

	/** Total JVM bytecode of the generated methods, in bytes. */
	public int bytecodeSize() {
		return this.bytecodeSize;
	}

	/** Generated methods: one per BPF function, plus its region methods when split. */
	public int methodCount() {
		return this.methodCount;
	}

	/**
	 * Runs with {@code r1} = pointer to the context, as
	 * {@link Vm#run(LoadedProgram, ContextAccess)}.
	 * @return r0
	 */
	public long run(Vm vm, ContextAccess ctx) throws BpfFault {
		return run(vm, ctx, ctx);
	}

	/**
	 * Runs with {@code r1} = pointer to the context; {@code ctxObject} is what
	 * {@link Vm#ctxObject()} returns to helpers meanwhile.
	 * @return r0
	 */
	public long run(Vm vm, ContextAccess ctx, Object ctxObject) throws BpfFault {
		Memory mem = vm.memory();
		vm.setCtxObject(ctxObject);
		mem.setContext(ctx);
		mem.beginRun();
		JitState st = acquire();
		try {
			return execute(st, vm, ctx == null ? 0 : Memory.ctxPointer(), 0);
		}
		finally {
			mem.endRun();
			release(st);
		}
	}

	/**
	 * Runs in the bpf_conformance convention, as
	 * {@link Vm#runRaw(LoadedProgram, byte[])}: r1 = pointer to a writable copy of
	 * {@code mem} (0 if empty), r2 = its length.
	 * @return r0
	 */
	public long runRaw(Vm vm, byte[] mem) throws BpfFault {
		Memory memory = vm.memory();
		vm.setCtxObject(null);
		memory.setContext(null);
		memory.clearPacket();
		memory.beginRun();
		JitState st = acquire();
		try {
			int len = mem == null ? 0 : mem.length;
			long r1 = 0;
			if (len > 0) {
				if (st.rawBuffer.length < len) {
					st.rawBuffer = new byte[len];
				}
				System.arraycopy(mem, 0, st.rawBuffer, 0, len);
				r1 = memory.addBuffer(st.rawBuffer, 0, len, true, null);
			}
			return execute(st, vm, r1, len);
		}
		finally {
			memory.endRun();
			release(st);
		}
	}

	/**
	 * This program as an {@link Executor}, for callers that set up runs themselves (the
	 * helpers' {@code HelperEnv}, the engine).
	 * @throws IllegalArgumentException when asked to run another program
	 */
	public Executor executor() {
		return (vm, program, ctx, ctxObject) -> {
			if (program != this.program) {
				throw new IllegalArgumentException(
						"JIT code of '" + this.program.name() + "' asked to run '" + program.name() + "'");
			}
			return run(vm, ctx, ctxObject);
		};
	}

	private long execute(JitState st, Vm vm, long r1, long r2) throws BpfFault {
		st.begin(vm, this);
		vm.setCurrentProgram(this.program);
		long r0 = 0;
		try {
			r0 = this.code.enter(st, 0, 0, r1, r2, 0, 0, 0, 0, 0, 0, 0);
			return r0;
		}
		catch (JitStop stop) {
			return 0;
		}
		finally {
			vm.recordRun(st.executed(), st.tailCalls);
			// registers live in JVM locals; r0 is the one a caller can observe after the
			// run
			vm.setRegister(0, r0);
			st.end();
		}
	}

	private JitState acquire() {
		JitState st = this.spare.getAndSet(null);
		return st != null ? st : new JitState();
	}

	private void release(JitState st) {
		this.spare.set(st);
	}

	/**
	 * The code of a tail-call target: this program's own, or compiled once and kept.
	 * @throws BpfFault when the JIT refuses the target
	 */
	JitCode codeFor(LoadedProgram target, int pc) throws BpfFault {
		if (target == this.program) {
			return this.code;
		}
		JitProgram last = this.lastTarget;
		if (last != null && last.program == target) {
			return last.code;
		}
		synchronized (this.targets) {
			JitProgram p = this.targets.get(target);
			if (p == null) {
				try {
					p = JitCompiler.compileCached(target);
				}
				catch (JitException ex) {
					throw new BpfFault(pc,
							"tail call target '" + target.name() + "' cannot be JIT-compiled: " + ex.reason());
				}
				this.targets.put(target, p);
			}
			this.lastTarget = p;
			return p.code;
		}
	}

	@Override
	public String toString() {
		return "JitProgram[" + this.program.name() + ", " + this.methodCount + " methods, " + this.bytecodeSize
				+ " bytes]";
	}

}
