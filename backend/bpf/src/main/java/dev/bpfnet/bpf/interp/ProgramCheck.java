package dev.bpfnet.bpf.interp;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;

/**
 * The structural checks a program must pass before the interpreter runs it in conformance
 * mode: the subset of the kernel's {@code bpf_check()} that needs no abstract
 * interpretation (the fuller verifier is {@code dev.bpfnet.bpf.verifier}).
 *
 * <ul>
 * <li>the opcode is in the RFC 9669 table (Appendix A), plus {@code callx} (0x8d) of the
 * conformance suite;</li>
 * <li>registers are r0..r10 and r10 is never written ({@code frame pointer is read
 * only});</li>
 * <li>fields the opcode does not use are zero (RFC 9669 §3: "unused fields shall be
 * cleared to zero"), the table of {@code check_alu_op()} / {@code do_check()}, and fields
 * it does use have a defined value (sdiv offset, movsx offset, END width, atomic
 * operation);</li>
 * <li>{@code lddw} is followed by its second slot ({@code invalid bpf_ld_imm64 insn});
 * jumps and local calls land inside the program and not on an lddw second slot
 * ({@code check_subprogs()}, {@code check_cfg()});</li>
 * <li>the last instruction is {@code exit} or {@code ja} ({@code last insn is not an exit
 * or jump});</li>
 * <li>pointer leaks: an ALU operation whose source is r10 must be a 64-bit {@code mov},
 * {@code add} or {@code sub} (the kernel's {@code R0 bitwise operator |= on pointer
 * prohibited} and friends for the stack pointer). This is a syntactic approximation: a
 * copy of r10 in another register is not tracked (the verifier package does that).</li>
 * </ul>
 */
public final class ProgramCheck {

	private ProgramCheck() {
	}

	/** A rejected instruction: its index and the kernel-style text. */
	public record Problem(int pc, String message) {

		@Override
		public String toString() {
			return "pc " + this.pc + ": " + this.message;
		}

	}

	private static final boolean[] VALID = new boolean[256];

	private static final String[] ALU_OP = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
			"s>>=", "end" };

	static {
		for (int code = 0; code <= 0xc0; code += 0x10) {
			for (int srcBit : new int[] { Opcodes.SRC_K, Opcodes.SRC_X }) {
				if (code == Opcodes.ALU_NEG && srcBit == Opcodes.SRC_X) {
					continue;
				}
				VALID[code | srcBit | Opcodes.CLASS_ALU64] = true;
				VALID[code | srcBit | Opcodes.CLASS_ALU] = true;
			}
		}
		VALID[Opcodes.ALU_END | Opcodes.SRC_K | Opcodes.CLASS_ALU] = true; // le
		VALID[Opcodes.ALU_END | Opcodes.SRC_X | Opcodes.CLASS_ALU] = true; // be
		VALID[Opcodes.ALU_END | Opcodes.SRC_K | Opcodes.CLASS_ALU64] = true; // bswap
		int[] conds = { Opcodes.JMP_JEQ, Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JSET, Opcodes.JMP_JNE,
				Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSLT,
				Opcodes.JMP_JSLE };
		for (int c : conds) {
			for (int cls : new int[] { Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 }) {
				VALID[c | Opcodes.SRC_K | cls] = true;
				VALID[c | Opcodes.SRC_X | cls] = true;
			}
		}
		VALID[Opcodes.JMP_JA | Opcodes.CLASS_JMP] = true;
		VALID[Opcodes.JMP_JA | Opcodes.CLASS_JMP32] = true;
		VALID[Opcodes.CALL] = true;
		VALID[Opcodes.CALL | Opcodes.SRC_X] = true; // callx (bpf_conformance group
													// "callx")
		VALID[Opcodes.EXIT] = true;
		VALID[Opcodes.LDDW] = true;
		for (int size : new int[] { Opcodes.SIZE_W, Opcodes.SIZE_H, Opcodes.SIZE_B }) {
			VALID[Opcodes.CLASS_LD | Opcodes.MODE_ABS | size] = true;
			VALID[Opcodes.CLASS_LD | Opcodes.MODE_IND | size] = true;
			VALID[Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | size] = true;
		}
		for (int size : new int[] { Opcodes.SIZE_W, Opcodes.SIZE_H, Opcodes.SIZE_B, Opcodes.SIZE_DW }) {
			VALID[Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size] = true;
			VALID[Opcodes.CLASS_ST | Opcodes.MODE_MEM | size] = true;
			VALID[Opcodes.CLASS_STX | Opcodes.MODE_MEM | size] = true;
		}
		VALID[Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_W] = true;
		VALID[Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_DW] = true;
	}

	/** Whether {@code opcode} is in the RFC 9669 opcode table (plus callx). */
	public static boolean validOpcode(int opcode) {
		return opcode >= 0 && opcode < 256 && VALID[opcode];
	}

	/**
	 * Runs every check.
	 * @return the first problem, or {@code null} when the program passes
	 */
	public static Problem check(Insn[] insns) {
		int n = insns.length;
		if (n == 0) {
			return new Problem(0, "program has no instructions");
		}
		boolean[] secondSlot = new boolean[n];
		for (int pc = 0; pc < n; pc++) {
			if (insns[pc].isLddw()) {
				if (pc + 1 >= n) {
					return new Problem(pc, "invalid bpf_ld_imm64 insn");
				}
				secondSlot[pc + 1] = true;
				pc++;
			}
		}
		for (int pc = 0; pc < n; pc++) {
			Insn insn = insns[pc];
			String why = checkInsn(insn);
			if (why == null && insn.isLddw()) {
				Insn next = insns[pc + 1];
				if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.off() != 0) {
					why = "invalid bpf_ld_imm64 insn";
				}
			}
			if (why == null) {
				why = checkTarget(pc, insn, n, secondSlot);
			}
			if (why != null) {
				return new Problem(pc, why);
			}
			if (insn.isLddw()) {
				pc++;
			}
		}
		Insn last = insns[n - 1];
		boolean endsOk = !secondSlot[n - 1]
				&& (last.opcode() == Opcodes.EXIT || last.opcode() == (Opcodes.CLASS_JMP | Opcodes.JMP_JA)
						|| last.opcode() == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA));
		if (!endsOk) {
			return new Problem(n - 1, "last insn is not an exit or jump");
		}
		return null;
	}

	private static String checkTarget(int pc, Insn insn, int n, boolean[] secondSlot) {
		int op = insn.opcode();
		int cls = op & 0x07;
		if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
			return null;
		}
		long delta;
		if (op == Opcodes.CALL) {
			if (insn.src() != Opcodes.PSEUDO_CALL_LOCAL) {
				return null;
			}
			delta = insn.imm();
		}
		else if (op == Opcodes.EXIT || op == (Opcodes.CALL | Opcodes.SRC_X)) {
			return null;
		}
		else {
			delta = op == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA) ? insn.imm() : insn.off();
		}
		long target = pc + 1 + delta;
		if (target < 0 || target >= n) {
			return "jump out of range from insn " + pc + " to " + target;
		}
		if (secondSlot[(int) target]) {
			return "jump into the middle of ldimm64 insn " + (target - 1);
		}
		return null;
	}

	/** All per-instruction checks (opcode, registers, unused fields, semantics). */
	public static String checkInsn(Insn insn) {
		int op = insn.opcode();
		if (!validOpcode(op)) {
			return String.format("unknown opcode %02x", op);
		}
		String why = checkRegisters(insn);
		if (why == null) {
			why = checkUnused(insn);
		}
		if (why == null) {
			int cls = op & 0x07;
			if (cls == Opcodes.CLASS_ALU || cls == Opcodes.CLASS_ALU64) {
				why = checkAluSemantics(insn);
				if (why == null && (op & Opcodes.SRC_X) != 0 && insn.src() == Opcodes.FP
						&& (op & 0xf0) != Opcodes.ALU_END) {
					why = checkPointerAlu(insn);
				}
			}
			else if (op == (Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_W)
					|| op == (Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_DW)) {
				why = checkAtomic(insn);
			}
			else if (op == Opcodes.LDDW && insn.src() > Opcodes.PSEUDO_MAP_IDX_VALUE) {
				why = "invalid lddw src " + insn.src();
			}
			else if (op == Opcodes.CALL && insn.src() > Opcodes.PSEUDO_CALL_KFUNC) {
				why = "invalid call src " + insn.src();
			}
		}
		return why;
	}

	private static String checkPointerAlu(Insn insn) {
		int op = insn.opcode();
		int code = op & 0xf0;
		boolean alu64 = (op & 0x07) == Opcodes.CLASS_ALU64;
		if (!alu64) {
			return code == Opcodes.ALU_MOV ? null : "R" + insn.dst() + " 32-bit pointer arithmetic prohibited";
		}
		if (code == Opcodes.ALU_MOV || code == Opcodes.ALU_ADD || code == Opcodes.ALU_SUB) {
			return null;
		}
		if (code == Opcodes.ALU_OR || code == Opcodes.ALU_AND || code == Opcodes.ALU_XOR) {
			return "R" + insn.dst() + " bitwise operator " + ALU_OP[code >> 4] + " on pointer prohibited";
		}
		return "R" + insn.dst() + " pointer arithmetic with " + ALU_OP[code >> 4] + " operator prohibited";
	}

	/**
	 * Registers are r0..r10 where the opcode uses them, and r10 is not a destination.
	 */
	static String checkRegisters(Insn insn) {
		int op = insn.opcode();
		int cls = op & 0x07;
		boolean usesDst;
		boolean usesSrc;
		boolean writesDst;
		switch (cls) {
			case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
				usesDst = true;
				usesSrc = (op & Opcodes.SRC_X) != 0 && (op & 0xf0) != Opcodes.ALU_END;
				writesDst = true;
			}
			case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> {
				int code = op & 0xf0;
				boolean cond = code != Opcodes.JMP_JA && code != Opcodes.JMP_CALL && code != Opcodes.JMP_EXIT;
				usesDst = cond || op == (Opcodes.CALL | Opcodes.SRC_X);
				usesSrc = cond && (op & Opcodes.SRC_X) != 0;
				writesDst = false;
			}
			case Opcodes.CLASS_LDX -> {
				usesDst = true;
				usesSrc = true;
				writesDst = true;
			}
			case Opcodes.CLASS_ST -> {
				usesDst = true;
				usesSrc = false;
				writesDst = false;
			}
			case Opcodes.CLASS_STX -> {
				usesDst = true;
				usesSrc = true;
				writesDst = false;
				if ((op & 0xe0) == Opcodes.MODE_ATOMIC && (insn.imm() & Opcodes.ATOMIC_FETCH) != 0
						&& insn.src() == Opcodes.FP) {
					return "frame pointer is read only";
				}
			}
			default -> { // LD
				usesDst = op == Opcodes.LDDW;
				usesSrc = (op & 0xe0) == Opcodes.MODE_IND;
				writesDst = usesDst;
			}
		}
		if (usesDst && insn.dst() > Opcodes.FP) {
			return "R" + insn.dst() + " is invalid";
		}
		if (usesSrc && insn.src() > Opcodes.FP) {
			return "R" + insn.src() + " is invalid";
		}
		if (writesDst && insn.dst() == Opcodes.FP) {
			return "frame pointer is read only";
		}
		return null;
	}

	/** Fields whose value changes the meaning: sdiv/smod, movsx, END width, lddw src. */
	static String checkAluSemantics(Insn insn) {
		int op = insn.opcode();
		int code = op & 0xf0;
		boolean alu64 = (op & 0x07) == Opcodes.CLASS_ALU64;
		boolean x = (op & Opcodes.SRC_X) != 0;
		int off = insn.off();
		switch (code) {
			case Opcodes.ALU_DIV, Opcodes.ALU_MOD -> {
				if (off != 0 && off != 1) {
					return "BPF_ALU uses reserved fields (off=" + off + ")";
				}
			}
			case Opcodes.ALU_MOV -> {
				if (x && off != 0 && off != 8 && off != 16 && !(alu64 && off == 32)) {
					return "BPF_MOV uses reserved fields (off=" + off + ")";
				}
			}
			case Opcodes.ALU_END -> {
				int w = insn.imm();
				if (w != 16 && w != 32 && w != 64) {
					return "BPF_END uses reserved fields (imm=" + w + ")";
				}
			}
			default -> {
			}
		}
		return null;
	}

	static String checkAtomic(Insn insn) {
		int imm = insn.imm();
		switch (imm) {
			case Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND, Opcodes.ATOMIC_XOR,
					Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH,
					Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH,
					Opcodes.ATOMIC_XCHG, Opcodes.ATOMIC_CMPXCHG -> {
				return null;
			}
			default -> {
				return String.format("BPF_ATOMIC uses invalid atomic opcode %02x", imm);
			}
		}
	}

	/**
	 * RFC 9669: fields an instruction does not use must be zero. Table per class, in the
	 * order the kernel's {@code check_alu_op()} / {@code do_check_insn()} test them.
	 */
	static String checkUnused(Insn insn) {
		int op = insn.opcode();
		int cls = op & 0x07;
		boolean x = (op & Opcodes.SRC_X) != 0;
		int code = op & 0xf0;
		switch (cls) {
			case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
				boolean offUsed = code == Opcodes.ALU_DIV || code == Opcodes.ALU_MOD || (code == Opcodes.ALU_MOV && x);
				if (code == Opcodes.ALU_NEG) {
					return unused(insn, false, true, true, true);
				}
				if (code == Opcodes.ALU_END) {
					return unused(insn, false, true, true, false);
				}
				return unused(insn, false, !x, !offUsed, x);
			}
			case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> {
				if (op == Opcodes.EXIT) {
					return unused(insn, true, true, true, true);
				}
				if (op == Opcodes.CALL) {
					return unused(insn, true, false, true, false);
				}
				if (op == (Opcodes.CALL | Opcodes.SRC_X)) {
					return unused(insn, false, true, true, true);
				}
				if (code == Opcodes.JMP_JA) {
					boolean ja32 = cls == Opcodes.CLASS_JMP32;
					return unused(insn, true, true, ja32, !ja32);
				}
				return unused(insn, false, !x, false, x);
			}
			case Opcodes.CLASS_LDX -> {
				return unused(insn, false, false, false, true);
			}
			case Opcodes.CLASS_ST -> {
				return unused(insn, false, true, false, false);
			}
			case Opcodes.CLASS_STX -> {
				return unused(insn, false, false, false, (op & 0xe0) != Opcodes.MODE_ATOMIC);
			}
			default -> {
				if (op == Opcodes.LDDW) {
					return unused(insn, false, false, true, false);
				}
				boolean ind = (op & 0xe0) == Opcodes.MODE_IND;
				return unused(insn, true, !ind, true, false);
			}
		}
	}

	private static String unused(Insn insn, boolean dst, boolean src, boolean off, boolean imm) {
		if (dst && insn.dst() != 0) {
			return "BPF opcode " + hex(insn.opcode()) + " uses reserved fields (dst_reg=" + insn.dst() + ")";
		}
		if (src && insn.src() != 0) {
			return "BPF opcode " + hex(insn.opcode()) + " uses reserved fields (src_reg=" + insn.src() + ")";
		}
		if (off && insn.off() != 0) {
			return "BPF opcode " + hex(insn.opcode()) + " uses reserved fields (off=" + insn.off() + ")";
		}
		if (imm && insn.imm() != 0) {
			return "BPF opcode " + hex(insn.opcode()) + " uses reserved fields (imm=" + insn.imm() + ")";
		}
		return null;
	}

	private static String hex(int op) {
		return String.format("%02x", op);
	}

}
