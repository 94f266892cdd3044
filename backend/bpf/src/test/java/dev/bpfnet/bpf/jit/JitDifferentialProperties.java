package dev.bpfnet.bpf.jit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.bpfnet.bpf.interp.HelperTable;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interpreter ≡ JIT on random, mostly valid programs: ALU and ALU32 with every operation
 * (division and modulo by zero, masked shifts, movsx, byte swaps, signed division),
 * JMP/JMP32 with every condition, forward jumps and backward jumps (loops, bounded by a
 * small instruction budget), stack and buffer loads and stores of every size (some out of
 * bounds), sign-extending loads, atomics on the stack (some misaligned), lddw, the unwind
 * helper, local calls into a subfunction, and a few invalid instructions. Each program
 * runs on both engines with the same memory; r0 or the fault (pc and text), the
 * instruction count and every stack byte must be identical.
 */
class JitDifferentialProperties {

	static final int BUDGET = 3000;

	@Property(tries = 1500)
	void jitBehavesAsTheInterpreter(@ForAll long seed) {
		Random rnd = new Random(seed);
		Insn[] insns = new ProgramGen(rnd).generate();
		byte[] mem = new byte[64];
		rnd.nextBytes(mem);
		LoadedProgram prog = LoadedProgram.of(insns);
		Diff.Outcome expected = Diff.interpRaw(prog, vm(), mem);
		Diff.Outcome actual = Diff.jitRaw(prog, vm(), mem);
		assertThat(actual).as(() -> "seed " + seed + "\n" + listing(insns)).isEqualTo(expected);
		Statistics.label("outcome").collect(category(expected));
		Statistics.label("size")
			.collect(insns.length < 30 ? "< 30 slots" : insns.length < 60 ? "< 60 slots" : ">= 60 slots");
	}

	static String category(Diff.Outcome o) {
		if (o.fault() == null) {
			return o.executed() < 20 ? "r0, < 20 insns" : "r0, >= 20 insns";
		}
		String text = o.fault().replaceFirst("^pc \\d+: ", "");
		int cut = text.indexOf(' ', text.indexOf(' ') + 1);
		return "fault: " + (cut > 0 ? text.substring(0, cut) : text);
	}

	@Property(tries = 300)
	void straightLineAluMatchesWithoutBudgetPressure(@ForAll long seed) {
		Random rnd = new Random(seed);
		ProgramGen gen = new ProgramGen(rnd);
		gen.jumps = false;
		gen.memory = false;
		Insn[] insns = gen.generate();
		LoadedProgram prog = LoadedProgram.of(insns);
		Diff.Outcome expected = Diff.interpRaw(prog, vm(), new byte[8]);
		Diff.Outcome actual = Diff.jitRaw(prog, vm(), new byte[8]);
		assertThat(expected.fault()).as(() -> listing(insns)).isNull();
		assertThat(actual).as(() -> "seed " + seed + "\n" + listing(insns)).isEqualTo(expected);
	}

	/** Long programs: functions split into region methods. */
	@Property(tries = 25)
	void longProgramsSplitIntoRegionsBehaveTheSame(@ForAll long seed) throws JitException {
		Random rnd = new Random(seed);
		ProgramGen gen = new ProgramGen(rnd);
		gen.valid = true;
		gen.bodyLength = 1500 + rnd.nextInt(1500);
		Insn[] insns = gen.generate();
		byte[] mem = new byte[64];
		rnd.nextBytes(mem);
		LoadedProgram prog = LoadedProgram.of(insns);
		assertThat(JitCompiler.compile(prog).methodCount()).isGreaterThan(2);
		Vm ivm = vm();
		ivm.setInstructionBudget(100_000);
		Vm jvm = vm();
		jvm.setInstructionBudget(100_000);
		Diff.Outcome expected = Diff.interpRaw(prog, ivm, mem);
		Diff.Outcome actual = Diff.jitRaw(prog, jvm, mem);
		assertThat(actual).as(() -> "seed " + seed).isEqualTo(expected);
		Statistics.label("outcome").collect(category(expected));
	}

	static Vm vm() {
		Vm vm = new Vm(HelperTable.conformance());
		vm.setInstructionBudget(BUDGET);
		return vm;
	}

	static String listing(Insn[] insns) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < insns.length; i++) {
			sb.append(i).append(": ").append(insns[i]).append('\n');
		}
		return sb.toString();
	}

	/** The generator: items of one or two slots, jump targets patched once laid out. */
	static final class ProgramGen {

		static final int[] ALU = { Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_DIV, Opcodes.ALU_OR,
				Opcodes.ALU_AND, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_NEG, Opcodes.ALU_MOD, Opcodes.ALU_XOR,
				Opcodes.ALU_MOV, Opcodes.ALU_ARSH, Opcodes.ALU_END };

		static final int[] JMP = { Opcodes.JMP_JEQ, Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JSET, Opcodes.JMP_JNE,
				Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSLT,
				Opcodes.JMP_JSLE };

		static final int[] ATOMIC = { Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND, Opcodes.ATOMIC_XOR,
				Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH,
				Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH,
				Opcodes.ATOMIC_XCHG, Opcodes.ATOMIC_CMPXCHG };

		static final int[] SIZES = { Opcodes.SIZE_B, Opcodes.SIZE_H, Opcodes.SIZE_W, Opcodes.SIZE_DW };

		final Random rnd;

		boolean jumps = true;

		boolean memory = true;

		/** Only instructions that cannot fault, conditional jumps, rarely backwards. */
		boolean valid;

		/** Body length of main, or 0 for a random one (5..49). */
		int bodyLength;

		final List<Insn[]> items = new ArrayList<>();

		/** Per item: the item a jump or call goes to, or -1. */
		final List<Integer> targets = new ArrayList<>();

		ProgramGen(Random rnd) {
			this.rnd = rnd;
		}

		void add(int target, Insn... slots) {
			this.items.add(slots);
			this.targets.add(target);
		}

		void add(Insn insn) {
			add(-1, insn);
		}

		int imm() {
			return switch (this.rnd.nextInt(8)) {
				case 0 -> 0;
				case 1 -> this.rnd.nextInt(3) - 1;
				case 2 -> Integer.MIN_VALUE;
				case 3 -> Integer.MAX_VALUE;
				case 4 -> this.rnd.nextInt(70);
				case 5 -> -this.rnd.nextInt(70);
				default -> this.rnd.nextInt();
			};
		}

		int dst() {
			int r = this.rnd.nextInt(10);
			return r == 1 && (this.valid || this.rnd.nextInt(4) != 0) ? 0 : r;
		}

		int src() {
			return this.rnd.nextInt(11);
		}

		Insn[] generate() {
			Random r = this.rnd;
			for (int reg : new int[] { 0, 3, 4, 5, 6, 7, 8, 9 }) {
				if (r.nextBoolean()) {
					add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV, reg, 0, 0, imm()));
				}
				else {
					Insn[] lddw = Insn.lddw(reg, 0, r.nextLong());
					add(-1, lddw);
				}
			}
			boolean sub = this.jumps && r.nextInt(4) == 0;
			int len = this.bodyLength > 0 ? this.bodyLength : 5 + r.nextInt(45);
			int first = this.items.size();
			for (int i = 0; i < len; i++) {
				one(first, first + len, sub);
			}
			int exit = this.items.size();
			add(Insn.of(Opcodes.EXIT, 0, 0, 0, 0));
			if (sub) {
				int entry = this.items.size();
				for (int i = 0, n = 2 + r.nextInt(10); i < n; i++) {
					one(entry, entry + n, false);
				}
				add(Insn.of(Opcodes.EXIT, 0, 0, 0, 0));
				for (int i = 0; i < this.targets.size(); i++) {
					if (this.targets.get(i) == Integer.MAX_VALUE) {
						this.targets.set(i, entry);
					}
				}
			}
			return layout(exit);
		}

		/** One random item of the body [first, end). */
		void one(int first, int end, boolean sub) {
			Random r = this.rnd;
			int kind = r.nextInt(100);
			if (this.valid && (kind >= 66 && kind < 71 || kind >= 82 && kind < 85)) {
				kind = 0;
			}
			if (!this.memory && kind >= 50 && kind < 85) {
				kind = 0;
			}
			if (!this.jumps && kind >= 85) {
				kind = 0;
			}
			if (kind < 50) {
				alu();
			}
			else if (kind < 58) {
				int size = SIZES[r.nextInt(4)];
				int off = stackOff(Opcodes.sizeBytes(size));
				if (r.nextBoolean()) {
					add(Insn.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, 10, src(), off, 0));
				}
				else {
					add(Insn.of(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, 10, 0, off, imm()));
				}
			}
			else if (kind < 66) {
				int size = SIZES[r.nextInt(4)];
				int mode = size != Opcodes.SIZE_DW && r.nextInt(3) == 0 ? Opcodes.MODE_MEMSX : Opcodes.MODE_MEM;
				add(Insn.of(Opcodes.CLASS_LDX | mode | size, dst(), 10, stackOff(Opcodes.sizeBytes(size)), 0));
			}
			else if (kind < 71) {
				int size = SIZES[r.nextInt(4)];
				int off = r.nextInt(72) - 4;
				if (r.nextBoolean()) {
					add(Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, dst(), 1, off, 0));
				}
				else {
					add(Insn.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, 1, src(), off, 0));
				}
			}
			else if (kind < 77) {
				int size = r.nextBoolean() ? Opcodes.SIZE_W : Opcodes.SIZE_DW;
				int off = stackOff(size == Opcodes.SIZE_W ? 4 : 8);
				add(Insn.of(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, 10, this.valid ? dst() : src(), off,
						ATOMIC[r.nextInt(ATOMIC.length)]));
			}
			else if (kind < 80) {
				// pointer arithmetic on a copy of r10 (one item: jumps never land inside)
				int reg = dst();
				add(-1, Insn.of(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | Opcodes.ALU_MOV, reg, 10, 0, 0),
						Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD, reg, 0, 0, -8 * (2 + r.nextInt(63))),
						Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, dst(), reg, r.nextInt(3) * 4,
								0));
			}
			else if (kind < 82) {
				add(-1, Insn.lddw(dst(), 0, r.nextLong()));
			}
			else if (kind < 84) {
				if (r.nextInt(3) != 0) {
					add(Insn.of(Opcodes.CALL, 0, 0, 0, HelperTable.CONFORMANCE_UNWIND));
				}
				else {
					add(Insn.of(r.nextBoolean() ? r.nextInt(256) : Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD, 10,
							r.nextInt(16), 0, imm()));
				}
			}
			else if (kind < 85) {
				alu();
			}
			else if (kind < 95 || !sub) {
				// conditional jump; mostly forward, sometimes back (a loop the budget
				// bounds)
				int cls = r.nextBoolean() ? Opcodes.CLASS_JMP : Opcodes.CLASS_JMP32;
				boolean x = r.nextBoolean();
				int code = r.nextInt(12) == 0 && !this.valid ? Opcodes.JMP_JA : JMP[r.nextInt(JMP.length)];
				int here = this.items.size();
				int target = r.nextInt(this.valid ? 40 : 6) == 0 ? first + r.nextInt(Math.max(1, here - first + 1))
						: here + 1 + r.nextInt(Math.max(1, end - here));
				if (code == Opcodes.JMP_JA) {
					cls = Opcodes.CLASS_JMP;
					x = false;
				}
				add(target, Insn.of(cls | code | (x ? Opcodes.SRC_X : 0), dst(), x ? src() : 0, 0, x ? 0 : imm()));
			}
			else {
				add(Integer.MAX_VALUE, Insn.of(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_LOCAL, 0, 0));
			}
		}

		int stackOff(int size) {
			Random r = this.rnd;
			if (this.valid) {
				return -size * (1 + r.nextInt(512 / size));
			}
			return switch (r.nextInt(40)) {
				case 0 -> -r.nextInt(530);
				case 1 -> r.nextInt(16) - 4;
				default -> -size * (1 + r.nextInt(512 / size));
			};
		}

		void alu() {
			Random r = this.rnd;
			int cls = r.nextBoolean() ? Opcodes.CLASS_ALU64 : Opcodes.CLASS_ALU;
			int code = ALU[r.nextInt(ALU.length)];
			boolean x = r.nextBoolean();
			int off = 0;
			int imm = x ? 0 : imm();
			int src = x ? src() : 0;
			if (code == Opcodes.ALU_NEG) {
				x = false;
				src = 0;
				imm = 0;
			}
			if (code == Opcodes.ALU_DIV || code == Opcodes.ALU_MOD) {
				off = r.nextInt(2);
				if (r.nextInt(4) == 0) {
					imm = 0;
				}
			}
			if (code == Opcodes.ALU_MOV && x && r.nextInt(3) == 0) {
				off = new int[] { 8, 16, 32 }[r.nextInt(cls == Opcodes.CLASS_ALU64 ? 3 : 2)];
			}
			if (code == Opcodes.ALU_END) {
				imm = new int[] { 16, 32, 64 }[r.nextInt(3)];
				src = 0;
				x = cls == Opcodes.CLASS_ALU && r.nextBoolean();
			}
			if (code == Opcodes.ALU_LSH || code == Opcodes.ALU_RSH || code == Opcodes.ALU_ARSH) {
				if (!x && r.nextBoolean()) {
					imm = r.nextInt(cls == Opcodes.CLASS_ALU64 ? 64 : 32);
				}
			}
			add(Insn.of(cls | code | (x ? Opcodes.SRC_X : 0), dst(), src, off, imm));
		}

		Insn[] layout(int exitItem) {
			int[] slot = new int[this.items.size() + 1];
			int n = 0;
			for (int i = 0; i < this.items.size(); i++) {
				slot[i] = n;
				n += this.items.get(i).length;
			}
			slot[this.items.size()] = n;
			Insn[] out = new Insn[n];
			for (int i = 0; i < this.items.size(); i++) {
				Insn[] it = this.items.get(i);
				int t = this.targets.get(i);
				if (t >= 0) {
					int rel = slot[Math.min(t, exitItem)] - slot[i] - 1;
					Insn in = it[0];
					it = new Insn[] { in.opcode() == Opcodes.CALL ? in.withImm(rel) : in.withOff(rel) };
				}
				System.arraycopy(it, 0, out, slot[i], it.length);
			}
			return out;
		}

	}

}
