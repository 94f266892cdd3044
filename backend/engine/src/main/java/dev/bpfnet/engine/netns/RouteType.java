package dev.bpfnet.engine.netns;

/**
 * Route types ({@code RTN_*}, include/uapi/linux/rtnetlink.h) that the model supports,
 * with the error {@code fib_table_lookup} returns for them ({@code fib_props[]} in
 * net/ipv4/fib_semantics.c). {@code RTN_BROADCAST}, {@code RTN_MULTICAST} and
 * {@code RTN_THROW} are not modelled.
 */
public enum RouteType {

	/** {@code RTN_UNICAST}: a gateway or a directly connected destination. */
	UNICAST(0),
	/** {@code RTN_LOCAL}: one of this namespace's addresses (local table). */
	LOCAL(0),
	/** {@code RTN_BLACKHOLE}: silently discard; lookup error {@code -EINVAL}. */
	BLACKHOLE(-22),
	/** {@code RTN_UNREACHABLE}: lookup error {@code -EHOSTUNREACH}. */
	UNREACHABLE(-113),
	/** {@code RTN_PROHIBIT}: lookup error {@code -EACCES}. */
	PROHIBIT(-13);

	private final int error;

	RouteType(int error) {
		this.error = error;
	}

	/**
	 * The negative errno {@code fib_table_lookup} returns for a match of this type, 0 if
	 * the match is usable.
	 */
	public int error() {
		return this.error;
	}

}
