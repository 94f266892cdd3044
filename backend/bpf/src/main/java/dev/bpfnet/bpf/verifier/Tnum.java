package dev.bpfnet.bpf.verifier;

/**
 * A tristate number ({@code struct tnum} of {@code kernel/bpf/tnum.c}): each bit is known
 * 0, known 1 ({@code value}) or unknown ({@code mask}); {@code value & mask == 0}.
 *
 * @param value the known-one bits
 * @param mask the unknown bits
 */
record Tnum(long value, long mask) {

	static final Tnum UNKNOWN = new Tnum(0, -1L);

	static final Tnum ZERO = new Tnum(0, 0);

	static Tnum constant(long v) {
		return new Tnum(v, 0);
	}

	/** {@code tnum_range()}: the tnum of every value in {@code [min, max]} (unsigned). */
	static Tnum range(long min, long max) {
		long chi = min ^ max;
		int bits = 64 - Long.numberOfLeadingZeros(chi);
		if (bits > 63) {
			return UNKNOWN;
		}
		long delta = (1L << bits) - 1;
		return new Tnum(min & ~delta, delta);
	}

	boolean isConst() {
		return this.mask == 0;
	}

	boolean isUnknown() {
		return this.mask == -1L;
	}

	boolean equalsConst(long b) {
		return this.mask == 0 && this.value == b;
	}

	Tnum lshift(int shift) {
		return new Tnum(this.value << shift, this.mask << shift);
	}

	Tnum rshift(int shift) {
		return new Tnum(this.value >>> shift, this.mask >>> shift);
	}

	/** {@code tnum_arshift()}: arithmetic shift within {@code insnBitness} bits. */
	Tnum arshift(int shift, int insnBitness) {
		if (insnBitness == 32) {
			return new Tnum(((int) this.value >> shift) & 0xffffffffL, ((int) this.mask >> shift) & 0xffffffffL);
		}
		return new Tnum(this.value >> shift, this.mask >> shift);
	}

	Tnum add(Tnum b) {
		long sm = this.mask + b.mask;
		long sv = this.value + b.value;
		long sigma = sm + sv;
		long chi = sigma ^ sv;
		long mu = chi | this.mask | b.mask;
		return new Tnum(sv & ~mu, mu);
	}

	Tnum sub(Tnum b) {
		long dv = this.value - b.value;
		long alpha = dv + this.mask;
		long beta = dv - b.mask;
		long chi = alpha ^ beta;
		long mu = chi | this.mask | b.mask;
		return new Tnum(dv & ~mu, mu);
	}

	Tnum and(Tnum b) {
		long alpha = this.value | this.mask;
		long beta = b.value | b.mask;
		long v = this.value & b.value;
		return new Tnum(v, alpha & beta & ~v);
	}

	Tnum or(Tnum b) {
		long v = this.value | b.value;
		long mu = this.mask | b.mask;
		return new Tnum(v, mu & ~v);
	}

	Tnum xor(Tnum b) {
		long v = this.value ^ b.value;
		long mu = this.mask | b.mask;
		return new Tnum(v & ~mu, mu);
	}

	/** {@code tnum_mul()} (the 2021 shift-and-add version). */
	Tnum mul(Tnum b) {
		Tnum a = this;
		long accV = a.value * b.value;
		Tnum accM = new Tnum(0, 0);
		while (a.value != 0 || a.mask != 0) {
			if ((a.value & 1) != 0) {
				accM = accM.add(new Tnum(0, b.mask));
			}
			else if ((a.mask & 1) != 0) {
				accM = accM.add(new Tnum(0, b.value | b.mask));
			}
			a = a.rshift(1);
			b = b.lshift(1);
		}
		return new Tnum(accV, 0).add(accM);
	}

	/** {@code tnum_intersect()}: bits known in either. */
	Tnum intersect(Tnum b) {
		long v = this.value | b.value;
		long mu = this.mask & b.mask;
		return new Tnum(v & ~mu, mu);
	}

	/** {@code tnum_in(this, b)}: every value of {@code b} is a value of this. */
	boolean contains(Tnum b) {
		if ((b.mask & ~this.mask) != 0) {
			return false;
		}
		return this.value == (b.value & ~this.mask);
	}

	boolean isAligned(long size) {
		return ((this.value | this.mask) & (size - 1)) == 0;
	}

	Tnum cast(int size) {
		long m = (size >= 8) ? -1L : (1L << (size * 8)) - 1;
		return new Tnum(this.value & m, this.mask & m);
	}

	/** {@code tnum_subreg()}: the low 32 bits. */
	Tnum subreg() {
		return cast(4);
	}

	Tnum clearSubreg() {
		return rshift(32).lshift(32);
	}

	Tnum withSubreg(Tnum sub) {
		return clearSubreg().or(sub.subreg());
	}

	Tnum constSubreg(int v) {
		return withSubreg(constant(v & 0xffffffffL));
	}

	boolean subregIsConst() {
		return (this.mask & 0xffffffffL) == 0;
	}

	/** {@code tnum_strn()}: {@code (0x0; 0x1f)}. */
	@Override
	public String toString() {
		return "(0x" + Long.toHexString(this.value) + "; 0x" + Long.toHexString(this.mask) + ")";
	}

}
