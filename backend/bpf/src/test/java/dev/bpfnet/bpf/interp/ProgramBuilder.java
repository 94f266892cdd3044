package dev.bpfnet.bpf.interp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * A tiny fluent builder for test programs (the assembler is tested on its own): one
 * method per instruction shape, labels for jumps and local calls.
 *
 * <pre>
 * new ProgramBuilder().movImm(0, 0).label("loop").addImm(0, 1).jneImm(0, 10, "loop").exit().build();
 * </pre>
 */
public final class ProgramBuilder {

	private final List<Insn> insns = new ArrayList<>();

	private final Map<String, Integer> labels = new HashMap<>();

	/** Slot index -> label, for jumps (off) and local calls (imm) to patch at build. */
	private final Map<Integer, String> fixups = new HashMap<>();

	private final List<BpfMap> maps = new ArrayList<>();

	public ProgramBuilder insn(int opcode, int dst, int src, int off, int imm) {
		this.insns.add(Insn.of(opcode, dst, src, off, imm));
		return this;
	}

	public ProgramBuilder label(String name) {
		this.labels.put(name, this.insns.size());
		return this;
	}

	public int size() {
		return this.insns.size();
	}

	// ---------------------------------------------------------------- ALU

	public ProgramBuilder alu64Imm(int op, int dst, int imm) {
		return insn(Opcodes.CLASS_ALU64 | Opcodes.SRC_K | op, dst, 0, 0, imm);
	}

	public ProgramBuilder alu64Reg(int op, int dst, int src) {
		return insn(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | op, dst, src, 0, 0);
	}

	public ProgramBuilder alu32Imm(int op, int dst, int imm) {
		return insn(Opcodes.CLASS_ALU | Opcodes.SRC_K | op, dst, 0, 0, imm);
	}

	public ProgramBuilder alu32Reg(int op, int dst, int src) {
		return insn(Opcodes.CLASS_ALU | Opcodes.SRC_X | op, dst, src, 0, 0);
	}

	public ProgramBuilder movImm(int dst, int imm) {
		return alu64Imm(Opcodes.ALU_MOV, dst, imm);
	}

	public ProgramBuilder movReg(int dst, int src) {
		return alu64Reg(Opcodes.ALU_MOV, dst, src);
	}

	public ProgramBuilder addImm(int dst, int imm) {
		return alu64Imm(Opcodes.ALU_ADD, dst, imm);
	}

	public ProgramBuilder addReg(int dst, int src) {
		return alu64Reg(Opcodes.ALU_ADD, dst, src);
	}

	public ProgramBuilder lddw(int dst, long imm64) {
		Insn[] two = Insn.lddw(dst, Opcodes.PSEUDO_IMM64, imm64);
		this.insns.add(two[0]);
		this.insns.add(two[1]);
		return this;
	}

	/** {@code lddw dst, map} (src 5): the map is appended to the program's maps. */
	public ProgramBuilder ldMap(int dst, BpfMap map) {
		int idx = mapIndex(map);
		this.insns.add(Insn.of(Opcodes.LDDW, dst, Opcodes.PSEUDO_MAP_IDX, 0, idx));
		this.insns.add(Insn.of(0, 0, 0, 0, 0));
		return this;
	}

	/** {@code lddw dst, &value0(map) + off} (src 6). */
	public ProgramBuilder ldMapValue(int dst, BpfMap map, int off) {
		int idx = mapIndex(map);
		this.insns.add(Insn.of(Opcodes.LDDW, dst, Opcodes.PSEUDO_MAP_IDX_VALUE, 0, idx));
		this.insns.add(Insn.of(0, 0, 0, 0, off));
		return this;
	}

	private int mapIndex(BpfMap map) {
		int idx = this.maps.indexOf(map);
		if (idx < 0) {
			this.maps.add(map);
			idx = this.maps.size() - 1;
		}
		return idx;
	}

	// ---------------------------------------------------------------- memory

	/** {@code ldx<size> dst, [src+off]}; size in bytes. */
	public ProgramBuilder ldx(int size, int dst, int src, int off) {
		return insn(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | sizeField(size), dst, src, off, 0);
	}

	/** Sign-extending load (MEMSX), size 1, 2 or 4. */
	public ProgramBuilder ldxs(int size, int dst, int src, int off) {
		return insn(Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | sizeField(size), dst, src, off, 0);
	}

	public ProgramBuilder st(int size, int dst, int off, int imm) {
		return insn(Opcodes.CLASS_ST | Opcodes.MODE_MEM | sizeField(size), dst, 0, off, imm);
	}

	public ProgramBuilder stx(int size, int dst, int src, int off) {
		return insn(Opcodes.CLASS_STX | Opcodes.MODE_MEM | sizeField(size), dst, src, off, 0);
	}

	/** {@code lock <op> [dst+off], src}; size 4 or 8, op the atomic imm. */
	public ProgramBuilder atomic(int size, int op, int dst, int src, int off) {
		return insn(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | sizeField(size), dst, src, off, op);
	}

	public ProgramBuilder ldAbs(int size, int imm) {
		return insn(Opcodes.CLASS_LD | Opcodes.MODE_ABS | sizeField(size), 0, 0, 0, imm);
	}

	public ProgramBuilder ldInd(int size, int src, int imm) {
		return insn(Opcodes.CLASS_LD | Opcodes.MODE_IND | sizeField(size), 0, src, 0, imm);
	}

	static int sizeField(int bytes) {
		return switch (bytes) {
			case 1 -> Opcodes.SIZE_B;
			case 2 -> Opcodes.SIZE_H;
			case 4 -> Opcodes.SIZE_W;
			case 8 -> Opcodes.SIZE_DW;
			default -> throw new IllegalArgumentException("size " + bytes);
		};
	}

	// ---------------------------------------------------------------- jumps

	public ProgramBuilder ja(String label) {
		return jump(Opcodes.CLASS_JMP | Opcodes.JMP_JA, 0, 0, 0, label);
	}

	public ProgramBuilder ja(int off) {
		return insn(Opcodes.CLASS_JMP | Opcodes.JMP_JA, 0, 0, off, 0);
	}

	/** {@code gotol} (JMP32 JA, imm offset). */
	public ProgramBuilder gotol(int imm) {
		return insn(Opcodes.CLASS_JMP32 | Opcodes.JMP_JA, 0, 0, 0, imm);
	}

	public ProgramBuilder jmpImm(int op, int dst, int imm, String label) {
		return jump(Opcodes.CLASS_JMP | Opcodes.SRC_K | op, dst, 0, imm, label);
	}

	public ProgramBuilder jmpReg(int op, int dst, int src, String label) {
		return jump(Opcodes.CLASS_JMP | Opcodes.SRC_X | op, dst, src, 0, label);
	}

	public ProgramBuilder jmp32Imm(int op, int dst, int imm, String label) {
		return jump(Opcodes.CLASS_JMP32 | Opcodes.SRC_K | op, dst, 0, imm, label);
	}

	public ProgramBuilder jmp32Reg(int op, int dst, int src, String label) {
		return jump(Opcodes.CLASS_JMP32 | Opcodes.SRC_X | op, dst, src, 0, label);
	}

	public ProgramBuilder jneImm(int dst, int imm, String label) {
		return jmpImm(Opcodes.JMP_JNE, dst, imm, label);
	}

	public ProgramBuilder jeqImm(int dst, int imm, String label) {
		return jmpImm(Opcodes.JMP_JEQ, dst, imm, label);
	}

	private ProgramBuilder jump(int opcode, int dst, int src, int imm, String label) {
		this.fixups.put(this.insns.size(), label);
		return insn(opcode, dst, src, 0, imm);
	}

	public ProgramBuilder call(int helper) {
		return insn(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_HELPER, 0, helper);
	}

	public ProgramBuilder callLocal(String label) {
		this.fixups.put(this.insns.size(), label);
		return insn(Opcodes.CALL, 0, Opcodes.PSEUDO_CALL_LOCAL, 0, 0);
	}

	public ProgramBuilder callx(int reg) {
		return insn(Opcodes.CALL | Opcodes.SRC_X, reg, 0, 0, 0);
	}

	public ProgramBuilder exit() {
		return insn(Opcodes.EXIT, 0, 0, 0, 0);
	}

	// ---------------------------------------------------------------- build

	public Insn[] insns() {
		Insn[] out = this.insns.toArray(Insn[]::new);
		for (Map.Entry<Integer, String> f : this.fixups.entrySet()) {
			Integer target = this.labels.get(f.getValue());
			if (target == null) {
				throw new IllegalArgumentException("unknown label " + f.getValue());
			}
			int pc = f.getKey();
			int rel = target - pc - 1;
			Insn i = out[pc];
			out[pc] = i.opcode() == Opcodes.CALL ? i.withImm(rel) : i.withOff(rel);
		}
		return out;
	}

	public LoadedProgram build() {
		return build("test", ProgramType.SCHED_CLS);
	}

	public LoadedProgram build(String name, ProgramType type) {
		return new LoadedProgram(name, type, AttachType.NONE, insns(), this.maps.toArray(BpfMap[]::new));
	}

}
