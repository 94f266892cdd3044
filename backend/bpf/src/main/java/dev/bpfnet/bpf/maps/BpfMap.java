package dev.bpfnet.bpf.maps;

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
	 * every CPU).
	 */
	public int update(byte[] key, byte[] value, long flags) {
		return update(key, 0, value, 0, flags, 0);
	}

	public final int delete(byte[] key) {
		return delete(key, 0);
	}

	protected final void checkKey(byte[] key, int keyOff) {
		if (key == null || keyOff < 0 || keyOff + keySize() > key.length) {
			throw new IllegalArgumentException("key of map '" + name() + "' must be " + keySize() + " bytes");
		}
	}

}
