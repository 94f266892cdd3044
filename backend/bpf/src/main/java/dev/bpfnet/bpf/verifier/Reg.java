package dev.bpfnet.bpf.verifier;

/**
 * The abstract value of one register or spilled stack slot: {@code struct bpf_reg_state}
 * of {@code include/linux/bpf_verifier.h}.
 *
 * <p>
 * For a scalar the bounds and {@code varOff} describe the value; for a pointer they
 * describe the variable part of its offset and {@code off} is the fixed part. The bound
 * maintenance ({@code reg_bounds_sync()} and friends) follows
 * {@code kernel/bpf/verifier.c} of Linux 6.8+, including the 32/64-bit cross deduction.
 */
final class Reg {

	static final long S32_MIN = Integer.MIN_VALUE;

	static final long S32_MAX = Integer.MAX_VALUE;

	static final long U32_MAX = 0xffffffffL;

	RegType type = RegType.NOT_INIT;

	/** Fixed offset of a pointer. */
	int off;

	Tnum varOff = Tnum.UNKNOWN;

	long smin = Long.MIN_VALUE;

	long smax = Long.MAX_VALUE;

	/** Unsigned, compared with {@link Long#compareUnsigned}. */
	long umin = 0;

	long umax = -1L;

	int s32min = Integer.MIN_VALUE;

	int s32max = Integer.MAX_VALUE;

	/** Unsigned, compared with {@link Integer#compareUnsigned}. */
	int u32min = 0;

	int u32max = -1;

	/**
	 * Null-check identity of a maybe-null pointer, packet pointer identity, or the
	 * identity of linked scalars (copies of one value).
	 */
	int id;

	/** Acquired reference (ringbuf record) this pointer holds. */
	int refObjId;

	/** Verified packet range; negative AT_PKT_END / BEYOND_PKT_END markers. */
	int range;

	/** Index of the map ({@code CONST_PTR_TO_MAP}, map values). */
	int mapIndex = -1;

	/** Size of a PTR_TO_MEM region. */
	int memSize;

	/** Call frame a PTR_TO_STACK points into. */
	int frameNo;

	/** Subprogram of a PTR_TO_FUNC. */
	int subprog;

	static final int AT_PKT_END = -1;

	static final int BEYOND_PKT_END = -2;

	Reg copy() {
		Reg r = new Reg();
		r.copyFrom(this);
		return r;
	}

	void copyFrom(Reg o) {
		this.type = o.type;
		this.off = o.off;
		this.varOff = o.varOff;
		this.smin = o.smin;
		this.smax = o.smax;
		this.umin = o.umin;
		this.umax = o.umax;
		this.s32min = o.s32min;
		this.s32max = o.s32max;
		this.u32min = o.u32min;
		this.u32max = o.u32max;
		this.id = o.id;
		this.refObjId = o.refObjId;
		this.range = o.range;
		this.mapIndex = o.mapIndex;
		this.memSize = o.memSize;
		this.frameNo = o.frameNo;
		this.subprog = o.subprog;
	}

	private void clearPointerFields() {
		this.off = 0;
		this.id = 0;
		this.refObjId = 0;
		this.range = 0;
		this.mapIndex = -1;
		this.memSize = 0;
		this.frameNo = 0;
		this.subprog = 0;
	}

	/** {@code __mark_reg_not_init()}. */
	void markNotInit() {
		markUnknown();
		this.type = RegType.NOT_INIT;
	}

	/** {@code __mark_reg_unknown()}: an unknown 64-bit scalar. */
	void markUnknown() {
		this.type = RegType.SCALAR;
		clearPointerFields();
		this.varOff = Tnum.UNKNOWN;
		markUnbounded();
	}

	/** {@code __mark_reg_known()}: the constant {@code v} (the type is left alone). */
	void markKnown(long v) {
		clearPointerFields();
		this.varOff = Tnum.constant(v);
		this.smin = v;
		this.smax = v;
		this.umin = v;
		this.umax = v;
		this.s32min = (int) v;
		this.s32max = (int) v;
		this.u32min = (int) v;
		this.u32max = (int) v;
	}

	void markConst(long v) {
		this.type = RegType.SCALAR;
		markKnown(v);
	}

	/** {@code mark_reg_known_zero()} followed by setting a pointer type. */
	void markPointer(RegType t) {
		markKnown(0);
		this.type = t;
	}

	void markUnbounded() {
		mark64Unbounded();
		mark32Unbounded();
	}

	void mark64Unbounded() {
		this.smin = Long.MIN_VALUE;
		this.smax = Long.MAX_VALUE;
		this.umin = 0;
		this.umax = -1L;
	}

	void mark32Unbounded() {
		this.s32min = Integer.MIN_VALUE;
		this.s32max = Integer.MAX_VALUE;
		this.u32min = 0;
		this.u32max = -1;
	}

	boolean isScalar() {
		return this.type == RegType.SCALAR;
	}

	boolean isConst() {
		return this.type == RegType.SCALAR && this.varOff.isConst();
	}

	/** {@code is_reg_const()} for 64 or 32 bits. */
	boolean isConst(boolean is32) {
		return this.type == RegType.SCALAR && (is32 ? this.varOff.subregIsConst() : this.varOff.isConst());
	}

	long constValue(boolean is32) {
		return is32 ? (this.varOff.value() & U32_MAX) : this.varOff.value();
	}

	/** {@code register_is_null()}: a scalar known to be 0. */
	boolean isNull() {
		return this.type == RegType.SCALAR && this.varOff.equalsConst(0);
	}

	/** {@code reg_not_null()}: a pointer that cannot be NULL. */
	boolean notNull() {
		RegType t = this.type;
		return t == RegType.PTR_TO_STACK || t == RegType.PTR_TO_CTX || t == RegType.PTR_TO_MAP_VALUE
				|| t == RegType.PTR_TO_PACKET || t == RegType.PTR_TO_PACKET_META || t == RegType.PTR_TO_PACKET_END
				|| t == RegType.PTR_TO_MEM || t == RegType.CONST_PTR_TO_MAP || t == RegType.PTR_TO_SOCK_COMMON
				|| t == RegType.PTR_TO_FUNC;
	}

	/** The widest bit count the value can occupy ({@code get_reg_width()}). */
	int width() {
		return 64 - Long.numberOfLeadingZeros(this.umax);
	}

	// ---------------------------------------------------------------- bounds

	/** {@code reg_bounds_sync()}. */
	void sync() {
		updateBounds();
		deduceBounds();
		deduceBounds();
		boundOffset();
		updateBounds();
	}

	/** {@code __update_reg_bounds()}: learn bounds from {@code var_off}. */
	void updateBounds() {
		// 32-bit
		Tnum v32 = this.varOff.subreg();
		this.s32min = Math.max(this.s32min, (int) (v32.value() | (v32.mask() & 0x80000000L)));
		this.s32max = Math.min(this.s32max, (int) (v32.value() | (v32.mask() & 0x7fffffffL)));
		this.u32min = umax32(this.u32min, (int) v32.value());
		this.u32max = umin32(this.u32max, (int) (v32.value() | v32.mask()));
		// 64-bit
		Tnum v = this.varOff;
		this.smin = Math.max(this.smin, v.value() | (v.mask() & Long.MIN_VALUE));
		this.smax = Math.min(this.smax, v.value() | (v.mask() & Long.MAX_VALUE));
		this.umin = umax64(this.umin, v.value());
		this.umax = umin64(this.umax, v.value() | v.mask());
	}

	/** {@code __reg_deduce_bounds()}: 32 from 32, 64 from 64, and mixed. */
	private void deduceBounds() {
		deduce32();
		deduce64();
		deduceMixed();
	}

	private void deduce32() {
		// a u32 range that does not cross the sign boundary is also an s32 range
		if (((this.u32min ^ this.u32max) & 0x80000000) == 0) {
			this.s32min = Math.max(this.s32min, this.u32min);
			this.s32max = Math.min(this.s32max, this.u32max);
		}
		// an s32 range that does not cross the sign boundary is also a u32 range
		if ((this.s32min ^ this.s32max) >= 0) {
			this.u32min = umax32(this.u32min, this.s32min);
			this.u32max = umin32(this.u32max, this.s32max);
		}
	}

	private void deduce64() {
		if (((this.umin ^ this.umax) & Long.MIN_VALUE) == 0) {
			this.smin = Math.max(this.smin, this.umin);
			this.smax = Math.min(this.smax, this.umax);
		}
		if ((this.smin ^ this.smax) >= 0) {
			this.umin = umax64(this.umin, this.smin);
			this.umax = umin64(this.umax, this.smax);
		}
	}

	private void deduceMixed() {
		// 32 from 64: when the upper halves of a 64-bit range agree its lower halves form
		// a range
		if ((this.umin >>> 32) == (this.umax >>> 32)) {
			this.u32min = umax32(this.u32min, (int) this.umin);
			this.u32max = umin32(this.u32max, (int) this.umax);
			if ((int) this.umin <= (int) this.umax) {
				this.s32min = Math.max(this.s32min, (int) this.umin);
				this.s32max = Math.min(this.s32max, (int) this.umax);
			}
		}
		if ((this.smin >> 32) == (this.smax >> 32)) {
			this.u32min = umax32(this.u32min, (int) this.smin);
			this.u32max = umin32(this.u32max, (int) this.smax);
			if ((int) this.smin <= (int) this.smax) {
				this.s32min = Math.max(this.s32min, (int) this.smin);
				this.s32max = Math.min(this.s32max, (int) this.smax);
			}
		}
		// 64 from 32: splice the u32 range into the upper halves of the 64-bit bounds
		long newUmin = (this.umin & ~U32_MAX) | (this.u32min & U32_MAX);
		long newUmax = (this.umax & ~U32_MAX) | (this.u32max & U32_MAX);
		this.umin = umax64(this.umin, newUmin);
		this.umax = umin64(this.umax, newUmax);
		long newSmin = (this.smin & ~U32_MAX) | (this.u32min & U32_MAX);
		long newSmax = (this.smax & ~U32_MAX) | (this.u32max & U32_MAX);
		this.smin = Math.max(this.smin, newSmin);
		this.smax = Math.min(this.smax, newSmax);
		// a non-negative s32 range with zero upper bits (zero-extended value)
		if (this.s32min >= 0 && (this.umax >>> 32) == 0) {
			this.smin = Math.max(this.smin, this.s32min);
			this.smax = Math.min(this.smax, this.s32max);
		}
	}

	/** {@code __reg_bound_offset()}: learn bits from the bounds. */
	private void boundOffset() {
		Tnum v64 = this.varOff.intersect(Tnum.range(this.umin, this.umax));
		Tnum v32 = v64.subreg().intersect(Tnum.range(this.u32min & U32_MAX, this.u32max & U32_MAX));
		this.varOff = v64.clearSubreg().or(v32);
	}

	/** {@code zext_32_to_64()}: the 64-bit value is the zero-extended subregister. */
	void zext32to64() {
		this.varOff = this.varOff.subreg();
		assign32into64();
	}

	/** {@code __reg_assign_32_into_64()}. */
	void assign32into64() {
		this.umin = this.u32min & U32_MAX;
		this.umax = this.u32max & U32_MAX;
		if (this.s32min >= 0 && this.s32max >= 0) {
			this.smin = this.s32min;
			this.smax = this.s32max;
		}
		else {
			this.smin = 0;
			this.smax = U32_MAX;
		}
	}

	/** {@code coerce_reg_to_size()}: zero-extend the low {@code size} bytes. */
	void coerceToSize(int size) {
		if (size >= 8) {
			return;
		}
		long mask = (1L << (size * 8)) - 1;
		this.varOff = this.varOff.cast(size);
		if ((this.umin & ~mask) == (this.umax & ~mask)) {
			this.umin &= mask;
			this.umax &= mask;
		}
		else {
			this.umin = 0;
			this.umax = mask;
		}
		this.smin = this.umin;
		this.smax = this.umax;
		if (size < 4) {
			// the low 32 bits changed; a 4-byte coercion keeps them and their bounds
			mark32Unbounded();
		}
		sync();
	}

	/** {@code coerce_reg_to_size_sx()}: sign-extend the low {@code size} bytes. */
	void coerceToSizeSx(int size) {
		int bits = size * 8;
		if (this.varOff.isConst()) {
			long v = this.varOff.value() << (64 - bits) >> (64 - bits);
			markKnown(v);
			return;
		}
		long lo = -(1L << (bits - 1));
		long hi = (1L << (bits - 1)) - 1;
		// when every value fits in the positive half, sign extension is zero extension
		long mask = (1L << bits) - 1;
		if ((this.umin & ~mask) == (this.umax & ~mask) && ((this.umax & mask) >>> (bits - 1)) == 0
				&& ((this.umin & mask) >>> (bits - 1)) == 0) {
			long a = this.umin & mask;
			long b = this.umax & mask;
			this.varOff = this.varOff.cast(size);
			this.umin = a;
			this.umax = b;
			this.smin = a;
			this.smax = b;
		}
		else {
			this.varOff = Tnum.UNKNOWN;
			this.smin = lo;
			this.smax = hi;
			this.umin = 0;
			this.umax = -1L;
		}
		mark32Unbounded();
		sync();
	}

	/** Whether the bounds are consistent (an empty range marks a dead branch). */
	boolean boundsConsistent() {
		return this.smin <= this.smax && Long.compareUnsigned(this.umin, this.umax) <= 0 && this.s32min <= this.s32max
				&& Integer.compareUnsigned(this.u32min, this.u32max) <= 0;
	}

	/** {@code range_within()}: every bound of {@code cur} lies within this one's. */
	boolean rangeWithin(Reg cur) {
		return Long.compareUnsigned(this.umin, cur.umin) <= 0 && Long.compareUnsigned(cur.umax, this.umax) <= 0
				&& this.smin <= cur.smin && cur.smax <= this.smax
				&& Integer.compareUnsigned(this.u32min, cur.u32min) <= 0
				&& Integer.compareUnsigned(cur.u32max, this.u32max) <= 0 && this.s32min <= cur.s32min
				&& cur.s32max <= this.s32max;
	}

	/** Field-by-field equality ({@code regs_exact()} without the id map). */
	boolean sameAs(Reg o) {
		return this.type == o.type && this.off == o.off && this.varOff.equals(o.varOff) && this.smin == o.smin
				&& this.smax == o.smax && this.umin == o.umin && this.umax == o.umax && this.s32min == o.s32min
				&& this.s32max == o.s32max && this.u32min == o.u32min && this.u32max == o.u32max && this.id == o.id
				&& this.refObjId == o.refObjId && this.range == o.range && this.mapIndex == o.mapIndex
				&& this.memSize == o.memSize && this.frameNo == o.frameNo && this.subprog == o.subprog;
	}

	static int umin32(int a, int b) {
		return (Integer.compareUnsigned(a, b) <= 0) ? a : b;
	}

	static int umax32(int a, int b) {
		return (Integer.compareUnsigned(a, b) >= 0) ? a : b;
	}

	static long umin64(long a, long b) {
		return (Long.compareUnsigned(a, b) <= 0) ? a : b;
	}

	static long umax64(long a, long b) {
		return (Long.compareUnsigned(a, b) >= 0) ? a : b;
	}

}
