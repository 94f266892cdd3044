package dev.bpfnet.bpf.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;

/**
 * The address space of a running BPF program: tagged pointers over a table of
 * {@link Region}s, one bounds-check path for every access.
 *
 * <p>
 * An address is {@code ((long) regionId << 32) | (offset & 0xffffffffL)}. Region 0 is
 * invalid, so every scalar below 2^32 (NULL included) faults when dereferenced as the
 * verifier's {@code invalid mem access 'scalar'} would. An access {@code [off, off+size)}
 * is legal iff {@code lo <= off && off + size <= hi} compared as unsigned 32-bit values,
 * so pointer arithmetic that wraps below 0 or past 2^32 is caught. This is the run-time
 * equivalent of the kernel's {@code check_mem_access()} (kernel/bpf/verifier.c): the
 * kernel proves these bounds statically, the emulator checks them on every access.
 *
 * <p>
 * Fixed ids: 1..{@value #STACK_FRAMES} the stack frames (512 bytes each, the frame
 * pointer of frame {@code k} is {@link #framePointer(int) framePointer(k)}),
 * {@value #CTX_ID} the context, {@value #PACKET_ID} the packet as set before the run. Ids
 * from {@value #FIRST_DYNAMIC} on are per run: map values (a map value pointer stays
 * valid for the run that looked it up, as under RCU in the kernel), map pointers, raw
 * buffers, and the packet after a helper changed it within the run (pointers into the old
 * packet then fault, as {@code clear_all_pkt_pointers()} makes the verifier forget them).
 * The dynamic part is reset by {@link #beginRun()} without allocation once the tables are
 * warm. Dynamic ids are reused by the next run: a pointer kept across runs (which the
 * kernel's verifier would never allow to escape) may then alias another region of the
 * same kind of use, but it can never reach outside a region's bounds.
 *
 * <p>
 * Atomic operations use plain (not volatile) read-modify-write through little-endian
 * {@link VarHandle} views: a {@code Memory} is used by one engine thread at a time, and
 * maps are only shared through that thread (see {@link BpfMap}). They must be naturally
 * aligned, as the kernel's verifier requires for {@code BPF_ATOMIC}.
 *
 * <p>
 * Threading: not thread-safe; one {@code Memory} per {@code Vm}, used by one thread.
 */
public final class Memory {

	/**
	 * Number of stack frames (MAX_CALL_FRAMES plus one spare for the tail-call frame).
	 */
	public static final int STACK_FRAMES = 9;

	/** Bytes per frame (MAX_BPF_STACK). */
	public static final int FRAME_SIZE = Opcodes.STACK_SIZE;

	public static final int FIRST_STACK_ID = 1;

	public static final int CTX_ID = 10;

	public static final int PACKET_ID = 11;

	public static final int FIRST_DYNAMIC = 16;

	/**
	 * Upper bound of regions in one run (guards against programs that loop on lookups).
	 */
	public static final int MAX_REGIONS = 1 << 20;

	private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

	private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long MASK32 = 0xffffffffL;

	private Region[] regions;

	private int count;

	private final byte[][] stack = new byte[STACK_FRAMES][];

	private int framesUsed = STACK_FRAMES;

	private ContextAccess ctx;

	private byte[] pktBuf;

	private int pktMeta;

	private int pktData;

	private int pktEnd;

	private boolean pktWritable = true;

	private int pktId = PACKET_ID;

	private boolean inRun;

	private int faultPc = -1;

	// identity table: live object (map value byte[] or BpfMap) -> region id, valid while
	// keyGen[i] == gen
	private Object[] keys = new Object[64];

	private int[] keyIds = new int[64];

	private int[] keyGen = new int[64];

	private int gen = 1;

	private int used;

	public Memory() {
		this.regions = new Region[64];
		for (int i = 0; i < this.regions.length; i++) {
			this.regions[i] = new Region(i);
		}
		for (int f = 0; f < STACK_FRAMES; f++) {
			this.stack[f] = new byte[FRAME_SIZE];
			this.regions[FIRST_STACK_ID + f].set(Region.STACK, this.stack[f], 0, FRAME_SIZE, true, null);
		}
		this.count = FIRST_DYNAMIC;
	}

	// ------------------------------------------------------------------ addresses

	public static long address(int regionId, int offset) {
		return ((long) regionId << 32) | (offset & MASK32);
	}

	public static int regionId(long addr) {
		return (int) (addr >>> 32);
	}

	public static int offset(long addr) {
		return (int) addr;
	}

	/** The frame pointer ({@code r10}) of stack frame {@code frame} (0 = main). */
	public static long framePointer(int frame) {
		return address(FIRST_STACK_ID + frame, FRAME_SIZE);
	}

	/** The pointer passed in {@code r1} for the context. */
	public static long ctxPointer() {
		return address(CTX_ID, 0);
	}

	// ------------------------------------------------------------------ run lifecycle

	/**
	 * Starts a run: forgets the dynamic regions of the previous run, zeroes the stack
	 * frames the previous run used (so a run never sees another run's data), installs the
	 * packet last given to {@link #setPacket} at the fixed packet id.
	 */
	public void beginRun() {
		this.count = FIRST_DYNAMIC;
		this.used = 0;
		if (++this.gen == 0) {
			Arrays.fill(this.keyGen, 0);
			Arrays.fill(this.keys, null);
			this.gen = 1;
		}
		for (int f = 0; f < this.framesUsed; f++) {
			Arrays.fill(this.stack[f], (byte) 0);
		}
		this.framesUsed = 1;
		this.pktId = PACKET_ID;
		installPacket(this.regions[PACKET_ID]);
		installCtx();
		this.inRun = true;
		this.faultPc = -1;
	}

	/** Ends a run (later {@link #setPacket} calls change the fixed packet region). */
	public void endRun() {
		this.inRun = false;
	}

	/** Records that the stack frame {@code frame} is in use (zeroed at the next run). */
	public void useFrame(int frame) {
		if (frame >= this.framesUsed) {
			this.framesUsed = frame + 1;
		}
	}

	/** The bytes of stack frame {@code frame} (index 511 is just below its r10). */
	public byte[] frame(int frame) {
		return this.stack[frame];
	}

	/**
	 * The instruction index reported by faults raised through the helper-facing methods
	 * ({@link #resolve}, {@link #copyIn}, {@link #copyOut}); the interpreter sets it
	 * before each helper call.
	 */
	public void setFaultPc(int pc) {
		this.faultPc = pc;
	}

	public int faultPc() {
		return this.faultPc;
	}

	// ------------------------------------------------------------------ context

	/** Sets the context of the next (or current) run; {@code null} for none. */
	public void setContext(ContextAccess ctx) {
		this.ctx = ctx;
		installCtx();
	}

	public ContextAccess context() {
		return this.ctx;
	}

	private void installCtx() {
		Region r = this.regions[CTX_ID];
		if (this.ctx == null) {
			r.invalidate();
		}
		else {
			r.set(Region.CTX, null, 0, 0, true, this.ctx);
		}
	}

	// ------------------------------------------------------------------ packet

	/** Sets the packet with no metadata area: data_meta == data. */
	public void setPacket(byte[] buf, int dataOff, int dataEndOff) {
		setPacket(buf, dataOff, dataOff, dataEndOff);
	}

	/**
	 * Sets the packet: {@code buf[metaOff .. dataOff)} is the metadata area,
	 * {@code buf[dataOff .. dataEndOff)} the packet data. Before a run this changes the
	 * fixed packet region; during a run (a helper changed the packet) the old region is
	 * invalidated and a new one is created, so stale packet pointers fault.
	 * @throws IllegalArgumentException if the offsets are not
	 * {@code 0 <= meta <= data <= end <= buf.length}
	 */
	public void setPacket(byte[] buf, int metaOff, int dataOff, int dataEndOff) {
		if (buf == null || metaOff < 0 || metaOff > dataOff || dataOff > dataEndOff || dataEndOff > buf.length) {
			throw new IllegalArgumentException("bad packet bounds: meta=" + metaOff + " data=" + dataOff + " end="
					+ dataEndOff + " length=" + (buf == null ? "null" : buf.length));
		}
		this.pktBuf = buf;
		this.pktMeta = metaOff;
		this.pktData = dataOff;
		this.pktEnd = dataEndOff;
		refreshPacket();
	}

	/** Removes the packet: packet pointers fault, {@link #packetData()} is 0. */
	public void clearPacket() {
		this.pktBuf = null;
		refreshPacket();
	}

	/** Whether programs may store into the packet (true by default, as for tc). */
	public void setPacketWritable(boolean writable) {
		this.pktWritable = writable;
		refreshPacket();
	}

	private void refreshPacket() {
		if (!this.inRun) {
			installPacket(this.regions[PACKET_ID]);
			return;
		}
		this.regions[this.pktId].invalidate();
		try {
			this.pktId = addRegion();
		}
		catch (BpfFault ex) {
			this.pktId = PACKET_ID;
		}
		installPacket(this.regions[this.pktId]);
	}

	private void installPacket(Region r) {
		if (this.pktBuf == null) {
			r.invalidate();
		}
		else {
			r.set(Region.PACKET, this.pktBuf, this.pktMeta, this.pktEnd, this.pktWritable, null);
		}
	}

	/**
	 * Pointer to the first byte of packet data ({@code skb->data}), or 0 without packet.
	 */
	public long packetData() {
		return this.pktBuf == null ? 0 : address(this.pktId, this.pktData);
	}

	/** Pointer one past the last byte of packet data ({@code data_end}), or 0. */
	public long packetDataEnd() {
		return this.pktBuf == null ? 0 : address(this.pktId, this.pktEnd);
	}

	/** Pointer to the metadata area ({@code data_meta}), or 0. */
	public long packetMeta() {
		return this.pktBuf == null ? 0 : address(this.pktId, this.pktMeta);
	}

	/** The current packet buffer, or {@code null}. */
	public byte[] packetBuffer() {
		return this.pktBuf;
	}

	public int packetDataOffset() {
		return this.pktData;
	}

	public int packetDataEndOffset() {
		return this.pktEnd;
	}

	public int packetMetaOffset() {
		return this.pktMeta;
	}

	// ------------------------------------------------------------------ dynamic regions

	private int addRegion() throws BpfFault {
		int id = this.count;
		if (id >= this.regions.length) {
			if (id >= MAX_REGIONS) {
				throw new BpfFault(this.faultPc, "too many memory regions in one run (" + MAX_REGIONS + ")");
			}
			int old = this.regions.length;
			this.regions = Arrays.copyOf(this.regions, old * 2);
			for (int i = old; i < this.regions.length; i++) {
				this.regions[i] = new Region(i);
			}
		}
		this.count = id + 1;
		return id;
	}

	/**
	 * The pointer to a live map value (as returned by {@link BpfMap#lookup}): finds the
	 * region made for that array in this run or adds one. Writable unless the map is
	 * read-only ({@code .rodata}).
	 * @param map the owning map (may be {@code null} for a writable anonymous value)
	 * @return the address of byte 0 of the value, or 0 (NULL) when {@code value} is null
	 */
	public long mapValuePointer(BpfMap map, byte[] value) throws BpfFault {
		if (value == null) {
			return 0;
		}
		int id = find(value);
		if (id < 0) {
			id = addRegion();
			this.regions[id].set(Region.MAP_VALUE, value, 0, value.length, map == null || map.bpfWritable(), map);
			put(value, id);
		}
		return address(id, 0);
	}

	/** {@link #mapValuePointer(BpfMap, byte[])} for an anonymous writable value. */
	public long mapValuePointer(byte[] value) throws BpfFault {
		return mapValuePointer(null, value);
	}

	/** The pointer that stands for {@code map} ({@code CONST_PTR_TO_MAP}). */
	public long mapPointer(BpfMap map) throws BpfFault {
		int id = find(map);
		if (id < 0) {
			id = addRegion();
			this.regions[id].set(Region.MAP_PTR, null, 0, 0, false, map);
			put(map, id);
		}
		return address(id, 0);
	}

	/** The map a map pointer stands for, or {@code null} if {@code addr} is not one. */
	public BpfMap mapOf(long addr) {
		long id = addr >>> 32;
		if (id >= this.count) {
			return null;
		}
		Region r = this.regions[(int) id];
		return r.kind == Region.MAP_PTR && (int) addr == 0 ? (BpfMap) r.owner : null;
	}

	/**
	 * Adds a raw buffer region ({@code PTR_TO_MEM}) for the rest of the run: ring buffer
	 * records, helper scratch, the conformance memory.
	 * @return the address of {@code data[lo]}
	 */
	public long addBuffer(byte[] data, int lo, int hi, boolean writable, Object owner) throws BpfFault {
		if (data == null || lo < 0 || lo > hi || hi > data.length) {
			throw new IllegalArgumentException("bad buffer bounds [" + lo + "," + hi + ")");
		}
		int id = addRegion();
		this.regions[id].set(Region.MEM, data, lo, hi, writable, owner);
		return address(id, lo);
	}

	/**
	 * Invalidates the dynamic region {@code addr} points into (a submitted or discarded
	 * ring buffer record): later accesses fault. Fixed regions are left alone.
	 */
	public void release(long addr) {
		long id = addr >>> 32;
		if (id >= FIRST_DYNAMIC && id < this.count && (int) id != this.pktId) {
			Region r = this.regions[(int) id];
			if (r.kind == Region.MEM) {
				r.invalidate();
			}
		}
	}

	/** The region {@code addr} points into, or {@code null}; no bounds check. */
	public Region region(long addr) {
		long id = addr >>> 32;
		if (id == 0 || id >= this.count) {
			return null;
		}
		Region r = this.regions[(int) id];
		return r.kind == Region.INVALID ? null : r;
	}

	/** Number of regions in use (fixed ones included). */
	public int regionCount() {
		return this.count;
	}

	private int find(Object key) {
		Object[] k = this.keys;
		int mask = k.length - 1;
		int h = mix(System.identityHashCode(key)) & mask;
		while (this.keyGen[h] == this.gen) {
			if (k[h] == key) {
				return this.keyIds[h];
			}
			h = (h + 1) & mask;
		}
		return -1;
	}

	private void put(Object key, int id) {
		if ((this.used + 1) * 2 > this.keys.length) {
			grow();
		}
		int mask = this.keys.length - 1;
		int h = mix(System.identityHashCode(key)) & mask;
		while (this.keyGen[h] == this.gen) {
			h = (h + 1) & mask;
		}
		this.keys[h] = key;
		this.keyIds[h] = id;
		this.keyGen[h] = this.gen;
		this.used++;
	}

	private void grow() {
		Object[] oldKeys = this.keys;
		int[] oldIds = this.keyIds;
		int[] oldGen = this.keyGen;
		int n = oldKeys.length * 2;
		this.keys = new Object[n];
		this.keyIds = new int[n];
		this.keyGen = new int[n];
		this.used = 0;
		for (int i = 0; i < oldKeys.length; i++) {
			if (oldGen[i] == this.gen) {
				put(oldKeys[i], oldIds[i]);
			}
		}
	}

	private static int mix(int h) {
		h *= 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	// ------------------------------------------------------------------ program
	// loads/stores

	/** Loads one byte, zero-extended. */
	public long load8(long addr, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.data != null && o >= r.lo && o + 1 <= r.hi) {
				return r.data[(int) o] & 0xffL;
			}
		}
		return slowLoad(addr, 1, pc);
	}

	/** Loads two bytes little endian, zero-extended. */
	public long load16(long addr, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.data != null && o >= r.lo && o + 2 <= r.hi) {
				return (short) SHORT.get(r.data, (int) o) & 0xffffL;
			}
		}
		return slowLoad(addr, 2, pc);
	}

	/** Loads four bytes little endian, zero-extended. */
	public long load32(long addr, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.data != null && o >= r.lo && o + 4 <= r.hi) {
				return (int) INT.get(r.data, (int) o) & MASK32;
			}
		}
		return slowLoad(addr, 4, pc);
	}

	/** Loads eight bytes little endian. */
	public long load64(long addr, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.data != null && o >= r.lo && o + 8 <= r.hi) {
				return (long) LONG.get(r.data, (int) o);
			}
		}
		return slowLoad(addr, 8, pc);
	}

	/** Loads {@code size} (1, 2, 4, 8) bytes, zero-extended. */
	public long load(long addr, int size, int pc) throws BpfFault {
		return switch (size) {
			case 1 -> load8(addr, pc);
			case 2 -> load16(addr, pc);
			case 4 -> load32(addr, pc);
			default -> load64(addr, pc);
		};
	}

	public void store8(long addr, long value, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.writable && r.data != null && o >= r.lo && o + 1 <= r.hi) {
				r.data[(int) o] = (byte) value;
				return;
			}
		}
		slowStore(addr, 1, value, pc);
	}

	public void store16(long addr, long value, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.writable && r.data != null && o >= r.lo && o + 2 <= r.hi) {
				SHORT.set(r.data, (int) o, (short) value);
				return;
			}
		}
		slowStore(addr, 2, value, pc);
	}

	public void store32(long addr, long value, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.writable && r.data != null && o >= r.lo && o + 4 <= r.hi) {
				INT.set(r.data, (int) o, (int) value);
				return;
			}
		}
		slowStore(addr, 4, value, pc);
	}

	public void store64(long addr, long value, int pc) throws BpfFault {
		long id = addr >>> 32;
		if (id < this.count) {
			Region r = this.regions[(int) id];
			long o = addr & MASK32;
			if (r.writable && r.data != null && o >= r.lo && o + 8 <= r.hi) {
				LONG.set(r.data, (int) o, value);
				return;
			}
		}
		slowStore(addr, 8, value, pc);
	}

	/** Stores the low {@code size} (1, 2, 4, 8) bytes of {@code value}. */
	public void store(long addr, int size, long value, int pc) throws BpfFault {
		switch (size) {
			case 1 -> store8(addr, value, pc);
			case 2 -> store16(addr, value, pc);
			case 4 -> store32(addr, value, pc);
			default -> store64(addr, value, pc);
		}
	}

	private long slowLoad(long addr, int size, int pc) throws BpfFault {
		Region r = regionOrFault(addr, pc);
		if (r.kind == Region.CTX) {
			try {
				return ((ContextAccess) r.owner).load(this, (int) addr, size, pc);
			}
			catch (RuntimeException ex) {
				throw new BpfFault(pc, "context access failed: " + ex, ex);
			}
		}
		throw boundsFault(r, (int) addr, size, false, pc);
	}

	private void slowStore(long addr, int size, long value, int pc) throws BpfFault {
		Region r = regionOrFault(addr, pc);
		if (r.kind == Region.CTX) {
			try {
				((ContextAccess) r.owner).store(this, (int) addr, size, value, pc);
			}
			catch (RuntimeException ex) {
				throw new BpfFault(pc, "context access failed: " + ex, ex);
			}
			return;
		}
		throw boundsFault(r, (int) addr, size, true, pc);
	}

	/**
	 * The region an invalid access was meant for. Pointer arithmetic that goes below
	 * offset 0 borrows from the region id ({@code (id << 32) - 8} is
	 * {@code ((id - 1) << 32) | 0xfffffff8}); no region is 2 GiB, so a negative 32-bit
	 * offset always means such a borrow, and the fault is reported against {@code id + 1}
	 * with the negative offset, as the verifier would.
	 */
	private Region regionOrFault(long addr, int pc) throws BpfFault {
		long id = addr >>> 32;
		if ((int) addr < 0) {
			id = (id + 1) & MASK32;
		}
		if (id == 0 || id >= this.count) {
			throw new BpfFault(pc, "invalid mem access 'scalar'");
		}
		Region r = this.regions[(int) id];
		if (r.kind == Region.INVALID) {
			throw new BpfFault(pc, "invalid mem access 'scalar'");
		}
		if (r.kind == Region.MAP_PTR) {
			throw new BpfFault(pc, "invalid mem access 'map_ptr'");
		}
		return r;
	}

	private static boolean inBounds(Region r, long off, int size) {
		long o = off & MASK32;
		return o >= r.lo && o + size <= r.hi;
	}

	/**
	 * The fault for an access to {@code r} that is out of bounds or not permitted, in the
	 * kernel's words for the region type.
	 */
	private BpfFault boundsFault(Region r, int off, int size, boolean write, int pc) {
		boolean inside = inBounds(r, off, size);
		return switch (r.kind) {
			case Region.STACK -> new BpfFault(pc, "invalid " + (write ? "write to" : "read from") + " stack off="
					+ (off - FRAME_SIZE) + " size=" + size);
			case Region.PACKET -> inside && write ? new BpfFault(pc, "cannot write into packet")
					: new BpfFault(pc, "invalid access to packet, off=" + (off - this.pktData) + " size=" + size);
			case Region.MAP_VALUE ->
				new BpfFault(pc, (inside && write ? "write into map forbidden" : "invalid access to map value")
						+ ", value_size=" + (r.hi - r.lo) + " off=" + (off - r.lo) + " size=" + size);
			case Region.MEM -> inside && write ? new BpfFault(pc, "cannot write into rdonly_mem") : new BpfFault(pc,
					"invalid access to memory, mem_size=" + (r.hi - r.lo) + " off=" + (off - r.lo) + " size=" + size);
			default -> new BpfFault(pc, "invalid mem access '" + Region.kindName(r.kind) + "'");
		};
	}

	// ------------------------------------------------------------------ atomics

	/**
	 * A {@code BPF_ATOMIC} read-modify-write of 4 or 8 bytes: {@code op} is the atomic
	 * imm without the fetch bit semantics ({@link Opcodes#ATOMIC_ADD}, {@code OR},
	 * {@code AND}, {@code XOR}, {@link Opcodes#ATOMIC_XCHG}) or
	 * {@link Opcodes#ATOMIC_CMPXCHG} (stores {@code value} only if the old value equals
	 * {@code expected}, compared on {@code size} bytes).
	 * @return the old value, zero-extended
	 */
	public long atomic(long addr, int size, int op, long value, long expected, int pc) throws BpfFault {
		Region r = regionOrFault(addr, pc);
		int off = (int) addr;
		if (r.kind == Region.CTX || r.kind == Region.PACKET) {
			throw new BpfFault(pc, "BPF_ATOMIC stores into " + Region.kindName(r.kind) + " is not allowed");
		}
		if (r.data == null || !r.writable || !inBounds(r, off, size)) {
			throw boundsFault(r, off, size, true, pc);
		}
		if ((off & (size - 1)) != 0) {
			throw new BpfFault(pc, "misaligned access off=" + (off - r.lo) + " size=" + size);
		}
		byte[] d = r.data;
		if (size == 8) {
			long old = (long) LONG.get(d, off);
			long nv = switch (op & ~Opcodes.ATOMIC_FETCH) {
				case Opcodes.ATOMIC_ADD -> old + value;
				case Opcodes.ATOMIC_OR -> old | value;
				case Opcodes.ATOMIC_AND -> old & value;
				case Opcodes.ATOMIC_XOR -> old ^ value;
				case Opcodes.ATOMIC_XCHG & ~Opcodes.ATOMIC_FETCH -> value;
				case Opcodes.ATOMIC_CMPXCHG & ~Opcodes.ATOMIC_FETCH -> old == expected ? value : old;
				default -> throw new BpfFault(pc, "BPF_ATOMIC uses invalid atomic opcode " + String.format("%02x", op));
			};
			LONG.set(d, off, nv);
			return old;
		}
		int old = (int) INT.get(d, off);
		int v = (int) value;
		int nv = switch (op & ~Opcodes.ATOMIC_FETCH) {
			case Opcodes.ATOMIC_ADD -> old + v;
			case Opcodes.ATOMIC_OR -> old | v;
			case Opcodes.ATOMIC_AND -> old & v;
			case Opcodes.ATOMIC_XOR -> old ^ v;
			case Opcodes.ATOMIC_XCHG & ~Opcodes.ATOMIC_FETCH -> v;
			case Opcodes.ATOMIC_CMPXCHG & ~Opcodes.ATOMIC_FETCH -> old == (int) expected ? v : old;
			default -> throw new BpfFault(pc, "BPF_ATOMIC uses invalid atomic opcode " + String.format("%02x", op));
		};
		INT.set(d, off, nv);
		return old & MASK32;
	}

	// ------------------------------------------------------------------ helper-facing
	// access

	/**
	 * Checks that {@code [addr, addr+len)} lies inside one region with data and is
	 * writable if {@code write}; helpers then use {@code region.data()} at index
	 * {@code Memory.offset(addr)}. Faults carry {@link #faultPc()}.
	 */
	public Region resolve(long addr, int len, boolean write) throws BpfFault {
		int pc = this.faultPc;
		if (len < 0) {
			throw new BpfFault(pc, "invalid access size " + len);
		}
		Region r = regionOrFault(addr, pc);
		if (r.kind == Region.CTX) {
			throw new BpfFault(pc, "type=ctx expected=fp, pkt, pkt_meta, map_value, mem");
		}
		if (r.data == null || (write && !r.writable) || !inBounds(r, addr, len)) {
			throw boundsFault(r, (int) addr, len, write, pc);
		}
		return r;
	}

	/** Copies {@code len} bytes at {@code addr} into a new array. */
	public byte[] copyOut(long addr, int len) throws BpfFault {
		Region r = resolve(addr, len, false);
		int o = (int) addr;
		return Arrays.copyOfRange(r.data, o, o + len);
	}

	/** Copies {@code len} bytes at {@code addr} into {@code dst[dstOff..]}. */
	public void copyOut(long addr, byte[] dst, int dstOff, int len) throws BpfFault {
		Region r = resolve(addr, len, false);
		System.arraycopy(r.data, (int) addr, dst, dstOff, len);
	}

	/** Copies {@code src[off .. off+len)} to {@code addr}. */
	public void copyIn(long addr, byte[] src, int off, int len) throws BpfFault {
		Region r = resolve(addr, len, true);
		System.arraycopy(src, off, r.data, (int) addr, len);
	}

	// ------------------------------------------------------------------ byte utilities

	/** Reads {@code size} (1, 2, 4, 8) bytes little endian, zero-extended. */
	public static long getLe(byte[] b, int off, int size) {
		return switch (size) {
			case 1 -> b[off] & 0xffL;
			case 2 -> (short) SHORT.get(b, off) & 0xffffL;
			case 4 -> (int) INT.get(b, off) & MASK32;
			default -> (long) LONG.get(b, off);
		};
	}

	/** Writes the low {@code size} (1, 2, 4, 8) bytes of {@code v} little endian. */
	public static void putLe(byte[] b, int off, int size, long v) {
		switch (size) {
			case 1 -> b[off] = (byte) v;
			case 2 -> SHORT.set(b, off, (short) v);
			case 4 -> INT.set(b, off, (int) v);
			default -> LONG.set(b, off, v);
		}
	}

}
