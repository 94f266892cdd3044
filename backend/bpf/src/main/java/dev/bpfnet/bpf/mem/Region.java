package dev.bpfnet.bpf.mem;

/**
 * One addressable region of {@link Memory}: bytes {@code data[lo .. hi)} reachable
 * through addresses {@code (id << 32) | offset}. Offsets are indexes into {@code data}.
 *
 * <p>
 * Region objects are owned and reused by their {@link Memory} (no allocation per run once
 * warm): a reference obtained from {@link Memory#resolve} is valid until the next run
 * starts. Helpers read {@link #data()} between {@code lo} and {@code hi}.
 */
public final class Region {

	/** A freed or never-used id: any access faults as a scalar dereference. */
	public static final int INVALID = 0;

	/** One 512-byte frame of the BPF stack. */
	public static final int STACK = 1;

	/** The program context; accesses go through a {@link ContextAccess}. */
	public static final int CTX = 2;

	/** Packet bytes between {@code data_meta} and {@code data_end}. */
	public static final int PACKET = 3;

	/** A map value returned by a lookup (valid for the run, as under RCU). */
	public static final int MAP_VALUE = 4;

	/** A map pointer ({@code CONST_PTR_TO_MAP}): no data, any dereference faults. */
	public static final int MAP_PTR = 5;

	/**
	 * A raw buffer: conformance memory, ring buffer records, helper scratch
	 * ({@code PTR_TO_MEM}).
	 */
	public static final int MEM = 6;

	final int id;

	byte[] data;

	int lo;

	int hi;

	int kind;

	boolean writable;

	Object owner;

	Region(int id) {
		this.id = id;
	}

	void set(int kind, byte[] data, int lo, int hi, boolean writable, Object owner) {
		this.kind = kind;
		this.data = data;
		this.lo = lo;
		this.hi = hi;
		this.writable = writable;
		this.owner = owner;
	}

	void invalidate() {
		set(INVALID, null, 0, 0, false, null);
	}

	public int id() {
		return this.id;
	}

	/** The backing bytes, or {@code null} for CTX, MAP_PTR and INVALID regions. */
	public byte[] data() {
		return this.data;
	}

	/** First accessible index of {@link #data()}. */
	public int lo() {
		return this.lo;
	}

	/** One past the last accessible index of {@link #data()}. */
	public int hi() {
		return this.hi;
	}

	public int kind() {
		return this.kind;
	}

	public boolean writable() {
		return this.writable;
	}

	/** The owning map for MAP_VALUE and MAP_PTR regions, or what the creator passed. */
	public Object owner() {
		return this.owner;
	}

	/** The address of index {@code off} of this region. */
	public long address(int off) {
		return Memory.address(this.id, off);
	}

	public static String kindName(int kind) {
		return switch (kind) {
			case STACK -> "stack";
			case CTX -> "ctx";
			case PACKET -> "pkt";
			case MAP_VALUE -> "map_value";
			case MAP_PTR -> "map_ptr";
			case MEM -> "mem";
			default -> "scalar";
		};
	}

	@Override
	public String toString() {
		return "Region[id=" + this.id + " " + kindName(this.kind) + " [" + this.lo + "," + this.hi + ")"
				+ (this.writable ? " rw" : " ro") + "]";
	}

}
