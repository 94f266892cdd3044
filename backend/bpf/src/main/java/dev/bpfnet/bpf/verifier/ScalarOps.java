package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.Opcodes;

/**
 * Arithmetic and comparison on scalar abstract values:
 * {@code adjust_scalar_min_max_vals()}, {@code is_scalar_branch_taken()} and
 * {@code regs_refine_cond_op()} of {@code kernel/bpf/verifier.c}.
 *
 * <p>
 * Simplifications, all sound (they only lose precision): 64-bit operations recompute the
 * 32-bit bounds from the result instead of tracking them separately; additions that
 * overflow in both bounds are unbounded rather than wrapped; multiplication uses the
 * pre-6.13 rules (non-negative operands below 2^32); division, modulo, negation and byte
 * swaps give an unknown value; an ALU32 result is always zero-extended.
 */
final class ScalarOps {

	private ScalarOps() {
	}

	/** dst = dst OP src for two scalars. */
	static void alu(Reg dst, Reg src, int op, boolean alu32) {
		if (alu32) {
			alu32(dst, src, op);
			dst.zext32to64();
			dst.sync();
		}
		else {
			alu64(dst, src, op);
			dst.sync();
		}
		dst.id = 0;
	}

	private static void alu64(Reg dst, Reg src, int op) {
		boolean srcConst = src.varOff.isConst();
		boolean dstConst = dst.varOff.isConst();
		switch (op) {
			case Opcodes.ALU_ADD -> {
				long smin = dst.smin + src.smin;
				long smax = dst.smax + src.smax;
				if (addOverflows(dst.smin, src.smin, smin) || addOverflows(dst.smax, src.smax, smax)) {
					dst.smin = Long.MIN_VALUE;
					dst.smax = Long.MAX_VALUE;
				}
				else {
					dst.smin = smin;
					dst.smax = smax;
				}
				long umin = dst.umin + src.umin;
				long umax = dst.umax + src.umax;
				if (Long.compareUnsigned(umin, dst.umin) < 0 || Long.compareUnsigned(umax, dst.umax) < 0) {
					dst.umin = 0;
					dst.umax = -1L;
				}
				else {
					dst.umin = umin;
					dst.umax = umax;
				}
				dst.varOff = dst.varOff.add(src.varOff);
				dst.mark32Unbounded();
			}
			case Opcodes.ALU_SUB -> {
				long smin = dst.smin - src.smax;
				long smax = dst.smax - src.smin;
				if (subOverflows(dst.smin, src.smax, smin) || subOverflows(dst.smax, src.smin, smax)) {
					dst.smin = Long.MIN_VALUE;
					dst.smax = Long.MAX_VALUE;
				}
				else {
					dst.smin = smin;
					dst.smax = smax;
				}
				if (Long.compareUnsigned(dst.umin, src.umax) < 0) {
					dst.umin = 0;
					dst.umax = -1L;
				}
				else {
					dst.umin = dst.umin - src.umax;
					dst.umax = dst.umax - src.umin;
				}
				dst.varOff = dst.varOff.sub(src.varOff);
				dst.mark32Unbounded();
			}
			case Opcodes.ALU_MUL -> {
				dst.varOff = dst.varOff.mul(src.varOff);
				if (src.smin < 0 || dst.smin < 0 || Long.compareUnsigned(src.umax, Reg.U32_MAX) > 0
						|| Long.compareUnsigned(dst.umax, Reg.U32_MAX) > 0) {
					dst.mark64Unbounded();
				}
				else {
					dst.umin = dst.umin * src.umin;
					dst.umax = dst.umax * src.umax;
					if (dst.umax < 0) {
						dst.smin = Long.MIN_VALUE;
						dst.smax = Long.MAX_VALUE;
					}
					else {
						dst.smin = dst.umin;
						dst.smax = dst.umax;
					}
				}
				dst.mark32Unbounded();
			}
			case Opcodes.ALU_AND, Opcodes.ALU_OR, Opcodes.ALU_XOR -> {
				Tnum t = (op == Opcodes.ALU_AND) ? dst.varOff.and(src.varOff)
						: (op == Opcodes.ALU_OR) ? dst.varOff.or(src.varOff) : dst.varOff.xor(src.varOff);
				if (srcConst && dstConst) {
					dst.markKnown(t.value());
					return;
				}
				long umin;
				long umax;
				if (op == Opcodes.ALU_AND) {
					umin = t.value();
					umax = Reg.umin64(dst.umax, src.umax);
				}
				else if (op == Opcodes.ALU_OR) {
					umin = Reg.umax64(dst.umin, src.umin);
					umax = t.value() | t.mask();
				}
				else {
					umin = t.value();
					umax = t.value() | t.mask();
				}
				dst.varOff = t;
				dst.umin = umin;
				dst.umax = umax;
				if (umin <= umax) {
					dst.smin = umin;
					dst.smax = umax;
				}
				else {
					dst.smin = Long.MIN_VALUE;
					dst.smax = Long.MAX_VALUE;
				}
				dst.mark32Unbounded();
				dst.updateBounds();
			}
			case Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_ARSH -> {
				if (!srcConst || Long.compareUnsigned(src.umax, 64) >= 0) {
					dst.markUnknown();
					return;
				}
				int s = (int) src.umin;
				if (op == Opcodes.ALU_LSH) {
					long smax = (s == 32 && dst.s32max >= 0) ? ((long) dst.s32max << 32) : Long.MAX_VALUE;
					long smin = (s == 32 && dst.s32min >= 0) ? ((long) dst.s32min << 32) : Long.MIN_VALUE;
					dst.smin = smin;
					dst.smax = smax;
					if (s > 0 && Long.compareUnsigned(dst.umax, 1L << (63 - s)) > 0) {
						dst.umin = 0;
						dst.umax = -1L;
					}
					else {
						dst.umin <<= s;
						dst.umax <<= s;
					}
					dst.varOff = dst.varOff.lshift(s);
				}
				else if (op == Opcodes.ALU_RSH) {
					dst.smin = Long.MIN_VALUE;
					dst.smax = Long.MAX_VALUE;
					dst.varOff = dst.varOff.rshift(s);
					dst.umin >>>= s;
					dst.umax >>>= s;
				}
				else {
					dst.smin >>= s;
					dst.smax >>= s;
					dst.varOff = dst.varOff.arshift(s, 64);
					dst.umin = 0;
					dst.umax = -1L;
				}
				dst.mark32Unbounded();
				dst.updateBounds();
			}
			default -> {
				if (srcConst && dstConst) {
					Long v = foldDivMod(op, dst.varOff.value(), src.varOff.value(), false);
					if (v != null) {
						dst.markKnown(v);
						return;
					}
				}
				dst.markUnknown();
			}
		}
	}

	private static void alu32(Reg dst, Reg src, int op) {
		boolean srcConst = src.varOff.subregIsConst();
		boolean dstConst = dst.varOff.subregIsConst();
		long dumin = dst.u32min & Reg.U32_MAX;
		long dumax = dst.u32max & Reg.U32_MAX;
		long sumin = src.u32min & Reg.U32_MAX;
		long sumax = src.u32max & Reg.U32_MAX;
		switch (op) {
			case Opcodes.ALU_ADD -> {
				long smin = (long) dst.s32min + src.s32min;
				long smax = (long) dst.s32max + src.s32max;
				set32Signed(dst, smin, smax);
				long umin = dumin + sumin;
				long umax = dumax + sumax;
				set32Unsigned(dst, umin, umax);
				dst.varOff = dst.varOff.add(src.varOff);
			}
			case Opcodes.ALU_SUB -> {
				long smin = (long) dst.s32min - src.s32max;
				long smax = (long) dst.s32max - src.s32min;
				set32Signed(dst, smin, smax);
				if (dumin < sumax) {
					dst.u32min = 0;
					dst.u32max = -1;
				}
				else {
					dst.u32min = (int) (dumin - sumax);
					dst.u32max = (int) (dumax - sumin);
				}
				dst.varOff = dst.varOff.sub(src.varOff);
			}
			case Opcodes.ALU_MUL -> {
				dst.varOff = dst.varOff.mul(src.varOff);
				if (src.s32min < 0 || dst.s32min < 0 || sumax > 0xffff || dumax > 0xffff) {
					dst.mark32Unbounded();
				}
				else {
					long umin = dumin * sumin;
					long umax = dumax * sumax;
					dst.u32min = (int) umin;
					dst.u32max = (int) umax;
					if (umax > Reg.S32_MAX) {
						dst.s32min = Integer.MIN_VALUE;
						dst.s32max = Integer.MAX_VALUE;
					}
					else {
						dst.s32min = (int) umin;
						dst.s32max = (int) umax;
					}
				}
			}
			case Opcodes.ALU_AND, Opcodes.ALU_OR, Opcodes.ALU_XOR -> {
				Tnum t = (op == Opcodes.ALU_AND) ? dst.varOff.and(src.varOff)
						: (op == Opcodes.ALU_OR) ? dst.varOff.or(src.varOff) : dst.varOff.xor(src.varOff);
				dst.varOff = t;
				Tnum t32 = t.subreg();
				if (srcConst && dstConst) {
					int v = (int) t32.value();
					dst.u32min = v;
					dst.u32max = v;
					dst.s32min = v;
					dst.s32max = v;
					return;
				}
				long umin;
				long umax;
				if (op == Opcodes.ALU_AND) {
					umin = t32.value();
					umax = Math.min(dumax, sumax);
				}
				else if (op == Opcodes.ALU_OR) {
					umin = Math.max(dumin, sumin);
					umax = t32.value() | t32.mask();
				}
				else {
					umin = t32.value();
					umax = t32.value() | t32.mask();
				}
				dst.u32min = (int) umin;
				dst.u32max = (int) umax;
				if ((int) umin <= (int) umax) {
					dst.s32min = (int) umin;
					dst.s32max = (int) umax;
				}
				else {
					dst.s32min = Integer.MIN_VALUE;
					dst.s32max = Integer.MAX_VALUE;
				}
			}
			case Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_ARSH -> {
				if (!srcConst || sumax >= 32) {
					dst.markUnknown();
					return;
				}
				int s = (int) sumin;
				Tnum sub = dst.varOff.subreg();
				if (op == Opcodes.ALU_LSH) {
					dst.s32min = Integer.MIN_VALUE;
					dst.s32max = Integer.MAX_VALUE;
					if (s > 0 && dumax > (1L << (31 - s))) {
						dst.u32min = 0;
						dst.u32max = -1;
					}
					else {
						dst.u32min = (int) (dumin << s);
						dst.u32max = (int) (dumax << s);
					}
					dst.varOff = sub.lshift(s).subreg();
				}
				else if (op == Opcodes.ALU_RSH) {
					dst.s32min = Integer.MIN_VALUE;
					dst.s32max = Integer.MAX_VALUE;
					dst.varOff = sub.rshift(s);
					dst.u32min = (int) (dumin >>> s);
					dst.u32max = (int) (dumax >>> s);
				}
				else {
					dst.s32min = dst.s32min >> s;
					dst.s32max = dst.s32max >> s;
					dst.varOff = sub.arshift(s, 32);
					dst.u32min = 0;
					dst.u32max = -1;
				}
				dst.mark64Unbounded();
				dst.updateBounds();
			}
			default -> {
				if (srcConst && dstConst) {
					Long v = foldDivMod(op, dst.varOff.value() & Reg.U32_MAX, src.varOff.value() & Reg.U32_MAX, true);
					if (v != null) {
						dst.markKnown(v & Reg.U32_MAX);
						return;
					}
				}
				dst.markUnknown();
			}
		}
	}

	/** Constant folding of unsigned div/mod with the ISA's x/0 = 0 and x%0 = x rules. */
	private static Long foldDivMod(int op, long a, long b, boolean is32) {
		if (op == Opcodes.ALU_DIV) {
			return (b == 0) ? 0L : Long.divideUnsigned(a, b);
		}
		if (op == Opcodes.ALU_MOD) {
			return (b == 0) ? a : Long.remainderUnsigned(a, b);
		}
		return null;
	}

	private static void set32Signed(Reg dst, long smin, long smax) {
		if (smin < Reg.S32_MIN || smin > Reg.S32_MAX || smax < Reg.S32_MIN || smax > Reg.S32_MAX) {
			dst.s32min = Integer.MIN_VALUE;
			dst.s32max = Integer.MAX_VALUE;
		}
		else {
			dst.s32min = (int) smin;
			dst.s32max = (int) smax;
		}
	}

	private static void set32Unsigned(Reg dst, long umin, long umax) {
		if (umin > Reg.U32_MAX || umax > Reg.U32_MAX) {
			dst.u32min = 0;
			dst.u32max = -1;
		}
		else {
			dst.u32min = (int) umin;
			dst.u32max = (int) umax;
		}
	}

	private static boolean addOverflows(long a, long b, long r) {
		return ((a ^ r) & (b ^ r)) < 0;
	}

	private static boolean subOverflows(long a, long b, long r) {
		return ((a ^ b) & (a ^ r)) < 0;
	}

	// ---------------------------------------------------------------- branches

	/**
	 * JSET with the sense reversed ({@code BPF_JSET | BPF_X} in {@code rev_opcode()}).
	 */
	static final int JSET_FALSE = -1;

	/** {@code rev_opcode()}: the condition of the fall-through branch. */
	static int reverse(int op) {
		return switch (op) {
			case Opcodes.JMP_JEQ -> Opcodes.JMP_JNE;
			case Opcodes.JMP_JNE -> Opcodes.JMP_JEQ;
			case Opcodes.JMP_JSET -> JSET_FALSE;
			case JSET_FALSE -> Opcodes.JMP_JSET;
			case Opcodes.JMP_JGT -> Opcodes.JMP_JLE;
			case Opcodes.JMP_JLE -> Opcodes.JMP_JGT;
			case Opcodes.JMP_JGE -> Opcodes.JMP_JLT;
			case Opcodes.JMP_JLT -> Opcodes.JMP_JGE;
			case Opcodes.JMP_JSGT -> Opcodes.JMP_JSLE;
			case Opcodes.JMP_JSLE -> Opcodes.JMP_JSGT;
			case Opcodes.JMP_JSGE -> Opcodes.JMP_JSLT;
			case Opcodes.JMP_JSLT -> Opcodes.JMP_JSGE;
			default -> op;
		};
	}

	/** {@code flip_opcode()}: the condition with its operands swapped. */
	static int flip(int op) {
		return switch (op) {
			case Opcodes.JMP_JGT -> Opcodes.JMP_JLT;
			case Opcodes.JMP_JLT -> Opcodes.JMP_JGT;
			case Opcodes.JMP_JGE -> Opcodes.JMP_JLE;
			case Opcodes.JMP_JLE -> Opcodes.JMP_JGE;
			case Opcodes.JMP_JSGT -> Opcodes.JMP_JSLT;
			case Opcodes.JMP_JSLT -> Opcodes.JMP_JSGT;
			case Opcodes.JMP_JSGE -> Opcodes.JMP_JSLE;
			case Opcodes.JMP_JSLE -> Opcodes.JMP_JSGE;
			default -> op;
		};
	}

	/**
	 * {@code is_scalar_branch_taken()}: 1 when the condition always holds, 0 when it
	 * never does, -1 when unknown.
	 */
	static int branchTaken(Reg r1, Reg r2, int op, boolean is32) {
		Tnum t1 = is32 ? r1.varOff.subreg() : r1.varOff;
		Tnum t2 = is32 ? r2.varOff.subreg() : r2.varOff;
		long umin1 = is32 ? (r1.u32min & Reg.U32_MAX) : r1.umin;
		long umax1 = is32 ? (r1.u32max & Reg.U32_MAX) : r1.umax;
		long umin2 = is32 ? (r2.u32min & Reg.U32_MAX) : r2.umin;
		long umax2 = is32 ? (r2.u32max & Reg.U32_MAX) : r2.umax;
		long smin1 = is32 ? r1.s32min : r1.smin;
		long smax1 = is32 ? r1.s32max : r1.smax;
		long smin2 = is32 ? r2.s32min : r2.smin;
		long smax2 = is32 ? r2.s32max : r2.smax;
		switch (op) {
			case Opcodes.JMP_JEQ, Opcodes.JMP_JNE -> {
				int eq = -1;
				if (t1.isConst() && t2.isConst()) {
					eq = (t1.value() == t2.value()) ? 1 : 0;
				}
				else if (ugt(umin1, umax2) || ult(umax1, umin2) || smin1 > smax2 || smax1 < smin2) {
					eq = 0;
				}
				else if (!is32 && (Integer.compareUnsigned(r1.u32min, r2.u32max) > 0
						|| Integer.compareUnsigned(r1.u32max, r2.u32min) < 0 || r1.s32min > r2.s32max
						|| r1.s32max < r2.s32min)) {
					eq = 0;
				}
				else if (((t1.value() ^ t2.value()) & ~t1.mask() & ~t2.mask()) != 0) {
					// a known bit differs
					eq = 0;
				}
				if (eq < 0) {
					return -1;
				}
				return (op == Opcodes.JMP_JEQ) ? eq : 1 - eq;
			}
			case Opcodes.JMP_JSET, JSET_FALSE -> {
				Tnum a = t1;
				Tnum c = t2;
				if (!c.isConst()) {
					a = t2;
					c = t1;
				}
				if (!c.isConst()) {
					return -1;
				}
				int set = -1;
				if ((a.value() & c.value()) != 0) {
					set = 1;
				}
				else if (((a.value() | a.mask()) & c.value()) == 0) {
					set = 0;
				}
				if (set < 0) {
					return -1;
				}
				return (op == Opcodes.JMP_JSET) ? set : 1 - set;
			}
			case Opcodes.JMP_JGT -> {
				return ugt(umin1, umax2) ? 1 : (ule(umax1, umin2) ? 0 : -1);
			}
			case Opcodes.JMP_JGE -> {
				return uge(umin1, umax2) ? 1 : (ult(umax1, umin2) ? 0 : -1);
			}
			case Opcodes.JMP_JLT -> {
				return ult(umax1, umin2) ? 1 : (uge(umin1, umax2) ? 0 : -1);
			}
			case Opcodes.JMP_JLE -> {
				return ule(umax1, umin2) ? 1 : (ugt(umin1, umax2) ? 0 : -1);
			}
			case Opcodes.JMP_JSGT -> {
				return (smin1 > smax2) ? 1 : ((smax1 <= smin2) ? 0 : -1);
			}
			case Opcodes.JMP_JSGE -> {
				return (smin1 >= smax2) ? 1 : ((smax1 < smin2) ? 0 : -1);
			}
			case Opcodes.JMP_JSLT -> {
				return (smax1 < smin2) ? 1 : ((smin1 >= smax2) ? 0 : -1);
			}
			case Opcodes.JMP_JSLE -> {
				return (smax1 <= smin2) ? 1 : ((smin1 > smax2) ? 0 : -1);
			}
			default -> {
				return -1;
			}
		}
	}

	/**
	 * {@code regs_refine_cond_op()} followed by {@code reg_bounds_sync()}: narrow both
	 * scalars assuming {@code r1 OP r2} holds. Returns false when the assumption is
	 * impossible (the branch is dead).
	 */
	static boolean refine(Reg r1, Reg r2, int op, boolean is32) {
		switch (op) {
			case Opcodes.JMP_JGE, Opcodes.JMP_JGT, Opcodes.JMP_JSGE, Opcodes.JMP_JSGT -> {
				Reg t = r1;
				r1 = r2;
				r2 = t;
				op = flip(op);
			}
			default -> {
			}
		}
		switch (op) {
			case Opcodes.JMP_JEQ -> {
				if (is32) {
					int umin = Reg.umax32(r1.u32min, r2.u32min);
					int umax = Reg.umin32(r1.u32max, r2.u32max);
					int smin = Math.max(r1.s32min, r2.s32min);
					int smax = Math.min(r1.s32max, r2.s32max);
					r1.u32min = umin;
					r1.u32max = umax;
					r1.s32min = smin;
					r1.s32max = smax;
					r2.u32min = umin;
					r2.u32max = umax;
					r2.s32min = smin;
					r2.s32max = smax;
					Tnum t = r1.varOff.subreg().intersect(r2.varOff.subreg());
					if (!tnumConsistent(r1.varOff.subreg(), r2.varOff.subreg())) {
						return false;
					}
					r1.varOff = r1.varOff.withSubreg(t);
					r2.varOff = r2.varOff.withSubreg(t);
				}
				else {
					long umin = Reg.umax64(r1.umin, r2.umin);
					long umax = Reg.umin64(r1.umax, r2.umax);
					long smin = Math.max(r1.smin, r2.smin);
					long smax = Math.min(r1.smax, r2.smax);
					if (!tnumConsistent(r1.varOff, r2.varOff)) {
						return false;
					}
					r1.umin = umin;
					r1.umax = umax;
					r1.smin = smin;
					r1.smax = smax;
					r2.umin = umin;
					r2.umax = umax;
					r2.smin = smin;
					r2.smax = smax;
					r1.varOff = r1.varOff.intersect(r2.varOff);
					r2.varOff = r1.varOff;
				}
			}
			case Opcodes.JMP_JNE -> {
				if (!r2.isConst(is32)) {
					Reg t = r1;
					r1 = r2;
					r2 = t;
				}
				if (!r2.isConst(is32)) {
					break;
				}
				long val = r2.constValue(is32);
				if (is32) {
					if (r1.u32min == (int) val) {
						r1.u32min++;
					}
					if (r1.u32max == (int) val) {
						r1.u32max--;
					}
					if (r1.s32min == (int) val) {
						r1.s32min++;
					}
					if (r1.s32max == (int) val) {
						r1.s32max--;
					}
				}
				else {
					if (r1.umin == val) {
						r1.umin++;
					}
					if (r1.umax == val) {
						r1.umax--;
					}
					if (r1.smin == val) {
						r1.smin++;
					}
					if (r1.smax == val) {
						r1.smax--;
					}
				}
			}
			case Opcodes.JMP_JSET -> {
				if (!r2.isConst(is32)) {
					Reg t = r1;
					r1 = r2;
					r2 = t;
				}
				if (!r2.isConst(is32)) {
					break;
				}
				long val = r2.constValue(is32);
				if (val == 0) {
					return false;
				}
				if (Long.bitCount(val) != 1) {
					break;
				}
				if (is32) {
					r1.varOff = r1.varOff.withSubreg(r1.varOff.subreg().or(Tnum.constant(val)));
				}
				else {
					r1.varOff = r1.varOff.or(Tnum.constant(val));
				}
			}
			case JSET_FALSE -> {
				if (!r2.isConst(is32)) {
					Reg t = r1;
					r1 = r2;
					r2 = t;
				}
				if (!r2.isConst(is32)) {
					break;
				}
				long val = r2.constValue(is32);
				if ((r1.varOff.value() & val) != 0) {
					return false;
				}
				r1.markUnbounded();
				if (is32) {
					r1.varOff = r1.varOff.withSubreg(r1.varOff.subreg().and(Tnum.constant(~val)));
				}
				else {
					r1.varOff = r1.varOff.and(Tnum.constant(~val));
				}
			}
			case Opcodes.JMP_JLE -> {
				if (is32) {
					r1.u32max = Reg.umin32(r1.u32max, r2.u32max);
					r2.u32min = Reg.umax32(r1.u32min, r2.u32min);
				}
				else {
					r1.umax = Reg.umin64(r1.umax, r2.umax);
					r2.umin = Reg.umax64(r1.umin, r2.umin);
				}
			}
			case Opcodes.JMP_JLT -> {
				if (is32) {
					if (r2.u32max == 0 || r1.u32min == -1) {
						return false;
					}
					r1.u32max = Reg.umin32(r1.u32max, r2.u32max - 1);
					r2.u32min = Reg.umax32(r1.u32min + 1, r2.u32min);
				}
				else {
					if (r2.umax == 0 || r1.umin == -1L) {
						return false;
					}
					r1.umax = Reg.umin64(r1.umax, r2.umax - 1);
					r2.umin = Reg.umax64(r1.umin + 1, r2.umin);
				}
			}
			case Opcodes.JMP_JSLE -> {
				if (is32) {
					r1.s32max = Math.min(r1.s32max, r2.s32max);
					r2.s32min = Math.max(r1.s32min, r2.s32min);
				}
				else {
					r1.smax = Math.min(r1.smax, r2.smax);
					r2.smin = Math.max(r1.smin, r2.smin);
				}
			}
			case Opcodes.JMP_JSLT -> {
				if (is32) {
					if (r2.s32max == Integer.MIN_VALUE || r1.s32min == Integer.MAX_VALUE) {
						return false;
					}
					r1.s32max = Math.min(r1.s32max, r2.s32max - 1);
					r2.s32min = Math.max(r1.s32min + 1, r2.s32min);
				}
				else {
					if (r2.smax == Long.MIN_VALUE || r1.smin == Long.MAX_VALUE) {
						return false;
					}
					r1.smax = Math.min(r1.smax, r2.smax - 1);
					r2.smin = Math.max(r1.smin + 1, r2.smin);
				}
			}
			default -> {
			}
		}
		if (!r1.boundsConsistent() || !r2.boundsConsistent()) {
			return false;
		}
		r1.sync();
		r2.sync();
		return r1.boundsConsistent() && r2.boundsConsistent() && tnumWithinBounds(r1) && tnumWithinBounds(r2);
	}

	/** Two tnums share a value: no bit is known 0 in one and known 1 in the other. */
	private static boolean tnumConsistent(Tnum a, Tnum b) {
		return ((a.value() ^ b.value()) & ~a.mask() & ~b.mask()) == 0;
	}

	private static boolean tnumWithinBounds(Reg r) {
		// the smallest value var_off allows must not exceed umax, the largest not be
		// below umin
		return Long.compareUnsigned(r.varOff.value(), r.umax) <= 0
				&& Long.compareUnsigned(r.varOff.value() | r.varOff.mask(), r.umin) >= 0;
	}

	private static boolean ugt(long a, long b) {
		return Long.compareUnsigned(a, b) > 0;
	}

	private static boolean uge(long a, long b) {
		return Long.compareUnsigned(a, b) >= 0;
	}

	private static boolean ult(long a, long b) {
		return Long.compareUnsigned(a, b) < 0;
	}

	private static boolean ule(long a, long b) {
		return Long.compareUnsigned(a, b) <= 0;
	}

}
