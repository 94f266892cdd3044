package dev.bpfnet.bpf.maps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_HASH}, {@code PERCPU_HASH} and {@code LRU_HASH}: models
 * {@code kernel/bpf/hashtab.c} ({@code htab_map_update_elem},
 * {@code htab_lru_map_update_elem}, {@code htab_map_delete_elem},
 * {@code htab_map_get_next_key}).
 *
 * <p>
 * Layout: entries live in flat arrays indexed by an entry id (keys back to back in one
 * {@code byte[]}, cached hashes in an {@code int[]}, each value its own live
 * {@code byte[]}); an open-addressing table with linear probing and backward-shift
 * deletion maps a key to its id. A lookup hashes the caller's bytes in place and compares
 * ranges, so it allocates nothing. Entry arrays grow by doubling up to
 * {@code max_entries}; freed ids and their value arrays are reused (as the kernel's
 * preallocated free list reuses elements).
 *
 * <p>
 * Differences from the kernel, on purpose: iteration ({@code get_next_key}) follows
 * insertion order instead of bucket order, so it is deterministic and readable; the LRU
 * is exact (least recently looked-up or updated entry first) where the kernel's is an
 * approximation with per-CPU lists and reference bits; an update of an existing key
 * copies the new value into the live array in place (the kernel swaps in a new element
 * that old pointers do not see). Lookups from Java through {@link #peek(byte[])} do not
 * refresh the LRU, like the syscall side.
 *
 * <p>
 * Threading: one engine thread at a time (see {@link BpfMap}).
 */
public final class HashTab extends BpfMap {

	private static final int NONE = -1;

	private final int numCpus;

	private final boolean perCpu;

	private final boolean lru;

	private final int ks;

	private final int vs;

	/** Values per entry: numCpus for per-CPU maps, 1 otherwise. */
	private final int vpe;

	private int capacity;

	private byte[] keys;

	private int[] hashes;

	private byte[][] values;

	private int[] orderPrev;

	private int[] orderNext;

	private int[] lruPrev;

	private int[] lruNext;

	/** Open-addressing index: entry id + 1, 0 = empty. */
	private int[] table;

	private int mask;

	private int orderHead = NONE;

	private int orderTail = NONE;

	/** Most recently used. */
	private int lruHead = NONE;

	/** Least recently used: the next victim. */
	private int lruTail = NONE;

	private int freeHead = NONE;

	private int highWater;

	private int count;

	HashTab(MapSpec spec, int numCpus) {
		super(spec);
		this.perCpu = spec.type() == MapType.PERCPU_HASH;
		this.lru = spec.type() == MapType.LRU_HASH;
		this.numCpus = this.perCpu ? numCpus : 1;
		this.ks = spec.keySize();
		this.vs = spec.valueSize();
		this.vpe = this.numCpus;
		allocate(Math.min(spec.maxEntries(), 16));
	}

	private void allocate(int cap) {
		int old = this.capacity;
		this.capacity = cap;
		this.keys = this.keys == null ? new byte[cap * this.ks] : Arrays.copyOf(this.keys, cap * this.ks);
		this.hashes = this.hashes == null ? new int[cap] : Arrays.copyOf(this.hashes, cap);
		this.values = this.values == null ? new byte[cap * this.vpe][] : Arrays.copyOf(this.values, cap * this.vpe);
		this.orderPrev = grow(this.orderPrev, cap, old);
		this.orderNext = grow(this.orderNext, cap, old);
		if (this.lru) {
			this.lruPrev = grow(this.lruPrev, cap, old);
			this.lruNext = grow(this.lruNext, cap, old);
		}
		// a power of two at least twice the capacity (load factor <= 1/2)
		int tableSize = (int) Math.min(1L << 30, Long.highestOneBit(Math.max(4L, cap) * 2 - 1) << 1);
		this.table = new int[tableSize];
		this.mask = tableSize - 1;
		for (int e = this.orderHead; e != NONE; e = this.orderNext[e]) {
			int i = this.hashes[e] & this.mask;
			while (this.table[i] != 0) {
				i = (i + 1) & this.mask;
			}
			this.table[i] = e + 1;
		}
	}

	private static int[] grow(int[] a, int cap, int old) {
		int[] b = a == null ? new int[cap] : Arrays.copyOf(a, cap);
		Arrays.fill(b, old, cap, NONE);
		return b;
	}

	@Override
	public int numCpus() {
		return this.numCpus;
	}

	/**
	 * Hash of {@code key[off .. off+ks)}: 4-byte little-endian words mixed murmur3-style.
	 */
	private int hash(byte[] key, int off) {
		int h = 0x9747b28c ^ this.ks;
		int i = 0;
		for (; i + 4 <= this.ks; i += 4) {
			int w = (key[off + i] & 0xff) | (key[off + i + 1] & 0xff) << 8 | (key[off + i + 2] & 0xff) << 16
					| (key[off + i + 3] & 0xff) << 24;
			w *= 0xcc9e2d51;
			w = Integer.rotateLeft(w, 15);
			w *= 0x1b873593;
			h ^= w;
			h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
		}
		int tail = 0;
		for (int s = 0; i < this.ks; i++, s += 8) {
			tail |= (key[off + i] & 0xff) << s;
		}
		h ^= tail * 0xcc9e2d51;
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		return h;
	}

	/** The slot of the table holding the key, or -1. */
	private int findSlot(byte[] key, int off, int h) {
		int i = h & this.mask;
		int ks = this.ks;
		while (true) {
			int t = this.table[i];
			if (t == 0) {
				return NONE;
			}
			int e = t - 1;
			if (this.hashes[e] == h && Arrays.equals(this.keys, e * ks, e * ks + ks, key, off, off + ks)) {
				return i;
			}
			i = (i + 1) & this.mask;
		}
	}

	@Override
	public byte[] lookup(byte[] key, int keyOff, int cpu) {
		checkKey(key, keyOff);
		int slot = findSlot(key, keyOff, hash(key, keyOff));
		if (slot == NONE) {
			return null;
		}
		int e = this.table[slot] - 1;
		if (this.lru) {
			touch(e);
		}
		return this.values[e * this.vpe + cpuIndex(cpu)];
	}

	/**
	 * Java-side lookup that does not refresh the LRU
	 * ({@code htab_lru_map_lookup_elem_sys}).
	 * @return the live value (of CPU 0), or null
	 */
	public byte[] peek(byte[] key) {
		return peek(key, 0);
	}

	/**
	 * Java-side lookup of the key at {@code key[keyOff..]} that does not refresh the LRU.
	 * @return the live value (of CPU 0), or null
	 */
	public byte[] peek(byte[] key, int keyOff) {
		checkKey(key, keyOff);
		int slot = findSlot(key, keyOff, hash(key, keyOff));
		return slot == NONE ? null : this.values[(this.table[slot] - 1) * this.vpe];
	}

	private int cpuIndex(int cpu) {
		if (!this.perCpu) {
			return 0;
		}
		if (cpu < 0 || cpu >= this.numCpus) {
			throw new IllegalArgumentException(
					"cpu " + cpu + " out of range for per-CPU map '" + name() + "' of " + this.numCpus + " CPUs");
		}
		return cpu;
	}

	@Override
	public int update(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu) {
		return updateElem(key, keyOff, value, valueOff, flags, cpu, false);
	}

	/** Java side: per-CPU maps get the value on every CPU. */
	@Override
	public int update(byte[] key, byte[] value, long flags) {
		if (isFrozen()) {
			return -Errno.EPERM;
		}
		return updateElem(key, 0, value, 0, flags, 0, true);
	}

	/**
	 * Java side update of a per-CPU map with one value per CPU
	 * ({@code bpf_percpu_hash_update}).
	 */
	public int updatePerCpu(byte[] key, byte[][] perCpuValues, long flags) {
		checkPerCpuValues(perCpuValues, this.numCpus);
		if (isFrozen()) {
			return -Errno.EPERM;
		}
		int rc = updateElem(key, 0, perCpuValues[0], 0, flags, 0, true);
		if (rc == 0) {
			int e = this.table[findSlot(key, 0, hash(key, 0))] - 1;
			for (int c = 0; c < this.numCpus; c++) {
				System.arraycopy(perCpuValues[c], 0, this.values[e * this.vpe + c], 0, this.vs);
			}
		}
		return rc;
	}

	private int updateElem(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu, boolean allCpus) {
		checkKey(key, keyOff);
		checkValue(value, valueOff);
		long f = flags & ~BPF_F_LOCK;
		if (f < 0 || f > BPF_EXIST) {
			return -Errno.EINVAL;
		}
		int c = allCpus ? 0 : cpuIndex(cpu);
		int h = hash(key, keyOff);
		int slot = findSlot(key, keyOff, h);
		if (slot != NONE) {
			if (f == BPF_NOEXIST) {
				return -Errno.EEXIST;
			}
			int e = this.table[slot] - 1;
			writeValue(e, value, valueOff, c, allCpus, false);
			if (this.lru) {
				touch(e);
			}
			return 0;
		}
		if (f == BPF_EXIST) {
			return -Errno.ENOENT;
		}
		if (this.count >= maxEntries()) {
			if (!this.lru) {
				return -Errno.E2BIG;
			}
			evict();
		}
		int e = allocEntry();
		System.arraycopy(key, keyOff, this.keys, e * this.ks, this.ks);
		this.hashes[e] = h;
		writeValue(e, value, valueOff, c, allCpus, true);
		// insertion order: append
		this.orderPrev[e] = this.orderTail;
		this.orderNext[e] = NONE;
		if (this.orderTail != NONE) {
			this.orderNext[this.orderTail] = e;
		}
		else {
			this.orderHead = e;
		}
		this.orderTail = e;
		if (this.lru) {
			lruPushFront(e);
		}
		int i = h & this.mask;
		while (this.table[i] != 0) {
			i = (i + 1) & this.mask;
		}
		this.table[i] = e + 1;
		this.count++;
		return 0;
	}

	/**
	 * Copies the value in. A new per-CPU element updated from a program gets the value on
	 * its CPU and zeroes elsewhere ({@code pcpu_init_value}).
	 */
	private void writeValue(int e, byte[] value, int valueOff, int cpu, boolean allCpus, boolean fresh) {
		int base = e * this.vpe;
		for (int c = 0; c < this.vpe; c++) {
			byte[] v = this.values[base + c];
			if (v == null) {
				v = new byte[this.vs];
				this.values[base + c] = v;
			}
			if (allCpus || c == cpu) {
				System.arraycopy(value, valueOff, v, 0, this.vs);
			}
			else if (fresh) {
				Arrays.fill(v, (byte) 0);
			}
		}
	}

	private int allocEntry() {
		if (this.freeHead != NONE) {
			int e = this.freeHead;
			this.freeHead = this.orderNext[e];
			return e;
		}
		if (this.highWater == this.capacity) {
			allocate((int) Math.min(maxEntries(), (long) this.capacity * 2));
		}
		return this.highWater++;
	}

	@Override
	public int delete(byte[] key, int keyOff) {
		checkKey(key, keyOff);
		int slot = findSlot(key, keyOff, hash(key, keyOff));
		if (slot == NONE) {
			return -Errno.ENOENT;
		}
		removeAt(slot);
		return 0;
	}

	private void removeAt(int slot) {
		int e = this.table[slot] - 1;
		// backward-shift deletion keeps probe sequences intact without tombstones
		int i = slot;
		int j = slot;
		while (true) {
			j = (j + 1) & this.mask;
			int t = this.table[j];
			if (t == 0) {
				break;
			}
			int home = this.hashes[t - 1] & this.mask;
			boolean movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
			if (movable) {
				this.table[i] = t;
				i = j;
			}
		}
		this.table[i] = 0;
		int p = this.orderPrev[e];
		int n = this.orderNext[e];
		if (p != NONE) {
			this.orderNext[p] = n;
		}
		else {
			this.orderHead = n;
		}
		if (n != NONE) {
			this.orderPrev[n] = p;
		}
		else {
			this.orderTail = p;
		}
		if (this.lru) {
			lruUnlink(e);
		}
		this.orderPrev[e] = NONE;
		this.orderNext[e] = this.freeHead;
		this.freeHead = e;
		this.count--;
	}

	private void evict() {
		int victim = this.lruTail;
		int slot = findSlot(this.keys, victim * this.ks, this.hashes[victim]);
		removeAt(slot);
	}

	private void touch(int e) {
		if (this.lruHead != e) {
			lruUnlink(e);
			lruPushFront(e);
		}
	}

	private void lruUnlink(int e) {
		int p = this.lruPrev[e];
		int n = this.lruNext[e];
		if (p != NONE) {
			this.lruNext[p] = n;
		}
		else {
			this.lruHead = n;
		}
		if (n != NONE) {
			this.lruPrev[n] = p;
		}
		else {
			this.lruTail = p;
		}
		this.lruPrev[e] = NONE;
		this.lruNext[e] = NONE;
	}

	private void lruPushFront(int e) {
		this.lruPrev[e] = NONE;
		this.lruNext[e] = this.lruHead;
		if (this.lruHead != NONE) {
			this.lruPrev[this.lruHead] = e;
		}
		else {
			this.lruTail = e;
		}
		this.lruHead = e;
	}

	@Override
	public byte[] nextKey(byte[] key) {
		int e;
		if (key == null) {
			e = this.orderHead;
		}
		else {
			checkKey(key, 0);
			int slot = findSlot(key, 0, hash(key, 0));
			// htab_map_get_next_key: a missing key restarts from the first element
			e = slot == NONE ? this.orderHead : this.orderNext[this.table[slot] - 1];
		}
		return e == NONE ? null : Arrays.copyOfRange(this.keys, e * this.ks, e * this.ks + this.ks);
	}

	@Override
	public int size() {
		return this.count;
	}

	@Override
	public List<MapEntry> entries() {
		List<MapEntry> out = new ArrayList<>(this.count);
		for (int e = this.orderHead; e != NONE; e = this.orderNext[e]) {
			byte[][] vals = new byte[this.vpe][];
			for (int c = 0; c < this.vpe; c++) {
				vals[c] = this.values[e * this.vpe + c].clone();
			}
			out.add(new MapEntry(Arrays.copyOfRange(this.keys, e * this.ks, e * this.ks + this.ks), vals));
		}
		return out;
	}

	/**
	 * Keys from least to most recently used (LRU maps only; empty otherwise), for tests
	 * and the UI.
	 */
	public List<byte[]> lruOrder() {
		List<byte[]> out = new ArrayList<>();
		if (this.lru) {
			for (int e = this.lruTail; e != NONE; e = this.lruPrev[e]) {
				out.add(Arrays.copyOfRange(this.keys, e * this.ks, e * this.ks + this.ks));
			}
		}
		return out;
	}

}
