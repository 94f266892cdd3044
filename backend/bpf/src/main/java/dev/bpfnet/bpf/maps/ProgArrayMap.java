package dev.bpfnet.bpf.maps;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_PROG_ARRAY}: the jump table of {@code bpf_tail_call}; models the
 * fd-array part of {@code kernel/bpf/arraymap.c} ({@code prog_fd_array_get_ptr},
 * {@code fd_array_map_delete_elem}). Slots hold programs set from Java with
 * {@link #set(int, TailCallTarget)}; a program cannot update, look up or delete them (the
 * verifier allows a prog array only as the map argument of {@code bpf_tail_call}): those
 * calls return -EINVAL or null here.
 *
 * <p>
 * The snapshot of {@link #entries()} shows occupied slots with their index as key and as
 * value (the kernel reports the program id on lookup; programs have no id here).
 */
public final class ProgArrayMap extends BpfMap implements ProgramArrayLookup {

	private final TailCallTarget[] progs;

	ProgArrayMap(MapSpec spec) {
		super(spec);
		this.progs = new TailCallTarget[spec.maxEntries()];
	}

	/**
	 * Puts {@code prog} in slot {@code index} ({@code null} clears it).
	 * @return 0, -E2BIG when the index is out of range, -EPERM when frozen
	 */
	public int set(int index, TailCallTarget prog) {
		if (isFrozen()) {
			return -Errno.EPERM;
		}
		if (Integer.compareUnsigned(index, this.progs.length) >= 0) {
			return -Errno.E2BIG;
		}
		this.progs[index] = prog;
		return 0;
	}

	@Override
	public TailCallTarget program(int index) {
		return Integer.compareUnsigned(index, this.progs.length) >= 0 ? null : this.progs[index];
	}

	/** Programs do not read prog arrays: always null. */
	@Override
	public byte[] lookup(byte[] key, int keyOff, int cpu) {
		checkKey(key, keyOff);
		return null;
	}

	/** Slots hold programs, set with {@link #set(int, TailCallTarget)}: -EINVAL. */
	@Override
	public int update(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu) {
		checkKey(key, keyOff);
		return -Errno.EINVAL;
	}

	/** Clears a slot: 0, -ENOENT when empty, -E2BIG out of range. */
	@Override
	public int delete(byte[] key, int keyOff) {
		checkKey(key, keyOff);
		int i = le32(key, keyOff);
		if (Integer.compareUnsigned(i, this.progs.length) >= 0) {
			return -Errno.E2BIG;
		}
		if (this.progs[i] == null) {
			return -Errno.ENOENT;
		}
		this.progs[i] = null;
		return 0;
	}

	private static int le32(byte[] b, int off) {
		return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
	}

	private static byte[] le32(int v) {
		return new byte[] { (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24) };
	}

	@Override
	public byte[] nextKey(byte[] key) {
		if (key == null) {
			return le32(0);
		}
		checkKey(key, 0);
		int i = le32(key, 0);
		if (Integer.compareUnsigned(i, this.progs.length) >= 0) {
			return le32(0);
		}
		return i == this.progs.length - 1 ? null : le32(i + 1);
	}

	/** Number of occupied slots. */
	@Override
	public int size() {
		int n = 0;
		for (TailCallTarget p : this.progs) {
			if (p != null) {
				n++;
			}
		}
		return n;
	}

	@Override
	public List<MapEntry> entries() {
		List<MapEntry> out = new ArrayList<>();
		for (int i = 0; i < this.progs.length; i++) {
			if (this.progs[i] != null) {
				out.add(new MapEntry(le32(i), new byte[][] { le32(i) }));
			}
		}
		return out;
	}

}
