package dev.bpfnet.bpf.asm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.bpfnet.bpf.isa.HelperIds;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;

/**
 * eBPF instruction slots to text, one line per instruction: llvm-objdump syntax
 * ({@code BPFInstrInfo.td}, the form {@code llvm-objdump -d} prints, with kernel
 * {@code kernel/bpf/disasm.c} spellings where LLVM has none) or the uBPF /
 * bpf_conformance syntax.
 *
 * <p>
 * An {@code lddw} prints once for its two slots. Jumps print as {@code goto +N} or, in
 * label mode, as {@code goto LBB0_<target>} with an {@code LBB0_<target>:} line before
 * the target (local call targets get {@code fn_<target>:}); helper calls as
 * {@code call bpf_<name>} when the id is known; local calls as {@code call pc+N}; kfunc
 * calls as {@code call kernel-function#<btf id>}.
 *
 * <p>
 * Every slot that is not a valid instruction of its form — an unknown opcode, a register
 * above r10, or any non-zero field the form does not use (the {@code unused-*} cases of
 * the conformance suite) — prints as {@code .insn 0x<u64>}, so that
 * {@code Assembler.assemble(disassemble(p))} gives back exactly {@code p} for every slot
 * sequence, in both syntaxes and both modes.
 */
public final class Disassembler {

	/** The output dialect. */
	public enum Syntax {

		/** llvm-objdump / kernel: {@code r0 = 1}, {@code if r1 > r2 goto +3}. */
		LLVM,
		/** uBPF / bpf_conformance: {@code mov %r0, 1}, {@code jgt %r1, %r2, +3}. */
		UBPF

	}

	private static final String[] ALU_ASSIGN = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", null, "%=", "^=",
			"=", "s>>=", null, null, null };

	private static final String[] ALU_NAME = { "add", "sub", "mul", "div", "or", "and", "lsh", "rsh", null, "mod",
			"xor", "mov", "arsh", null, null, null };

	private static final String[] JMP_COND = { null, "==", ">", ">=", "&", "!=", "s>", "s>=", null, null, "<", "<=",
			"s<", "s<=", null, null };

	private static final String[] JMP_NAME = { null, "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", null, null,
			"jlt", "jle", "jslt", "jsle", null, null };

	/** Resolves jump and call targets to text; label mode names them. */
	private interface Targets {

		/**
		 * A jump from {@code pc} by {@code delta} slots: {@code +N}, {@code -N} or a
		 * label.
		 */
		String jump(int pc, int delta);

		/**
		 * A local call from {@code pc} by {@code delta} slots, or null for the numeric
		 * form.
		 */
		String call(int pc, int delta);

	}

	private static final Targets NUMERIC = new Targets() {
		@Override
		public String jump(int pc, int delta) {
			return signed(delta);
		}

		@Override
		public String call(int pc, int delta) {
			return null;
		}
	};

	private Disassembler() {
	}

	/** The program in llvm-objdump syntax with numeric jump offsets. */
	public static String disassemble(Insn[] prog) {
		return disassemble(prog, Syntax.LLVM, false);
	}

	public static String disassemble(Insn[] prog, Syntax syntax) {
		return disassemble(prog, syntax, false);
	}

	/**
	 * The program, one instruction per line, each line ending in {@code \n}.
	 * @param labels whether jump and local-call targets get {@code LBB0_N:} /
	 * {@code fn_N:} labels (targets outside the program or inside an lddw keep the
	 * numeric form)
	 */
	public static String disassemble(Insn[] prog, Syntax syntax, boolean labels) {
		StringBuilder out = new StringBuilder(prog.length * 24);
		if (!labels) {
			for (int pc = 0; pc < prog.length; pc += width(prog, pc)) {
				out.append(format(prog, pc, syntax, NUMERIC)).append('\n');
			}
			return out.toString();
		}
		boolean[] starts = new boolean[prog.length + 1];
		for (int pc = 0; pc < prog.length; pc += width(prog, pc)) {
			starts[pc] = true;
		}
		starts[prog.length] = true;
		boolean[] jumpTo = new boolean[prog.length + 1];
		boolean[] callTo = new boolean[prog.length + 1];
		Targets collect = new Targets() {
			@Override
			public String jump(int pc, int delta) {
				long t = (long) pc + 1 + delta;
				if (t >= 0 && t < starts.length && starts[(int) t]) {
					jumpTo[(int) t] = true;
				}
				return signed(delta);
			}

			@Override
			public String call(int pc, int delta) {
				long t = (long) pc + 1 + delta;
				if (t >= 0 && t < starts.length && starts[(int) t]) {
					callTo[(int) t] = true;
				}
				return null;
			}
		};
		for (int pc = 0; pc < prog.length; pc += width(prog, pc)) {
			format(prog, pc, syntax, collect);
		}
		Targets named = new Targets() {
			@Override
			public String jump(int pc, int delta) {
				long t = (long) pc + 1 + delta;
				return (t >= 0 && t < jumpTo.length && jumpTo[(int) t]) ? "LBB0_" + t : signed(delta);
			}

			@Override
			public String call(int pc, int delta) {
				long t = (long) pc + 1 + delta;
				return (t >= 0 && t < callTo.length && callTo[(int) t]) ? "fn_" + t : null;
			}
		};
		for (int pc = 0; pc <= prog.length; pc += (pc < prog.length) ? width(prog, pc) : 1) {
			if (callTo[pc]) {
				out.append("fn_").append(pc).append(":\n");
			}
			if (jumpTo[pc]) {
				out.append("LBB0_").append(pc).append(":\n");
			}
			if (pc < prog.length) {
				out.append(format(prog, pc, syntax, named)).append('\n');
			}
		}
		return out.toString();
	}

	/**
	 * The program with a right-aligned slot index before each line
	 * ({@code "   3: r0 = 1"}), which the assembler accepts back.
	 */
	public static String listing(Insn[] prog) {
		StringBuilder out = new StringBuilder(prog.length * 30);
		for (int pc = 0; pc < prog.length; pc += width(prog, pc)) {
			out.append(String.format(Locale.ROOT, "%4d: ", pc))
				.append(format(prog, pc, Syntax.LLVM, NUMERIC))
				.append('\n');
		}
		return out.toString();
	}

	/** The instruction at {@code pc} in llvm-objdump syntax, e.g. for verifier logs. */
	public static String disassembleOne(Insn[] prog, int pc) {
		return disassembleOne(prog, pc, Syntax.LLVM);
	}

	public static String disassembleOne(Insn[] prog, int pc, Syntax syntax) {
		if (pc < 0 || pc >= prog.length) {
			throw new IndexOutOfBoundsException("pc " + pc + " outside a program of " + prog.length + " slots");
		}
		return format(prog, pc, syntax, NUMERIC);
	}

	/**
	 * Lines of {@link #disassemble(Insn[], Syntax, boolean)} without labels, one per
	 * insn.
	 */
	public static List<String> lines(Insn[] prog, Syntax syntax) {
		List<String> out = new ArrayList<>();
		for (int pc = 0; pc < prog.length; pc += width(prog, pc)) {
			out.add(format(prog, pc, syntax, NUMERIC));
		}
		return out;
	}

	/**
	 * The slots the line at {@code pc} covers: 2 for an lddw whose second slot is a clean
	 * {@code next_imm} slot, else 1.
	 */
	public static int width(Insn[] prog, int pc) {
		return isWideLddw(prog, pc) ? 2 : 1;
	}

	private static boolean isWideLddw(Insn[] prog, int pc) {
		Insn i = prog[pc];
		if (i.opcode() != Opcodes.LDDW || i.off() != 0 || i.dst() > 10 || pc + 1 >= prog.length) {
			return false;
		}
		Insn n = prog[pc + 1];
		return n.opcode() == 0 && n.dst() == 0 && n.src() == 0 && n.off() == 0;
	}

	// ---------------------------------------------------------------- formatting

	private static String format(Insn[] prog, int pc, Syntax syntax, Targets targets) {
		Insn i = prog[pc];
		boolean u = syntax == Syntax.UBPF;
		String s = switch (i.cls()) {
			case Opcodes.CLASS_LD -> ld(prog, pc, u);
			case Opcodes.CLASS_LDX -> ldx(i, u);
			case Opcodes.CLASS_ST -> st(i, u);
			case Opcodes.CLASS_STX -> stx(i, u);
			case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> alu(i, u);
			default -> jmp(i, pc, u, targets);
		};
		return (s != null) ? s : raw(i);
	}

	/** The escape for any slot: its little-endian u64 value. */
	static String raw(Insn i) {
		return String.format(Locale.ROOT, ".insn 0x%016x", i.encode());
	}

	private static String ld(Insn[] prog, int pc, boolean u) {
		Insn i = prog[pc];
		int op = i.opcode();
		if (op == Opcodes.LDDW) {
			if (!isWideLddw(prog, pc)) {
				return null;
			}
			int next = prog[pc + 1].imm();
			long v = i.imm64(prog[pc + 1]);
			String d = u ? "lddw %r" + i.dst() + ", " : "r" + i.dst() + " = ";
			String ll = u ? "" : " ll";
			return switch (i.src()) {
				case Opcodes.PSEUDO_IMM64 -> d + imm64(v) + ll;
				case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX ->
					(next == 0) ? d + "map[" + mapKey(i.src()) + ":" + u32(i.imm()) + "]" + ll : ldPseudo(i, v);
				case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE ->
					d + "map[" + mapKey(i.src()) + ":" + u32(i.imm()) + "][0]+" + u32(next) + ll;
				default -> ldPseudo(i, v);
			};
		}
		int mode = op & 0xe0;
		int size = op & 0x18;
		if ((mode != Opcodes.MODE_ABS && mode != Opcodes.MODE_IND) || size == Opcodes.SIZE_DW || i.dst() != 0
				|| i.off() != 0) {
			return null;
		}
		if (mode == Opcodes.MODE_ABS) {
			if (i.src() != 0) {
				return null;
			}
			return u ? "ldabs" + sizeLetter(size) + " " + i.imm() : "r0 = *(" + uSize(size) + " *)skb[" + i.imm() + "]";
		}
		if (i.src() > 10) {
			return null;
		}
		if (u) {
			return "ldind" + sizeLetter(size) + " %r" + i.src() + ", " + i.imm();
		}
		// llvm-objdump prints skb[r7] (its LD_IND has no imm operand), the kernel skb[r7
		// + 0]
		String imm = (i.imm() == 0) ? "" : (i.imm() < 0) ? " - " + (-(long) i.imm()) : " + " + i.imm();
		return "r0 = *(" + uSize(size) + " *)skb[r" + i.src() + imm + "]";
	}

	private static String ldPseudo(Insn i, long v) {
		return "ld_pseudo r" + i.dst() + ", " + i.src() + ", " + imm64(v);
	}

	private static String mapKey(int src) {
		return (src == Opcodes.PSEUDO_MAP_FD || src == Opcodes.PSEUDO_MAP_VALUE) ? "fd" : "idx";
	}

	private static String ldx(Insn i, boolean u) {
		int mode = i.opcode() & 0xe0;
		int size = i.opcode() & 0x18;
		boolean sx = mode == Opcodes.MODE_MEMSX;
		if ((mode != Opcodes.MODE_MEM && !sx) || (sx && size == Opcodes.SIZE_DW) || i.imm() != 0 || i.dst() > 10
				|| i.src() > 10) {
			return null;
		}
		if (u) {
			return "ldx" + (sx ? "s" : "") + sizeLetter(size) + " %r" + i.dst() + ", " + ubpfMem(i.src(), i.off());
		}
		return "r" + i.dst() + " = *(" + (sx ? sSize(size) : uSize(size)) + " *)" + mem(i.src(), i.off());
	}

	private static String st(Insn i, boolean u) {
		if ((i.opcode() & 0xe0) != Opcodes.MODE_MEM || i.src() != 0 || i.dst() > 10) {
			return null;
		}
		int size = i.opcode() & 0x18;
		if (u) {
			return "st" + sizeLetter(size) + " " + ubpfMem(i.dst(), i.off()) + ", " + i.imm();
		}
		return "*(" + uSize(size) + " *)" + mem(i.dst(), i.off()) + " = " + i.imm();
	}

	private static String stx(Insn i, boolean u) {
		int mode = i.opcode() & 0xe0;
		int size = i.opcode() & 0x18;
		if (i.dst() > 10 || i.src() > 10) {
			return null;
		}
		if (mode == Opcodes.MODE_MEM) {
			if (i.imm() != 0) {
				return null;
			}
			if (u) {
				return "stx" + sizeLetter(size) + " " + ubpfMem(i.dst(), i.off()) + ", %r" + i.src();
			}
			return "*(" + uSize(size) + " *)" + mem(i.dst(), i.off()) + " = r" + i.src();
		}
		if (mode != Opcodes.MODE_ATOMIC) {
			return null;
		}
		int imm = i.imm();
		if (imm == Assembler.ATOMIC_LOAD_ACQ) {
			return "r" + i.dst() + " = load_acquire((" + uSize(size) + " *)" + mem(i.src(), i.off()) + ")";
		}
		if (imm == Assembler.ATOMIC_STORE_REL) {
			return "store_release((" + uSize(size) + " *)" + mem(i.dst(), i.off()) + ", r" + i.src() + ")";
		}
		if (size != Opcodes.SIZE_W && size != Opcodes.SIZE_DW) {
			return null;
		}
		boolean w = size == Opcodes.SIZE_W;
		String name = switch (imm & ~Opcodes.ATOMIC_FETCH) {
			case Opcodes.ATOMIC_ADD -> "add";
			case Opcodes.ATOMIC_OR -> "or";
			case Opcodes.ATOMIC_AND -> "and";
			case Opcodes.ATOMIC_XOR -> "xor";
			case Opcodes.ATOMIC_XCHG & ~Opcodes.ATOMIC_FETCH -> (imm == Opcodes.ATOMIC_XCHG) ? "xchg" : null;
			case Opcodes.ATOMIC_CMPXCHG & ~Opcodes.ATOMIC_FETCH -> (imm == Opcodes.ATOMIC_CMPXCHG) ? "cmpxchg" : null;
			default -> null;
		};
		if (name == null) {
			return null;
		}
		boolean fetch = (imm & Opcodes.ATOMIC_FETCH) != 0;
		if (u) {
			boolean showFetch = fetch && !name.endsWith("xchg");
			return "lock " + (showFetch ? "fetch " : "") + name + (w ? "32" : "") + " " + ubpfMem(i.dst(), i.off())
					+ ", %r" + i.src();
		}
		String c = uSize(size);
		String r = w ? "w" : "r";
		return switch (name) {
			case "xchg" -> w ? "w" + i.src() + " = xchg32_32(" + bare(i.dst(), i.off()) + ", w" + i.src() + ")"
					: "r" + i.src() + " = xchg_64(" + bare(i.dst(), i.off()) + ", r" + i.src() + ")";
			case "cmpxchg" -> w ? "w0 = cmpxchg32_32(" + bare(i.dst(), i.off()) + ", w0, w" + i.src() + ")"
					: "r0 = cmpxchg_64(" + bare(i.dst(), i.off()) + ", r0, r" + i.src() + ")";
			default -> fetch
					? r + i.src() + " = atomic_fetch_" + name + "((" + c + " *)" + mem(i.dst(), i.off()) + ", " + r
							+ i.src() + ")"
					: "lock *(" + c + " *)" + mem(i.dst(), i.off()) + " " + ALU_ASSIGN[aluIndex(name)] + " r" + i.src();
		};
	}

	private static int aluIndex(String atomicName) {
		return switch (atomicName) {
			case "add" -> 0;
			case "or" -> 4;
			case "and" -> 5;
			default -> 10;
		};
	}

	private static String alu(Insn i, boolean u) {
		int op = i.opcode();
		boolean a32 = i.cls() == Opcodes.CLASS_ALU;
		boolean x = (op & Opcodes.SRC_X) != 0;
		int code = (op & 0xf0) >> 4;
		String r = a32 ? "w" : "r";
		String sfx = a32 ? "32" : "";
		int d = i.dst();
		if (d > 10) {
			return null;
		}
		if (code == Opcodes.ALU_END >> 4) {
			int bits = i.imm();
			if (i.src() != 0 || i.off() != 0 || (bits != 16 && bits != 32 && bits != 64) || (!a32 && x)) {
				return null;
			}
			String name = a32 ? (x ? "be" : "le") + bits : "bswap" + bits;
			return u ? name + " %r" + d : "r" + d + " = " + name + " r" + d;
		}
		if (code == Opcodes.ALU_NEG >> 4) {
			if (x || i.src() != 0 || i.off() != 0 || i.imm() != 0) {
				return null;
			}
			return u ? "neg" + sfx + " %r" + d : r + d + " = -" + r + d;
		}
		if (ALU_NAME[code] == null) {
			return null;
		}
		boolean divmod = code == Opcodes.ALU_DIV >> 4 || code == Opcodes.ALU_MOD >> 4;
		boolean mov = code == Opcodes.ALU_MOV >> 4;
		if (!x) {
			if (i.src() != 0 || (i.off() != 0 && !(divmod && i.off() == 1))) {
				return null;
			}
			boolean signed = i.off() == 1;
			if (u) {
				return (signed ? "s" : "") + ALU_NAME[code] + sfx + " %r" + d + ", " + i.imm();
			}
			return r + d + " " + (signed ? "s" : "") + ALU_ASSIGN[code] + " " + i.imm();
		}
		int s = i.src();
		if (s > 10) {
			return null;
		}
		if (mov && !a32 && i.off() == Assembler.ADDR_SPACE_CAST) {
			return "r" + d + " = addr_space_cast(r" + s + ", " + (i.imm() >>> 16) + ", " + (i.imm() & 0xffff) + ")";
		}
		if (i.imm() != 0) {
			return null;
		}
		int off = i.off();
		if (off == 0 || (divmod && off == 1)) {
			boolean signed = off == 1;
			if (u) {
				return (signed ? "s" : "") + ALU_NAME[code] + sfx + " %r" + d + ", %r" + s;
			}
			return r + d + " " + (signed ? "s" : "") + ALU_ASSIGN[code] + " " + r + s;
		}
		if (mov && (off == 8 || off == 16 || (off == 32 && !a32))) {
			return u ? "movsx" + off + (a32 ? "32" : "64") + " %r" + d + ", %r" + s
					: r + d + " = (s" + off + ")" + r + s;
		}
		return null;
	}

	private static String jmp(Insn i, int pc, boolean u, Targets t) {
		int op = i.opcode();
		boolean j32 = i.cls() == Opcodes.CLASS_JMP32;
		int code = (op & 0xf0) >> 4;
		boolean x = (op & Opcodes.SRC_X) != 0;
		int d = i.dst();
		int s = i.src();
		if (op == (Opcodes.CLASS_JMP | Opcodes.JMP_JA)) {
			if (d != 0 || s != 0 || i.imm() != 0) {
				return null;
			}
			return (u ? "ja " : "goto ") + t.jump(pc, i.off());
		}
		if (op == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA)) {
			if (d != 0 || s != 0 || i.off() != 0) {
				return null;
			}
			return (u ? "ja32 " : "gotol ") + t.jump(pc, i.imm());
		}
		if (op == Opcodes.CALL) {
			if (d != 0 || i.off() != 0) {
				return null;
			}
			return switch (s) {
				case Opcodes.PSEUDO_CALL_HELPER -> {
					String name = u ? null : HelperIds.symbol(i.imm());
					yield "call " + ((name != null) ? name : Integer.toString(i.imm()));
				}
				case Opcodes.PSEUDO_CALL_LOCAL -> {
					String label = t.call(pc, i.imm());
					if (u) {
						yield "call local " + ((label != null) ? label : signed(i.imm()));
					}
					yield "call " + ((label != null) ? label : "pc" + signed(i.imm()));
				}
				case Opcodes.PSEUDO_CALL_KFUNC -> u ? "call runtime " + i.imm() : "call kernel-function#" + i.imm();
				default -> null;
			};
		}
		if (op == (Opcodes.CALL | Opcodes.SRC_X)) {
			if (s != 0 || i.off() != 0 || i.imm() != 0 || d > 10) {
				return null;
			}
			return u ? "call %r" + d : "callx r" + d;
		}
		if (op == Opcodes.EXIT) {
			return (d == 0 && s == 0 && i.off() == 0 && i.imm() == 0) ? "exit" : null;
		}
		if (op == (Opcodes.CLASS_JMP | Opcodes.JMP_JA | Opcodes.SRC_X)) {
			return (s == 0 && i.off() == 0 && i.imm() == 0 && d <= 10) ? "gotox r" + d : null;
		}
		if (op == (Opcodes.CLASS_JMP | Assembler.JMP_JCOND)) {
			return (d == 0 && s == 0 && i.imm() == 0) ? "may_goto " + t.jump(pc, i.off()) : null;
		}
		if (JMP_COND[code] == null || d > 10) {
			return null;
		}
		String r = j32 ? "w" : "r";
		String rhs;
		if (x) {
			if (i.imm() != 0 || s > 10) {
				return null;
			}
			rhs = u ? "%r" + s : r + s;
		}
		else {
			if (s != 0) {
				return null;
			}
			rhs = Integer.toString(i.imm());
		}
		if (u) {
			return JMP_NAME[code] + (j32 ? "32" : "") + " %r" + d + ", " + rhs + ", " + t.jump(pc, i.off());
		}
		return "if " + r + d + " " + JMP_COND[code] + " " + rhs + " goto " + t.jump(pc, i.off());
	}

	// ---------------------------------------------------------------- pieces

	private static String signed(long v) {
		return (v >= 0) ? "+" + v : Long.toString(v);
	}

	private static String imm64(long v) {
		return (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) ? Long.toString(v) : "0x" + Long.toHexString(v);
	}

	private static String u32(int v) {
		return Long.toString(v & 0xffffffffL);
	}

	private static String mem(int base, int off) {
		return "(r" + base + ((off < 0) ? " - " + (-off) : " + " + off) + ")";
	}

	private static String bare(int base, int off) {
		return "r" + base + ((off < 0) ? " - " + (-off) : " + " + off);
	}

	private static String ubpfMem(int base, int off) {
		return "[%r" + base + ((off < 0) ? "-" + (-off) : "+" + off) + "]";
	}

	private static String uSize(int size) {
		return switch (size) {
			case Opcodes.SIZE_W -> "u32";
			case Opcodes.SIZE_H -> "u16";
			case Opcodes.SIZE_B -> "u8";
			default -> "u64";
		};
	}

	private static String sSize(int size) {
		return switch (size) {
			case Opcodes.SIZE_W -> "s32";
			case Opcodes.SIZE_H -> "s16";
			default -> "s8";
		};
	}

	private static String sizeLetter(int size) {
		return switch (size) {
			case Opcodes.SIZE_W -> "w";
			case Opcodes.SIZE_H -> "h";
			case Opcodes.SIZE_B -> "b";
			default -> "dw";
		};
	}

}
