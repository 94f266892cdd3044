package dev.bpfnet.bpf.isa;

/**
 * The opcode fields of RFC 9669 (BPF Instruction Set Architecture), as named in the
 * kernel's {@code include/uapi/linux/bpf_common.h} and {@code bpf.h}.
 *
 * <p>
 * An opcode byte is {@code code:4 | source:1 | class:3} for arithmetic and jumps, and
 * {@code mode:3 | size:2 | class:3} for loads and stores.
 */
public final class Opcodes {

	private Opcodes() {
	}

	// classes (low 3 bits)
	public static final int CLASS_LD = 0x00;

	public static final int CLASS_LDX = 0x01;

	public static final int CLASS_ST = 0x02;

	public static final int CLASS_STX = 0x03;

	public static final int CLASS_ALU = 0x04;

	public static final int CLASS_JMP = 0x05;

	public static final int CLASS_JMP32 = 0x06;

	public static final int CLASS_ALU64 = 0x07;

	// source bit
	public static final int SRC_K = 0x00;

	public static final int SRC_X = 0x08;

	// ALU codes (high 4 bits)
	public static final int ALU_ADD = 0x00;

	public static final int ALU_SUB = 0x10;

	public static final int ALU_MUL = 0x20;

	public static final int ALU_DIV = 0x30;

	public static final int ALU_OR = 0x40;

	public static final int ALU_AND = 0x50;

	public static final int ALU_LSH = 0x60;

	public static final int ALU_RSH = 0x70;

	public static final int ALU_NEG = 0x80;

	public static final int ALU_MOD = 0x90;

	public static final int ALU_XOR = 0xa0;

	public static final int ALU_MOV = 0xb0;

	public static final int ALU_ARSH = 0xc0;

	public static final int ALU_END = 0xd0;

	// JMP codes (high 4 bits)
	public static final int JMP_JA = 0x00;

	public static final int JMP_JEQ = 0x10;

	public static final int JMP_JGT = 0x20;

	public static final int JMP_JGE = 0x30;

	public static final int JMP_JSET = 0x40;

	public static final int JMP_JNE = 0x50;

	public static final int JMP_JSGT = 0x60;

	public static final int JMP_JSGE = 0x70;

	public static final int JMP_CALL = 0x80;

	public static final int JMP_EXIT = 0x90;

	public static final int JMP_JLT = 0xa0;

	public static final int JMP_JLE = 0xb0;

	public static final int JMP_JSLT = 0xc0;

	public static final int JMP_JSLE = 0xd0;

	// load/store sizes (bits 3-4)
	public static final int SIZE_W = 0x00;

	public static final int SIZE_H = 0x08;

	public static final int SIZE_B = 0x10;

	public static final int SIZE_DW = 0x18;

	// load/store modes (bits 5-7)
	public static final int MODE_IMM = 0x00;

	public static final int MODE_ABS = 0x20;

	public static final int MODE_IND = 0x40;

	public static final int MODE_MEM = 0x60;

	public static final int MODE_MEMSX = 0x80;

	public static final int MODE_ATOMIC = 0xc0;

	// atomic operations (imm of an ATOMIC store)
	public static final int ATOMIC_ADD = 0x00;

	public static final int ATOMIC_OR = 0x40;

	public static final int ATOMIC_AND = 0x50;

	public static final int ATOMIC_XOR = 0xa0;

	public static final int ATOMIC_FETCH = 0x01;

	public static final int ATOMIC_XCHG = 0xe0 | ATOMIC_FETCH;

	public static final int ATOMIC_CMPXCHG = 0xf0 | ATOMIC_FETCH;

	// src_reg of a CALL
	public static final int PSEUDO_CALL_HELPER = 0;

	public static final int PSEUDO_CALL_LOCAL = 1;

	public static final int PSEUDO_CALL_KFUNC = 2;

	// src_reg of lddw (RFC 9669 section 5.4)
	public static final int PSEUDO_IMM64 = 0;

	public static final int PSEUDO_MAP_FD = 1;

	public static final int PSEUDO_MAP_VALUE = 2;

	public static final int PSEUDO_BTF_ID = 3;

	public static final int PSEUDO_FUNC = 4;

	public static final int PSEUDO_MAP_IDX = 5;

	public static final int PSEUDO_MAP_IDX_VALUE = 6;

	/** The opcode of lddw: {@code LD | IMM | DW}. */
	public static final int LDDW = CLASS_LD | MODE_IMM | SIZE_DW;

	public static final int EXIT = CLASS_JMP | JMP_EXIT;

	public static final int CALL = CLASS_JMP | JMP_CALL;

	/** Registers r0..r10; r10 is the read-only frame pointer. */
	public static final int NUM_REGS = 11;

	public static final int FP = 10;

	/** Bytes of stack per frame (MAX_BPF_STACK). */
	public static final int STACK_SIZE = 512;

	/** Maximum call frames (MAX_CALL_FRAMES in include/linux/bpf_verifier.h). */
	public static final int MAX_CALL_FRAMES = 8;

	/** Maximum tail calls in a chain (MAX_TAIL_CALL_CNT in include/linux/bpf.h). */
	public static final int MAX_TAIL_CALL_CNT = 33;

	public static int cls(int opcode) {
		return opcode & 0x07;
	}

	public static int aluOp(int opcode) {
		return opcode & 0xf0;
	}

	public static int size(int opcode) {
		return opcode & 0x18;
	}

	public static int mode(int opcode) {
		return opcode & 0xe0;
	}

	/** Size in bytes of a load/store size field. */
	public static int sizeBytes(int opcode) {
		return switch (opcode & 0x18) {
			case SIZE_W -> 4;
			case SIZE_H -> 2;
			case SIZE_B -> 1;
			default -> 8;
		};
	}

}
