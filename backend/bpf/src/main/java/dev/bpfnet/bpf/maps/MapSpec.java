package dev.bpfnet.bpf.maps;

/**
 * What a map is, before it exists: the attributes of {@code BPF_MAP_CREATE} plus, for the
 * internal maps behind global data ({@code .data}, {@code .rodata}, {@code .bss}), the
 * initial contents of its single value.
 *
 * @param name the map's name (the symbol in {@code .maps}/{@code maps}, or the section
 * name for global data)
 * @param type the map type
 * @param keySize key size in bytes
 * @param valueSize value size in bytes
 * @param maxEntries capacity
 * @param flags {@code map_flags}
 * @param initialValue contents of value 0 of a global-data array map, or {@code null}
 * @param readOnly true for {@code .rodata}: programs may not write it once loaded
 * (BPF_F_RDONLY_PROG)
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
		byte[] initialValue, boolean readOnly) {

	/**
	 * Largest key or value the toolchain accepts (the kernel's KMALLOC_MAX_SIZE is
	 * larger; ours bounds memory).
	 */
	public static final int MAX_KEY_OR_VALUE_SIZE = 1 << 16;

	public MapSpec {
		if (name == null || type == null) {
			throw new IllegalArgumentException("map needs a name and a type");
		}
	}

	public static MapSpec of(String name, MapType type, int keySize, int valueSize, int maxEntries) {
		return new MapSpec(name, type, keySize, valueSize, maxEntries, 0, null, false);
	}

}
