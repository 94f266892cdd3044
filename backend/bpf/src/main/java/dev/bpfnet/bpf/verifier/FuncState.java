package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.Opcodes;

/**
 * One call frame: {@code struct bpf_func_state} — registers r0..r10 and the 512-byte
 * stack shadow.
 *
 * <p>
 * Stack byte at offset {@code o} (-512..-1 from the frame pointer) is slot
 * {@code -o - 1}; eight slots form a spill slot {@code spi = slot / 8}, as in the kernel.
 * Each byte has a {@code STACK_*} type; a spill slot holding a register keeps its state
 * in {@link #spilled}.
 */
final class FuncState {

	static final byte STACK_INVALID = 0;

	static final byte STACK_SPILL = 1;

	static final byte STACK_MISC = 2;

	static final byte STACK_ZERO = 3;

	static final int SLOTS = Opcodes.STACK_SIZE / 8;

	final Reg[] regs = new Reg[Opcodes.NUM_REGS];

	/** Byte types, indexed by slot ({@code -off - 1}). */
	final byte[] stype = new byte[Opcodes.STACK_SIZE];

	/** Spilled register states, indexed by spi; null when no register was spilled. */
	final Reg[] spilled = new Reg[SLOTS];

	/** {@code allocated_stack}: bytes of stack this frame has touched (multiple of 8). */
	int allocatedStack;

	/** Instruction index of the call that created this frame; -1 for the main frame. */
	final int callsite;

	/** Depth of this frame in the call chain (0 = main). */
	final int frameNo;

	/** Subprogram this frame executes. */
	final int subprog;

	FuncState(int callsite, int frameNo, int subprog) {
		this.callsite = callsite;
		this.frameNo = frameNo;
		this.subprog = subprog;
		for (int i = 0; i < this.regs.length; i++) {
			this.regs[i] = new Reg();
			this.regs[i].markNotInit();
		}
		Reg fp = this.regs[Opcodes.FP];
		fp.markPointer(RegType.PTR_TO_STACK);
		fp.frameNo = frameNo;
	}

	FuncState copy() {
		FuncState f = new FuncState(this.callsite, this.frameNo, this.subprog, true);
		for (int i = 0; i < this.regs.length; i++) {
			f.regs[i] = this.regs[i].copy();
		}
		System.arraycopy(this.stype, 0, f.stype, 0, this.stype.length);
		for (int i = 0; i < SLOTS; i++) {
			f.spilled[i] = (this.spilled[i] != null) ? this.spilled[i].copy() : null;
		}
		f.allocatedStack = this.allocatedStack;
		return f;
	}

	private FuncState(int callsite, int frameNo, int subprog, boolean bare) {
		this.callsite = callsite;
		this.frameNo = frameNo;
		this.subprog = subprog;
	}

	/** The spilled register of spill slot {@code spi}, if the slot holds one. */
	Reg spilledReg(int spi) {
		return isSpilled(spi) ? this.spilled[spi] : null;
	}

	/** {@code is_spilled_reg()}: the top byte of the slot is STACK_SPILL. */
	boolean isSpilled(int spi) {
		return this.stype[spi * 8 + 7] == STACK_SPILL && this.spilled[spi] != null;
	}

	void growStack(int size) {
		int rounded = (size + 7) & ~7;
		if (rounded > this.allocatedStack) {
			this.allocatedStack = rounded;
		}
	}

}
