package dev.bpfnet.bench;

import java.util.concurrent.TimeUnit;

import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.jit.JitCompiler;
import dev.bpfnet.bpf.jit.JitException;
import dev.bpfnet.bpf.jit.JitProgram;
import dev.bpfnet.bpf.mem.BpfFault;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per eBPF instruction on the interpreter and the JIT, against the same loop
 * written in Java (what HotSpot makes of it: the "native code" baseline of DESIGN.md §8,
 * measured in the same run).
 *
 * <p>
 * The ALU loop is exactly the program:
 * {@code r0 = 0; r1 = 100000000; loop: r2 = r1; r2 >>= 3; r2 ^= r1; r0 += r2; r1 -= 1; if r1 != 0 goto loop; exit}
 * = 6 instructions per iteration, 600,000,003 per run. One benchmark operation is one
 * run, so ns/insn = (ms/op x 1e6) / 600,000,003; {@code docs/benchmarks.md} does that
 * division.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InterpreterBench {

	static final int ITERATIONS = 100_000_000;

	/**
	 * Instructions executed by one run of either loop: 2 + 6 per iteration + exit / 1 + 5
	 * + exit.
	 */
	public static final long ALU_INSNS = 2L + 6L * ITERATIONS + 1;

	public static final long STACK_INSNS = 2L + 5L * ITERATIONS + 1;

	Vm vm;

	LoadedProgram aluLoop;

	LoadedProgram stackLoop;

	JitProgram aluLoopJit;

	JitProgram stackLoopJit;

	@Setup
	public void setup() throws JitException {
		this.vm = new Vm();
		this.vm.setInstructionBudget(Long.MAX_VALUE);
		this.aluLoop = LoadedProgram.of(aluLoop(ITERATIONS));
		this.stackLoop = LoadedProgram.of(stackLoop(ITERATIONS));
		this.aluLoopJit = JitCompiler.compile(this.aluLoop);
		this.stackLoopJit = JitCompiler.compile(this.stackLoop);
	}

	public static Insn[] aluLoop(int n) {
		return new Insn[] { Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 1, 0, 0, n),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X, 2, 1, 0, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_RSH | Opcodes.SRC_K, 2, 0, 0, 3),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_XOR | Opcodes.SRC_X, 2, 1, 0, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD | Opcodes.SRC_X, 0, 2, 0, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_SUB | Opcodes.SRC_K, 1, 0, 0, 1),
				Insn.of(Opcodes.CLASS_JMP | Opcodes.JMP_JNE | Opcodes.SRC_K, 1, 0, -6, 0),
				Insn.of(Opcodes.EXIT, 0, 0, 0, 0) };
	}

	/**
	 * {@code r0 = 0; r1 = n; loop: *(u64 *)(r10 - 8) = r1; r2 = *(u64 *)(r10 - 8); r0 += r2; r1 -= 1; if r1 != 0 goto loop; exit}.
	 */
	public static Insn[] stackLoop(int n) {
		return new Insn[] { Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 1, 0, 0, n),
				Insn.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 1, -8, 0),
				Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 2, 10, -8, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD | Opcodes.SRC_X, 0, 2, 0, 0),
				Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_SUB | Opcodes.SRC_K, 1, 0, 0, 1),
				Insn.of(Opcodes.CLASS_JMP | Opcodes.JMP_JNE | Opcodes.SRC_K, 1, 0, -5, 0),
				Insn.of(Opcodes.EXIT, 0, 0, 0, 0) };
	}

	@Benchmark
	public long interpreterAluLoop() throws BpfFault {
		return this.vm.runRaw(this.aluLoop, new byte[0]);
	}

	@Benchmark
	public long interpreterStackLoop() throws BpfFault {
		return this.vm.runRaw(this.stackLoop, new byte[0]);
	}

	@Benchmark
	public long jitAluLoop() throws BpfFault {
		return this.aluLoopJit.runRaw(this.vm, null);
	}

	@Benchmark
	public long jitStackLoop() throws BpfFault {
		return this.stackLoopJit.runRaw(this.vm, null);
	}

	/** The ALU loop as Java: the baseline HotSpot compiles to native code. */
	@Benchmark
	public long javaAluLoop() {
		long r0 = 0;
		long r1 = ITERATIONS;
		do {
			long r2 = r1;
			r2 >>>= 3;
			r2 ^= r1;
			r0 += r2;
			r1 -= 1;
		}
		while (r1 != 0);
		return r0;
	}

}
