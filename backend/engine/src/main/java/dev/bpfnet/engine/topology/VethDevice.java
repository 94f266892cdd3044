package dev.bpfnet.engine.topology;

import java.util.List;
import java.util.Optional;

/**
 * A veth pair (drivers/net/veth.c): this end in the declaring namespace, {@link Peer} in
 * {@code peer.namespace}. A frame sent on one end is received on the other through
 * {@code veth_xmit → __dev_forward_skb → __netif_rx} (per-CPU backlog), or through the
 * peer's 256-entry NAPI ring ({@code VETH_RING_SIZE}) when GRO is on for the receiving
 * end. Both ends use {@code noqueue} and share one MTU.
 *
 * @param name this end's name
 * @param addresses this end's addresses
 * @param mac this end's MAC (random when empty)
 * @param mtu MTU of both ends, default 1500
 * @param rxDelivery how frames sent by the peer are received here: {@code backlog}
 * (kernel, {@code __netif_rx}) or {@code direct} ({@code netif_receive_skb} inline,
 * recursion limit 8; the thread's proposal, not in mainline)
 * @param gro GRO/NAPI mode for frames received here ({@code ethtool -K DEV gro on});
 * default off as {@code veth_newlink} leaves it
 * @param rpsCpus RPS mask of this end's receive queue ({@code queues/rx-0/rps_cpus});
 * empty (default) = RPS off
 * @param peer the other end
 */
public record VethDevice(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu,
		RxDelivery rxDelivery, boolean gro, CpuMask rpsCpus, Peer peer) implements Device {

	/** {@code VETH_RING_SIZE}: entries of the per-rx-queue ptr_ring in NAPI mode. */
	public static final int RING_SIZE = 256;

	/** How a veth end receives what its peer sends. */
	public enum RxDelivery implements Keyed {

		/** {@code __netif_rx} into the per-CPU backlog (the kernel's behaviour). */
		BACKLOG("backlog"),
		/** {@code netif_receive_skb} inline in the sender's context (proposal). */
		DIRECT("direct");

		private final String key;

		RxDelivery(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	/**
	 * The other end of the pair.
	 *
	 * @param namespace namespace (same node) the peer lives in
	 * @param name peer device name
	 * @param addresses peer addresses
	 * @param mac peer MAC (random when empty)
	 * @param rxDelivery how the peer receives what this end sends, default
	 * {@code backlog}
	 * @param gro GRO/NAPI mode on the peer, default off
	 * @param rpsCpus RPS mask of the peer's receive queue; empty (default) = RPS off
	 */
	public record Peer(String namespace, String name, List<IpPrefix> addresses, Optional<MacAddress> mac,
			RxDelivery rxDelivery, boolean gro, CpuMask rpsCpus) {

		public Peer {
			Names.require("namespace", namespace);
			Device.checkCommon(name, addresses, mac, Device.DEFAULT_MTU);
			addresses = List.copyOf(addresses);
			if (rxDelivery == null) {
				throw new IllegalArgumentException("rx_delivery must not be null");
			}
			if (rpsCpus == null) {
				throw new IllegalArgumentException("rps_cpus must not be null (use CpuMask.NONE)");
			}
		}

		/** A peer without RPS. */
		public Peer(String namespace, String name, List<IpPrefix> addresses, Optional<MacAddress> mac,
				RxDelivery rxDelivery, boolean gro) {
			this(namespace, name, addresses, mac, rxDelivery, gro, CpuMask.NONE);
		}

	}

	public VethDevice {
		Device.checkCommon(name, addresses, mac, mtu);
		addresses = List.copyOf(addresses);
		if (rxDelivery == null || peer == null || rpsCpus == null) {
			throw new IllegalArgumentException("rx_delivery, rps_cpus and peer must not be null");
		}
	}

	/** A veth end without RPS. */
	public VethDevice(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu, RxDelivery rxDelivery,
			boolean gro, Peer peer) {
		this(name, addresses, mac, mtu, rxDelivery, gro, CpuMask.NONE, peer);
	}

	@Override
	public String kind() {
		return "veth";
	}

}
