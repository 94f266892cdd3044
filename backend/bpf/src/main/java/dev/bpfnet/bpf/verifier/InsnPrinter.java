package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;

/**
 * Prints one instruction as the verifier log does: {@code print_bpf_insn()} of
 * {@code kernel/bpf/disasm.c}, e.g. {@code (61) r2 = *(u32 *)(r1 +76)},
 * {@code (2d) if r3 > r2 goto pc+2}, {@code (85) call bpf_map_lookup_elem#1}.
 *
 * <p>
 * Map references of {@code lddw} print as {@code map[id:N]} (N = index into the map list)
 * and {@code map[id:N][0]+off} instead of kernel addresses.
 */
public final class InsnPrinter {

	private InsnPrinter() {
	}

	private static final String[] ALU = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
			"s>>=", "endian", "?", "?" };

	private static final String[] JMP = { "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=",
			"s<", "s<=", "?", "?" };

	private static final String[] LDST = { "u32", "u16", "u8", "u64" };

	private static final String[] LDSX = { "s32", "s16", "s8", "s64" };

	private static final String[] ATOMIC = { "add", "?", "?", "?", "or", "and", "?", "?", "?", "?", "xor", "?", "?",
			"?", "?", "?" };

	/** The instruction at {@code i} (with its second slot when it is an lddw). */
	public static String print(Insn[] insns, int i) {
		Insn insn = insns[i];
		int code = insn.opcode();
		int cls = code & 7;
		String head = String.format("(%02x) ", code);
		switch (cls) {
			case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
				char r = (cls == Opcodes.CLASS_ALU) ? 'w' : 'r';
				int op = code & 0xf0;
				if (op == Opcodes.ALU_END) {
					if (cls == Opcodes.CLASS_ALU64) {
						return head + "r" + insn.dst() + " = bswap" + insn.imm() + " r" + insn.dst();
					}
					return head + "r" + insn.dst() + " = " + (((code & 8) != 0) ? "be" : "le") + insn.imm() + " r"
							+ insn.dst();
				}
				if (op == Opcodes.ALU_NEG) {
					return head + r + insn.dst() + " = -" + r + insn.dst();
				}
				boolean signed = (op == Opcodes.ALU_DIV || op == Opcodes.ALU_MOD) && insn.off() == 1;
				String opStr = signed ? ((op == Opcodes.ALU_DIV) ? "s/=" : "s%=") : ALU[op >> 4];
				if ((code & Opcodes.SRC_X) != 0) {
					String sx = "";
					if (op == Opcodes.ALU_MOV && (insn.off() == 8 || insn.off() == 16 || insn.off() == 32)) {
						sx = "(s" + insn.off() + ")";
					}
					return head + r + insn.dst() + " " + opStr + " " + sx + r + insn.src();
				}
				return head + r + insn.dst() + " " + opStr + " " + insn.imm();
			}
			case Opcodes.CLASS_STX -> {
				String size = LDST[(code >> 3) & 3];
				if ((code & 0xe0) == Opcodes.MODE_MEM) {
					return head + "*(" + size + " *)(r" + insn.dst() + " " + signedOff(insn.off()) + ") = r"
							+ insn.src();
				}
				if ((code & 0xe0) == Opcodes.MODE_ATOMIC) {
					int imm = insn.imm();
					String w = ((code & 0x18) == Opcodes.SIZE_DW) ? "64" : "";
					String mem = "(" + size + " *)(r" + insn.dst() + " " + signedOff(insn.off()) + ")";
					if (imm == Opcodes.ATOMIC_ADD || imm == Opcodes.ATOMIC_AND || imm == Opcodes.ATOMIC_OR
							|| imm == Opcodes.ATOMIC_XOR) {
						return head + "lock *" + mem + " " + ALU[(imm >> 4) & 15] + " r" + insn.src();
					}
					if (imm == (Opcodes.ATOMIC_ADD | 1) || imm == (Opcodes.ATOMIC_AND | 1)
							|| imm == (Opcodes.ATOMIC_OR | 1) || imm == (Opcodes.ATOMIC_XOR | 1)) {
						return head + "r" + insn.src() + " = atomic" + w + "_fetch_" + ATOMIC[(imm >> 4) & 15] + "("
								+ mem + ", r" + insn.src() + ")";
					}
					if (imm == Opcodes.ATOMIC_CMPXCHG) {
						return head + "r0 = atomic" + w + "_cmpxchg(" + mem + ", r0, r" + insn.src() + ")";
					}
					if (imm == Opcodes.ATOMIC_XCHG) {
						return head + "r" + insn.src() + " = atomic" + w + "_xchg(" + mem + ", r" + insn.src() + ")";
					}
				}
				return String.format("BUG_%02x", code);
			}
			case Opcodes.CLASS_ST -> {
				if ((code & 0xe0) == Opcodes.MODE_MEM) {
					return head + "*(" + LDST[(code >> 3) & 3] + " *)(r" + insn.dst() + " " + signedOff(insn.off())
							+ ") = " + insn.imm();
				}
				return String.format("BUG_st_%02x", code);
			}
			case Opcodes.CLASS_LDX -> {
				int mode = code & 0xe0;
				if (mode == Opcodes.MODE_MEM || mode == Opcodes.MODE_MEMSX) {
					String size = ((mode == Opcodes.MODE_MEMSX) ? LDSX : LDST)[(code >> 3) & 3];
					return head + "r" + insn.dst() + " = *(" + size + " *)(r" + insn.src() + " " + signedOff(insn.off())
							+ ")";
				}
				return String.format("BUG_ldx_%02x", code);
			}
			case Opcodes.CLASS_LD -> {
				int mode = code & 0xe0;
				String size = LDST[(code >> 3) & 3];
				if (mode == Opcodes.MODE_ABS) {
					return head + "r0 = *(" + size + " *)skb[" + insn.imm() + "]";
				}
				if (mode == Opcodes.MODE_IND) {
					return head + "r0 = *(" + size + " *)skb[r" + insn.src() + " + " + insn.imm() + "]";
				}
				if (code == Opcodes.LDDW) {
					long imm = (i + 1 < insns.length) ? insn.imm64(insns[i + 1]) : (insn.imm() & 0xffffffffL);
					String value = switch (insn.src()) {
						case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX -> "map[id:" + insn.imm() + "]";
						case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE ->
							"map[id:" + insn.imm() + "][0]+" + ((i + 1 < insns.length) ? insns[i + 1].imm() : 0);
						case Opcodes.PSEUDO_FUNC -> "func pc" + signedOff(insn.imm());
						default -> "0x" + Long.toHexString(imm);
					};
					return head + "r" + insn.dst() + " = " + value;
				}
				return String.format("BUG_ld_%02x", code);
			}
			default -> {
				// JMP, JMP32
				char r = (cls == Opcodes.CLASS_JMP32) ? 'w' : 'r';
				int op = code & 0xf0;
				if (op == Opcodes.JMP_CALL) {
					if (insn.src() == Opcodes.PSEUDO_CALL_LOCAL) {
						return head + "call pc" + signedOff(insn.imm());
					}
					String name = (insn.src() == Opcodes.PSEUDO_CALL_HELPER) ? HelperProtos.name(insn.imm())
							: "kernel-function";
					return head + "call " + name + "#" + insn.imm();
				}
				if (code == (Opcodes.CLASS_JMP | Opcodes.JMP_JA)) {
					return head + "goto pc" + signedOff(insn.off());
				}
				if (code == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA)) {
					return head + "gotol pc" + signedOff(insn.imm());
				}
				if (code == Opcodes.EXIT) {
					return head + "exit";
				}
				if ((code & Opcodes.SRC_X) != 0) {
					return head + "if " + r + insn.dst() + " " + JMP[op >> 4] + " " + r + insn.src() + " goto pc"
							+ signedOff(insn.off());
				}
				return head + "if " + r + insn.dst() + " " + JMP[op >> 4] + " 0x" + Integer.toHexString(insn.imm())
						+ " goto pc" + signedOff(insn.off());
			}
		}
	}

	private static String signedOff(int v) {
		return (v >= 0) ? "+" + v : Integer.toString(v);
	}

}
