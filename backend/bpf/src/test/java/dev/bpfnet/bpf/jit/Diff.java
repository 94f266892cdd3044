package dev.bpfnet.bpf.jit;

import java.util.Arrays;
import java.util.HexFormat;

import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;

/**
 * Runs one program on the interpreter or on the JIT and captures everything a caller can
 * observe: r0 or the fault (pc and text), instructions executed, tail calls taken, and
 * the bytes of every stack frame.
 */
final class Diff {

	private Diff() {
	}

	/** What one run left behind. */
	record Outcome(long r0, String fault, long executed, int tailCalls, String stack) {

		@Override
		public String toString() {
			return (this.fault != null ? "fault '" + this.fault + "'" : "r0=0x" + Long.toHexString(this.r0))
					+ ", executed=" + this.executed + ", tailCalls=" + this.tailCalls
					+ (this.stack.isEmpty() ? "" : "\n" + this.stack);
		}

	}

	interface Run {

		long run(Vm vm) throws BpfFault;

	}

	static Outcome capture(Vm vm, Run run) {
		long r0 = 0;
		String fault = null;
		try {
			r0 = run.run(vm);
		}
		catch (BpfFault f) {
			fault = f.getMessage();
		}
		StringBuilder stack = new StringBuilder();
		for (int f = 0; f < Memory.STACK_FRAMES; f++) {
			byte[] frame = vm.memory().frame(f);
			if (!Arrays.equals(frame, new byte[frame.length])) {
				stack.append("frame ").append(f).append(": ").append(HexFormat.of().formatHex(frame)).append('\n');
			}
		}
		return new Outcome(r0, fault, vm.instructionsExecuted(), vm.tailCallsTaken(), stack.toString());
	}

	static Outcome interpRaw(LoadedProgram p, Vm vm, byte[] mem) {
		return capture(vm, v -> v.runRaw(p, mem));
	}

	static Outcome jitRaw(LoadedProgram p, Vm vm, byte[] mem) {
		JitProgram jit;
		try {
			jit = JitCompiler.compile(p);
		}
		catch (JitException ex) {
			throw new AssertionError(ex.getMessage(), ex);
		}
		return capture(vm, v -> jit.runRaw(v, mem));
	}

}
