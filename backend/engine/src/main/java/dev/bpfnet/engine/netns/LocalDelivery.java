package dev.bpfnet.engine.netns;

import java.util.Arrays;

import dev.bpfnet.engine.topology.IpAddress;

/**
 * Local delivery in a namespace: whether a destination is one of its addresses
 * ({@code RTN_LOCAL} in the local table) and the socket table that
 * {@code __udp4_lib_lookup} / {@code __inet_lookup} search: (protocol, local address or
 * the wildcard, port) to an endpoint id of the engine.
 *
 * <p>
 * Lookup prefers a socket bound to the exact address over a wildcard one, as the kernel's
 * scoring ({@code compute_score}) does; among equals the first bound wins. Simplified: a
 * linear scan over primitive arrays (a lab has a handful of sockets), no
 * {@code SO_REUSEPORT}, no connected 4-tuple sockets, no {@code SO_BINDTODEVICE}, the
 * wildcard is per family (an IPv6 wildcard socket does not take IPv4, as with
 * {@code IPV6_V6ONLY}), and binding rejects only an identical (protocol, address, port).
 * ICMP echo is answered for any local address ({@code icmp_echo_ignore_all = 0}).
 */
public final class LocalDelivery {

	/** {@code IPPROTO_ICMP}. */
	public static final int ICMP = 1;

	/** {@code IPPROTO_TCP}. */
	public static final int TCP = 6;

	/** {@code IPPROTO_UDP}. */
	public static final int UDP = 17;

	/** {@code IPPROTO_ICMPV6}. */
	public static final int ICMPV6 = 58;

	/** Returned by {@link #lookup} when no socket matches ({@code NO_SOCKET}). */
	public static final int NO_SOCKET = -1;

	private final RoutingTable local;

	private int[] protocol = new int[8];

	private int[] port = new int[8];

	private byte[] family = new byte[8];

	private boolean[] wildcard = new boolean[8];

	private long[] hi = new long[8];

	private long[] lo = new long[8];

	private int[] endpoint = new int[8];

	private int count;

	/** Local delivery over the namespace's local table. */
	public LocalDelivery(RoutingTable local) {
		this.local = local;
	}

	/** Whether {@code destination} is an address of this namespace (RTN_LOCAL). */
	public boolean isLocal(IpAddress destination) {
		RouteEntry r = this.local.lookup(destination);
		return r != null && r.type() == RouteType.LOCAL;
	}

	/** Whether an ICMP (v6) echo request to {@code destination} gets a reply here. */
	public boolean answersEcho(IpAddress destination) {
		return isLocal(destination);
	}

	/**
	 * Binds a socket ({@code bind()}): {@code address} null means the wildcard of
	 * {@code family}.
	 * @throws IllegalArgumentException on a bad protocol, port or endpoint, or an
	 * identical binding ({@code -EADDRINUSE})
	 */
	public void bind(int proto, IpAddress.Family fam, IpAddress address, int localPort, int endpointId) {
		if (proto != UDP && proto != TCP) {
			throw new IllegalArgumentException("protocol must be UDP (17) or TCP (6), got " + proto);
		}
		if (localPort < 1 || localPort > 65535) {
			throw new IllegalArgumentException("port must be 1..65535, got " + localPort);
		}
		if (endpointId < 0) {
			throw new IllegalArgumentException("endpointId must be >= 0, got " + endpointId);
		}
		if (fam == null || (address != null && address.family() != fam)) {
			throw new IllegalArgumentException("family must match the address, got " + fam + " for " + address);
		}
		long h = address == null ? 0 : address.hi();
		long l = address == null ? 0 : address.lo();
		for (int i = 0; i < this.count; i++) {
			if (this.protocol[i] == proto && this.port[i] == localPort && this.family[i] == fam.ordinal()
					&& this.wildcard[i] == (address == null) && this.hi[i] == h && this.lo[i] == l) {
				throw new IllegalArgumentException("address in use (EADDRINUSE): protocol " + proto + " "
						+ (address == null ? "*" : address) + " port " + localPort);
			}
		}
		if (this.count == this.protocol.length) {
			int n = this.count * 2;
			this.protocol = Arrays.copyOf(this.protocol, n);
			this.port = Arrays.copyOf(this.port, n);
			this.family = Arrays.copyOf(this.family, n);
			this.wildcard = Arrays.copyOf(this.wildcard, n);
			this.hi = Arrays.copyOf(this.hi, n);
			this.lo = Arrays.copyOf(this.lo, n);
			this.endpoint = Arrays.copyOf(this.endpoint, n);
		}
		int i = this.count++;
		this.protocol[i] = proto;
		this.port[i] = localPort;
		this.family[i] = (byte) fam.ordinal();
		this.wildcard[i] = address == null;
		this.hi[i] = h;
		this.lo[i] = l;
		this.endpoint[i] = endpointId;
	}

	/**
	 * The endpoint bound to (protocol, destination, port): an exact-address socket, else
	 * a wildcard one of the family; {@link #NO_SOCKET} if none.
	 */
	public int lookup(int proto, IpAddress destination, int destPort) {
		byte fam = (byte) destination.family().ordinal();
		int wild = NO_SOCKET;
		for (int i = 0; i < this.count; i++) {
			if (this.protocol[i] != proto || this.port[i] != destPort || this.family[i] != fam) {
				continue;
			}
			if (!this.wildcard[i] && this.hi[i] == destination.hi() && this.lo[i] == destination.lo()) {
				return this.endpoint[i];
			}
			if (this.wildcard[i] && wild == NO_SOCKET) {
				wild = this.endpoint[i];
			}
		}
		return wild;
	}

	/** Number of bound sockets. */
	public int sockets() {
		return this.count;
	}

}
