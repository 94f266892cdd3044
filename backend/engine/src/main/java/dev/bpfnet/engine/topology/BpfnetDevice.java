package dev.bpfnet.engine.topology;

import java.util.List;
import java.util.Optional;

/**
 * A bpfnet pair with netkit semantics (drivers/net/netkit.c, datapath.md §1): the primary
 * is declared here (host side, where programs attach), the peer lives in
 * {@code peer.namespace} (the pod). The {@code primary} hook runs on primary→peer
 * transmit, {@code peer} on peer→primary transmit; both are attached through the primary.
 *
 * @param name primary device name
 * @param addresses primary addresses
 * @param mac primary MAC; only allowed in {@code l2} (netkit_set_macaddr returns
 * -EOPNOTSUPP in l3)
 * @param mtu MTU of both ends, default 1500
 * @param mode {@code l3} (default: IFF_NOARP, zero MACs) or {@code l2} (ARP/ND, random
 * MACs); IFLA_NETKIT_MODE
 * @param policy verdict when no program is attached to the primary hook: {@code pass}
 * (default) or {@code drop}; IFLA_NETKIT_POLICY
 * @param peerPolicy the same for the peer hook; IFLA_NETKIT_PEER_POLICY
 * @param scrub {@code default} (clear mark/priority on namespace crossing) or
 * {@code none}; IFLA_NETKIT_SCRUB, applies to traffic transmitted by the primary
 * @param peerScrub the same for traffic transmitted by the peer; IFLA_NETKIT_PEER_SCRUB
 * @param headroom {@code needed_headroom} bytes of both ends, default 0;
 * IFLA_NETKIT_HEADROOM
 * @param tailroom {@code needed_tailroom} bytes of both ends, default 0;
 * IFLA_NETKIT_TAILROOM
 * @param rpsCpus RPS mask of this end's receive queue ({@code queues/rx-0/rps_cpus});
 * empty (default) = RPS off
 * @param peer the peer end
 */
public record BpfnetDevice(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu, Mode mode,
		Policy policy, Policy peerPolicy, Scrub scrub, Scrub peerScrub, int headroom, int tailroom, CpuMask rpsCpus,
		Peer peer) implements Device {

	/** {@code enum netkit_mode}. */
	public enum Mode implements Keyed {

		/** NETKIT_L3: no ARP, zero MACs (kernel default). */
		L3("l3"),
		/** NETKIT_L2: Ethernet with ARP/ND. */
		L2("l2");

		private final String key;

		Mode(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	/**
	 * Default verdict with no program attached ({@code NETKIT_PASS} /
	 * {@code NETKIT_DROP}).
	 */
	public enum Policy implements Keyed {

		/** NETKIT_PASS. */
		PASS("pass"),
		/** NETKIT_DROP. */
		DROP("drop");

		private final String key;

		Policy(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	/** {@code enum netkit_scrub}. */
	public enum Scrub implements Keyed {

		/** NETKIT_SCRUB_DEFAULT: zero mark and priority when crossing namespaces. */
		DEFAULT("default"),
		/** NETKIT_SCRUB_NONE: leave them to the program. */
		NONE("none");

		private final String key;

		Scrub(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	/**
	 * The peer end (pod side).
	 *
	 * @param namespace namespace (same node) the peer lives in
	 * @param name peer device name
	 * @param addresses peer addresses
	 * @param mac peer MAC, only in l2
	 * @param rpsCpus RPS mask of the peer's receive queue; empty (default) = RPS off
	 */
	public record Peer(String namespace, String name, List<IpPrefix> addresses, Optional<MacAddress> mac,
			CpuMask rpsCpus) {

		public Peer {
			Names.require("namespace", namespace);
			Device.checkCommon(name, addresses, mac, Device.DEFAULT_MTU);
			addresses = List.copyOf(addresses);
			if (rpsCpus == null) {
				throw new IllegalArgumentException("rps_cpus must not be null (use CpuMask.NONE)");
			}
		}

		/** A peer without RPS. */
		public Peer(String namespace, String name, List<IpPrefix> addresses, Optional<MacAddress> mac) {
			this(namespace, name, addresses, mac, CpuMask.NONE);
		}

	}

	public BpfnetDevice {
		Device.checkCommon(name, addresses, mac, mtu);
		addresses = List.copyOf(addresses);
		if (mode == null || policy == null || peerPolicy == null || scrub == null || peerScrub == null
				|| rpsCpus == null || peer == null) {
			throw new IllegalArgumentException("mode, policies, scrubs and peer must not be null");
		}
		if (headroom < 0 || headroom > 65535 || tailroom < 0 || tailroom > 65535) {
			throw new IllegalArgumentException(
					"headroom and tailroom must be 0..65535 (u16), got " + headroom + ", " + tailroom);
		}
		if (mode == Mode.L3 && (mac.isPresent() || peer.mac().isPresent())) {
			throw new IllegalArgumentException("mac is not allowed in mode l3 (netkit_set_macaddr: -EOPNOTSUPP)");
		}
	}

	/** A bpfnet pair without RPS on the primary. */
	public BpfnetDevice(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu, Mode mode,
			Policy policy, Policy peerPolicy, Scrub scrub, Scrub peerScrub, int headroom, int tailroom, Peer peer) {
		this(name, addresses, mac, mtu, mode, policy, peerPolicy, scrub, peerScrub, headroom, tailroom, CpuMask.NONE,
				peer);
	}

	@Override
	public String kind() {
		return "bpfnet";
	}

}
