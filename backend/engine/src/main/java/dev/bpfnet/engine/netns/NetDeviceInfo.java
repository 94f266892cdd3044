package dev.bpfnet.engine.netns;

import java.util.List;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;

/**
 * A device as its namespace sees it ({@code struct net_device} reduced to what routing,
 * neighbours and {@code bpf_fib_lookup} read).
 *
 * @param deviceId node-wide device id, dense from 0, assigned in document order
 * @param ifindex {@code dev->ifindex}, numbered per namespace as {@code dev_new_index}
 * does; 1 is {@code lo}
 * @param name device name in its namespace
 * @param kind device kind
 * @param mac {@code dev->dev_addr} (zero for {@code lo} and bpfnet in mode l3)
 * @param mtu {@code dev->mtu}
 * @param addresses interface addresses ({@code ip addr}); host bits allowed
 * @param up {@code IFF_UP}
 * @param noArp {@code IFF_NOARP} (or {@code IFF_LOOPBACK}): neighbours on this device
 * need no resolution; their entries are {@code NUD_NOARP} with the device's own address
 * ({@code arp_constructor})
 * @param peerId device id of the other end of a veth or bpfnet pair, -1 for none
 * @param bpfnetPrimary whether this is the primary end of a bpfnet pair (where its hooks
 * attach)
 */
public record NetDeviceInfo(int deviceId, int ifindex, String name, Kind kind, MacAddress mac, int mtu,
		List<IpPrefix> addresses, boolean up, boolean noArp, int peerId, boolean bpfnetPrimary) {

	/** {@code lo}'s ifindex in every namespace ({@code LOOPBACK_IFINDEX}). */
	public static final int LOOPBACK_IFINDEX = 1;

	/** {@code lo}'s MTU ({@code LOOPBACK_MTU} = 64 KiB). */
	public static final int LOOPBACK_MTU = 65536;

	/** Device kinds. */
	public enum Kind {

		/** {@code lo} (drivers/net/loopback.c). */
		LOOPBACK,
		/** A physical NIC. */
		NIC,
		/** One end of a veth pair. */
		VETH,
		/** One end of a bpfnet (netkit) pair. */
		BPFNET

	}

	public NetDeviceInfo {
		if (deviceId < 0) {
			throw new IllegalArgumentException("deviceId must be >= 0, got " + deviceId);
		}
		if (ifindex < 1) {
			throw new IllegalArgumentException("ifindex must be >= 1, got " + ifindex);
		}
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("name must not be empty, got " + name);
		}
		if (kind == null || mac == null || addresses == null) {
			throw new IllegalArgumentException("kind, mac and addresses must not be null (device " + name + ")");
		}
		if (mtu < 68 || mtu > LOOPBACK_MTU) {
			throw new IllegalArgumentException("mtu must be 68.." + LOOPBACK_MTU + ", got " + mtu);
		}
		if (peerId < -1) {
			throw new IllegalArgumentException("peerId must be >= -1, got " + peerId);
		}
		addresses = List.copyOf(addresses);
	}

	/**
	 * The first address of {@code family} on this device whose subnet contains
	 * {@code target}, else the first of that family, else null ({@code inet_select_addr}
	 * simplified: no scopes, no secondaries).
	 */
	public IpAddress selectSource(IpAddress.Family family, IpAddress target) {
		IpAddress first = null;
		for (int i = 0; i < this.addresses.size(); i++) {
			IpPrefix p = this.addresses.get(i);
			if (p.family() != family) {
				continue;
			}
			if (target != null && p.contains(target)) {
				return p.address();
			}
			if (first == null) {
				first = p.address();
			}
		}
		return first;
	}

}
