package dev.bpfnet.bpf.verifier;

import java.util.Arrays;

/**
 * A verifier state: {@code struct bpf_verifier_state} — the call frames and the acquired
 * references (ring buffer records not yet submitted or discarded).
 */
final class VState {

	final FuncState[] frames = new FuncState[dev.bpfnet.bpf.isa.Opcodes.MAX_CALL_FRAMES];

	int curframe;

	/** Acquired reference ids and the instructions that acquired them. */
	int[] refIds = new int[0];

	int[] refInsns = new int[0];

	FuncState cur() {
		return this.frames[this.curframe];
	}

	Reg reg(int r) {
		return this.frames[this.curframe].regs[r];
	}

	VState copy() {
		VState s = new VState();
		for (int i = 0; i <= this.curframe; i++) {
			s.frames[i] = this.frames[i].copy();
		}
		s.curframe = this.curframe;
		s.refIds = this.refIds.clone();
		s.refInsns = this.refInsns.clone();
		return s;
	}

	void acquire(int id, int insn) {
		this.refIds = Arrays.copyOf(this.refIds, this.refIds.length + 1);
		this.refInsns = Arrays.copyOf(this.refInsns, this.refInsns.length + 1);
		this.refIds[this.refIds.length - 1] = id;
		this.refInsns[this.refInsns.length - 1] = insn;
	}

	boolean release(int id) {
		for (int i = 0; i < this.refIds.length; i++) {
			if (this.refIds[i] == id) {
				int n = this.refIds.length - 1;
				System.arraycopy(this.refIds, i + 1, this.refIds, i, n - i);
				System.arraycopy(this.refInsns, i + 1, this.refInsns, i, n - i);
				this.refIds = Arrays.copyOf(this.refIds, n);
				this.refInsns = Arrays.copyOf(this.refInsns, n);
				return true;
			}
		}
		return false;
	}

}
