package dev.bpfnet.bpf.maps;

import java.util.ArrayList;
import java.util.List;

/**
 * A BPF map: the storage shared by programs and by Java code (the API and the UI read and
 * edit it).
 *
 * <p>
 * Values are handed out as their live {@code byte[]} storage, exactly {@code valueSize}
 * long: a program that looks up a value and writes through the pointer changes the map,
 * as in the kernel. Keys are read from a caller's buffer at an offset so that the
 * interpreter does not allocate per lookup.
 *
 * <p>
 * Return codes follow the kernel: 0 on success, otherwise a negative errno
 * ({@link Errno}).
 *
 * <p>
 * Threading: a map is used by one engine thread at a time; Java readers on other threads
 * must take a {@link #snapshot()}-style copy through the engine. Per-CPU maps keep one
 * value per CPU; the {@code cpu} argument selects it and is ignored by the others.
 */
public abstract class BpfMap {

	/** BPF_ANY: create or update. */
	public static final long BPF_ANY = 0;

	/** BPF_NOEXIST: create only. */
	public static final long BPF_NOEXIST = 1;

	/** BPF_EXIST: update only. */
	public static final long BPF_EXIST = 2;

	/** BPF_F_LOCK (accepted and ignored: one engine thread). */
	public static final long BPF_F_LOCK = 4;

	protected final MapSpec spec;

	protected BpfMap(MapSpec spec) {
		this.spec = spec;
	}

	public MapSpec spec() {
		return this.spec;
	}

	public MapType type() {
		return this.spec.type();
	}

	public String name() {
		return this.spec.name();
	}

	public int keySize() {
		return this.spec.keySize();
	}

	public int valueSize() {
		return this.spec.valueSize();
	}

	public int maxEntries() {
		return this.spec.maxEntries();
	}

	/**
	 * Looks up the key stored at {@code key[keyOff .. keyOff+keySize)}.
	 * @return the live value storage (for per-CPU maps the one of {@code cpu}), or
	 * {@code null}
	 */
	public abstract byte[] lookup(byte[] key, int keyOff, int cpu);

	/**
	 * Inserts or updates with the kernel's flags (BPF_ANY, BPF_NOEXIST, BPF_EXIST).
	 * @return 0, or -EEXIST, -ENOENT, -E2BIG (full), -EINVAL (bad flags or not supported
	 * by the type)
	 */
	public abstract int update(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu);

	/**
	 * @return 0, -ENOENT, or -EINVAL where the type does not support delete (arrays)
	 */
	public abstract int delete(byte[] key, int keyOff);

	/**
	 * The key after {@code key} in iteration order ({@code BPF_MAP_GET_NEXT_KEY});
	 * {@code key == null} gives the first. Iteration order is deterministic (insertion
	 * order for hashes, index order for arrays).
	 * @return the next key, or {@code null} at the end
	 */
	public abstract byte[] nextKey(byte[] key);

	/** Number of entries present (for arrays, {@code maxEntries}). */
	public abstract int size();

	/** Convenience for Java callers: look up a whole-array key on CPU 0. */
	public final byte[] lookup(byte[] key) {
		return lookup(key, 0, 0);
	}

	/**
	 * Convenience for Java callers: update a whole-array key on CPU 0 (for per-CPU maps,
	 * every CPU). Refused with -EPERM once the map is {@linkplain #freeze() frozen}.
	 */
	public int update(byte[] key, byte[] value, long flags) {
		if (this.frozen) {
			return -Errno.EPERM;
		}
		return update(key, 0, value, 0, flags, 0);
	}

	/**
	 * Convenience for Java callers; refused with -EPERM once the map is
	 * {@linkplain #freeze() frozen}.
	 */
	public final int delete(byte[] key) {
		if (this.frozen) {
			return -Errno.EPERM;
		}
		return delete(key, 0);
	}

	private boolean frozen;

	/**
	 * Number of CPUs a per-CPU map keeps a value for (1 for the other types).
	 */
	public int numCpus() {
		return 1;
	}

	/**
	 * Freezes the map against writes from Java ({@code BPF_MAP_FREEZE}, which libbpf
	 * applies to {@code .rodata} after setting it): later Java-side updates and deletes
	 * return -EPERM. Programs are not affected by this; see {@link #bpfWritable()}.
	 */
	public void freeze() {
		this.frozen = true;
	}

	public boolean isFrozen() {
		return this.frozen;
	}

	/**
	 * Whether programs may write the map's values: false for {@code .rodata} and maps
	 * created with {@code BPF_F_RDONLY_PROG} (the verifier's "write into map forbidden").
	 */
	public boolean bpfWritable() {
		return !this.spec.readOnly() && (this.spec.flags() & 0x80) == 0;
	}

	/**
	 * A snapshot of the entries in iteration order, for the API and the UI: keys and
	 * values are copies (one value per CPU for per-CPU maps). This default walks
	 * {@link #nextKey(byte[])} and {@link #lookup(byte[], int, int)}; implementations
	 * override it when they can do better.
	 */
	public List<MapEntry> entries() {
		List<MapEntry> out = new ArrayList<>();
		byte[] key = nextKey(null);
		int guard = 0;
		while (key != null && guard++ <= maxEntries()) {
			byte[][] values = new byte[numCpus()][];
			boolean present = false;
			for (int cpu = 0; cpu < values.length; cpu++) {
				byte[] v = lookup(key, 0, cpu);
				if (v != null) {
					values[cpu] = v.clone();
					present = true;
				}
				else {
					values[cpu] = new byte[valueSize()];
				}
			}
			if (present) {
				out.add(new MapEntry(key, values));
			}
			key = nextKey(key);
		}
		return out;
	}

	protected final void checkValue(byte[] value, int valueOff) {
		if (value == null || valueOff < 0 || valueOff + valueSize() > value.length) {
			throw new IllegalArgumentException("value of map '" + name() + "' must be " + valueSize() + " bytes");
		}
	}

	/**
	 * Checks the values of a Java-side per-CPU update: one of {@code valueSize} bytes per
	 * CPU.
	 */
	protected final void checkPerCpuValues(byte[][] perCpuValues, int numCpus) {
		if (perCpuValues.length != numCpus) {
			throw new IllegalArgumentException(
					"map '" + name() + "' needs " + numCpus + " values, got " + perCpuValues.length);
		}
		for (byte[] v : perCpuValues) {
			checkValue(v, 0);
		}
	}

	protected final void checkKey(byte[] key, int keyOff) {
		if (key == null || keyOff < 0 || keyOff + keySize() > key.length) {
			throw new IllegalArgumentException("key of map '" + name() + "' must be " + keySize() + " bytes");
		}
	}

}
