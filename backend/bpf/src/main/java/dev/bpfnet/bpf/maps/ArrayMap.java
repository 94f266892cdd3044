package dev.bpfnet.bpf.maps;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_ARRAY} and {@code PERCPU_ARRAY}: models
 * {@code kernel/bpf/arraymap.c} ({@code array_map_lookup_elem},
 * {@code array_map_update_elem}, {@code array_map_delete_elem},
 * {@code array_map_get_next_key}). Keys are {@code u32} indexes (little endian); every
 * element exists from creation, zero-filled, each its own live {@code byte[]}.
 *
 * <p>
 * Global data ({@code .data}, {@code .rodata}, {@code .bss}) is an ARRAY with one entry
 * whose value starts as {@link MapSpec#initialValue()}; for {@code .rodata}
 * ({@link MapSpec#readOnly()}) programs may not write it ({@link #bpfWritable()}), while
 * Java may set it until the map is {@linkplain #freeze() frozen} at load, as libbpf
 * skeletons do.
 */
public final class ArrayMap extends BpfMap {

	private final int numCpus;

	private final boolean perCpu;

	/** values[index * numCpus + cpu]. */
	private final byte[][] values;

	ArrayMap(MapSpec spec, int numCpus) {
		super(spec);
		this.perCpu = spec.type() == MapType.PERCPU_ARRAY;
		this.numCpus = this.perCpu ? numCpus : 1;
		this.values = new byte[spec.maxEntries() * this.numCpus][];
		for (int i = 0; i < this.values.length; i++) {
			this.values[i] = new byte[spec.valueSize()];
		}
		byte[] init = spec.initialValue();
		if (init != null) {
			for (int c = 0; c < this.numCpus; c++) {
				System.arraycopy(init, 0, this.values[c], 0, init.length);
			}
		}
	}

	@Override
	public int numCpus() {
		return this.numCpus;
	}

	private static int index(byte[] key, int off) {
		return (key[off] & 0xff) | (key[off + 1] & 0xff) << 8 | (key[off + 2] & 0xff) << 16
				| (key[off + 3] & 0xff) << 24;
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
	public byte[] lookup(byte[] key, int keyOff, int cpu) {
		checkKey(key, keyOff);
		int i = index(key, keyOff);
		if (Integer.compareUnsigned(i, maxEntries()) >= 0) {
			return null;
		}
		return this.values[i * this.numCpus + cpuIndex(cpu)];
	}

	/** The live value at {@code index} (CPU 0 for per-CPU maps), or null out of range. */
	public byte[] value(int index) {
		return Integer.compareUnsigned(index, maxEntries()) >= 0 ? null : this.values[index * this.numCpus];
	}

	/** The live value at {@code index} on {@code cpu}, or null out of range. */
	public byte[] value(int index, int cpu) {
		return Integer.compareUnsigned(index, maxEntries()) >= 0 ? null
				: this.values[index * this.numCpus + cpuIndex(cpu)];
	}

	@Override
	public int update(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu) {
		return updateElem(key, keyOff, value, valueOff, flags, cpuIndex(cpu), false);
	}

	/**
	 * Java side: per-CPU maps get the value on every CPU
	 * ({@code bpf_percpu_array_update}).
	 */
	@Override
	public int update(byte[] key, byte[] value, long flags) {
		if (isFrozen()) {
			return -Errno.EPERM;
		}
		return updateElem(key, 0, value, 0, flags, 0, true);
	}

	/** Java side update of a per-CPU array with one value per CPU. */
	public int updatePerCpu(byte[] key, byte[][] perCpuValues, long flags) {
		checkPerCpuValues(perCpuValues, this.numCpus);
		if (isFrozen()) {
			return -Errno.EPERM;
		}
		int rc = updateElem(key, 0, perCpuValues[0], 0, flags, 0, true);
		if (rc == 0) {
			int i = index(key, 0);
			for (int c = 0; c < this.numCpus; c++) {
				System.arraycopy(perCpuValues[c], 0, this.values[i * this.numCpus + c], 0, valueSize());
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
		int i = index(key, keyOff);
		if (Integer.compareUnsigned(i, maxEntries()) >= 0) {
			return -Errno.E2BIG;
		}
		if (f == BPF_NOEXIST) {
			// all elements always exist
			return -Errno.EEXIST;
		}
		int base = i * this.numCpus;
		if (allCpus) {
			for (int c = 0; c < this.numCpus; c++) {
				System.arraycopy(value, valueOff, this.values[base + c], 0, valueSize());
			}
		}
		else {
			System.arraycopy(value, valueOff, this.values[base + cpu], 0, valueSize());
		}
		return 0;
	}

	/** Elements of an array cannot be deleted: -EINVAL. */
	@Override
	public int delete(byte[] key, int keyOff) {
		checkKey(key, keyOff);
		return -Errno.EINVAL;
	}

	@Override
	public byte[] nextKey(byte[] key) {
		int next;
		if (key == null) {
			next = 0;
		}
		else {
			checkKey(key, 0);
			int i = index(key, 0);
			if (Integer.compareUnsigned(i, maxEntries()) >= 0) {
				next = 0;
			}
			else if (i == maxEntries() - 1) {
				return null;
			}
			else {
				next = i + 1;
			}
		}
		return new byte[] { (byte) next, (byte) (next >>> 8), (byte) (next >>> 16), (byte) (next >>> 24) };
	}

	@Override
	public int size() {
		return maxEntries();
	}

	@Override
	public List<MapEntry> entries() {
		List<MapEntry> out = new ArrayList<>(maxEntries());
		for (int i = 0; i < maxEntries(); i++) {
			byte[][] vals = new byte[this.numCpus][];
			for (int c = 0; c < this.numCpus; c++) {
				vals[c] = this.values[i * this.numCpus + c].clone();
			}
			out.add(new MapEntry(new byte[] { (byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24) },
					vals));
		}
		return out;
	}

}
