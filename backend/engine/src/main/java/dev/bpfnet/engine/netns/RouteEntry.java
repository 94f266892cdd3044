package dev.bpfnet.engine.netns;

import java.util.Optional;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;

/**
 * One route of a {@link RoutingTable} ({@code struct fib_alias} + its single nexthop).
 *
 * @param prefix destination prefix, host bits zero
 * @param type route type
 * @param ifindex output device ({@code nhc_dev}); 0 only for blackhole, unreachable and
 * prohibit routes
 * @param gateway gateway ({@code via}), same family as the prefix; null for a directly
 * connected route (next hop = the destination itself)
 * @param metric {@code fib_priority} / {@code fib6_metric}: lower wins among equal
 * prefixes
 * @param origin who added the route
 */
public record RouteEntry(IpPrefix prefix, RouteType type, int ifindex, IpAddress gateway, int metric, Origin origin) {

	/** Who added a route ({@code rtm_protocol}, reduced). */
	public enum Origin {

		/** {@code RTPROT_KERNEL}: added for a configured address. */
		KERNEL,
		/** {@code RTPROT_BOOT}: configured by the topology ({@code ip route add}). */
		CONFIGURED

	}

	public RouteEntry {
		if (prefix == null || type == null || origin == null) {
			throw new IllegalArgumentException("prefix, type and origin must not be null");
		}
		if (!prefix.isNetwork()) {
			throw new IllegalArgumentException("prefix: host bits set in " + prefix);
		}
		if (ifindex < 0 || ((type == RouteType.UNICAST || type == RouteType.LOCAL) && ifindex == 0)) {
			throw new IllegalArgumentException("ifindex must be >= 1 for a " + type + " route, got " + ifindex);
		}
		if (gateway != null && gateway.family() != prefix.family()) {
			throw new IllegalArgumentException("gateway: " + gateway + " is " + gateway.family() + " but prefix "
					+ prefix + " is " + prefix.family());
		}
		if (metric < 0) {
			throw new IllegalArgumentException("metric must be >= 0, got " + metric);
		}
	}

	/** The gateway, empty for a directly connected route. */
	public Optional<IpAddress> via() {
		return Optional.ofNullable(this.gateway);
	}

	/**
	 * The next hop for {@code destination}: the gateway, or the destination itself on a
	 * connected route ({@code rt_nexthop}). Allocates nothing.
	 */
	public IpAddress nextHop(IpAddress destination) {
		return this.gateway != null ? this.gateway : destination;
	}

	@Override
	public String toString() {
		return (this.type == RouteType.UNICAST ? "" : this.type.name().toLowerCase() + " ") + this.prefix
				+ (this.gateway != null ? " via " + this.gateway : "") + " ifindex " + this.ifindex + " metric "
				+ this.metric;
	}

}
