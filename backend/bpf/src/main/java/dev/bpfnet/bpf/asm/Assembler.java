package dev.bpfnet.bpf.asm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.bpf.isa.HelperIds;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;

/**
 * Text to eBPF instruction slots, for both assembly syntaxes in use, detected per line.
 *
 * <ul>
 * <li><b>uBPF / bpf_conformance</b> ({@code bpf_assembler.cc} of the conformance suite):
 * {@code mov %r0, 1}, {@code ldxw %r1, [%r2+4]}, {@code lock fetch add [%r1+0], %r2},
 * {@code call local f}, {@code call %r2}, {@code ja +3}, {@code jeq32 %r1, 5, label}. The
 * suite's default label {@code exit} (the first {@code exit} instruction) is
 * honoured.</li>
 * <li><b>llvm-objdump / kernel</b> ({@code BPFInstrInfo.td},
 * {@code kernel/bpf/disasm.c}): {@code r0 = 1}, {@code w1 s/= w2},
 * {@code r1 = *(u32 *)(r2 + 4)}, {@code if r1 > r2 goto +3},
 * {@code lock *(u64 *)(r0 + 0) += r6}, {@code r0 = cmpxchg_64(r1 + 0, r0, r2)},
 * {@code r1 = 0x1234 ll}, {@code call pc+3}, {@code call bpf_map_lookup_elem},
 * {@code r0 = *(u8 *)skb[12]}. The kernel verifier-log spellings ({@code goto pc+3},
 * {@code (r2 +4)}, {@code atomic64_fetch_add}, {@code call bpf_map_lookup_elem#1},
 * {@code call kernel-function#N}) are accepted too.</li>
 * </ul>
 *
 * <p>
 * Also accepted: labels ({@code name:} alone or before an instruction), numeric targets
 * ({@code +N}, {@code -N}, {@code pc+N}), comments ({@code #} at the start of a line or
 * after a blank, {@code ;}, {@code //}), llvm-objdump listings (address, hex bytes,
 * symbol and relocation lines; {@code <unknown>} lines take their bytes; an
 * {@code R_BPF_64_32} relocation after {@code call} marks it a local call, as its src
 * field in the object says; other relocations are ignored), kernel verifier-log lines
 * ({@code 12: (b7) r0 = 1}), lddw pseudo sources ({@code map[idx:3]}, {@code map[fd:3]},
 * {@code map[idx:3][0]+8}, {@code ld_pseudo r1, 3, 7}), a symbolic {@code map[name]} that
 * is reported as a {@link MapRelocation}, and {@code .insn 0x<u64>} for one raw slot in
 * the little-endian value notation of the suite's {@code -- raw} sections.
 *
 * <p>
 * Immediates are decimal or hex with an optional sign. A 32-bit immediate must fit s32
 * when written in decimal and may use the full u32 range when written in hex (so
 * {@code mov32 %r0, 2147483648} is rejected, as the suite's
 * {@code invalid_imm32_dec_range} expects, while {@code 0xffffffff} is -1); offsets are
 * s16; {@code lddw} takes any 64-bit value; registers are r0..r10.
 *
 * <p>
 * Not thread-safe per instance; the static entry points create one instance per call.
 */
public final class Assembler {

	/**
	 * The assembled program.
	 *
	 * @param insns the slots ({@code lddw} takes two)
	 * @param labels label name to slot index, in definition order
	 * @param mapRelocations the symbolic {@code map[name]} references, in slot order
	 */
	public record AsmResult(Insn[] insns, Map<String, Integer> labels, List<MapRelocation> mapRelocations) {
	}

	/**
	 * A symbolic map reference left for the loader: the {@code lddw} at {@code insnIndex}
	 * was written {@code map[mapName]} (emitted with src {@link Opcodes#PSEUDO_MAP_IDX}
	 * and imm 0) or {@code map[mapName][0]+offset} (src
	 * {@link Opcodes#PSEUDO_MAP_IDX_VALUE}, imm 0, next_imm {@code offset}); the loader
	 * writes the map's index into imm.
	 *
	 * @param insnIndex the slot index of the first lddw slot
	 * @param mapName the map (or global data section such as {@code .bss}) named in the
	 * text
	 * @param offset the value offset ({@code 0} for the plain map form)
	 */
	public record MapRelocation(int insnIndex, String mapName, long offset) {
	}

	private static final int IDENT = 0;

	private static final int NUM = 1;

	private static final int OP = 2;

	/**
	 * One token of a line; {@code col} is 1-based, {@code end} the exclusive char index.
	 */
	private record Tok(int kind, String text, int col, int end) {
	}

	private record Reg(int num, boolean wide32, Tok tok) {
	}

	/**
	 * A parsed number: sign, unsigned magnitude, radix; {@code tok} is the first token.
	 */
	private record Num(boolean neg, long mag, boolean hex, Tok tok, String text) {
	}

	private record Mem(int base, int off) {
	}

	private enum FixKind {

		/** Jump: target - (slot + 1) goes to the 16-bit offset. */
		OFF,
		/** gotol / local call: target - (slot + 1) goes to imm. */
		IMM,
		/** {@code call name}: a label (local call) or else a helper name. */
		CALL_NAME

	}

	private record Fixup(int slot, FixKind kind, String label, int line, int col) {
	}

	private static final String[] OPERATORS = { "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "==",
			"!=", ">=", "<=", ">", "<", "=", "&", "(", ")", "[", "]", ",", "*", "+", "-", ":", "#" };

	private static final String[] SIGNED_OPERATORS = { ">>=", ">=", ">", "<=", "<", "/=", "%=" };

	private static final Map<String, Integer> ALU_OPS = Map.ofEntries(Map.entry("add", Opcodes.ALU_ADD),
			Map.entry("sub", Opcodes.ALU_SUB), Map.entry("mul", Opcodes.ALU_MUL), Map.entry("div", Opcodes.ALU_DIV),
			Map.entry("sdiv", Opcodes.ALU_DIV), Map.entry("or", Opcodes.ALU_OR), Map.entry("and", Opcodes.ALU_AND),
			Map.entry("lsh", Opcodes.ALU_LSH), Map.entry("rsh", Opcodes.ALU_RSH), Map.entry("mod", Opcodes.ALU_MOD),
			Map.entry("smod", Opcodes.ALU_MOD), Map.entry("xor", Opcodes.ALU_XOR), Map.entry("mov", Opcodes.ALU_MOV),
			Map.entry("arsh", Opcodes.ALU_ARSH));

	/**
	 * Kernel-syntax compound assignments: operator to ALU code (offset 1 for s/= s%=).
	 */
	private static final Map<String, Integer> ALU_ASSIGN = Map.ofEntries(Map.entry("+=", Opcodes.ALU_ADD),
			Map.entry("-=", Opcodes.ALU_SUB), Map.entry("*=", Opcodes.ALU_MUL), Map.entry("/=", Opcodes.ALU_DIV),
			Map.entry("s/=", Opcodes.ALU_DIV), Map.entry("|=", Opcodes.ALU_OR), Map.entry("&=", Opcodes.ALU_AND),
			Map.entry("<<=", Opcodes.ALU_LSH), Map.entry(">>=", Opcodes.ALU_RSH), Map.entry("%=", Opcodes.ALU_MOD),
			Map.entry("s%=", Opcodes.ALU_MOD), Map.entry("^=", Opcodes.ALU_XOR), Map.entry("s>>=", Opcodes.ALU_ARSH));

	private static final Map<String, Integer> JMP_OPS = Map.ofEntries(Map.entry("jeq", Opcodes.JMP_JEQ),
			Map.entry("jgt", Opcodes.JMP_JGT), Map.entry("jge", Opcodes.JMP_JGE), Map.entry("jset", Opcodes.JMP_JSET),
			Map.entry("jne", Opcodes.JMP_JNE), Map.entry("jsgt", Opcodes.JMP_JSGT), Map.entry("jsge", Opcodes.JMP_JSGE),
			Map.entry("jlt", Opcodes.JMP_JLT), Map.entry("jle", Opcodes.JMP_JLE), Map.entry("jslt", Opcodes.JMP_JSLT),
			Map.entry("jsle", Opcodes.JMP_JSLE));

	private static final Map<String, Integer> JMP_CONDS = Map.ofEntries(Map.entry("==", Opcodes.JMP_JEQ),
			Map.entry(">", Opcodes.JMP_JGT), Map.entry(">=", Opcodes.JMP_JGE), Map.entry("&", Opcodes.JMP_JSET),
			Map.entry("!=", Opcodes.JMP_JNE), Map.entry("s>", Opcodes.JMP_JSGT), Map.entry("s>=", Opcodes.JMP_JSGE),
			Map.entry("<", Opcodes.JMP_JLT), Map.entry("<=", Opcodes.JMP_JLE), Map.entry("s<", Opcodes.JMP_JSLT),
			Map.entry("s<=", Opcodes.JMP_JSLE));

	/** Atomic read-modify-write operations of {@code lock} (uBPF) and the fetch forms. */
	private static final Map<String, Integer> ATOMIC_OPS = Map.of("add", Opcodes.ATOMIC_ADD, "or", Opcodes.ATOMIC_OR,
			"and", Opcodes.ATOMIC_AND, "xor", Opcodes.ATOMIC_XOR, "xchg", Opcodes.ATOMIC_XCHG, "cmpxchg",
			Opcodes.ATOMIC_CMPXCHG);

	private static final Map<String, Integer> ATOMIC_ASSIGN = Map.of("+=", Opcodes.ATOMIC_ADD, "|=", Opcodes.ATOMIC_OR,
			"&=", Opcodes.ATOMIC_AND, "^=", Opcodes.ATOMIC_XOR);

	/** BPF_LOAD_ACQ and BPF_STORE_REL (include/uapi/linux/bpf.h, Linux 6.15). */
	static final int ATOMIC_LOAD_ACQ = 0x100;

	static final int ATOMIC_STORE_REL = 0x110;

	/** BPF_JCOND (may_goto) and BPF_ADDR_SPACE_CAST (include/uapi/linux/bpf.h). */
	static final int JMP_JCOND = 0xe0;

	static final int ADDR_SPACE_CAST = 1;

	private final List<Insn> slots = new ArrayList<>();

	private final Map<String, Integer> labels = new LinkedHashMap<>();

	private final Map<String, Integer> labelLines = new HashMap<>();

	private final List<Fixup> fixups = new ArrayList<>();

	private final List<MapRelocation> relocations = new ArrayList<>();

	private int firstExit = -1;

	// per-line state
	private int lineNo;

	private String line;

	private final List<Tok> toks = new ArrayList<>();

	private int p;

	private int limit;

	private int eolCol;

	private int opcodeHint;

	private Assembler() {
	}

	/**
	 * Assembles a program.
	 * @throws AsmException at the first error, with its line and column
	 */
	public static AsmResult assemble(String text) throws AsmException {
		return new Assembler().run(text);
	}

	/** {@link #assemble(String)} for callers that need only the slots. */
	public static Insn[] assembleInsns(String text) throws AsmException {
		return assemble(text).insns();
	}

	private AsmResult run(String text) throws AsmException {
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			this.lineNo = i + 1;
			String raw = lines[i];
			if (raw.endsWith("\r")) {
				raw = raw.substring(0, raw.length() - 1);
			}
			this.line = raw;
			assembleLine();
		}
		resolveFixups();
		return new AsmResult(this.slots.toArray(new Insn[0]), Collections.unmodifiableMap(this.labels),
				List.copyOf(this.relocations));
	}

	// ---------------------------------------------------------------- lines

	private void assembleLine() throws AsmException {
		String s = this.line;
		int end = commentStart(s);
		int i = 0;
		while (i < end && isBlank(s.charAt(i))) {
			i++;
		}
		while (end > i && isBlank(s.charAt(end - 1))) {
			end--;
		}
		if (i == end) {
			return;
		}
		String trimmed = s.substring(i, end);
		if (isListingHeader(trimmed)) {
			return;
		}
		int symbol = symbolLine(trimmed);
		if (symbol > 0) {
			defineLabel(trimmed.substring(symbol, trimmed.length() - 2), i + symbol + 1);
			return;
		}
		if (isRelocationLine(trimmed)) {
			// llvm-objdump prints a BPF_PSEUDO_CALL as "call -1"; its R_BPF_64_32 says
			// local
			int last = this.slots.size() - 1;
			if (trimmed.contains("R_BPF_64_32") && last >= 0 && this.slots.get(last).opcode() == Opcodes.CALL
					&& this.slots.get(last).src() == Opcodes.PSEUDO_CALL_HELPER) {
				this.slots.set(last, this.slots.get(last).withSrc(Opcodes.PSEUDO_CALL_LOCAL));
			}
			return;
		}
		this.opcodeHint = -1;
		long[] bytes = null;
		// "12:" address prefix of llvm-objdump and verifier logs
		int j = i;
		while (j < end && isDigit(s.charAt(j))) {
			j++;
		}
		if (j > i && j < end && s.charAt(j) == ':') {
			i = skipBlanks(s, j + 1, end);
			int k = hexBytesEnd(s, i, end);
			if (k > i) {
				bytes = parseListingBytes(s, i, k);
				i = skipBlanks(s, k, end);
			}
			if (i + 4 <= end && s.charAt(i) == '(' && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))
					&& s.charAt(i + 3) == ')') {
				this.opcodeHint = Integer.parseInt(s.substring(i + 1, i + 3), 16);
				i = skipBlanks(s, i + 4, end);
			}
			if (i == end || s.substring(i, end).equals("<unknown>")) {
				if (bytes != null) {
					for (long b : bytes) {
						this.slots.add(Insn.decode(b));
					}
				}
				return;
			}
		}
		// labels
		while (true) {
			int k = i;
			if (k < end && isIdentStart(s.charAt(k))) {
				k++;
				while (k < end && isIdentPart(s.charAt(k))) {
					k++;
				}
				int c = skipBlanks(s, k, end);
				if (c < end && s.charAt(c) == ':') {
					defineLabel(s.substring(i, k), i + 1);
					i = skipBlanks(s, c + 1, end);
					if (i == end) {
						return;
					}
					continue;
				}
			}
			break;
		}
		end = stripAnnotation(s, i, end);
		tokenize(s, i, end);
		this.eolCol = end + 1;
		this.p = 0;
		this.limit = this.toks.size();
		statement();
	}

	private static boolean isListingHeader(String t) {
		return t.startsWith("Disassembly of section ") || t.matches("\\S+:\\s+file format \\S+");
	}

	/** For {@code 0000000000000068 <LBB1_2>:} the index of the name, else -1. */
	private static int symbolLine(String t) {
		int i = 0;
		while (i < t.length() && isHex(t.charAt(i))) {
			i++;
		}
		if (i == 0 || i + 4 > t.length() || t.charAt(i) != ' ' || t.charAt(i + 1) != '<' || !t.endsWith(">:")) {
			return -1;
		}
		String name = t.substring(i + 2, t.length() - 2);
		return (!name.isEmpty() && isIdentStart(name.charAt(0)) && name.chars().allMatch(Assembler::isIdentPart))
				? i + 2 : -1;
	}

	/** {@code 0000000000000038:  R_BPF_64_64	pkt_count} of {@code llvm-objdump -r}. */
	private static boolean isRelocationLine(String t) {
		int i = 0;
		while (i < t.length() && isHex(t.charAt(i))) {
			i++;
		}
		if (i == 0 || i >= t.length() || t.charAt(i) != ':') {
			return false;
		}
		return t.substring(i + 1).stripLeading().startsWith("R_");
	}

	/**
	 * End of a run of {@code hh hh ...} byte pairs (a multiple of 8), or {@code from}.
	 */
	private static int hexBytesEnd(String s, int from, int end) {
		int k = from;
		int count = 0;
		while (k + 2 <= end && isHex(s.charAt(k)) && isHex(s.charAt(k + 1))
				&& (k + 2 == end || isBlank(s.charAt(k + 2)))) {
			count++;
			k += 2;
			if (k + 3 <= end && s.charAt(k) == ' ' && isHex(s.charAt(k + 1)) && isHex(s.charAt(k + 2))
					&& (k + 3 == end || isBlank(s.charAt(k + 3)))) {
				k++;
				continue;
			}
			break;
		}
		return (count > 0 && count % Insn.SIZE == 0) ? k : from;
	}

	private static long[] parseListingBytes(String s, int from, int to) {
		String[] parts = s.substring(from, to).trim().split(" ");
		long[] out = new long[parts.length / Insn.SIZE];
		for (int n = 0; n < parts.length; n++) {
			out[n / Insn.SIZE] |= (long) Integer.parseInt(parts[n], 16) << (8 * (n % Insn.SIZE));
		}
		return out;
	}

	/** Drops an llvm-objdump jump annotation such as {@code <LBB0_7>} at the end. */
	private static int stripAnnotation(String s, int from, int end) {
		if (end - from < 3 || s.charAt(end - 1) != '>') {
			return end;
		}
		int lt = s.lastIndexOf('<', end - 1);
		if (lt <= from || !isBlank(s.charAt(lt - 1))) {
			return end;
		}
		for (int k = lt + 1; k < end - 1; k++) {
			char c = s.charAt(k);
			if (isBlank(c) || c == '<' || c == '>') {
				return end;
			}
		}
		int e = lt;
		while (e > from && isBlank(s.charAt(e - 1))) {
			e--;
		}
		return e;
	}

	/** {@code #} at line start or after a blank, any {@code ;}, or {@code //}. */
	private static int commentStart(String s) {
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == ';') {
				return i;
			}
			if (c == '#' && (i == 0 || isBlank(s.charAt(i - 1)))) {
				return i;
			}
			if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
				return i;
			}
		}
		return s.length();
	}

	private void defineLabel(String name, int col) throws AsmException {
		if (regNum(name) >= 0 || regNum(name) == -2) {
			throw error(col, "Invalid label name: " + name);
		}
		Integer previous = this.labelLines.get(name);
		if (previous != null) {
			throw error(col, "Duplicate label: " + name + " (first defined at line " + previous + ")");
		}
		this.labels.put(name, this.slots.size());
		this.labelLines.put(name, this.lineNo);
	}

	// ---------------------------------------------------------------- tokens

	private void tokenize(String s, int from, int to) throws AsmException {
		this.toks.clear();
		int i = from;
		while (i < to) {
			char c = s.charAt(i);
			if (isBlank(c)) {
				i++;
				continue;
			}
			if (c == 's' && i + 1 < to) {
				String op = null;
				for (String o : SIGNED_OPERATORS) {
					if (s.startsWith(o, i + 1) && i + 1 + o.length() <= to) {
						op = o;
						break;
					}
				}
				if (op != null) {
					this.toks.add(new Tok(OP, "s" + op, i + 1, i + 1 + op.length()));
					i += 1 + op.length();
					continue;
				}
			}
			if (isIdentStart(c) || (c == '%' && i + 1 < to && Character.isLetter(s.charAt(i + 1)))) {
				int j = i + 1;
				while (j < to && isIdentPart(s.charAt(j))) {
					j++;
				}
				this.toks.add(new Tok(IDENT, s.substring(i, j), i + 1, j));
				i = j;
				continue;
			}
			if (isDigit(c)) {
				int j = i + 1;
				while (j < to && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
					j++;
				}
				this.toks.add(new Tok(NUM, s.substring(i, j), i + 1, j));
				i = j;
				continue;
			}
			String op = null;
			for (String o : OPERATORS) {
				if (s.startsWith(o, i) && i + o.length() <= to) {
					op = o;
					break;
				}
			}
			if (op == null) {
				throw error(i + 1, "Unexpected character '" + c + "'");
			}
			this.toks.add(new Tok(OP, op, i + 1, i + op.length()));
			i += op.length();
		}
	}

	private Tok peek() {
		return (this.p < this.limit) ? this.toks.get(this.p) : null;
	}

	private Tok peek(int ahead) {
		return (this.p + ahead < this.limit) ? this.toks.get(this.p + ahead) : null;
	}

	private boolean atEnd() {
		return this.p >= this.limit;
	}

	private boolean isOp(Tok t, String op) {
		return t != null && t.kind() == OP && t.text().equals(op);
	}

	private boolean isIdent(Tok t, String text) {
		return t != null && t.kind() == IDENT && t.text().equals(text);
	}

	private boolean accept(String op) {
		if (isOp(peek(), op)) {
			this.p++;
			return true;
		}
		return false;
	}

	private boolean acceptIdent(String text) {
		if (isIdent(peek(), text)) {
			this.p++;
			return true;
		}
		return false;
	}

	private Tok expect(String op) throws AsmException {
		Tok t = peek();
		if (!isOp(t, op)) {
			throw error(col(t), "Expected '" + op + "' but found " + describe(t));
		}
		this.p++;
		return t;
	}

	private Tok expectIdent(String text) throws AsmException {
		Tok t = peek();
		if (!isIdent(t, text)) {
			throw error(col(t), "Expected '" + text + "' but found " + describe(t));
		}
		this.p++;
		return t;
	}

	private void expectEnd() throws AsmException {
		Tok t = peek();
		if (t != null) {
			throw error(t.col(), "Unexpected " + describe(t) + " after the instruction");
		}
	}

	private int col(Tok t) {
		if (t != null) {
			return t.col();
		}
		return (this.limit < this.toks.size()) ? this.toks.get(this.limit).col() : this.eolCol;
	}

	private String describe(Tok t) {
		if (t != null) {
			return "'" + t.text() + "'";
		}
		return (this.limit < this.toks.size()) ? "','" : "end of line";
	}

	private AsmException error(int col, String reason) {
		return new AsmException(reason, this.lineNo, col);
	}

	// ---------------------------------------------------------------- operands

	/**
	 * r0..r10, w0..w10, %r0..%r10: the number; -2 for a register-like name out of range.
	 */
	private static int regNum(String t) {
		String n = t.startsWith("%") ? t.substring(1) : t;
		if (n.length() < 2 || (n.charAt(0) != 'r' && n.charAt(0) != 'w')) {
			return -1;
		}
		for (int i = 1; i < n.length(); i++) {
			if (!isDigit(n.charAt(i))) {
				return -1;
			}
		}
		if (n.length() > 4 || (n.length() > 2 && n.charAt(1) == '0')) {
			return -2;
		}
		int r = Integer.parseInt(n.substring(1));
		return (r < Opcodes.NUM_REGS) ? r : -2;
	}

	private static boolean isRegister(Tok t) {
		return t != null && t.kind() == IDENT && regNum(t.text()) >= 0;
	}

	private Reg reg() throws AsmException {
		Tok t = peek();
		if (t == null) {
			throw error(col(null), "Expected a register but found " + describe(null));
		}
		int r = (t.kind() == IDENT) ? regNum(t.text()) : -1;
		if (r < 0) {
			throw error(t.col(), "Invalid register: " + t.text());
		}
		this.p++;
		boolean w = t.text().charAt(t.text().startsWith("%") ? 1 : 0) == 'w';
		return new Reg(r, w, t);
	}

	/** A register that holds an address: any r register (w is rejected). */
	private int addrReg() throws AsmException {
		Reg r = reg();
		if (r.wide32()) {
			throw error(r.tok().col(), "Invalid register: " + r.tok().text() + " (an address needs a 64-bit register)");
		}
		return r.num();
	}

	private Num num() throws AsmException {
		Tok first = peek();
		boolean neg = false;
		if (isOp(first, "-") || isOp(first, "+")) {
			neg = first.text().equals("-");
			this.p++;
		}
		Tok t = peek();
		if (t == null || t.kind() != NUM) {
			throw error(col(first), "Expected a number but found " + describe(first));
		}
		this.p++;
		String text = t.text();
		boolean hex = text.length() > 2 && text.charAt(0) == '0' && (text.charAt(1) == 'x' || text.charAt(1) == 'X');
		long mag;
		try {
			if (hex) {
				String digits = text.substring(2);
				if (digits.length() > 16 || !digits.chars().allMatch(c -> isHex((char) c))) {
					throw new NumberFormatException();
				}
				mag = Long.parseUnsignedLong(digits, 16);
			}
			else {
				if (!text.chars().allMatch(c -> isDigit((char) c))) {
					throw new NumberFormatException();
				}
				mag = Long.parseUnsignedLong(text);
			}
		}
		catch (NumberFormatException ex) {
			throw error(t.col(), "Invalid number: " + text);
		}
		return new Num(neg, mag, hex, (first != t) ? first : t, (neg ? "-" : "") + text);
	}

	/** Where a register or an immediate may follow: an identifier must be a register. */
	private boolean atIdent() {
		Tok t = peek();
		return t != null && t.kind() == IDENT;
	}

	private boolean atNumber() {
		Tok t = peek();
		if (t != null && t.kind() == NUM) {
			return true;
		}
		return (isOp(t, "-") || isOp(t, "+")) && peek(1) != null && peek(1).kind() == NUM;
	}

	/** imm32: s32 in decimal, s32 or u32 in hex. */
	private int imm32(Num n) throws AsmException {
		long max = n.neg() ? 0x80000000L : (n.hex() ? 0xffffffffL : 0x7fffffffL);
		if (Long.compareUnsigned(n.mag(), max) > 0) {
			throw error(n.tok().col(), "Immediate out of range: " + n.text()
					+ " (32-bit: decimal -2147483648..2147483647, hex up to 0xffffffff)");
		}
		return (int) (n.neg() ? -n.mag() : n.mag());
	}

	/** A 32-bit field printed unsigned by the disassembler (map keys, value offsets). */
	private int u32(Num n) throws AsmException {
		long max = n.neg() ? 0x80000000L : 0xffffffffL;
		if (Long.compareUnsigned(n.mag(), max) > 0) {
			throw error(n.tok().col(), "Immediate out of range: " + n.text() + " (32-bit)");
		}
		return (int) (n.neg() ? -n.mag() : n.mag());
	}

	private short off16(Num n) throws AsmException {
		long max = n.neg() ? 0x8000L : 0x7fffL;
		if (Long.compareUnsigned(n.mag(), max) > 0) {
			throw error(n.tok().col(), "Offset out of range: " + n.text() + " (16-bit signed: -32768..32767)");
		}
		return (short) (n.neg() ? -n.mag() : n.mag());
	}

	private long imm64(Num n) throws AsmException {
		if (n.neg() && Long.compareUnsigned(n.mag(), 0x8000000000000000L) > 0) {
			throw error(n.tok().col(), "Immediate out of range: " + n.text() + " (64-bit)");
		}
		return n.neg() ? -n.mag() : n.mag();
	}

	/** A register offset: nothing, or {@code +N} / {@code -N}. */
	private short optOffset() throws AsmException {
		Tok t = peek();
		if (isOp(t, "+") || isOp(t, "-")) {
			return off16(num());
		}
		return 0;
	}

	/** {@code (rN + off)} of the kernel syntax. */
	private Mem parenMem() throws AsmException {
		expect("(");
		int base = addrReg();
		short off = optOffset();
		expect(")");
		return new Mem(base, off);
	}

	/** {@code rN + off} inside LLVM's {@code xchg_64(...)} / {@code cmpxchg_64(...)}. */
	private Mem bareMem() throws AsmException {
		int base = addrReg();
		short off = optOffset();
		return new Mem(base, off);
	}

	/**
	 * {@code (u32 *)}: returns the BPF size bits, or'ed with 0x100 for the sign-extending
	 * {@code s8/s16/s32}.
	 */
	private int sizeCast() throws AsmException {
		expect("(");
		Tok t = peek();
		int size = (t == null || t.kind() != IDENT) ? -1 : switch (t.text()) {
			case "u8" -> Opcodes.SIZE_B;
			case "u16" -> Opcodes.SIZE_H;
			case "u32" -> Opcodes.SIZE_W;
			case "u64" -> Opcodes.SIZE_DW;
			case "s8" -> 0x100 | Opcodes.SIZE_B;
			case "s16" -> 0x100 | Opcodes.SIZE_H;
			case "s32" -> 0x100 | Opcodes.SIZE_W;
			default -> -1;
		};
		if (size < 0) {
			throw error(col(t), "Invalid size: expected u8, u16, u32, u64, s8, s16 or s32 but found " + describe(t));
		}
		this.p++;
		expect("*");
		expect(")");
		return size;
	}

	private int unsignedSize(int size, Tok at) throws AsmException {
		if ((size & 0x100) != 0) {
			throw error(at.col(), "Invalid size: a store takes u8, u16, u32 or u64");
		}
		return size;
	}

	private int atomicSize(int size, Tok at) throws AsmException {
		if (size != Opcodes.SIZE_W && size != Opcodes.SIZE_DW) {
			throw error(at.col(), "Invalid size: atomic operations take u32 or u64");
		}
		return size;
	}

	// ---------------------------------------------------------------- emit

	private void emit(int opcode, int dst, int src, int off, int imm) {
		this.slots.add(Insn.of(opcode, dst, src, off, imm));
	}

	private void emitLddw(int dst, int src, long imm64) {
		for (Insn i : Insn.lddw(dst, src, imm64)) {
			this.slots.add(i);
		}
	}

	/** A jump target: {@code +N}, {@code -N}, {@code N}, {@code pc+N} or a label. */
	private int target(FixKind kind) throws AsmException {
		Tok t = peek();
		if (isIdent(t, "pc") && (isOp(peek(1), "+") || isOp(peek(1), "-"))) {
			this.p++;
			t = peek();
		}
		if (atNumber()) {
			Num n = num();
			return (kind == FixKind.OFF) ? off16(n) : imm32(n);
		}
		if (t != null && t.kind() == IDENT && regNum(t.text()) == -1) {
			this.p++;
			this.fixups.add(new Fixup(this.slots.size(), kind, t.text(), this.lineNo, t.col()));
			return 0;
		}
		throw error(col(t), "Expected a jump target (+N, -N or a label) but found " + describe(t));
	}

	private void resolveFixups() throws AsmException {
		for (Fixup f : this.fixups) {
			Integer target = this.labels.get(f.label());
			if (target == null && f.label().equals("exit") && this.firstExit >= 0) {
				target = this.firstExit;
			}
			Insn insn = this.slots.get(f.slot());
			if (f.kind() == FixKind.CALL_NAME) {
				if (target != null) {
					this.slots.set(f.slot(), insn.withSrc(Opcodes.PSEUDO_CALL_LOCAL).withImm(target - f.slot() - 1));
					continue;
				}
				int helper = HelperIds.id(f.label());
				if (helper < 0) {
					throw new AsmException("Invalid label: " + f.label() + " (neither a label nor a known helper)",
							f.line(), f.col());
				}
				this.slots.set(f.slot(), insn.withImm(helper));
				continue;
			}
			if (target == null) {
				throw new AsmException("Invalid label: " + f.label(), f.line(), f.col());
			}
			int delta = target - f.slot() - 1;
			if (f.kind() == FixKind.OFF) {
				if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
					throw new AsmException("Jump offset out of range: " + f.label() + " is " + delta
							+ " slots away (16-bit signed offset; use gotol)", f.line(), f.col());
				}
				this.slots.set(f.slot(), insn.withOff(delta));
			}
			else {
				this.slots.set(f.slot(), insn.withImm(delta));
			}
		}
	}

	// ---------------------------------------------------------------- statements

	private void statement() throws AsmException {
		Tok first = peek();
		if (first.kind() == OP) {
			if (first.text().equals("*")) {
				kernelStore();
				return;
			}
			throw error(first.col(), "Invalid mnemonic: " + first.text());
		}
		if (first.kind() == NUM) {
			throw error(first.col(), "Invalid mnemonic: " + first.text());
		}
		String m = first.text();
		if (isRegister(first) && peek(1) != null && peek(1).kind() == OP) {
			kernelAssign();
			return;
		}
		switch (m) {
			case ".insn" -> {
				this.p++;
				Num n = num();
				if (n.neg()) {
					throw error(n.tok().col(), "Invalid raw slot: " + n.text() + " (expected 0x<16 hex digits>)");
				}
				this.slots.add(Insn.decode(n.mag()));
				expectEnd();
			}
			case "exit" -> {
				this.p++;
				expectEnd();
				if (this.firstExit < 0) {
					this.firstExit = this.slots.size();
				}
				emit(Opcodes.EXIT, 0, 0, 0, 0);
			}
			case "call" -> {
				this.p++;
				call();
			}
			case "callx" -> {
				this.p++;
				Reg r = reg();
				expectEnd();
				emit(Opcodes.CALL | Opcodes.SRC_X, r.num(), 0, 0, 0);
			}
			case "goto", "gotol", "may_goto" -> {
				this.p++;
				jumpAlways(m);
			}
			case "gotox" -> {
				this.p++;
				int r = addrReg();
				expectEnd();
				emit(Opcodes.CLASS_JMP | Opcodes.JMP_JA | Opcodes.SRC_X, r, 0, 0, 0);
			}
			case "if" -> {
				this.p++;
				kernelIf();
			}
			case "lock" -> {
				this.p++;
				if (isOp(peek(), "*")) {
					kernelLock();
				}
				else {
					ubpfLock();
				}
			}
			case "store_release" -> {
				this.p++;
				storeRelease();
			}
			case "ld_pseudo" -> {
				this.p++;
				ldPseudo();
			}
			default -> {
				if (isRegister(first)) {
					throw error(col(peek(1)), "Expected an assignment operator but found " + describe(peek(1)));
				}
				this.p++;
				ubpf(first);
			}
		}
	}

	// ---------------------------------------------------------------- call / jumps

	private void call() throws AsmException {
		Tok t = peek();
		if (t == null) {
			throw error(col(null), "Invalid number of operands for mnemonic: call");
		}
		int slot = this.slots.size();
		if (isRegister(t)) {
			Reg r = reg();
			expectEnd();
			emit(Opcodes.CALL | Opcodes.SRC_X, r.num(), 0, 0, 0);
			return;
		}
		if (isIdent(t, "local")) {
			this.p++;
			int imm = target(FixKind.IMM);
			expectEnd();
			emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_LOCAL, 0, imm);
			return;
		}
		if (isIdent(t, "runtime")) {
			this.p++;
			int imm = imm32(num());
			expectEnd();
			emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_KFUNC, 0, imm);
			return;
		}
		if (isIdent(t, "kernel") && isOp(peek(1), "-") && isIdent(peek(2), "function")) {
			this.p += 3;
			expect("#");
			int imm = imm32(num());
			expectEnd();
			emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_KFUNC, 0, imm);
			return;
		}
		if (isIdent(t, "pc") && (isOp(peek(1), "+") || isOp(peek(1), "-"))) {
			this.p++;
			int imm = imm32(num());
			expectEnd();
			emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_LOCAL, 0, imm);
			return;
		}
		if (isIdent(t, "helper")) {
			this.p++;
			if (atIdent()) {
				Reg r = reg();
				expectEnd();
				emit(Opcodes.CALL | Opcodes.SRC_X, r.num(), 0, 0, 0);
				return;
			}
			t = peek();
		}
		if (atNumber()) {
			int imm = imm32(num());
			expectEnd();
			emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_HELPER, 0, imm);
			return;
		}
		if (t != null && t.kind() == IDENT) {
			this.p++;
			if (accept("#")) {
				// kernel log: call bpf_map_lookup_elem#1, call unknown#300
				int imm = imm32(num());
				expectEnd();
				emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_HELPER, 0, imm);
				return;
			}
			expectEnd();
			this.fixups.add(new Fixup(slot, FixKind.CALL_NAME, t.text(), this.lineNo, t.col()));
			emit(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_HELPER, 0, 0);
			return;
		}
		throw error(col(t), "Expected a helper id, helper name or label but found " + describe(t));
	}

	private void jumpAlways(String m) throws AsmException {
		switch (m) {
			case "goto" -> {
				int off = target(FixKind.OFF);
				expectEnd();
				emit(Opcodes.CLASS_JMP | Opcodes.JMP_JA, 0, 0, off, 0);
			}
			case "gotol" -> {
				int imm = target(FixKind.IMM);
				expectEnd();
				emit(Opcodes.CLASS_JMP32 | Opcodes.JMP_JA, 0, 0, 0, imm);
			}
			default -> {
				int off = target(FixKind.OFF);
				expectEnd();
				emit(Opcodes.CLASS_JMP | JMP_JCOND, 0, 0, off, 0);
			}
		}
	}

	private void kernelIf() throws AsmException {
		Reg d = reg();
		Tok opTok = peek();
		Integer code = (opTok != null && opTok.kind() == OP) ? JMP_CONDS.get(opTok.text()) : null;
		if (code == null) {
			throw error(col(opTok), "Invalid condition: " + describe(opTok));
		}
		this.p++;
		int cls = d.wide32() ? Opcodes.CLASS_JMP32 : Opcodes.CLASS_JMP;
		int src = 0;
		int imm = 0;
		int source = Opcodes.SRC_K;
		if (atIdent()) {
			Reg s = reg();
			sameWidth(d, s);
			src = s.num();
			source = Opcodes.SRC_X;
		}
		else {
			imm = imm32(num());
		}
		expectIdent("goto");
		int off = target(FixKind.OFF);
		expectEnd();
		emit(cls | code | source, d.num(), src, off, imm);
	}

	private void sameWidth(Reg d, Reg s) throws AsmException {
		if (d.wide32() != s.wide32()) {
			throw error(s.tok().col(), "Invalid register: " + s.tok().text()
					+ " (mixes 32-bit and 64-bit registers with " + d.tok().text() + ")");
		}
	}

	// ---------------------------------------------------------------- kernel syntax

	private void kernelAssign() throws AsmException {
		Reg d = reg();
		Tok op = peek();
		this.p++;
		int cls = d.wide32() ? Opcodes.CLASS_ALU : Opcodes.CLASS_ALU64;
		if (op.text().equals("=")) {
			assignRhs(d, cls);
			return;
		}
		Integer code = ALU_ASSIGN.get(op.text());
		if (code == null) {
			throw error(op.col(), "Invalid operator: " + op.text());
		}
		int off = op.text().startsWith("s/") || op.text().startsWith("s%") ? 1 : 0;
		if (atIdent()) {
			Reg s = reg();
			sameWidth(d, s);
			expectEnd();
			emit(cls | code | Opcodes.SRC_X, d.num(), s.num(), off, 0);
		}
		else {
			int imm = imm32(num());
			expectEnd();
			emit(cls | code | Opcodes.SRC_K, d.num(), 0, off, imm);
		}
	}

	private void assignRhs(Reg d, int cls) throws AsmException {
		Tok t = peek();
		if (t == null) {
			throw error(col(null), "Expected a value but found end of line");
		}
		if (isOp(t, "*")) {
			this.p++;
			kernelLoad(d);
			return;
		}
		if (isOp(t, "-") && isRegister(peek(1))) {
			this.p++;
			Reg s = reg();
			if (s.num() != d.num() || s.wide32() != d.wide32()) {
				throw error(s.tok().col(), "Invalid register: " + s.tok().text() + " (negation is " + d.tok().text()
						+ " = -" + d.tok().text() + ")");
			}
			expectEnd();
			emit(cls | Opcodes.ALU_NEG, d.num(), 0, 0, 0);
			return;
		}
		if (isOp(t, "(")) {
			movsx(d, cls);
			return;
		}
		if (atNumber()) {
			Num n = num();
			if (acceptIdent("ll") || this.opcodeHint == Opcodes.LDDW) {
				if (d.wide32()) {
					throw error(d.tok().col(),
							"Invalid register: " + d.tok().text() + " (lddw loads a 64-bit register)");
				}
				long v = imm64(n);
				expectEnd();
				emitLddw(d.num(), Opcodes.PSEUDO_IMM64, v);
				return;
			}
			int imm = imm32(n);
			expectEnd();
			emit(cls | Opcodes.ALU_MOV | Opcodes.SRC_K, d.num(), 0, 0, imm);
			return;
		}
		if (t.kind() != IDENT) {
			throw error(t.col(), "Unexpected " + describe(t));
		}
		if (isRegister(t) || regNum(t.text()) == -2) {
			Reg s = reg();
			sameWidth(d, s);
			expectEnd();
			emit(cls | Opcodes.ALU_MOV | Opcodes.SRC_X, d.num(), s.num(), 0, 0);
			return;
		}
		String f = t.text();
		switch (f) {
			case "be16", "be32", "be64", "le16", "le32", "le64", "bswap16", "bswap32", "bswap64" -> {
				this.p++;
				Reg s = reg();
				if (s.num() != d.num()) {
					throw error(s.tok().col(), "Invalid register: " + s.tok().text() + " (byte swaps are "
							+ d.tok().text() + " = " + f + " " + d.tok().text() + ")");
				}
				expectEnd();
				int bits = Integer.parseInt(f.substring(f.length() - 2));
				int opcode = f.startsWith("bswap") ? Opcodes.CLASS_ALU64 | Opcodes.ALU_END
						: Opcodes.CLASS_ALU | Opcodes.ALU_END | (f.startsWith("be") ? Opcodes.SRC_X : Opcodes.SRC_K);
				emit(opcode, d.num(), 0, 0, bits);
			}
			case "map" -> {
				this.p++;
				lddwMap(d);
			}
			case "addr_space_cast" -> {
				this.p++;
				expect("(");
				Reg s = reg();
				expect(",");
				int dstAs = u16(num());
				expect(",");
				int srcAs = u16(num());
				expect(")");
				expectEnd();
				emit(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X, d.num(), s.num(), ADDR_SPACE_CAST,
						(dstAs << 16) | srcAs);
			}
			case "load_acquire" -> {
				this.p++;
				expect("(");
				int size = unsignedSize(sizeCast(), t);
				Mem m = parenMem();
				expect(")");
				expectEnd();
				emit(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, d.num(), m.base(), m.off(), ATOMIC_LOAD_ACQ);
			}
			default -> atomicCall(d, t);
		}
	}

	private int u16(Num n) throws AsmException {
		if (n.neg() || Long.compareUnsigned(n.mag(), 0xffff) > 0) {
			throw error(n.tok().col(), "Immediate out of range: " + n.text() + " (address space is 0..65535)");
		}
		return (int) n.mag();
	}

	private void movsx(Reg d, int cls) throws AsmException {
		expect("(");
		Tok t = peek();
		int bits = (t == null) ? -1 : switch (t.text()) {
			case "s8" -> 8;
			case "s16" -> 16;
			case "s32" -> 32;
			default -> -1;
		};
		if (bits < 0 || (d.wide32() && bits == 32)) {
			throw error(col(t), "Invalid sign extension: " + describe(t)
					+ (d.wide32() ? " (w registers take s8 or s16)" : " (expected s8, s16 or s32)"));
		}
		this.p++;
		expect(")");
		Reg s = reg();
		sameWidth(d, s);
		expectEnd();
		emit(cls | Opcodes.ALU_MOV | Opcodes.SRC_X, d.num(), s.num(), bits, 0);
	}

	/** After {@code rD = *}: {@code (u32 *)(rS + off)} or {@code (u8 *)skb[...]}. */
	private void kernelLoad(Reg d) throws AsmException {
		Tok at = peek();
		int size = sizeCast();
		if (acceptIdent("skb")) {
			if ((size & 0x100) != 0 || size == Opcodes.SIZE_DW) {
				throw error(at.col(), "Invalid size: packet loads take u8, u16 or u32");
			}
			if (d.num() != 0) {
				throw error(d.tok().col(), "Invalid register: " + d.tok().text() + " (packet loads write r0)");
			}
			expect("[");
			if (atIdent()) {
				int s = addrReg();
				int imm = 0;
				if (isOp(peek(), "+") || isOp(peek(), "-")) {
					imm = imm32(num());
				}
				expect("]");
				expectEnd();
				emit(Opcodes.CLASS_LD | Opcodes.MODE_IND | size, 0, s, 0, imm);
			}
			else {
				int imm = imm32(num());
				expect("]");
				expectEnd();
				emit(Opcodes.CLASS_LD | Opcodes.MODE_ABS | size, 0, 0, 0, imm);
			}
			return;
		}
		Mem m = parenMem();
		expectEnd();
		boolean sx = (size & 0x100) != 0;
		emit(Opcodes.CLASS_LDX | (sx ? Opcodes.MODE_MEMSX : Opcodes.MODE_MEM) | (size & 0x18), d.num(), m.base(),
				m.off(), 0);
	}

	private void kernelStore() throws AsmException {
		Tok star = expect("*");
		int size = unsignedSize(sizeCast(), star);
		Mem m = parenMem();
		expect("=");
		if (atIdent()) {
			Reg s = reg();
			expectEnd();
			emit(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, m.base(), s.num(), m.off(), 0);
		}
		else {
			int imm = imm32(num());
			expectEnd();
			emit(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, m.base(), 0, m.off(), imm);
		}
	}

	/** {@code lock *(u64 *)(rD + off) += rS}. */
	private void kernelLock() throws AsmException {
		Tok star = expect("*");
		int size = atomicSize(unsignedSize(sizeCast(), star), star);
		Mem m = parenMem();
		Tok op = peek();
		Integer imm = (op != null && op.kind() == OP) ? ATOMIC_ASSIGN.get(op.text()) : null;
		if (imm == null) {
			throw error(col(op), "Invalid atomic operator: " + describe(op) + " (expected +=, |=, &= or ^=)");
		}
		this.p++;
		Reg s = reg();
		expectEnd();
		emit(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, m.base(), s.num(), m.off(), imm);
	}

	/**
	 * {@code rS = atomic_fetch_add((u64 *)(rD + off), rS)}, the kernel's
	 * {@code atomic64_fetch_add}, {@code atomic[64]_xchg}, {@code atomic[64]_cmpxchg},
	 * and LLVM's {@code xchg_64(rD + off, rS)}, {@code xchg32_32},
	 * {@code cmpxchg_64(rD + off, r0, rS)}, {@code cmpxchg32_32}.
	 */
	private void atomicCall(Reg d, Tok fn) throws AsmException {
		String f = fn.text();
		int size;
		int imm;
		boolean cmpxchg;
		Mem m;
		if (f.equals("xchg_64") || f.equals("xchg32_32") || f.equals("cmpxchg_64") || f.equals("cmpxchg32_32")) {
			this.p++;
			size = f.endsWith("_64") ? Opcodes.SIZE_DW : Opcodes.SIZE_W;
			cmpxchg = f.startsWith("cmp");
			imm = cmpxchg ? Opcodes.ATOMIC_CMPXCHG : Opcodes.ATOMIC_XCHG;
			expect("(");
			m = bareMem();
		}
		else {
			String g = f.startsWith("atomic64_") ? f.substring(9) : f.startsWith("atomic_") ? f.substring(7) : null;
			Integer op = null;
			if (g != null) {
				op = switch (g) {
					case "fetch_add" -> Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH;
					case "fetch_or" -> Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH;
					case "fetch_and" -> Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH;
					case "fetch_xor" -> Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH;
					case "xchg" -> Opcodes.ATOMIC_XCHG;
					case "cmpxchg" -> Opcodes.ATOMIC_CMPXCHG;
					default -> null;
				};
			}
			if (op == null) {
				throw error(fn.col(), "Unexpected '" + f + "'");
			}
			this.p++;
			imm = op;
			cmpxchg = op == Opcodes.ATOMIC_CMPXCHG;
			expect("(");
			Tok at = peek();
			size = atomicSize(unsignedSize(sizeCast(), at), at);
			m = parenMem();
		}
		expect(",");
		if (cmpxchg) {
			Reg r0 = reg();
			if (r0.num() != 0 || d.num() != 0) {
				throw error((d.num() != 0) ? d.tok().col() : r0.tok().col(),
						"Invalid register: cmpxchg compares with and returns in r0");
			}
			expect(",");
		}
		Reg s = reg();
		expect(")");
		expectEnd();
		if (!cmpxchg && s.num() != d.num()) {
			throw error(s.tok().col(), "Invalid register: " + s.tok().text()
					+ " (the fetched value goes to the source, " + d.tok().text() + ")");
		}
		emit(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, m.base(), s.num(), m.off(), imm);
	}

	/** {@code store_release((u64 *)(rD + off), rS)}. */
	private void storeRelease() throws AsmException {
		expect("(");
		Tok at = peek();
		int size = unsignedSize(sizeCast(), at);
		Mem m = parenMem();
		expect(",");
		Reg s = reg();
		expect(")");
		expectEnd();
		emit(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, m.base(), s.num(), m.off(), ATOMIC_STORE_REL);
	}

	/** LLVM's {@code ld_pseudo rD, SRC, IMM64}: lddw with any pseudo source. */
	private void ldPseudo() throws AsmException {
		Reg d = reg();
		expect(",");
		Num src = num();
		if (src.neg() || src.mag() > 15) {
			throw error(src.tok().col(), "Invalid pseudo source: " + src.text() + " (0..15)");
		}
		expect(",");
		long imm = imm64(num());
		expectEnd();
		emitLddw(d.num(), (int) src.mag(), imm);
	}

	/**
	 * After {@code map}: {@code [idx:N]}, {@code [fd:N]}, {@code [id:N]} or
	 * {@code [name]}, optionally {@code [0]+off}, optionally {@code ll}.
	 */
	private void lddwMap(Reg d) throws AsmException {
		if (d.wide32()) {
			throw error(d.tok().col(), "Invalid register: " + d.tok().text() + " (lddw loads a 64-bit register)");
		}
		expect("[");
		Tok k = peek();
		if (k == null || k.kind() != IDENT) {
			throw error(col(k), "Expected a map reference (idx:N, fd:N or a name) but found " + describe(k));
		}
		this.p++;
		int src;
		int key = 0;
		String name = null;
		if (accept(":")) {
			src = switch (k.text()) {
				case "idx" -> Opcodes.PSEUDO_MAP_IDX;
				case "fd", "id" -> Opcodes.PSEUDO_MAP_FD;
				default -> throw error(k.col(), "Invalid map reference: " + k.text() + " (expected idx, fd or id)");
			};
			key = u32(num());
		}
		else {
			name = k.text();
			src = Opcodes.PSEUDO_MAP_IDX;
		}
		expect("]");
		int off = 0;
		if (accept("[")) {
			Num zero = num();
			if (zero.mag() != 0) {
				throw error(zero.tok().col(), "Invalid map value index: " + zero.text() + " (only [0] exists)");
			}
			expect("]");
			src = (src == Opcodes.PSEUDO_MAP_IDX) ? Opcodes.PSEUDO_MAP_IDX_VALUE : Opcodes.PSEUDO_MAP_VALUE;
			if (isOp(peek(), "+") || isOp(peek(), "-")) {
				off = u32(num());
			}
		}
		acceptIdent("ll");
		expectEnd();
		if (name != null) {
			this.relocations.add(new MapRelocation(this.slots.size(), name, off & 0xffffffffL));
		}
		emitLddw(d.num(), src, (key & 0xffffffffL) | ((long) off << 32));
	}

	// ---------------------------------------------------------------- uBPF syntax

	/** Splits the remaining tokens at top-level commas into [from, to) ranges. */
	private List<int[]> operands() {
		List<int[]> out = new ArrayList<>();
		int start = this.p;
		int depth = 0;
		for (int i = this.p; i < this.toks.size(); i++) {
			Tok t = this.toks.get(i);
			if (t.kind() == OP && (t.text().equals("[") || t.text().equals("("))) {
				depth++;
			}
			else if (t.kind() == OP && (t.text().equals("]") || t.text().equals(")"))) {
				depth--;
			}
			else if (depth == 0 && isOp(t, ",")) {
				out.add(new int[] { start, i });
				start = i + 1;
			}
		}
		if (start < this.toks.size() || !out.isEmpty()) {
			out.add(new int[] { start, this.toks.size() });
		}
		return out;
	}

	/**
	 * Positions the cursor on one operand; {@link #endOperand()} checks it was consumed.
	 */
	private void operand(int[] range) {
		this.p = range[0];
		this.limit = range[1];
	}

	private void endOperand() throws AsmException {
		Tok t = peek();
		if (t != null) {
			throw error(t.col(), "Unexpected " + describe(t) + " in operand");
		}
	}

	private String operandText(int[] range) {
		if (range[0] >= range[1]) {
			return "";
		}
		return this.line.substring(this.toks.get(range[0]).col() - 1, this.toks.get(range[1] - 1).end());
	}

	private int ubpfReg(int[] range) throws AsmException {
		operand(range);
		Tok t = peek();
		if (t == null || range[1] - range[0] != 1 || regNum(t.text()) < 0) {
			throw error(col(t), "Invalid register: " + operandText(range));
		}
		return reg().num();
	}

	private Mem ubpfMem(int[] range) throws AsmException {
		operand(range);
		if (!isOp(peek(), "[")) {
			throw error(col(peek()), "Invalid memory operand: " + operandText(range) + " (expected [%rN+offset])");
		}
		this.p++;
		int base = addrReg();
		short off = optOffset();
		expect("]");
		endOperand();
		return new Mem(base, off);
	}

	private void ubpf(Tok mn) throws AsmException {
		String m = mn.text();
		List<int[]> ops = operands();
		int n = ops.size();
		if (m.startsWith("movsx") && m.length() > 7) {
			int cls = m.endsWith("32") ? Opcodes.CLASS_ALU : m.endsWith("64") ? Opcodes.CLASS_ALU64 : -1;
			String bits = m.substring(5, m.length() - 2);
			int off = switch (bits) {
				case "8" -> 8;
				case "16" -> 16;
				case "32" -> (cls == Opcodes.CLASS_ALU64) ? 32 : -1;
				default -> -1;
			};
			if (cls < 0 || off < 0) {
				throw error(mn.col(), "Invalid mnemonic: " + m);
			}
			arity(mn, n, 2);
			int dst = ubpfReg(ops.get(0));
			int src = ubpfReg(ops.get(1));
			emit(cls | Opcodes.ALU_MOV | Opcodes.SRC_X, dst, src, off, 0);
			return;
		}
		if (m.matches("(le|be|swap|bswap)(16|32|64)")) {
			arity(mn, n, 1);
			int dst = ubpfReg(ops.get(0));
			int bits = Integer.parseInt(m.substring(m.length() - 2));
			int opcode = m.startsWith("le") ? Opcodes.CLASS_ALU | Opcodes.ALU_END | Opcodes.SRC_K : m.startsWith("be")
					? Opcodes.CLASS_ALU | Opcodes.ALU_END | Opcodes.SRC_X : Opcodes.CLASS_ALU64 | Opcodes.ALU_END;
			emit(opcode, dst, 0, 0, bits);
			return;
		}
		String base = m;
		int cls = Opcodes.CLASS_ALU64;
		if (m.endsWith("32")) {
			base = m.substring(0, m.length() - 2);
			cls = Opcodes.CLASS_ALU;
		}
		else if (m.endsWith("64")) {
			base = m.substring(0, m.length() - 2);
		}
		if (base.equals("neg")) {
			arity(mn, n, 1);
			emit(cls | Opcodes.ALU_NEG, ubpfReg(ops.get(0)), 0, 0, 0);
			return;
		}
		Integer alu = ALU_OPS.get(base);
		if (alu != null) {
			arity(mn, n, 2);
			int dst = ubpfReg(ops.get(0));
			int off = (base.equals("sdiv") || base.equals("smod")) ? 1 : 0;
			operand(ops.get(1));
			if (atIdent()) {
				int src = ubpfReg(ops.get(1));
				emit(cls | alu | Opcodes.SRC_X, dst, src, off, 0);
			}
			else {
				int imm = imm32(num());
				endOperand();
				emit(cls | alu | Opcodes.SRC_K, dst, 0, off, imm);
			}
			return;
		}
		int jcls = m.endsWith("32") ? Opcodes.CLASS_JMP32 : Opcodes.CLASS_JMP;
		String jbase = m.endsWith("32") ? m.substring(0, m.length() - 2) : m;
		Integer jmp = JMP_OPS.get(jbase);
		if (jmp != null) {
			arity(mn, n, 3);
			int dst = ubpfReg(ops.get(0));
			operand(ops.get(1));
			int src = 0;
			int imm = 0;
			int source = Opcodes.SRC_K;
			if (atIdent()) {
				src = ubpfReg(ops.get(1));
				source = Opcodes.SRC_X;
			}
			else {
				imm = imm32(num());
				endOperand();
			}
			operand(ops.get(2));
			int off = target(FixKind.OFF);
			endOperand();
			emit(jcls | jmp | source, dst, src, off, imm);
			return;
		}
		switch (m) {
			case "ja", "ja32" -> {
				arity(mn, n, 1);
				operand(ops.get(0));
				if (m.equals("ja")) {
					int off = target(FixKind.OFF);
					endOperand();
					emit(Opcodes.CLASS_JMP | Opcodes.JMP_JA, 0, 0, off, 0);
				}
				else {
					int imm = target(FixKind.IMM);
					endOperand();
					emit(Opcodes.CLASS_JMP32 | Opcodes.JMP_JA, 0, 0, 0, imm);
				}
				return;
			}
			case "lddw" -> {
				arity(mn, n, 2);
				int dst = ubpfReg(ops.get(0));
				operand(ops.get(1));
				Tok t = peek();
				if (isIdent(t, "map")) {
					this.p++;
					lddwMap(new Reg(dst, false, t));
					return;
				}
				long v = imm64(num());
				endOperand();
				emitLddw(dst, Opcodes.PSEUDO_IMM64, v);
				return;
			}
			default -> {
			}
		}
		for (String stem : MEMORY_STEMS) {
			int size = m.startsWith(stem) ? sizeSuffix(m.substring(stem.length())) : -1;
			if (size < 0) {
				continue;
			}
			switch (stem) {
				case "ldx", "ldxs" -> {
					if (stem.equals("ldxs") && size == Opcodes.SIZE_DW) {
						break;
					}
					arity(mn, n, 2);
					int dst = ubpfReg(ops.get(0));
					Mem mem = ubpfMem(ops.get(1));
					int mode = stem.equals("ldxs") ? Opcodes.MODE_MEMSX : Opcodes.MODE_MEM;
					emit(Opcodes.CLASS_LDX | mode | size, dst, mem.base(), mem.off(), 0);
					return;
				}
				case "st" -> {
					arity(mn, n, 2);
					Mem mem = ubpfMem(ops.get(0));
					operand(ops.get(1));
					int imm = imm32(num());
					endOperand();
					emit(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, mem.base(), 0, mem.off(), imm);
					return;
				}
				case "stx" -> {
					arity(mn, n, 2);
					Mem mem = ubpfMem(ops.get(0));
					int src = ubpfReg(ops.get(1));
					emit(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, mem.base(), src, mem.off(), 0);
					return;
				}
				case "ldabs" -> {
					if (size == Opcodes.SIZE_DW) {
						break;
					}
					arity(mn, n, 1);
					operand(ops.get(0));
					int imm = imm32(num());
					endOperand();
					emit(Opcodes.CLASS_LD | Opcodes.MODE_ABS | size, 0, 0, 0, imm);
					return;
				}
				case "ldind" -> {
					if (size == Opcodes.SIZE_DW) {
						break;
					}
					arity(mn, n, 2);
					int src = ubpfReg(ops.get(0));
					operand(ops.get(1));
					int imm = imm32(num());
					endOperand();
					emit(Opcodes.CLASS_LD | Opcodes.MODE_IND | size, 0, src, 0, imm);
					return;
				}
				default -> {
				}
			}
		}
		throw error(mn.col(), "Invalid mnemonic: " + m);
	}

	private static final String[] MEMORY_STEMS = { "ldxs", "ldx", "stx", "st", "ldabs", "ldind" };

	private static int sizeSuffix(String suffix) {
		return switch (suffix) {
			case "dw" -> Opcodes.SIZE_DW;
			case "w" -> Opcodes.SIZE_W;
			case "h" -> Opcodes.SIZE_H;
			case "b" -> Opcodes.SIZE_B;
			default -> -1;
		};
	}

	private void arity(Tok mn, int actual, int expected) throws AsmException {
		if (actual != expected) {
			throw error(mn.col(), "Invalid number of operands for mnemonic: " + mn.text());
		}
	}

	/** {@code lock [fetch] <op>[32] [%rD+off], %rS} of the conformance suite. */
	private void ubpfLock() throws AsmException {
		Tok lock = this.toks.get(this.p - 1);
		boolean fetch = acceptIdent("fetch");
		Tok opTok = peek();
		if (opTok == null) {
			throw error(lock.col(), "Invalid number of operands for lock");
		}
		if (opTok.kind() != IDENT) {
			throw error(opTok.col(), "Invalid mnemonic: lock " + opTok.text());
		}
		this.p++;
		String op = opTok.text();
		boolean w = op.endsWith("32");
		Integer imm = ATOMIC_OPS.get(w ? op.substring(0, op.length() - 2) : op);
		if (imm == null) {
			throw error(opTok.col(), "Invalid mnemonic: lock " + op);
		}
		List<int[]> ops = operands();
		if (ops.size() != 2) {
			throw error(lock.col(), "Invalid number of operands for lock");
		}
		Mem mem = ubpfMem(ops.get(0));
		int src = ubpfReg(ops.get(1));
		int v = fetch ? (imm | Opcodes.ATOMIC_FETCH) : imm;
		emit(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | (w ? Opcodes.SIZE_W : Opcodes.SIZE_DW), mem.base(), src,
				mem.off(), v);
	}

	// ---------------------------------------------------------------- chars

	private static boolean isBlank(char c) {
		return c == ' ' || c == '\t' || c == '\f' || c == '\u000b';
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static boolean isHex(char c) {
		return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

	private static boolean isIdentStart(char c) {
		return Character.isLetter(c) || c == '_' || c == '.' || c == '$';
	}

	private static boolean isIdentPart(int c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
	}

	private static int skipBlanks(String s, int i, int end) {
		while (i < end && isBlank(s.charAt(i))) {
			i++;
		}
		return i;
	}

}
