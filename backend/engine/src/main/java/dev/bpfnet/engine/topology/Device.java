package dev.bpfnet.engine.topology;

import java.util.List;
import java.util.Optional;

/**
 * A network device declared in a namespace. The three kinds are a physical NIC, a veth
 * pair and a bpfnet (netkit) pair; for pairs the declared end is the local one and
 * {@code peer} describes the other end, created in another (or the same) namespace of the
 * same node.
 */
public sealed interface Device permits NicDevice, VethDevice, BpfnetDevice {

	/** Default MTU ({@code ETH_DATA_LEN}). */
	int DEFAULT_MTU = 1500;

	/** Device name, at most 15 characters ({@code IFNAMSIZ}). */
	String name();

	/** Interface addresses ({@code ip addr add}); host bits allowed. */
	List<IpPrefix> addresses();

	/**
	 * Hardware address; empty means chosen by the engine (random in L2, zero in netkit
	 * L3).
	 */
	Optional<MacAddress> mac();

	/** MTU in bytes, 68..65535. */
	int mtu();

	/**
	 * The RPS mask of the device's receive queue ({@code rps_cpus}); empty = RPS off.
	 */
	CpuMask rpsCpus();

	/**
	 * The {@code kind} spelling in the document: {@code nic}, {@code veth} or
	 * {@code bpfnet}.
	 */
	String kind();

	static void checkCommon(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu) {
		Names.requireDevice("name", name);
		if (addresses == null || addresses.stream().anyMatch(java.util.Objects::isNull)) {
			throw new IllegalArgumentException("addresses must not be null or contain null");
		}
		if (mac == null) {
			throw new IllegalArgumentException("mac must not be null (use Optional.empty())");
		}
		if (mtu < 68 || mtu > 65535) {
			throw new IllegalArgumentException("mtu must be 68..65535, got " + mtu);
		}
	}

}
