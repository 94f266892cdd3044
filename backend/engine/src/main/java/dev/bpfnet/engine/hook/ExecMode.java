package dev.bpfnet.engine.hook;

/**
 * How loaded programs execute. Both give the same results, faults and instruction counts
 * (the toolchain's JIT is conformance-tested against the interpreter).
 */
public enum ExecMode {

	/**
	 * eBPF compiled to JVM bytecode ({@code JitCompiler}); a program the JIT refuses
	 * ({@code JitException}) falls back to the interpreter, as the kernel falls back to
	 * its interpreter when {@code bpf_int_jit_compile} gives up.
	 */
	JIT,

	/** The toolchain's interpreter ({@code Executor.INTERPRETER}). */
	INTERPRETER

}
