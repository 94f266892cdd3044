package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.Opcodes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Soundness of the scalar domain: for concrete values inside two abstract registers, the
 * concrete result of every ALU operation is inside the abstract result, a branch the
 * domain calls decided goes that way, and refining on a condition that holds keeps the
 * concrete values.
 */
class ScalarOpsPropertyTest {

	/** A concrete value and an abstract register that contains it. */
	record Sample(long value, Reg reg) {

		@Override
		public String toString() {
			return this.value + " in " + StatePrinter.reg(this.reg, java.util.List.of());
		}

	}

	@Provide
	Arbitrary<Sample> samples() {
		Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-300, 300),
				Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xffffffffL, 0x80000000L, 0x7fffffffL));
		Arbitrary<Long> mask = Arbitraries.oneOf(Arbitraries.of(0L, -1L, 0xffL, 0xffffffffL, 0xff00L),
				Arbitraries.longs());
		Arbitrary<Long> slack = Arbitraries.oneOf(Arbitraries.longs().between(0, 16), Arbitraries.longs());
		return Combinators.combine(value, mask, slack, slack).as((v, m, lo, hi) -> {
			Reg r = new Reg();
			r.markUnknown();
			r.varOff = new Tnum(v & ~m, m);
			// bounds around v, possibly narrower than the tnum
			long umin = (Long.compareUnsigned(v, lo) >= 0) ? v - lo : 0;
			long umax = (Long.compareUnsigned(-1L - v, hi) >= 0) ? v + hi : -1L;
			r.umin = umin;
			r.umax = umax;
			r.sync();
			return new Sample(v, r);
		});
	}

	private static void assertContains(Reg r, long v) {
		assertThat(r.type).isEqualTo(RegType.SCALAR);
		assertThat(Long.compareUnsigned(r.umin, v) <= 0 && Long.compareUnsigned(v, r.umax) <= 0)
			.as("u64 bounds of %s", StatePrinter.reg(r, java.util.List.of()))
			.isTrue();
		assertThat(r.smin <= v && v <= r.smax).as("s64 bounds").isTrue();
		int lo = (int) v;
		assertThat(Integer.compareUnsigned(r.u32min, lo) <= 0 && Integer.compareUnsigned(lo, r.u32max) <= 0)
			.as("u32 bounds")
			.isTrue();
		assertThat(r.s32min <= lo && lo <= r.s32max).as("s32 bounds").isTrue();
		assertThat(r.varOff.contains(Tnum.constant(v))).as("var_off %s", r.varOff).isTrue();
	}

	@Property(tries = 3000)
	void samplesContainTheirValue(@ForAll("samples") Sample s) {
		assertContains(s.reg(), s.value());
	}

	private static final int[] OPS = { Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_DIV,
			Opcodes.ALU_OR, Opcodes.ALU_AND, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_MOD, Opcodes.ALU_XOR,
			Opcodes.ALU_ARSH };

	private static long concrete(int op, long a, long b, boolean alu32) {
		if (alu32) {
			int x = (int) a;
			int y = (int) b;
			int r = switch (op) {
				case Opcodes.ALU_ADD -> x + y;
				case Opcodes.ALU_SUB -> x - y;
				case Opcodes.ALU_MUL -> x * y;
				case Opcodes.ALU_DIV -> (y == 0) ? 0 : Integer.divideUnsigned(x, y);
				case Opcodes.ALU_MOD -> (y == 0) ? x : Integer.remainderUnsigned(x, y);
				case Opcodes.ALU_OR -> x | y;
				case Opcodes.ALU_AND -> x & y;
				case Opcodes.ALU_XOR -> x ^ y;
				case Opcodes.ALU_LSH -> x << y;
				case Opcodes.ALU_RSH -> x >>> y;
				default -> x >> y;
			};
			return r & 0xffffffffL;
		}
		return switch (op) {
			case Opcodes.ALU_ADD -> a + b;
			case Opcodes.ALU_SUB -> a - b;
			case Opcodes.ALU_MUL -> a * b;
			case Opcodes.ALU_DIV -> (b == 0) ? 0 : Long.divideUnsigned(a, b);
			case Opcodes.ALU_MOD -> (b == 0) ? a : Long.remainderUnsigned(a, b);
			case Opcodes.ALU_OR -> a | b;
			case Opcodes.ALU_AND -> a & b;
			case Opcodes.ALU_XOR -> a ^ b;
			case Opcodes.ALU_LSH -> a << b;
			case Opcodes.ALU_RSH -> a >>> b;
			default -> a >> b;
		};
	}

	@Property(tries = 20000)
	void aluResultsContainTheConcreteResult(@ForAll("samples") Sample a, @ForAll("samples") Sample b,
			@ForAll("ops") int op, @ForAll boolean alu32) {
		long bv = b.value();
		Reg src = b.reg().copy();
		if (op == Opcodes.ALU_LSH || op == Opcodes.ALU_RSH || op == Opcodes.ALU_ARSH) {
			// the verifier only lets through shifts by a constant below the width; the
			// ISA
			// masks the count anyway
			bv &= alu32 ? 31 : 63;
			src.markConst(bv);
		}
		Reg dst = a.reg().copy();
		ScalarOps.alu(dst, src, op, alu32);
		assertContains(dst, concrete(op, a.value(), bv, alu32));
	}

	@Provide
	Arbitrary<Integer> ops() {
		return Arbitraries.of(OPS[0], OPS[1], OPS[2], OPS[3], OPS[4], OPS[5], OPS[6], OPS[7], OPS[8], OPS[9], OPS[10]);
	}

	@Provide
	Arbitrary<Integer> conds() {
		return Arbitraries.of(Opcodes.JMP_JEQ, Opcodes.JMP_JNE, Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JLT,
				Opcodes.JMP_JLE, Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JSLT, Opcodes.JMP_JSLE,
				Opcodes.JMP_JSET, ScalarOps.JSET_FALSE);
	}

	private static boolean holds(int op, long a, long b, boolean is32) {
		if (is32) {
			a = (int) a;
			b = (int) b;
			long ua = a & 0xffffffffL;
			long ub = b & 0xffffffffL;
			return switch (op) {
				case Opcodes.JMP_JEQ -> a == b;
				case Opcodes.JMP_JNE -> a != b;
				case Opcodes.JMP_JGT -> ua > ub;
				case Opcodes.JMP_JGE -> ua >= ub;
				case Opcodes.JMP_JLT -> ua < ub;
				case Opcodes.JMP_JLE -> ua <= ub;
				case Opcodes.JMP_JSGT -> a > b;
				case Opcodes.JMP_JSGE -> a >= b;
				case Opcodes.JMP_JSLT -> a < b;
				case Opcodes.JMP_JSLE -> a <= b;
				case Opcodes.JMP_JSET -> (a & b) != 0;
				default -> (a & b) == 0;
			};
		}
		return switch (op) {
			case Opcodes.JMP_JEQ -> a == b;
			case Opcodes.JMP_JNE -> a != b;
			case Opcodes.JMP_JGT -> Long.compareUnsigned(a, b) > 0;
			case Opcodes.JMP_JGE -> Long.compareUnsigned(a, b) >= 0;
			case Opcodes.JMP_JLT -> Long.compareUnsigned(a, b) < 0;
			case Opcodes.JMP_JLE -> Long.compareUnsigned(a, b) <= 0;
			case Opcodes.JMP_JSGT -> a > b;
			case Opcodes.JMP_JSGE -> a >= b;
			case Opcodes.JMP_JSLT -> a < b;
			case Opcodes.JMP_JSLE -> a <= b;
			case Opcodes.JMP_JSET -> (a & b) != 0;
			default -> (a & b) == 0;
		};
	}

	@Property(tries = 20000)
	void branchesAreDecidedAndRefinedSoundly(@ForAll("samples") Sample a, @ForAll("samples") Sample b,
			@ForAll("conds") int op, @ForAll boolean is32) {
		boolean truth = holds(op, a.value(), b.value(), is32);
		int taken = ScalarOps.branchTaken(a.reg(), b.reg(), op, is32);
		if (taken >= 0) {
			assertThat(taken == 1).as("branch decided wrongly").isEqualTo(truth);
		}
		Reg ra = a.reg().copy();
		Reg rb = b.reg().copy();
		// refine under the condition that holds for the concrete values
		int cond = truth ? op : ScalarOps.reverse(op);
		assertThat(ScalarOps.refine(ra, rb, cond, is32)).as("a feasible branch was dropped").isTrue();
		assertContains(ra, a.value());
		assertContains(rb, b.value());
	}

}
