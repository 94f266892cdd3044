package dev.bpfnet.bpf.interp;

import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;

/**
 * How a program is executed on a {@link Vm}: by the interpreter ({@link #INTERPRETER}) or
 * by compiled code (the JIT's {@code JitProgram#executor()}). Callers that set up a run
 * (the helpers' {@code HelperEnv}, the engine) take one so that they do not depend on the
 * engine choice.
 */
@FunctionalInterface
public interface Executor {

	/**
	 * Runs {@code program} with r1 = the context; as
	 * {@link Vm#run(LoadedProgram, ContextAccess, Object)}.
	 */
	long execute(Vm vm, LoadedProgram program, ContextAccess ctx, Object ctxObject) throws BpfFault;

	/** The interpreter. */
	Executor INTERPRETER = Vm::run;

}
