package dev.bpfnet.engine.packet;

/**
 * The fast path for sources that send many packets with the same headers: the frame is
 * built once with {@link PacketFactory} (Pcap4J), and each packet is a copy of those
 * bytes with per-packet fields patched in place and the checksums covering them updated
 * incrementally (RFC 1624 eqn. 3) instead of recomputed. A patched frame is byte for byte
 * the frame {@link PacketFactory#build} makes from the spec with the same field values
 * (PacketTemplateProperties).
 *
 * <p>
 * <b>Cost</b>: {@link #newPacket()} allocates the one {@code byte[]} of the packet;
 * {@link #copyInto(byte[])} and every setter allocate nothing and touch only the bytes of
 * the field and of its checksum. A setter for a field the spec does not have (a TCP
 * sequence number on a UDP template) throws {@link IllegalStateException}. Where the spec
 * gives a checksum explicitly (a deliberately wrong one), setters leave that checksum as
 * given.
 *
 * <p>
 * <b>Threading</b>: immutable once built; frames passed to the setters belong to the
 * caller.
 */
public final class PacketTemplate {

	private static final int NONE = 0, UDP = 1, TCP = 2, ICMP = 3;

	private final PacketSpec spec;

	private final PacketLayout layout;

	private final byte[] base;

	private final int transport;

	/** Offset of the IPv4 header checksum, or -1 (not IPv4, or explicit checksum). */
	private final int ipCsum;

	/** Offset of the transport checksum, or -1 (none, or explicit checksum). */
	private final int l4Csum;

	private PacketTemplate(PacketSpec spec) {
		this.spec = spec;
		this.layout = PacketLayout.of(spec);
		this.base = PacketFactory.build(spec);
		if (this.base.length != this.layout.length()) {
			throw new IllegalStateException(
					"Pcap4J built " + this.base.length + " bytes, layout expects " + this.layout.length());
		}
		PacketSpec.Transport t = spec.transport();
		this.transport = (t instanceof PacketSpec.Udp) ? UDP
				: (t instanceof PacketSpec.Tcp) ? TCP : (t instanceof PacketSpec.IcmpEcho) ? ICMP : NONE;
		this.ipCsum = (spec.network() instanceof PacketSpec.Ipv4 v4 && v4.checksum() == null)
				? this.layout.l3Offset() + 10 : -1;
		Integer explicit = (t instanceof PacketSpec.Udp u) ? u.checksum() : (t instanceof PacketSpec.Tcp tcp)
				? tcp.checksum() : (t instanceof PacketSpec.IcmpEcho e) ? e.checksum() : null;
		int csumAt = (this.transport == UDP) ? 6 : (this.transport == TCP) ? 16 : 2;
		this.l4Csum = (this.transport == NONE || explicit != null) ? -1 : this.layout.l4Offset() + csumAt;
	}

	/** Builds the template (one Pcap4J build). */
	public static PacketTemplate of(PacketSpec spec) {
		return new PacketTemplate(spec);
	}

	/** The spec the template was built from. */
	public PacketSpec spec() {
		return this.spec;
	}

	/** Where the layers start. */
	public PacketLayout layout() {
		return this.layout;
	}

	/** Frame length in bytes. */
	public int length() {
		return this.base.length;
	}

	/** A fresh copy of the template frame (the one allocation per packet). */
	public byte[] newPacket() {
		return this.base.clone();
	}

	/**
	 * Copies the template frame into the first {@link #length()} bytes of {@code frame}.
	 */
	public void copyInto(byte[] frame) {
		if (frame.length < this.base.length) {
			throw new IllegalArgumentException(
					"frame: expected at least " + this.base.length + " bytes, got " + frame.length);
		}
		System.arraycopy(this.base, 0, frame, 0, this.base.length);
	}

	/** Sets the IPv4 identification (0..65535) and updates the header checksum. */
	public void setIpv4Id(byte[] frame, int id) {
		if (!(this.spec.network() instanceof PacketSpec.Ipv4)) {
			throw new IllegalStateException("setIpv4Id: the template's network layer is not IPv4");
		}
		int at = this.layout.l3Offset() + 4;
		if (this.ipCsum < 0) {
			Checksums.put16(frame, at, id);
		}
		else {
			Checksums.patch(frame, this.ipCsum, this.layout.l3Offset(), at, 2, id, false);
		}
	}

	/** Sets the UDP or TCP source port (0..65535) and updates the checksum. */
	public void setSrcPort(byte[] frame, int port) {
		requirePorts("setSrcPort");
		patchL4(frame, this.layout.l4Offset(), 2, port);
	}

	/** Sets the UDP or TCP destination port (0..65535) and updates the checksum. */
	public void setDstPort(byte[] frame, int port) {
		requirePorts("setDstPort");
		patchL4(frame, this.layout.l4Offset() + 2, 2, port);
	}

	/** Sets the TCP sequence number (0..2^32-1) and updates the checksum. */
	public void setTcpSeq(byte[] frame, long seq) {
		require(TCP, "setTcpSeq", "TCP");
		patchL4(frame, this.layout.l4Offset() + 4, 4, seq);
	}

	/** Sets the TCP acknowledgment number (0..2^32-1) and updates the checksum. */
	public void setTcpAck(byte[] frame, long ack) {
		require(TCP, "setTcpAck", "TCP");
		patchL4(frame, this.layout.l4Offset() + 8, 4, ack);
	}

	/** Sets the ICMP echo identifier (0..65535) and updates the checksum. */
	public void setIcmpId(byte[] frame, int id) {
		require(ICMP, "setIcmpId", "ICMP echo");
		patchL4(frame, this.layout.l4Offset() + 4, 2, id);
	}

	/** Sets the ICMP echo sequence number (0..65535) and updates the checksum. */
	public void setIcmpSeq(byte[] frame, int seq) {
		require(ICMP, "setIcmpSeq", "ICMP echo");
		patchL4(frame, this.layout.l4Offset() + 6, 2, seq);
	}

	/**
	 * Writes the low {@code width} bytes of {@code value} big-endian at
	 * {@code payloadOffset} into the payload (a packet counter or a send timestamp) and
	 * updates the transport checksum.
	 * @param width 1..8 bytes, all inside the payload
	 */
	public void setPayloadCounter(byte[] frame, int payloadOffset, int width, long value) {
		int size = this.layout.length() - this.layout.payloadOffset();
		if (width < 1 || width > 8 || payloadOffset < 0 || payloadOffset + width > size) {
			throw new IllegalArgumentException("setPayloadCounter: " + width + " bytes at payload offset "
					+ payloadOffset + " do not fit in width 1..8 and the " + size + "-byte payload");
		}
		patchL4(frame, this.layout.payloadOffset() + payloadOffset, width, value);
	}

	private void patchL4(byte[] frame, int at, int width, long value) {
		if (this.l4Csum < 0) {
			for (int i = width - 1, shift = 0; i >= 0; i--, shift += 8) {
				frame[at + i] = (byte) (value >>> shift);
			}
		}
		else {
			Checksums.patch(frame, this.l4Csum, this.layout.l4Offset(), at, width, value, this.transport == UDP);
		}
	}

	private void requirePorts(String what) {
		if (this.transport != UDP && this.transport != TCP) {
			throw new IllegalStateException(what + ": the template has no UDP or TCP header");
		}
	}

	private void require(int kind, String what, String name) {
		if (this.transport != kind) {
			throw new IllegalStateException(what + ": the template has no " + name + " header");
		}
	}

}
