package dev.bpfnet.bpf.maps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * {@code BPF_MAP_TYPE_DEVMAP} and {@code DEVMAP_HASH}: tables of target devices for
 * {@code bpf_redirect_map}; models {@code kernel/bpf/devmap.c}
 * ({@code dev_map_update_elem}, {@code dev_map_hash_update_elem},
 * {@code dev_map_delete_elem}, {@code __dev_map_lookup_elem}). A value is
 * {@code struct bpf_devmap_val}: a {@code u32 ifindex}, optionally followed by a program
 * fd (accepted, stored, not run: devmap programs are an XDP feature).
 *
 * <p>
 * DEVMAP is indexed by {@code u32} key in {@code [0, max_entries)}; DEVMAP_HASH takes any
 * {@code u32} key, up to {@code max_entries} of them. Entries are written from Java only;
 * programs may look them up (read-only values) and redirect through them. The engine can
 * install a {@linkplain #setDeviceValidator(IntPredicate) validator} so that updates
 * naming a missing device fail with -ENODEV as {@code dev_get_by_index()} does.
 */
public final class DevMap extends BpfMap {

	private final boolean hashed;

	/** DEVMAP: slot per index. */
	private final byte[][] slots;

	/** DEVMAP_HASH: a hash table of the same key and value size. */
	private final HashTab table;

	private IntPredicate deviceValidator = ifindex -> true;

	DevMap(MapSpec spec) {
		super(spec);
		this.hashed = spec.type() == MapType.DEVMAP_HASH;
		if (this.hashed) {
			this.slots = null;
			this.table = new HashTab(
					new MapSpec(spec.name(), MapType.HASH, 4, spec.valueSize(), spec.maxEntries(), 0, null, false), 1);
		}
		else {
			this.slots = new byte[spec.maxEntries()][];
			this.table = null;
		}
	}

	/** Decides whether an ifindex names an existing device (default: any). */
	public void setDeviceValidator(IntPredicate validator) {
		this.deviceValidator = validator == null ? ifindex -> true : validator;
	}

	/**
	 * Devmap values are read-only for programs ({@code BPF_F_RDONLY_PROG} is implied).
	 */
	@Override
	public boolean bpfWritable() {
		return false;
	}

	private static int le32(byte[] b, int off) {
		return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
	}

	private static byte[] le32(int v) {
		return new byte[] { (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24) };
	}

	@Override
	public byte[] lookup(byte[] key, int keyOff, int cpu) {
		checkKey(key, keyOff);
		if (this.hashed) {
			return this.table.peek(key, keyOff);
		}
		int i = le32(key, keyOff);
		return Integer.compareUnsigned(i, this.slots.length) >= 0 ? null : this.slots[i];
	}

	/**
	 * The target ifindex stored under {@code key} ({@code __dev_map_lookup_elem} for
	 * {@code bpf_redirect_map}), or 0 when there is none.
	 */
	public int ifindex(int key) {
		byte[] v;
		if (this.hashed) {
			v = this.table.peek(le32(key));
		}
		else {
			v = Integer.compareUnsigned(key, this.slots.length) >= 0 ? null : this.slots[key];
		}
		return v == null ? 0 : le32(v, 0);
	}

	/**
	 * Programs cannot update a devmap: -EINVAL (see
	 * {@link #update(byte[], byte[], long)}).
	 */
	@Override
	public int update(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu) {
		checkKey(key, keyOff);
		return -Errno.EINVAL;
	}

	/**
	 * Java side update with the kernel's rules: flags above BPF_EXIST -EINVAL; DEVMAP:
	 * index out of range -E2BIG, BPF_NOEXIST -EEXIST (every slot exists), ifindex 0
	 * clears the slot; DEVMAP_HASH: ifindex 0 -EINVAL, full -E2BIG; unknown device
	 * -ENODEV.
	 */
	@Override
	public int update(byte[] key, byte[] value, long flags) {
		checkKey(key, 0);
		if (value == null || value.length < valueSize()) {
			throw new IllegalArgumentException("value of map '" + name() + "' must be " + valueSize() + " bytes");
		}
		if (isFrozen()) {
			return -Errno.EPERM;
		}
		long f = flags & ~BPF_F_LOCK;
		if (f < 0 || f > BPF_EXIST) {
			return -Errno.EINVAL;
		}
		int ifindex = le32(value, 0);
		if (this.hashed) {
			if (ifindex == 0) {
				return -Errno.EINVAL;
			}
			if (!this.deviceValidator.test(ifindex)) {
				return -Errno.ENODEV;
			}
			return this.table.update(key, 0, value, 0, f, 0);
		}
		int i = le32(key, 0);
		if (Integer.compareUnsigned(i, this.slots.length) >= 0) {
			return -Errno.E2BIG;
		}
		if (f == BPF_NOEXIST) {
			return -Errno.EEXIST;
		}
		if (ifindex == 0) {
			this.slots[i] = null;
			return 0;
		}
		if (!this.deviceValidator.test(ifindex)) {
			return -Errno.ENODEV;
		}
		this.slots[i] = Arrays.copyOf(value, valueSize());
		return 0;
	}

	/** Sets {@code key} to {@code ifindex} (a 4-byte value) from Java. */
	public int put(int key, int ifindex) {
		byte[] v = new byte[valueSize()];
		System.arraycopy(le32(ifindex), 0, v, 0, 4);
		return update(le32(key), v, BPF_ANY);
	}

	@Override
	public int delete(byte[] key, int keyOff) {
		checkKey(key, keyOff);
		if (this.hashed) {
			return this.table.delete(key, keyOff);
		}
		int i = le32(key, keyOff);
		if (Integer.compareUnsigned(i, this.slots.length) >= 0) {
			return -Errno.EINVAL;
		}
		this.slots[i] = null;
		return 0;
	}

	@Override
	public byte[] nextKey(byte[] key) {
		if (this.hashed) {
			return this.table.nextKey(key);
		}
		if (key == null) {
			return le32(0);
		}
		checkKey(key, 0);
		int i = le32(key, 0);
		if (Integer.compareUnsigned(i, this.slots.length) >= 0) {
			return le32(0);
		}
		return i == this.slots.length - 1 ? null : le32(i + 1);
	}

	@Override
	public int size() {
		if (this.hashed) {
			return this.table.size();
		}
		int n = 0;
		for (byte[] s : this.slots) {
			if (s != null) {
				n++;
			}
		}
		return n;
	}

	@Override
	public List<MapEntry> entries() {
		if (this.hashed) {
			return this.table.entries();
		}
		List<MapEntry> out = new ArrayList<>();
		for (int i = 0; i < this.slots.length; i++) {
			if (this.slots[i] != null) {
				out.add(new MapEntry(le32(i), new byte[][] { this.slots[i].clone() }));
			}
		}
		return out;
	}

}
