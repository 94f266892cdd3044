package dev.bpfnet.bpf.helpers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;

import static dev.bpfnet.bpf.isa.Opcodes.*;

/**
 * A small fluent builder for test programs, named after the kernel's insn macros
 * ({@code BPF_MOV64_IMM}, {@code BPF_LDX_MEM}, ...), with labels for jumps.
 */
final class Prog {

	static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R8 = 8, R9 = 9, R10 = 10;

	static final int B = 1, H = 2, W = 4, DW = 8;

	private final List<Insn> insns = new ArrayList<>();

	private final Map<String, Integer> labels = new HashMap<>();

	private final Map<Integer, String> fixups = new HashMap<>();

	private Prog add(Insn i) {
		this.insns.add(i);
		return this;
	}

	static int size(int bytes) {
		return switch (bytes) {
			case 1 -> SIZE_B;
			case 2 -> SIZE_H;
			case 4 -> SIZE_W;
			default -> SIZE_DW;
		};
	}

	Prog mov(int dst, int imm) {
		return add(Insn.of(CLASS_ALU64 | ALU_MOV | SRC_K, dst, 0, 0, imm));
	}

	Prog movr(int dst, int src) {
		return add(Insn.of(CLASS_ALU64 | ALU_MOV | SRC_X, dst, src, 0, 0));
	}

	Prog alu(int op, int dst, int imm) {
		return add(Insn.of(CLASS_ALU64 | op | SRC_K, dst, 0, 0, imm));
	}

	Prog alur(int op, int dst, int src) {
		return add(Insn.of(CLASS_ALU64 | op | SRC_X, dst, src, 0, 0));
	}

	Prog addi(int dst, int imm) {
		return alu(ALU_ADD, dst, imm);
	}

	Prog lddw(int dst, long imm64) {
		for (Insn i : Insn.lddw(dst, PSEUDO_IMM64, imm64)) {
			add(i);
		}
		return this;
	}

	/** {@code dst = &maps[index]}. */
	Prog ldMap(int dst, int index) {
		add(Insn.of(LDDW, dst, PSEUDO_MAP_IDX, 0, index));
		return add(Insn.of(0, 0, 0, 0, 0));
	}

	/** {@code dst = &maps[index].value[0] + off}. */
	Prog ldMapValue(int dst, int index, int off) {
		add(Insn.of(LDDW, dst, PSEUDO_MAP_IDX_VALUE, 0, index));
		return add(Insn.of(0, 0, 0, 0, off));
	}

	Prog ldx(int bytes, int dst, int src, int off) {
		return add(Insn.of(CLASS_LDX | MODE_MEM | size(bytes), dst, src, off, 0));
	}

	Prog stx(int bytes, int dst, int off, int src) {
		return add(Insn.of(CLASS_STX | MODE_MEM | size(bytes), dst, src, off, 0));
	}

	Prog st(int bytes, int dst, int off, int imm) {
		return add(Insn.of(CLASS_ST | MODE_MEM | size(bytes), dst, 0, off, imm));
	}

	/** Stores {@code data} at {@code r10 + fpOff} with byte-sized ST instructions. */
	Prog putStack(int fpOff, byte[] data) {
		for (int i = 0; i < data.length; i++) {
			st(B, R10, fpOff + i, data[i]);
		}
		return this;
	}

	/** {@code dst = r10 + fpOff}. */
	Prog fp(int dst, int fpOff) {
		return movr(dst, R10).addi(dst, fpOff);
	}

	Prog jmp(int op, int dst, int imm, String label) {
		this.fixups.put(this.insns.size(), label);
		return add(Insn.of(CLASS_JMP | op | SRC_K, dst, 0, 0, imm));
	}

	Prog jmpr(int op, int dst, int src, String label) {
		this.fixups.put(this.insns.size(), label);
		return add(Insn.of(CLASS_JMP | op | SRC_X, dst, src, 0, 0));
	}

	Prog ja(String label) {
		return jmp(JMP_JA, 0, 0, label);
	}

	Prog call(int helper) {
		return add(Insn.of(Opcodes.CALL, 0, 0, 0, helper));
	}

	Prog exit() {
		return add(Insn.of(Opcodes.EXIT, 0, 0, 0, 0));
	}

	/** {@code r0 = imm; exit}. */
	Prog ret(int imm) {
		return mov(R0, imm).exit();
	}

	Prog label(String name) {
		this.labels.put(name, this.insns.size());
		return this;
	}

	Insn[] insns() {
		Insn[] out = this.insns.toArray(new Insn[0]);
		for (Map.Entry<Integer, String> f : this.fixups.entrySet()) {
			Integer target = this.labels.get(f.getValue());
			if (target == null) {
				throw new IllegalStateException("no label " + f.getValue());
			}
			out[f.getKey()] = out[f.getKey()].withOff(target - f.getKey() - 1);
		}
		return out;
	}

	LoadedProgram build(BpfMap... maps) {
		return new LoadedProgram("test", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, insns(), maps);
	}

	LoadedProgram build(ProgramType type, BpfMap... maps) {
		return new LoadedProgram("test", type, AttachType.NONE, insns(), maps);
	}

}
