package dev.bpfnet.bpf.interp;

import java.util.Arrays;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.TailCallTarget;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * An immutable program ready to run: the instructions pre-decoded into flat primitive
 * arrays for the interpreter's hot loop, plus the maps its {@code lddw} instructions
 * refer to (the kernel's {@code bpf_prog} after {@code resolve_pseudo_ldimm64()}).
 *
 * <p>
 * {@code lddw} with src {@link Opcodes#PSEUDO_MAP_IDX} (5) or
 * {@link Opcodes#PSEUDO_MAP_FD} (1) loads a pointer to {@code maps[imm]}; with
 * {@link Opcodes#PSEUDO_MAP_IDX_VALUE} (6) or {@link Opcodes#PSEUDO_MAP_VALUE} (2) a
 * pointer to value 0 of {@code maps[imm]} plus {@code next_imm} (global data: an array
 * map with one value); the "fd" of sources 1 and 2 is the index into {@code maps}.
 *
 * <p>
 * Decoding never throws for bad code: an instruction that cannot run (unknown opcode,
 * jump out of range, incomplete lddw, write to r10, ...) is decoded as a trap that faults
 * with the verifier's message when, and only if, it is reached. Use {@link ProgramCheck}
 * to reject such programs before running them.
 */
public final class LoadedProgram implements TailCallTarget {

	// internal opcodes, chosen among encodings that are invalid in RFC 9669 (class LD
	// with
	// mode MEM) so that they cannot collide with real instructions
	static final int OP_TRAP = 0x00;

	static final int OP_LDDW_MAP = 0x60;

	static final int OP_LDDW_MAP_VALUE = 0x68;

	static final int OP_CALL_LOCAL = 0x70;

	static final int OP_TAIL_CALL = 0x78;

	private final String name;

	private final ProgramType type;

	private final AttachType attachType;

	private final Insn[] insns;

	final BpfMap[] maps;

	/**
	 * Per slot (one more than the program: a trap that catches falling off the end):
	 * {@code opcode | dst << 8 | src << 12 | offset << 16}, with internal opcodes.
	 */
	final int[] code;

	final int[] imm;

	/** The 64-bit immediate of lddw, or the value offset of a map-value lddw. */
	final long[] imm64;

	private final String[] traps;

	public LoadedProgram(String name, ProgramType type, AttachType attachType, Insn[] insns, BpfMap[] maps) {
		if (insns == null) {
			throw new IllegalArgumentException("program '" + name + "' has no instructions");
		}
		this.name = name;
		this.type = type == null ? ProgramType.UNSPEC : type;
		this.attachType = attachType == null ? AttachType.NONE : attachType;
		this.insns = insns.clone();
		this.maps = maps == null ? new BpfMap[0] : maps.clone();
		int n = this.insns.length;
		this.code = new int[n + 1];
		this.imm = new int[n + 1];
		this.imm64 = new long[n + 1];
		this.traps = new String[n + 1];
		for (int pc = 0; pc < n; pc++) {
			Insn insn = this.insns[pc];
			if (insn == null) {
				trap(pc, "missing instruction");
				continue;
			}
			this.code[pc] = insn.opcode() | insn.dst() << 8 | insn.src() << 12 | (insn.off() << 16);
			this.imm[pc] = insn.imm();
			String why = decode(pc, insn);
			if (why != null) {
				trap(pc, why);
			}
			if (insn.isLddw() && pc + 1 < n) {
				pc++;
				trap(pc, "jump into the middle of ldimm64 insn " + (pc - 1));
			}
		}
		trap(n, "last insn is not an exit or jump");
	}

	/** A program with no maps, of type UNSPEC, named "prog" (tests, conformance). */
	public static LoadedProgram of(Insn... insns) {
		return new LoadedProgram("prog", ProgramType.UNSPEC, AttachType.NONE, insns, null);
	}

	private void trap(int pc, String why) {
		this.code[pc] = OP_TRAP;
		this.traps[pc] = why;
	}

	/** Checks what the interpreter relies on; returns the trap message or null. */
	private String decode(int pc, Insn insn) {
		int op = insn.opcode();
		int n = this.insns.length;
		if (!ProgramCheck.validOpcode(op)) {
			return String.format("unknown opcode %02x", op);
		}
		int cls = op & 0x07;
		String regs = ProgramCheck.checkRegisters(insn);
		if (regs != null) {
			return regs;
		}
		switch (cls) {
			case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
				return ProgramCheck.checkAluSemantics(insn);
			}
			case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> {
				if (op == Opcodes.EXIT || op == (Opcodes.CLASS_JMP | Opcodes.JMP_CALL | Opcodes.SRC_X)) {
					return null;
				}
				if (op == Opcodes.CALL) {
					if (insn.src() == Opcodes.PSEUDO_CALL_LOCAL) {
						long target = (long) pc + insn.imm() + 1;
						if (target < 0 || target >= n) {
							return "jump out of range from insn " + pc + " to " + target;
						}
						this.code[pc] = (this.code[pc] & ~0xff) | OP_CALL_LOCAL;
					}
					else if (insn.src() == Opcodes.PSEUDO_CALL_HELPER) {
						if (insn.imm() == HelperTable.TAIL_CALL) {
							this.code[pc] = (this.code[pc] & ~0xff) | OP_TAIL_CALL;
						}
					}
					else {
						return "unsupported call src " + insn.src() + " (kfunc calls are not supported)";
					}
					return null;
				}
				long target = (long) pc + 1 + (op == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA) ? insn.imm() : insn.off());
				if (target < 0 || target >= n) {
					return "jump out of range from insn " + pc + " to " + target;
				}
				return null;
			}
			case Opcodes.CLASS_LD -> {
				if (op != Opcodes.LDDW) {
					return null;
				}
				if (pc + 1 >= n || this.insns[pc + 1] == null || this.insns[pc + 1].opcode() != 0) {
					return "invalid bpf_ld_imm64 insn";
				}
				Insn next = this.insns[pc + 1];
				this.imm64[pc] = insn.imm64(next);
				switch (insn.src()) {
					case Opcodes.PSEUDO_IMM64 -> {
						return null;
					}
					case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX, Opcodes.PSEUDO_MAP_VALUE,
							Opcodes.PSEUDO_MAP_IDX_VALUE -> {
						if (insn.imm() < 0 || insn.imm() >= this.maps.length || this.maps[insn.imm()] == null) {
							return "fd " + insn.imm() + " is not pointing to valid bpf_map";
						}
						boolean value = insn.src() == Opcodes.PSEUDO_MAP_VALUE
								|| insn.src() == Opcodes.PSEUDO_MAP_IDX_VALUE;
						this.code[pc] = (this.code[pc] & ~0xff) | (value ? OP_LDDW_MAP_VALUE : OP_LDDW_MAP);
						this.imm64[pc] = next.imm();
						return null;
					}
					default -> {
						return "unsupported lddw src " + insn.src();
					}
				}
			}
			case Opcodes.CLASS_STX -> {
				if ((op & 0xe0) == Opcodes.MODE_ATOMIC) {
					return ProgramCheck.checkAtomic(insn);
				}
				return null;
			}
			default -> {
				return null;
			}
		}
	}

	BpfFault trapFault(int pc) {
		return new BpfFault(pc, this.traps[pc]);
	}

	/** The trap message at {@code pc}, or null when the instruction can run. */
	public String trapAt(int pc) {
		return pc >= 0 && pc < this.traps.length ? this.traps[pc] : null;
	}

	public String name() {
		return this.name;
	}

	public ProgramType type() {
		return this.type;
	}

	public AttachType attachType() {
		return this.attachType;
	}

	/** A copy of the instructions (slots). */
	public Insn[] insns() {
		return this.insns.clone();
	}

	public Insn insn(int pc) {
		return this.insns[pc];
	}

	/** Number of instruction slots. */
	public int length() {
		return this.insns.length;
	}

	/** A copy of the maps referred to by index. */
	public BpfMap[] maps() {
		return this.maps.clone();
	}

	public BpfMap map(int index) {
		return this.maps[index];
	}

	public int mapCount() {
		return this.maps.length;
	}

	@Override
	public String toString() {
		return "LoadedProgram[" + this.name + ", " + this.type + ", " + this.insns.length + " insns, "
				+ this.maps.length + " maps]";
	}

	/** Structural equality of the instruction slots (for tests). */
	public boolean sameCode(LoadedProgram other) {
		return Arrays.equals(this.insns, other.insns);
	}

}
