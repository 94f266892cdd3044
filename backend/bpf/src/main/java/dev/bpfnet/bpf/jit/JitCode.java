package dev.bpfnet.bpf.jit;

import dev.bpfnet.bpf.mem.BpfFault;

/**
 * The base class of every generated (hidden) class: {@link #enter} runs the main function
 * (instruction 0) of one program at call depth {@code depth} with the given registers and
 * returns r0. Tail calls enter the target's code through it.
 */
abstract class JitCode {

	JitCode() {
	}

	abstract long enter(JitState st, int depth, long r0, long r1, long r2, long r3, long r4, long r5, long r6, long r7,
			long r8, long r9) throws BpfFault;

}
