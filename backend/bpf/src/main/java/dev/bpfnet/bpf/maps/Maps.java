package dev.bpfnet.bpf.maps;

/**
 * Creates maps from their specs, validating the attributes as {@code map_create()} in
 * {@code kernel/bpf/syscall.c} and the per-type {@code map_alloc_check} functions do
 * ({@code htab_map_alloc_check} in hashtab.c, {@code array_map_alloc_check} and
 * {@code fd_array_map_alloc_check} in arraymap.c, {@code dev_map_alloc} in devmap.c,
 * {@code ringbuf_map_alloc} in ringbuf.c), plus one limit the kernel does not have: the
 * worst-case memory of a map must stay below a configurable budget (default
 * {@value #DEFAULT_MEMORY_LIMIT} bytes), so that an uploaded object cannot exhaust the
 * server's heap.
 *
 * <p>
 * Refusals throw {@link MapException} naming the map, the field and the kernel's errno.
 */
public final class Maps {

	/** Default limit on the worst-case memory of one map: 256 MiB. */
	public static final long DEFAULT_MEMORY_LIMIT = 256L << 20;

	/** {@code BPF_F_NO_PREALLOC}. */
	public static final int BPF_F_NO_PREALLOC = 1;

	/** {@code BPF_F_NO_COMMON_LRU}. */
	public static final int BPF_F_NO_COMMON_LRU = 1 << 1;

	/** {@code BPF_F_NUMA_NODE}. */
	public static final int BPF_F_NUMA_NODE = 1 << 2;

	/** {@code BPF_F_RDONLY}: read-only for the syscall side. */
	public static final int BPF_F_RDONLY = 1 << 3;

	/** {@code BPF_F_WRONLY}: write-only for the syscall side. */
	public static final int BPF_F_WRONLY = 1 << 4;

	/** {@code BPF_F_ZERO_SEED}. */
	public static final int BPF_F_ZERO_SEED = 1 << 6;

	/** {@code BPF_F_RDONLY_PROG}: programs may only read. */
	public static final int BPF_F_RDONLY_PROG = 1 << 7;

	/** {@code BPF_F_WRONLY_PROG}: programs may only write. */
	public static final int BPF_F_WRONLY_PROG = 1 << 8;

	/** {@code BPF_F_MMAPABLE}. */
	public static final int BPF_F_MMAPABLE = 1 << 10;

	/** {@code BPF_F_PRESERVE_ELEMS}. */
	public static final int BPF_F_PRESERVE_ELEMS = 1 << 11;

	/** {@code BPF_F_INNER_MAP}. */
	public static final int BPF_F_INNER_MAP = 1 << 12;

	private static final int ACCESS_MASK = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG;

	/** {@code HTAB_CREATE_FLAG_MASK} of hashtab.c. */
	private static final int HTAB_CREATE_FLAG_MASK = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE
			| ACCESS_MASK | BPF_F_ZERO_SEED;

	/** {@code ARRAY_CREATE_FLAG_MASK} of arraymap.c. */
	private static final int ARRAY_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_MMAPABLE | ACCESS_MASK
			| BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP;

	/** {@code DEV_CREATE_FLAG_MASK} of devmap.c. */
	private static final int DEV_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | ACCESS_MASK;

	/** {@code MAX_BPF_STACK}: hash keys are built on the stack, so no larger. */
	static final int MAX_BPF_STACK = 512;

	/** {@code PCPU_MIN_UNIT_SIZE}: the largest per-CPU value. */
	static final int PCPU_MIN_UNIT_SIZE = 32 << 10;

	/** {@code PAGE_SIZE} on x86-64, for ring buffer sizes. */
	public static final int PAGE_SIZE = 4096;

	/** Largest number of CPUs a per-CPU map is created for. */
	public static final int MAX_CPUS = 1024;

	private Maps() {
	}

	/**
	 * Creates the map with the default memory limit.
	 * @param numCpus number of CPUs (values per key of per-CPU maps)
	 * @throws MapException when the spec is refused
	 */
	public static BpfMap create(MapSpec spec, int numCpus) {
		return create(spec, numCpus, DEFAULT_MEMORY_LIMIT);
	}

	/**
	 * Creates the map, refusing specs whose worst-case memory exceeds {@code memoryLimit}
	 * bytes.
	 * @throws MapException when the spec is refused
	 */
	public static BpfMap create(MapSpec spec, int numCpus, long memoryLimit) {
		validate(spec, numCpus, memoryLimit);
		return switch (spec.type()) {
			case HASH, PERCPU_HASH, LRU_HASH -> new HashTab(spec, numCpus);
			case ARRAY, PERCPU_ARRAY -> new ArrayMap(spec, numCpus);
			case PROG_ARRAY -> new ProgArrayMap(spec);
			case DEVMAP, DEVMAP_HASH -> new DevMap(spec);
			case RINGBUF -> new RingBuf(spec);
		};
	}

	/**
	 * Checks a spec without creating the map.
	 * @throws MapException when the spec is refused
	 */
	public static void validate(MapSpec spec, int numCpus, long memoryLimit) {
		String n = spec.name();
		if (numCpus < 1 || numCpus > MAX_CPUS) {
			throw new IllegalArgumentException("numCpus must be in [1, " + MAX_CPUS + "], got " + numCpus);
		}
		int flags = spec.flags();
		boolean perCpu = spec.type() == MapType.PERCPU_HASH || spec.type() == MapType.PERCPU_ARRAY;
		if ((flags & BPF_F_RDONLY_PROG) != 0 && (flags & BPF_F_WRONLY_PROG) != 0
				|| (flags & BPF_F_RDONLY) != 0 && (flags & BPF_F_WRONLY) != 0) {
			throw new MapException(n, "map_flags", Errno.EINVAL,
					"map_flags 0x" + Integer.toHexString(flags) + " asks for both read-only and write-only access");
		}
		switch (spec.type()) {
			case HASH, PERCPU_HASH, LRU_HASH -> {
				checkFlags(spec, HTAB_CREATE_FLAG_MASK);
				if (spec.type() != MapType.LRU_HASH && (flags & BPF_F_NO_COMMON_LRU) != 0) {
					throw new MapException(n, "map_flags", Errno.EINVAL,
							"BPF_F_NO_COMMON_LRU is only valid for LRU maps");
				}
				if (spec.type() == MapType.LRU_HASH && (flags & BPF_F_NO_PREALLOC) != 0) {
					throw new MapException(n, "map_flags", Errno.ENOTSUPP,
							"LRU maps are always preallocated: BPF_F_NO_PREALLOC is not supported");
				}
				positive(spec, "max_entries", spec.maxEntries());
				positive(spec, "key_size", spec.keySize());
				positive(spec, "value_size", spec.valueSize());
				if (spec.keySize() > MAX_BPF_STACK) {
					throw new MapException(n, "key_size", Errno.E2BIG,
							"key_size " + spec.keySize() + " is larger than the BPF stack (" + MAX_BPF_STACK + ")");
				}
				maxValue(spec, perCpu);
			}
			case ARRAY, PERCPU_ARRAY -> {
				checkFlags(spec, ARRAY_CREATE_FLAG_MASK);
				if (spec.type() != MapType.ARRAY && (flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)) != 0) {
					throw new MapException(n, "map_flags", Errno.EINVAL,
							"BPF_F_MMAPABLE and BPF_F_INNER_MAP are only valid for ARRAY maps");
				}
				positive(spec, "max_entries", spec.maxEntries());
				exact(spec, "key_size", spec.keySize(), 4);
				positive(spec, "value_size", spec.valueSize());
				maxValue(spec, perCpu);
				byte[] init = spec.initialValue();
				if (init != null && init.length > spec.valueSize()) {
					throw new MapException(n, "initialValue", Errno.EINVAL,
							"initial value of " + init.length + " bytes does not fit value_size " + spec.valueSize());
				}
			}
			case PROG_ARRAY -> {
				checkFlags(spec, ARRAY_CREATE_FLAG_MASK & ~(BPF_F_MMAPABLE | BPF_F_INNER_MAP));
				positive(spec, "max_entries", spec.maxEntries());
				exact(spec, "key_size", spec.keySize(), 4);
				exact(spec, "value_size", spec.valueSize(), 4);
			}
			case DEVMAP, DEVMAP_HASH -> {
				checkFlags(spec, DEV_CREATE_FLAG_MASK);
				positive(spec, "max_entries", spec.maxEntries());
				exact(spec, "key_size", spec.keySize(), 4);
				if (spec.valueSize() != 4 && spec.valueSize() != 8) {
					throw new MapException(n, "value_size", Errno.EINVAL, "value_size " + spec.valueSize()
							+ " must be 4 (ifindex) or 8 (ifindex + program fd) for " + spec.type() + " maps");
				}
			}
			case RINGBUF -> {
				checkFlags(spec, BPF_F_NUMA_NODE);
				if (spec.keySize() != 0) {
					throw new MapException(n, "key_size", Errno.EINVAL,
							"key_size " + spec.keySize() + " must be 0 for RINGBUF maps");
				}
				if (spec.valueSize() != 0) {
					throw new MapException(n, "value_size", Errno.EINVAL,
							"value_size " + spec.valueSize() + " must be 0 for RINGBUF maps");
				}
				int size = spec.maxEntries();
				if (size <= 0 || Integer.bitCount(size) != 1 || size % PAGE_SIZE != 0) {
					throw new MapException(n, "max_entries", Errno.EINVAL,
							"max_entries " + Integer.toUnsignedString(size)
									+ " (the ring size in bytes) must be a power of 2 and a multiple of the page size "
									+ PAGE_SIZE);
				}
			}
		}
		long bytes = estimateBytes(spec, numCpus);
		if (bytes > memoryLimit) {
			throw new MapException(n, "max_entries", Errno.E2BIG,
					"max_entries " + spec.maxEntries() + " with key_size " + spec.keySize() + " and value_size "
							+ spec.valueSize() + (perCpu ? " on " + numCpus + " CPUs" : "") + " would allocate " + bytes
							+ " bytes, more than the limit of " + memoryLimit + " bytes");
		}
	}

	/**
	 * Worst-case bytes a map of this spec allocates when full (keys, values and per-entry
	 * bookkeeping), as checked against the memory limit.
	 */
	public static long estimateBytes(MapSpec spec, int numCpus) {
		long entries = Integer.toUnsignedLong(spec.maxEntries());
		long value = roundUp8(spec.valueSize()) + 16L;
		return switch (spec.type()) {
			case ARRAY -> entries * value;
			case PERCPU_ARRAY -> entries * value * numCpus;
			case HASH, LRU_HASH -> entries * (roundUp8(spec.keySize()) + value + 32L);
			case PERCPU_HASH -> entries * (roundUp8(spec.keySize()) + value * numCpus + 32L);
			case PROG_ARRAY -> entries * 8L;
			case DEVMAP, DEVMAP_HASH -> entries * (value + 32L);
			case RINGBUF -> entries;
		};
	}

	private static long roundUp8(int n) {
		return (Integer.toUnsignedLong(n) + 7) & ~7L;
	}

	private static void checkFlags(MapSpec spec, int allowed) {
		int bad = spec.flags() & ~allowed;
		if (bad != 0) {
			throw new MapException(spec.name(), "map_flags", Errno.EINVAL,
					"map_flags 0x" + Integer.toHexString(spec.flags()) + " has bits 0x" + Integer.toHexString(bad)
							+ " not supported by " + spec.type() + " maps");
		}
	}

	private static void positive(MapSpec spec, String field, int value) {
		if (value <= 0) {
			throw new MapException(spec.name(), field, Errno.EINVAL, field + " " + Integer.toUnsignedString(value)
					+ " must be greater than 0 for " + spec.type() + " maps");
		}
	}

	private static void exact(MapSpec spec, String field, int value, int expected) {
		if (value != expected) {
			throw new MapException(spec.name(), field, Errno.EINVAL, field + " " + Integer.toUnsignedString(value)
					+ " must be " + expected + " for " + spec.type() + " maps");
		}
	}

	private static void maxValue(MapSpec spec, boolean perCpu) {
		int limit = perCpu ? PCPU_MIN_UNIT_SIZE : MapSpec.MAX_KEY_OR_VALUE_SIZE;
		if (spec.valueSize() > limit || perCpu && roundUp8(spec.valueSize()) > limit) {
			throw new MapException(spec.name(), "value_size", Errno.E2BIG, "value_size " + spec.valueSize()
					+ " is larger than the limit of " + limit + " bytes for " + spec.type() + " maps");
		}
	}

}
