package dev.bpfnet.engine.trace;

/**
 * Why an skb was freed, with the names of the kernel's {@code enum skb_drop_reason}
 * (include/net/dropreason-core.h; datapath.md §2.5) without the {@code SKB_DROP_REASON_}
 * prefix. The kernel's numeric values change between releases, so this enum has its own
 * stable ids, used in the canonical trace encoding ({@link TraceHasher}); never renumber
 * them.
 *
 * <p>
 * Like the kernel, the model has no netkit-specific reason: netkit's own
 * {@code kfree_skb()} (peer down, a DROP verdict, an unknown verdict) is
 * {@link #NOT_SPECIFIED}; the preceding {@code netkit_xmit} trace step carries the
 * verdict that explains it.
 */
public enum DropReason {

	/** {@code SKB_NOT_DROPPED_YET}: the event is not a drop. */
	NOT_DROPPED_YET(0),

	/**
	 * Plain {@code kfree_skb()}: netkit drops, veth MTU-check drops, recursion-limit
	 * drops.
	 */
	NOT_SPECIFIED(1),

	/**
	 * No socket is bound to the destination port ({@code udp_rcv} → ICMP port
	 * unreachable).
	 */
	NO_SOCKET(2),

	/** The packet is shorter than its headers say. */
	PKT_TOO_SMALL(3),

	/**
	 * The packet is for another host ({@code pkt_type == PACKET_OTHERHOST} in
	 * {@code ip_rcv}).
	 */
	OTHERHOST(4),

	/** Invalid IPv4 header (version, ihl, total length) in {@code ip_rcv_core}. */
	IP_INHDR(5),

	/** IPv4 header checksum error. */
	IP_CSUM(6),

	/** No route to the destination (input or output route lookup failed). */
	IP_NOROUTE(7),

	/** The route's type forbids delivery (e.g. forwarding disabled in the namespace). */
	IP_INADDRERRORS(8),

	/** The socket's receive buffer is full ({@code __udp_enqueue_schedule_skb}). */
	SOCKET_RCVBUFF(9),

	/** UDP checksum error. */
	UDP_CSUM(10),

	/**
	 * The packet exceeds the MTU and cannot be fragmented (DF set or no fragmentation
	 * modelled).
	 */
	PKT_TOO_BIG(11),

	/**
	 * Failed to enqueue to the per-CPU backlog: {@code netdev_max_backlog} exceeded (or
	 * RPS flow limit).
	 */
	CPU_BACKLOG(12),

	/**
	 * The device is not running ({@code netif_running()} false in
	 * {@code enqueue_to_backlog}).
	 */
	DEV_READY(13),

	/**
	 * A tc/tcx ingress program returned {@code TC_ACT_SHOT} ({@code sch_handle_ingress}).
	 */
	TC_INGRESS(14),

	/**
	 * A tc/tcx egress program returned {@code TC_ACT_SHOT} ({@code sch_handle_egress}).
	 */
	TC_EGRESS(15),

	/** Too many redirect rounds on ingress ({@code another_round} loop guard). */
	TC_RECLASSIFY_LOOP(16),

	/** tc cookie error. */
	TC_COOKIE_ERROR(17),

	/** tc chain not found. */
	TC_CHAIN_NOTFOUND(18),

	/** The qdisc rejected the packet (queue limit, {@code qdisc_drop}). */
	QDISC_DROP(19),

	/** The qdisc is over its limit (newer kernels; [UNVERIFIED release]). */
	QDISC_OVERLIMIT(20),

	/**
	 * An AQM (CoDel in fq_codel) dropped the packet for congestion (newer kernels;
	 * [UNVERIFIED release]).
	 */
	QDISC_CONGESTED(21),

	/** A ring is full (veth NAPI {@code ptr_ring}, NIC RX ring). */
	FULL_RING(22),

	/** The neighbour entry could not be created. */
	NEIGH_CREATEFAIL(23),

	/** Neighbour resolution (ARP/ND) failed. */
	NEIGH_FAILED(24),

	/** The neighbour's {@code arp_queue} is full while resolution is pending. */
	NEIGH_QUEUEFULL(25),

	/** The neighbour entry is dead. */
	NEIGH_DEAD(26),

	/** An XDP program dropped the packet. */
	XDP(27),

	/** Memory allocation failed. */
	NOMEM(28),

	/** The headers could not be pulled ({@code pskb_may_pull} failed). */
	HDR_TRUNC(29),

	/**
	 * Dropped by the transmit recursion limit ({@code XMIT_RECURSION_LIMIT} 8; newer
	 * kernels, [UNVERIFIED release]).
	 */
	RECURSION_LIMIT(30);

	private static final DropReason[] BY_ID;

	static {
		DropReason[] values = values();
		BY_ID = new DropReason[values.length];
		for (DropReason reason : values) {
			if (BY_ID[reason.id] != null) {
				throw new ExceptionInInitializerError("drop reason id " + reason.id + " used twice");
			}
			BY_ID[reason.id] = reason;
		}
	}

	private final int id;

	DropReason(int id) {
		this.id = id;
	}

	/** The stable id, used in the canonical trace encoding. */
	public int id() {
		return this.id;
	}

	/** Whether this reason marks a drop (anything but {@link #NOT_DROPPED_YET}). */
	public boolean isDrop() {
		return this != NOT_DROPPED_YET;
	}

	/** The kernel's full enumerator name, e.g. {@code SKB_DROP_REASON_CPU_BACKLOG}. */
	public String kernelName() {
		return (this == NOT_DROPPED_YET) ? "SKB_NOT_DROPPED_YET" : "SKB_DROP_REASON_" + name();
	}

	/**
	 * The reason with the given stable id.
	 * @throws IllegalArgumentException if no reason has that id
	 */
	public static DropReason ofId(int id) {
		if (id < 0 || id >= BY_ID.length) {
			throw new IllegalArgumentException("drop reason id: no drop reason has id " + id);
		}
		return BY_ID[id];
	}

}
