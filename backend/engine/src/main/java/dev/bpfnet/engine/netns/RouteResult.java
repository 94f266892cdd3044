package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.trace.DropReason;

/**
 * The outcome of a route decision ({@link Forwarding}): what {@code skb_dst} would carry.
 * Mutable and reusable so that the datapath allocates nothing per packet; each call
 * overwrites every field.
 */
public final class RouteResult {

	/** What happens to the packet. */
	public enum Decision {

		/** Deliver here ({@code ip_local_deliver}; output: via {@code lo}). */
		LOCAL,
		/** Route on ({@code ip_forward}). */
		FORWARD,
		/** Locally generated, transmit on {@link #ifindex} ({@code ip_output}). */
		OUTPUT,
		/** Dropped; see {@link #dropReason} and {@link #error}. */
		DROP

	}

	/** The decision. */
	public Decision decision;

	/** The route that decided, null if none matched. */
	public RouteEntry route;

	/** Output device (ifindex), 0 when dropped. */
	public int ifindex;

	/** Next hop: the gateway or the destination itself; null when dropped. */
	public IpAddress nextHop;

	/** Source address chosen for output ({@code inet_select_addr}), null otherwise. */
	public IpAddress source;

	/** Why the packet is dropped; {@link DropReason#NOT_DROPPED_YET} otherwise. */
	public DropReason dropReason = DropReason.NOT_DROPPED_YET;

	/**
	 * Negative errno of the decision ({@code -ENETUNREACH}, {@code -EHOSTUNREACH}, ...),
	 * 0 on success.
	 */
	public int error;

	RouteResult set(Decision d, RouteEntry r, int ifx, IpAddress hop, IpAddress src, DropReason reason, int err) {
		this.decision = d;
		this.route = r;
		this.ifindex = ifx;
		this.nextHop = hop;
		this.source = src;
		this.dropReason = reason;
		this.error = err;
		return this;
	}

	@Override
	public String toString() {
		return this.decision + (this.decision == Decision.DROP ? " " + this.dropReason + " (" + this.error + ")"
				: " ifindex " + this.ifindex + " nexthop " + this.nextHop);
	}

}
