package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.trace.DropReason;

/**
 * The route decisions of the IP layer for one namespace: {@link #routeInput} for a
 * received packet ({@code ip_route_input_noref → ip_route_input_slow}, net/ipv4/route.c;
 * {@code ip6_route_input} for IPv6), {@link #forward} for the checks of
 * {@code ip_forward} / {@code ip6_forward}, {@link #routeOutput} for a locally generated
 * one ({@code ip_route_output_key_hash_rcu}, {@code ip6_route_output}). Lookups go
 * through the default rules: local table, then main ({@code fib_lookup}).
 *
 * <p>
 * Drop reasons follow the kernel where the trace vocabulary has the name: forwarding
 * disabled is {@code IP_INADDRERRORS} (the route becomes {@code -EHOSTUNREACH} and
 * {@code ip_error} counts {@code IPSTATS_MIB_INADDRERRORS}); no route with forwarding on
 * is {@code IP_NOROUTE} (recent kernels say {@code IP_INNOROUTES} in {@code ip_error},
 * which {@link DropReason} does not have); blackhole, unreachable and prohibit routes
 * drop with {@code NOT_SPECIFIED}. ICMP errors the kernel sends back (host/net
 * unreachable, time exceeded, fragmentation needed) are not generated here; the caller
 * may. Not modelled: broadcast and multicast, martian source checks, {@code rp_filter},
 * policy rules.
 *
 * <p>
 * Allocation-free: results go into a caller-owned {@link RouteResult}.
 */
public final class Forwarding {

	/** {@code -EINVAL}. */
	public static final int EINVAL = -22;

	/** {@code -ENETUNREACH}. */
	public static final int ENETUNREACH = -101;

	/** {@code -EHOSTUNREACH}. */
	public static final int EHOSTUNREACH = -113;

	/** {@code -EMSGSIZE}. */
	public static final int EMSGSIZE = -90;

	private Forwarding() {
	}

	/** {@code fib_lookup} with the default rules: local table, then main. */
	static RouteEntry fibLookup(NetNamespace ns, IpAddress destination, int oif) {
		RouteEntry r = ns.localTable().lookup(destination, oif);
		return r != null ? r : ns.mainTable().lookup(destination, oif);
	}

	/**
	 * Routes a packet received on {@code iif} ({@code ip_route_input_slow}): local
	 * delivery for one of this namespace's addresses (whatever device it came in on),
	 * forward when {@code forwarding} is on and a unicast route matches, else drop.
	 * @param iif ifindex the packet arrived on (must exist here)
	 * @param destination the IP destination
	 * @param out filled with the decision
	 * @return {@code out}
	 */
	public static RouteResult routeInput(NetNamespace ns, int iif, IpAddress destination, RouteResult out) {
		if (ns.device(iif) == null) {
			throw new IllegalArgumentException("iif: no device with ifindex " + iif + " in " + ns.name());
		}
		RouteEntry r = fibLookup(ns, destination, 0);
		if (r != null && r.type() == RouteType.LOCAL) {
			return out.set(RouteResult.Decision.LOCAL, r, NetDeviceInfo.LOOPBACK_IFINDEX, destination, null,
					DropReason.NOT_DROPPED_YET, 0);
		}
		if (!ns.forwarding()) {
			return out.set(RouteResult.Decision.DROP, r, 0, null, null, DropReason.IP_INADDRERRORS, EHOSTUNREACH);
		}
		if (r == null) {
			return out.set(RouteResult.Decision.DROP, null, 0, null, null, DropReason.IP_NOROUTE, ENETUNREACH);
		}
		if (r.type() != RouteType.UNICAST) {
			return out.set(RouteResult.Decision.DROP, r, 0, null, null, DropReason.NOT_SPECIFIED, r.type().error());
		}
		return out.set(RouteResult.Decision.FORWARD, r, r.ifindex(), r.nextHop(destination), null,
				DropReason.NOT_DROPPED_YET, 0);
	}

	/**
	 * The checks {@code ip_forward} / {@code ip6_forward} make after a
	 * {@link RouteResult.Decision#FORWARD} decision: TTL (hop limit) must exceed 1
	 * ({@code IP_INHDR}, ICMP time exceeded), and the packet must fit the output device's
	 * MTU ({@code PKT_TOO_BIG}; IPv4 fragmentation of packets without DF is not modelled,
	 * so they drop too). On success the caller decrements the TTL
	 * ({@code ip_decrease_ttl}).
	 * @param ttl the TTL or hop limit as received
	 * @param l3Length the IP packet length ({@code tot_len}, or payload + 40 for IPv6)
	 * @return {@link DropReason#NOT_DROPPED_YET} to go on, else the reason
	 */
	public static DropReason forward(NetNamespace ns, RouteResult decision, int ttl, int l3Length) {
		if (decision.decision != RouteResult.Decision.FORWARD) {
			throw new IllegalArgumentException("forward: decision must be FORWARD, got " + decision.decision);
		}
		if (ttl <= 1) {
			return DropReason.IP_INHDR;
		}
		NetDeviceInfo dev = ns.device(decision.ifindex);
		if (l3Length > dev.mtu()) {
			return DropReason.PKT_TOO_BIG;
		}
		return DropReason.NOT_DROPPED_YET;
	}

	/**
	 * Routes a locally generated packet ({@code ip_route_output_key_hash_rcu}): a local
	 * destination goes out through {@code lo}; otherwise the main table's unicast route
	 * gives the device and next hop and the source is chosen from the output device
	 * ({@code inet_select_addr}: an address whose subnet holds the next hop, else the
	 * first of the family, else the first of the family on any device). No route is
	 * {@code -ENETUNREACH} ({@code IP_NOROUTE}); the socket sees the error, nothing is
	 * transmitted.
	 * @param oif output device requested ({@code SO_BINDTODEVICE} / {@code flowi4_oif}),
	 * 0 for any
	 */
	public static RouteResult routeOutput(NetNamespace ns, IpAddress destination, int oif, RouteResult out) {
		RouteEntry r = fibLookup(ns, destination, oif);
		if (r == null) {
			return out.set(RouteResult.Decision.DROP, null, 0, null, null, DropReason.IP_NOROUTE, ENETUNREACH);
		}
		if (r.type() == RouteType.LOCAL) {
			return out.set(RouteResult.Decision.LOCAL, r, NetDeviceInfo.LOOPBACK_IFINDEX, destination, destination,
					DropReason.NOT_DROPPED_YET, 0);
		}
		if (r.type() != RouteType.UNICAST) {
			return out.set(RouteResult.Decision.DROP, r, 0, null, null, DropReason.NOT_SPECIFIED, r.type().error());
		}
		IpAddress hop = r.nextHop(destination);
		return out.set(RouteResult.Decision.OUTPUT, r, r.ifindex(), hop, selectSource(ns, r.ifindex(), hop),
				DropReason.NOT_DROPPED_YET, 0);
	}

	/**
	 * Source address for output on {@code ifindex} towards {@code nextHop}
	 * ({@code inet_select_addr}, simplified: no scopes), null if the namespace has no
	 * address of that family outside {@code lo}.
	 */
	public static IpAddress selectSource(NetNamespace ns, int ifindex, IpAddress nextHop) {
		IpAddress src = ns.device(ifindex).selectSource(nextHop.family(), nextHop);
		if (src != null) {
			return src;
		}
		for (int i = 0; i < ns.deviceCount(); i++) {
			NetDeviceInfo d = ns.deviceAt(i);
			if (d.kind() != NetDeviceInfo.Kind.LOOPBACK) {
				IpAddress any = d.selectSource(nextHop.family(), null);
				if (any != null) {
					return any;
				}
			}
		}
		return null;
	}

}
