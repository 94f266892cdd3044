package dev.bpfnet.bpf.verifier;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;

/**
 * Phase A: the structural checks the kernel makes before any path is explored, in the
 * kernel's order — {@code add_subprog_and_kfunc()}, {@code check_subprogs()},
 * {@code resolve_pseudo_ldimm64()} and {@code check_cfg()} of
 * {@code kernel/bpf/verifier.c} — plus the facts Phase B needs: subprogram boundaries,
 * prune points, and a static register liveness used to ignore dead registers when
 * comparing states.
 */
final class Cfg {

	/** Start of each subprogram, ascending, with the program length as a sentinel. */
	final int[] subprogStarts;

	/** Per instruction: states are compared and remembered here. */
	final boolean[] prunePoint;

	/** Per instruction: bit r set when register r may be read before written. */
	final int[] liveIn;

	/** Per instruction: the subprogram containing it. */
	final int[] subprogOf;

	private Cfg(int[] subprogStarts, boolean[] prunePoint, int[] liveIn, int[] subprogOf) {
		this.subprogStarts = subprogStarts;
		this.prunePoint = prunePoint;
		this.liveIn = liveIn;
		this.subprogOf = subprogOf;
	}

	int subprogCount() {
		return this.subprogStarts.length - 1;
	}

	/** BPF_MAX_VAR_OFF. */
	static final int MAX_VAR_OFF = 1 << 29;

	/** Opcode validity: {@code bpf_opcode_in_insntable()} of kernel/bpf/core.c. */
	private static final boolean[] INSN_TABLE = new boolean[256];

	static {
		int[] aluOps = { Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_AND, Opcodes.ALU_OR, Opcodes.ALU_LSH,
				Opcodes.ALU_RSH, Opcodes.ALU_XOR, Opcodes.ALU_MUL, Opcodes.ALU_MOV, Opcodes.ALU_ARSH, Opcodes.ALU_DIV,
				Opcodes.ALU_MOD };
		for (int cls : new int[] { Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 }) {
			for (int op : aluOps) {
				INSN_TABLE[cls | op | Opcodes.SRC_X] = true;
				INSN_TABLE[cls | op | Opcodes.SRC_K] = true;
			}
			INSN_TABLE[cls | Opcodes.ALU_NEG] = true;
			INSN_TABLE[cls | Opcodes.ALU_END] = true;
		}
		INSN_TABLE[Opcodes.CLASS_ALU | Opcodes.ALU_END | Opcodes.SRC_X] = true;
		int[] jmpOps = { Opcodes.JMP_JEQ, Opcodes.JMP_JNE, Opcodes.JMP_JGT, Opcodes.JMP_JLT, Opcodes.JMP_JGE,
				Opcodes.JMP_JLE, Opcodes.JMP_JSGT, Opcodes.JMP_JSLT, Opcodes.JMP_JSGE, Opcodes.JMP_JSLE,
				Opcodes.JMP_JSET };
		for (int cls : new int[] { Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 }) {
			for (int op : jmpOps) {
				INSN_TABLE[cls | op | Opcodes.SRC_X] = true;
				INSN_TABLE[cls | op | Opcodes.SRC_K] = true;
			}
			INSN_TABLE[cls | Opcodes.JMP_JA] = true;
		}
		INSN_TABLE[Opcodes.CALL] = true;
		INSN_TABLE[Opcodes.EXIT] = true;
		for (int size : new int[] { Opcodes.SIZE_B, Opcodes.SIZE_H, Opcodes.SIZE_W, Opcodes.SIZE_DW }) {
			INSN_TABLE[Opcodes.CLASS_STX | Opcodes.MODE_MEM | size] = true;
			INSN_TABLE[Opcodes.CLASS_ST | Opcodes.MODE_MEM | size] = true;
			INSN_TABLE[Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size] = true;
		}
		for (int size : new int[] { Opcodes.SIZE_B, Opcodes.SIZE_H, Opcodes.SIZE_W }) {
			INSN_TABLE[Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | size] = true;
			INSN_TABLE[Opcodes.CLASS_LD | Opcodes.MODE_ABS | size] = true;
			INSN_TABLE[Opcodes.CLASS_LD | Opcodes.MODE_IND | size] = true;
		}
		INSN_TABLE[Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_W] = true;
		INSN_TABLE[Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | Opcodes.SIZE_DW] = true;
		INSN_TABLE[Opcodes.LDDW] = true;
	}

	/** Whether {@code opcode} is a valid eBPF opcode. */
	static boolean validOpcode(int opcode) {
		return INSN_TABLE[opcode & 0xff];
	}

	static Cfg check(Insn[] insns, List<MapSpec> maps) {
		int n = insns.length;
		int[] starts = addSubprogs(insns);
		checkSubprogs(insns, starts);
		resolveLdImm64(insns, maps);
		boolean[] prune = new boolean[n];
		checkCfg(insns, prune);
		int[] subprogOf = new int[n];
		for (int s = 0; s + 1 < starts.length; s++) {
			Arrays.fill(subprogOf, starts[s], starts[s + 1], s);
		}
		for (int s = 0; s + 1 < starts.length; s++) {
			prune[starts[s]] = true;
		}
		return new Cfg(starts, prune, liveness(insns), subprogOf);
	}

	private static boolean isPseudoCall(Insn insn) {
		return insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.PSEUDO_CALL_LOCAL;
	}

	private static boolean isPseudoFunc(Insn insn) {
		return insn.opcode() == Opcodes.LDDW && insn.src() == Opcodes.PSEUDO_FUNC;
	}

	/** {@code add_subprog_and_kfunc()}. */
	private static int[] addSubprogs(Insn[] insns) {
		TreeSet<Integer> starts = new TreeSet<>();
		starts.add(0);
		for (int i = 0; i < insns.length; i++) {
			Insn insn = insns[i];
			if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.PSEUDO_CALL_KFUNC) {
				throw new VerifyException(VerifyException.ENOTSUPP, i, "JIT does not support calling kernel function");
			}
			if (!isPseudoCall(insn) && !isPseudoFunc(insn)) {
				continue;
			}
			long target = (long) i + insn.imm() + 1;
			if (target < 0 || target >= insns.length) {
				throw new VerifyException(VerifyException.EINVAL, i, "call to invalid destination");
			}
			starts.add((int) target);
		}
		int[] out = new int[starts.size() + 1];
		int k = 0;
		for (int s : starts) {
			out[k++] = s;
		}
		out[k] = insns.length;
		return out;
	}

	/**
	 * {@code check_subprogs()}: jumps stay inside their subprogram, which ends in
	 * exit/ja.
	 */
	private static void checkSubprogs(Insn[] insns, int[] starts) {
		int cur = 0;
		int start = starts[0];
		int end = starts[1];
		for (int i = 0; i < insns.length; i++) {
			Insn insn = insns[i];
			int code = insn.opcode();
			int cls = code & 7;
			int op = code & 0xf0;
			if ((cls == Opcodes.CLASS_JMP || cls == Opcodes.CLASS_JMP32) && op != Opcodes.JMP_EXIT
					&& op != Opcodes.JMP_CALL) {
				long target = (code == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA)) ? (long) i + insn.imm() + 1
						: (long) i + insn.off() + 1;
				if (target < start || target >= end) {
					throw new VerifyException(VerifyException.EINVAL, i,
							"jump out of range from insn " + i + " to " + target);
				}
			}
			if (i == end - 1) {
				if (code != Opcodes.EXIT && code != (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA)
						&& code != (Opcodes.CLASS_JMP | Opcodes.JMP_JA)) {
					throw new VerifyException(VerifyException.EINVAL, i, "last insn is not an exit or jmp");
				}
				cur++;
				if (cur + 1 < starts.length) {
					start = end;
					end = starts[cur + 1];
				}
			}
		}
	}

	/**
	 * {@code resolve_pseudo_ldimm64()}: lddw pairing, map references, opcode validity.
	 */
	private static void resolveLdImm64(Insn[] insns, List<MapSpec> maps) {
		for (int i = 0; i < insns.length; i++) {
			Insn insn = insns[i];
			int code = insn.opcode();
			if ((code & 7) == Opcodes.CLASS_LDX
					&& (((code & 0xe0) != Opcodes.MODE_MEM && (code & 0xe0) != Opcodes.MODE_MEMSX)
							|| insn.imm() != 0)) {
				throw new VerifyException(VerifyException.EINVAL, i, "BPF_LDX uses reserved fields");
			}
			if (code == Opcodes.LDDW) {
				if (i == insns.length - 1 || insns[i + 1].opcode() != 0 || insns[i + 1].dst() != 0
						|| insns[i + 1].src() != 0 || insns[i + 1].off() != 0) {
					throw new VerifyException(VerifyException.EINVAL, i, "invalid bpf_ld_imm64 insn");
				}
				int src = insn.src();
				if (src == Opcodes.PSEUDO_IMM64 || src == Opcodes.PSEUDO_FUNC) {
					i++;
					continue;
				}
				switch (src) {
					case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE -> {
					}
					case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX -> {
						if (insns[i + 1].imm() != 0) {
							throw new VerifyException(VerifyException.EINVAL, i, "unrecognized bpf_ld_imm64 insn");
						}
					}
					default -> throw new VerifyException(VerifyException.EINVAL, i, "unrecognized bpf_ld_imm64 insn");
				}
				int idx = insn.imm();
				if (idx < 0 || idx >= maps.size()) {
					throw new VerifyException(VerifyException.EBADF, i,
							"fd " + idx + " is not pointing to valid bpf_map");
				}
				if (src == Opcodes.PSEUDO_MAP_VALUE || src == Opcodes.PSEUDO_MAP_IDX_VALUE) {
					MapSpec map = maps.get(idx);
					long off = insns[i + 1].imm() & 0xffffffffL;
					if (off >= MAX_VAR_OFF) {
						throw new VerifyException(VerifyException.EINVAL, i,
								"direct value offset of " + off + " is not allowed");
					}
					if (map.type() != MapType.ARRAY) {
						throw new VerifyException(VerifyException.EINVAL, i,
								"no direct value access support for this map type");
					}
					if (map.maxEntries() != 1 || off >= map.valueSize()) {
						throw new VerifyException(VerifyException.EINVAL, i,
								"invalid access to map value pointer, value_size=" + map.valueSize() + " off=" + off);
					}
				}
				i++;
				continue;
			}
			if (!validOpcode(code)) {
				throw new VerifyException(VerifyException.EINVAL, i, String.format("unknown opcode %02x", code));
			}
		}
	}

	/**
	 * {@code check_cfg()}: depth-first walk from insn 0 (following calls into their
	 * subprograms); every instruction must be reached and no jump may land on the second
	 * half of an lddw. Back-edges are allowed (privileged loader).
	 */
	private static void checkCfg(Insn[] insns, boolean[] prune) {
		int n = insns.length;
		boolean[] seen = new boolean[n];
		int[] stack = new int[n + 1];
		int sp = 0;
		stack[sp++] = 0;
		seen[0] = true;
		while (sp > 0) {
			int t = stack[--sp];
			Insn insn = insns[t];
			int code = insn.opcode();
			int cls = code & 7;
			int op = code & 0xf0;
			int[] succ;
			if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
				if (isPseudoFunc(insn)) {
					succ = new int[] { t + 2, t + insn.imm() + 1 };
					prune[t] = true;
				}
				else {
					succ = new int[] { t + ((code == Opcodes.LDDW) ? 2 : 1) };
				}
			}
			else if (op == Opcodes.JMP_EXIT) {
				succ = new int[0];
			}
			else if (op == Opcodes.JMP_CALL) {
				if (t + 1 < n) {
					prune[t + 1] = true;
				}
				if (insn.src() == Opcodes.PSEUDO_CALL_LOCAL) {
					prune[t] = true;
					succ = new int[] { t + 1, t + insn.imm() + 1 };
				}
				else {
					succ = new int[] { t + 1 };
				}
			}
			else if (op == Opcodes.JMP_JA) {
				int target = (cls == Opcodes.CLASS_JMP32) ? t + insn.imm() + 1 : t + insn.off() + 1;
				succ = new int[] { target };
				if (target >= 0 && target < n) {
					prune[target] = true;
				}
			}
			else {
				int target = t + insn.off() + 1;
				succ = new int[] { t + 1, target };
				if (t + 1 < n) {
					prune[t + 1] = true;
				}
				if (target >= 0 && target < n) {
					prune[target] = true;
				}
			}
			for (int w : succ) {
				if (w < 0 || w >= n) {
					throw new VerifyException(VerifyException.EINVAL, t,
							"jump out of range from insn " + t + " to " + w);
				}
				if (!seen[w]) {
					seen[w] = true;
					stack[sp++] = w;
				}
			}
		}
		for (int i = 0; i < n; i++) {
			if (!seen[i]) {
				throw new VerifyException(VerifyException.EINVAL, i, "unreachable insn " + i);
			}
			if (insns[i].opcode() == Opcodes.LDDW) {
				if (seen[i + 1]) {
					throw new VerifyException(VerifyException.EINVAL, i, "jump into the middle of ldimm64 insn " + i);
				}
				i++;
			}
		}
	}

	// ------------------------------------------------------------------ liveness

	private static final int ARGS = 0b111110;

	private static final int CALLER_SAVED = 0b111111;

	/**
	 * Backward may-read analysis over registers r0..r10 ({@code liveIn[i]} bit r: some
	 * path from i reads r before writing it). Calls read r1..r5 and write r0..r5; exit
	 * reads r0. Used only to skip dead registers in state comparison, which is sound.
	 */
	static int[] liveness(Insn[] insns) {
		int n = insns.length;
		int[] use = new int[n];
		int[] def = new int[n];
		int[][] succ = new int[n][];
		for (int i = 0; i < n; i++) {
			Insn insn = insns[i];
			int code = insn.opcode();
			int cls = code & 7;
			int d = 1 << insn.dst();
			int s = 1 << insn.src();
			switch (cls) {
				case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
					int op = code & 0xf0;
					boolean x = (code & Opcodes.SRC_X) != 0;
					if (op == Opcodes.ALU_MOV) {
						use[i] = x ? s : 0;
					}
					else if (op == Opcodes.ALU_NEG || op == Opcodes.ALU_END) {
						use[i] = d;
					}
					else {
						use[i] = d | (x ? s : 0);
					}
					def[i] = d;
					succ[i] = new int[] { i + 1 };
				}
				case Opcodes.CLASS_LDX -> {
					use[i] = s;
					def[i] = d;
					succ[i] = new int[] { i + 1 };
				}
				case Opcodes.CLASS_ST -> {
					use[i] = d;
					succ[i] = new int[] { i + 1 };
				}
				case Opcodes.CLASS_STX -> {
					use[i] = d | s;
					if ((code & 0xe0) == Opcodes.MODE_ATOMIC) {
						if (insn.imm() == Opcodes.ATOMIC_CMPXCHG) {
							use[i] |= 1;
						}
						if ((insn.imm() & Opcodes.ATOMIC_FETCH) != 0) {
							// the loaded register may also be the address: keep it a use
							def[i] = 0;
						}
					}
					succ[i] = new int[] { i + 1 };
				}
				case Opcodes.CLASS_LD -> {
					if (code == Opcodes.LDDW) {
						def[i] = d;
						succ[i] = new int[] { i + 2 };
						if (i + 1 < n) {
							succ[i + 1] = new int[0];
						}
						i++;
						continue;
					}
					use[i] = (1 << 6) | (((code & 0xe0) == Opcodes.MODE_IND) ? s : 0);
					def[i] = CALLER_SAVED;
					succ[i] = new int[] { i + 1 };
				}
				default -> {
					int op = code & 0xf0;
					if (op == Opcodes.JMP_EXIT) {
						use[i] = 1;
						succ[i] = new int[0];
					}
					else if (op == Opcodes.JMP_CALL) {
						use[i] = ARGS;
						def[i] = CALLER_SAVED;
						succ[i] = new int[] { i + 1 };
					}
					else if (op == Opcodes.JMP_JA) {
						succ[i] = new int[] { (cls == Opcodes.CLASS_JMP32) ? i + insn.imm() + 1 : i + insn.off() + 1 };
					}
					else {
						use[i] = d | (((code & Opcodes.SRC_X) != 0) ? s : 0);
						succ[i] = new int[] { i + 1, i + insn.off() + 1 };
					}
				}
			}
		}
		int[] live = new int[n];
		boolean changed = true;
		while (changed) {
			changed = false;
			for (int i = n - 1; i >= 0; i--) {
				if (succ[i] == null) {
					continue;
				}
				int out = 0;
				for (int w : succ[i]) {
					if (w >= 0 && w < n) {
						out |= live[w];
					}
				}
				int in = use[i] | (out & ~def[i]);
				if (in != live[i]) {
					live[i] = in;
					changed = true;
				}
			}
		}
		return live;
	}

}
