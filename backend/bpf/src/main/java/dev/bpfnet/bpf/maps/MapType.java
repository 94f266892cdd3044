package dev.bpfnet.bpf.maps;

/**
 * Map types supported by the toolchain, with the numbers of {@code enum bpf_map_type} in
 * {@code include/uapi/linux/bpf.h} (the value clang writes into a BTF map's {@code type}
 * member or a legacy {@code struct bpf_map_def}).
 */
public enum MapType {

	HASH(1), ARRAY(2), PROG_ARRAY(3), PERCPU_HASH(5), PERCPU_ARRAY(6), LRU_HASH(9), DEVMAP(14), DEVMAP_HASH(25),
	RINGBUF(27);

	private final int id;

	MapType(int id) {
		this.id = id;
	}

	public int id() {
		return this.id;
	}

	/**
	 * The type with kernel number {@code id}, or {@code null} when it is not supported.
	 */
	public static MapType byId(int id) {
		for (MapType t : values()) {
			if (t.id == id) {
				return t;
			}
		}
		return null;
	}

}
