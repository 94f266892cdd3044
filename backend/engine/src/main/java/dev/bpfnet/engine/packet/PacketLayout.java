package dev.bpfnet.engine.packet;

/**
 * Where each layer of a frame built from a {@link PacketSpec} starts.
 *
 * @param l3Offset the network header (0 for raw IP, 14 for Ethernet, 18 when tagged)
 * @param l4Offset the transport header, or -1 when the spec has none
 * @param payloadOffset the payload (the frame length for ARP)
 * @param length the whole frame
 */
public record PacketLayout(int l3Offset, int l4Offset, int payloadOffset, int length) {

	/** Ethernet header length. */
	public static final int ETH_HLEN = 14;

	/** 802.1Q tag length. */
	public static final int VLAN_HLEN = 4;

	/** The layout of the frame {@link PacketFactory#build} makes from {@code spec}. */
	public static PacketLayout of(PacketSpec spec) {
		int l3 = (spec.ethernet() == null) ? 0 : ETH_HLEN + ((spec.vlan() == null) ? 0 : VLAN_HLEN);
		int l3Len = (spec.network() instanceof PacketSpec.Arp) ? 28
				: (spec.network() instanceof PacketSpec.Ipv4 v4) ? 20 + v4.options().length() : 40;
		int l4 = (spec.transport() == null) ? -1 : l3 + l3Len;
		int l4Len = (spec.transport() instanceof PacketSpec.Tcp tcp) ? 20 + tcp.options().length()
				: (spec.transport() == null) ? 0 : 8;
		int payload = l3 + l3Len + l4Len;
		return new PacketLayout(l3, l4, payload, payload + spec.payload().length());
	}

}
