package dev.bpfnet.engine.packet;

/**
 * How a frame starts, as pcap link types name it.
 */
public enum LinkType {

	/**
	 * Ethernet II ({@code LINKTYPE_ETHERNET}, 1): a 14-byte header, optionally followed
	 * by 802.1Q tags. Every device the engine models (veth, bpfnet in both modes, NICs)
	 * uses it; a bpfnet device in L3 mode has zero MACs (datapath.md §1.4).
	 */
	ETHERNET(1),

	/**
	 * Raw IP ({@code LINKTYPE_RAW}, 101): the frame starts with the IPv4 or IPv6 header,
	 * told apart by the version nibble.
	 */
	RAW_IP(101);

	private final int pcapLinkType;

	LinkType(int pcapLinkType) {
		this.pcapLinkType = pcapLinkType;
	}

	/** The {@code LINKTYPE_*} value of pcap files. */
	public int pcapLinkType() {
		return this.pcapLinkType;
	}

}
