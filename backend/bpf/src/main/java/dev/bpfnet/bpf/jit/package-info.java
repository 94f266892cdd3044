/**
 * The JIT: {@link dev.bpfnet.bpf.jit.JitCompiler} turns a
 * {@link dev.bpfnet.bpf.interp.LoadedProgram} into a hidden JVM class (OW2 ASM), and
 * {@link dev.bpfnet.bpf.jit.JitProgram} runs it on a {@link dev.bpfnet.bpf.interp.Vm}
 * with exactly the interpreter's conventions and results. When the compiler refuses a
 * program ({@link dev.bpfnet.bpf.jit.JitException}), run it on the interpreter.
 *
 * <pre>
 * LoadedProgram --JitCompiler.compile--&gt; JitProgram --run(vm, ctx)--&gt; r0 | BpfFault
 *                                            |
 *            generated code --&gt; Memory (checked loads/stores), JitRuntime (helpers, tail calls)
 * </pre>
 *
 * Dependencies: {@code jit -> interp, mem, maps, isa}; nothing depends on {@code jit}.
 */
package dev.bpfnet.bpf.jit;
