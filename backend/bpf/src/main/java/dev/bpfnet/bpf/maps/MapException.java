package dev.bpfnet.bpf.maps;

/**
 * A map could not be created: the attributes are refused the way {@code map_create()} in
 * {@code kernel/bpf/syscall.c} and the types' {@code map_alloc_check} functions refuse
 * them, or the map would exceed the configured memory limit. The message names the map
 * and the offending field, and ends with the errno the kernel would return.
 */
public final class MapException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String mapName;

	private final String field;

	private final int errno;

	/**
	 * @param mapName the map's name
	 * @param field the attribute at fault ({@code key_size}, {@code value_size},
	 * {@code max_entries}, {@code map_flags}, {@code type}, ...)
	 * @param errno the positive errno the kernel returns (EINVAL, E2BIG, ...)
	 * @param detail what is wrong, without the map name
	 */
	public MapException(String mapName, String field, int errno, String detail) {
		super("map '" + mapName + "': " + detail + " (" + Errno.name(errno) + ")");
		this.mapName = mapName;
		this.field = field;
		this.errno = errno;
	}

	public String mapName() {
		return this.mapName;
	}

	public String field() {
		return this.field;
	}

	/** The positive errno value. */
	public int errno() {
		return this.errno;
	}

}
