package dev.bpfnet.engine.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a crafted packet contains, layer by layer, before it is built into bytes by
 * {@link PacketFactory}. The layers are
 * {@code [ethernet [vlan]] network [transport] payload}:
 * <ul>
 * <li>{@link #ethernet()} absent ({@code null}) means a raw IP frame (pcap link type
 * {@code LINKTYPE_RAW}), for replay and tun-like links. A bpfnet (netkit) device in mode
 * {@code l3} is <em>not</em> such a link: datapath.md §1.4 says both netkit modes call
 * {@code ether_setup()}, so the skb always starts with a 14-byte Ethernet header, and in
 * L3 mode both MACs are zero (no MAC is assigned, neighbours are NOARP). Use
 * {@link Ethernet#l3Mode()} for those frames.</li>
 * <li>{@link #vlan()} optional one 802.1Q tag (needs Ethernet).</li>
 * <li>{@link #network()} ARP, IPv4 or IPv6.</li>
 * <li>{@link #transport()} UDP, TCP or ICMP echo ({@code null}: the payload follows the
 * IP header directly, and the IP protocol must then be given). ICMP echo becomes ICMPv4
 * over IPv4 and ICMPv6 over IPv6. ARP takes no transport and no payload.</li>
 * </ul>
 * Fields that the builder derives (EtherType, IP protocol, checksums) are {@code null}
 * for "derive". A checksum given explicitly is written as is, to craft packets with a
 * wrong checksum (issue 5). Every record validates its fields in its compact constructor
 * with a message of the form {@code ttl: expected 0..255, got 300}; {@link #fromMap}
 * prefixes the path ({@code packet.ipv4.ttl: ...}).
 *
 * <p>
 * IPv4 and TCP options are given as raw bytes ({@link Options}: type-length-value items,
 * checked, at most 40 bytes, a multiple of 4). Not yet modelled: 802.1ad double tags,
 * IPv6 extension headers.
 *
 * @param ethernet the Ethernet header, or {@code null} for a raw IP frame
 * @param vlan one 802.1Q tag, or {@code null}
 * @param network the network layer
 * @param transport the transport layer, or {@code null}
 * @param payload the bytes after the last header (never {@code null};
 * {@link Payload#EMPTY})
 */
public record PacketSpec(Ethernet ethernet, Vlan vlan, Network network, Transport transport, Payload payload) {

	/** EtherType of IPv4. */
	public static final int ETHERTYPE_IPV4 = 0x0800;

	/** EtherType of ARP. */
	public static final int ETHERTYPE_ARP = 0x0806;

	/** EtherType of IPv6. */
	public static final int ETHERTYPE_IPV6 = 0x86DD;

	/** EtherType (TPID) of an 802.1Q tag. */
	public static final int ETHERTYPE_VLAN = 0x8100;

	/** IP protocol numbers. */
	public static final int PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58;

	public PacketSpec {
		if (network == null) {
			throw new IllegalArgumentException("network: expected arp, ipv4 or ipv6, got none");
		}
		if (payload == null) {
			payload = Payload.EMPTY;
		}
		if (vlan != null && ethernet == null) {
			throw new IllegalArgumentException("vlan: an 802.1Q tag needs an ethernet header");
		}
		if (network instanceof Arp) {
			if (ethernet == null) {
				throw new IllegalArgumentException("arp: ARP needs an ethernet header");
			}
			if (transport != null) {
				throw new IllegalArgumentException("arp: ARP carries no transport layer, got " + transport.name());
			}
			if (payload.length() != 0) {
				throw new IllegalArgumentException(
						"payload: ARP carries no payload, got " + payload.length() + " bytes");
			}
		}
		if (transport == null && network instanceof Ipv4 v4 && v4.protocol() == null) {
			throw new IllegalArgumentException("ipv4.protocol: required when there is no transport layer");
		}
		if (transport == null && network instanceof Ipv6 v6 && v6.nextHeader() == null) {
			throw new IllegalArgumentException("ipv6.nextHeader: required when there is no transport layer");
		}
	}

	/** Parses a spec from a YAML/JSON tree; errors name the path from {@code packet}. */
	public static PacketSpec fromMap(Map<String, ?> map) {
		return PacketSpecParser.parse(map, "packet");
	}

	/** The tree {@link #fromMap} reads back into an equal spec (payload as hex). */
	public Map<String, Object> toMap() {
		return PacketSpecWriter.write(this);
	}

	/** Parses a spec found at {@code path} of a larger document. */
	public static PacketSpec fromMap(Map<String, ?> map, String path) {
		return PacketSpecParser.parse(map, path);
	}

	/** The EtherType the Ethernet header (or the VLAN tag, when tagged) announces. */
	public int innerEtherType() {
		if (this.vlan != null && this.vlan.etherType() != null) {
			return this.vlan.etherType();
		}
		if (this.vlan == null && this.ethernet != null && this.ethernet.etherType() != null) {
			return this.ethernet.etherType();
		}
		return this.network.etherType();
	}

	/** The IP protocol / next header value: explicit, or derived from the transport. */
	public int ipProtocol() {
		Integer explicit = (this.network instanceof Ipv4 v4) ? v4.protocol()
				: (this.network instanceof Ipv6 v6) ? v6.nextHeader() : null;
		if (explicit != null) {
			return explicit;
		}
		if (this.transport == null) {
			return -1;
		}
		if (this.transport instanceof Udp) {
			return PROTO_UDP;
		}
		if (this.transport instanceof Tcp) {
			return PROTO_TCP;
		}
		return (this.network instanceof Ipv6) ? PROTO_ICMPV6 : PROTO_ICMP;
	}

	/** The link type of the frame {@link PacketFactory#build} makes from this spec. */
	public LinkType linkType() {
		return this.ethernet == null ? LinkType.RAW_IP : LinkType.ETHERNET;
	}

	/**
	 * Hex digits, optionally separated by spaces or colons and after one {@code 0x}
	 * ({@code "de ad be ef"}, {@code "de:ad:be:ef"}, {@code "0xdeadbeef"}, as xxd and C
	 * write them).
	 * @throws IllegalArgumentException {@code field: ...} naming the first character that
	 * is not a hex digit, or an odd count
	 */
	static byte[] parseHex(String field, String text) {
		String shown = "\"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
		String digits = text.strip();
		if (digits.startsWith("0x") || digits.startsWith("0X")) {
			digits = digits.substring(2);
		}
		digits = digits.replaceAll("[\\s:]", "");
		for (int i = 0; i < digits.length(); i++) {
			if (Character.digit(digits.charAt(i), 16) < 0) {
				throw new IllegalArgumentException(field + ": '" + digits.charAt(i)
						+ "' is not a hex digit (0-9, a-f; spaces or colons may separate bytes), got " + shown);
			}
		}
		if (digits.length() % 2 != 0) {
			throw new IllegalArgumentException(field + ": expected an even number of hex digits, got " + shown);
		}
		return HexFormat.of().parseHex(digits);
	}

	static void range(String field, long value, long lo, long hi) {
		if (value < lo || value > hi) {
			throw new IllegalArgumentException(field + ": expected " + lo + ".." + hi + ", got " + value);
		}
	}

	static void range(String field, Integer value, long lo, long hi) {
		if (value != null) {
			range(field, value.longValue(), lo, hi);
		}
	}

	/** The network layer. */
	public sealed interface Network permits Arp, Ipv4, Ipv6 {

		/** The EtherType announcing this layer. */
		int etherType();

	}

	/** The transport layer. */
	public sealed interface Transport permits Udp, Tcp, IcmpEcho {

		/** The layer name as used in {@link PacketSpec#fromMap} ({@code udp}, ...). */
		String name();

	}

	/**
	 * An Ethernet II header.
	 *
	 * @param src source MAC in the low 48 bits
	 * @param dst destination MAC in the low 48 bits
	 * @param etherType the EtherType, or {@code null} to derive it from the next layer
	 * ({@code 0x8100} when tagged)
	 */
	public record Ethernet(long src, long dst, Integer etherType) {

		public Ethernet {
			range("ethernet.src", src, 0, 0xFFFF_FFFF_FFFFL);
			range("ethernet.dst", dst, 0, 0xFFFF_FFFF_FFFFL);
			range("ethernet.type", etherType, 0, 0xFFFF);
		}

		/** A header with a derived EtherType. */
		public static Ethernet of(long src, long dst) {
			return new Ethernet(src, dst, null);
		}

		/**
		 * The header a netkit device in L3 mode puts on every skb: both MACs zero
		 * (datapath.md §1.4).
		 */
		public static Ethernet l3Mode() {
			return new Ethernet(0, 0, null);
		}

	}

	/**
	 * One 802.1Q tag.
	 *
	 * @param pcp priority code point, 0..7
	 * @param dei drop eligible indicator (the former CFI bit)
	 * @param vid VLAN id, 0..4095
	 * @param etherType the inner EtherType, or {@code null} to derive it
	 */
	public record Vlan(int pcp, boolean dei, int vid, Integer etherType) {

		public Vlan {
			range("vlan.pcp", pcp, 0, 7);
			range("vlan.vid", vid, 0, 4095);
			range("vlan.type", etherType, 0, 0xFFFF);
		}

	}

	/**
	 * An ARP packet for IPv4 over Ethernet (RFC 826).
	 *
	 * @param reply {@code false} for a request (op 1), {@code true} for a reply (op 2)
	 * @param senderMac sender hardware address
	 * @param senderIp sender protocol address
	 * @param targetMac target hardware address (zero in a request)
	 * @param targetIp target protocol address
	 */
	public record Arp(boolean reply, long senderMac, Inet4Address senderIp, long targetMac,
			Inet4Address targetIp) implements Network {

		public Arp {
			range("arp.senderMac", senderMac, 0, 0xFFFF_FFFF_FFFFL);
			range("arp.targetMac", targetMac, 0, 0xFFFF_FFFF_FFFFL);
			if (senderIp == null || targetIp == null) {
				throw new IllegalArgumentException("arp.senderIp/targetIp: expected an IPv4 address, got none");
			}
		}

		@Override
		public int etherType() {
			return ETHERTYPE_ARP;
		}

	}

	/**
	 * An IPv4 header (RFC 791).
	 *
	 * @param src source address
	 * @param dst destination address
	 * @param ttl time to live, 0..255
	 * @param tos the whole TOS byte (DSCP and ECN), 0..255
	 * @param id identification, 0..65535
	 * @param df don't fragment
	 * @param mf more fragments
	 * @param fragmentOffset fragment offset in bytes, a multiple of 8 up to 65528 (the
	 * header holds it in 8-byte units; Wireshark shows bytes too)
	 * @param protocol the protocol number, or {@code null} to derive it from the
	 * transport
	 * @param checksum the header checksum to write, or {@code null} for the correct one
	 * @param options the options ({@link Options#NONE} for a 20-byte header)
	 */
	public record Ipv4(Inet4Address src, Inet4Address dst, int ttl, int tos, int id, boolean df, boolean mf,
			int fragmentOffset, Integer protocol, Integer checksum, Options options) implements Network {

		/** A header without options. */
		public Ipv4(Inet4Address src, Inet4Address dst, int ttl, int tos, int id, boolean df, boolean mf,
				int fragmentOffset, Integer protocol, Integer checksum) {
			this(src, dst, ttl, tos, id, df, mf, fragmentOffset, protocol, checksum, Options.NONE);
		}

		public Ipv4 {
			if (options == null) {
				options = Options.NONE;
			}
			if (src == null || dst == null) {
				throw new IllegalArgumentException("ipv4.src/dst: expected an IPv4 address, got none");
			}
			range("ipv4.ttl", ttl, 0, 255);
			range("ipv4.tos", tos, 0, 255);
			range("ipv4.id", id, 0, 0xFFFF);
			range("ipv4.fragmentOffset", fragmentOffset, 0, 0x1FFF * 8);
			if (fragmentOffset % 8 != 0) {
				throw new IllegalArgumentException("ipv4.fragmentOffset: expected a multiple of 8 bytes (the header"
						+ " counts 8-byte units), got " + fragmentOffset);
			}
			range("ipv4.protocol", protocol, 0, 255);
			range("ipv4.checksum", checksum, 0, 0xFFFF);
		}

		/** TTL 64, TOS 0, id 0, DF set (what Linux sends for a connected socket). */
		public static Ipv4 of(Inet4Address src, Inet4Address dst) {
			return new Ipv4(src, dst, 64, 0, 0, true, false, 0, null, null);
		}

		@Override
		public int etherType() {
			return ETHERTYPE_IPV4;
		}

	}

	/**
	 * An IPv6 header without extension headers (RFC 8200).
	 *
	 * @param src source address
	 * @param dst destination address
	 * @param hopLimit hop limit, 0..255
	 * @param trafficClass traffic class, 0..255
	 * @param flowLabel flow label, 0..0xFFFFF
	 * @param nextHeader the next header, or {@code null} to derive it from the transport
	 */
	public record Ipv6(Inet6Address src, Inet6Address dst, int hopLimit, int trafficClass, int flowLabel,
			Integer nextHeader) implements Network {

		public Ipv6 {
			if (src == null || dst == null) {
				throw new IllegalArgumentException("ipv6.src/dst: expected an IPv6 address, got none");
			}
			range("ipv6.hopLimit", hopLimit, 0, 255);
			range("ipv6.trafficClass", trafficClass, 0, 255);
			range("ipv6.flowLabel", flowLabel, 0, 0xFFFFF);
			range("ipv6.nextHeader", nextHeader, 0, 255);
		}

		/** Hop limit 64, traffic class 0, flow label 0. */
		public static Ipv6 of(Inet6Address src, Inet6Address dst) {
			return new Ipv6(src, dst, 64, 0, 0, null);
		}

		@Override
		public int etherType() {
			return ETHERTYPE_IPV6;
		}

	}

	/**
	 * A UDP header (RFC 768).
	 *
	 * @param srcPort source port
	 * @param dstPort destination port
	 * @param checksum the checksum to write, or {@code null} for the correct one
	 */
	public record Udp(int srcPort, int dstPort, Integer checksum) implements Transport {

		public Udp {
			range("udp.src", srcPort, 0, 0xFFFF);
			range("udp.dst", dstPort, 0, 0xFFFF);
			range("udp.checksum", checksum, 0, 0xFFFF);
		}

		public static Udp of(int srcPort, int dstPort) {
			return new Udp(srcPort, dstPort, null);
		}

		@Override
		public String name() {
			return "udp";
		}

	}

	/**
	 * A TCP header (RFC 9293).
	 *
	 * @param srcPort source port
	 * @param dstPort destination port
	 * @param seq sequence number, 0..2^32-1
	 * @param ack acknowledgment number, 0..2^32-1
	 * @param flags the flag byte: {@link #FIN} | {@link #SYN} | ... | {@link #CWR}
	 * @param window receive window, 0..65535
	 * @param checksum the checksum to write, or {@code null} for the correct one
	 * @param options the options ({@link Options#NONE} for a 20-byte header)
	 */
	public record Tcp(int srcPort, int dstPort, long seq, long ack, int flags, int window, Integer checksum,
			Options options) implements Transport {

		/** TCP flag bits, as in byte 13 of the header. */
		public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40,
				CWR = 0x80;

		/** Flag names in bit order, as {@link PacketSpec#fromMap} accepts them. */
		static final String[] FLAG_NAMES = { "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr" };

		/** A header without options. */
		public Tcp(int srcPort, int dstPort, long seq, long ack, int flags, int window, Integer checksum) {
			this(srcPort, dstPort, seq, ack, flags, window, checksum, Options.NONE);
		}

		public Tcp {
			if (options == null) {
				options = Options.NONE;
			}
			range("tcp.src", srcPort, 0, 0xFFFF);
			range("tcp.dst", dstPort, 0, 0xFFFF);
			range("tcp.seq", seq, 0, 0xFFFF_FFFFL);
			range("tcp.ack", ack, 0, 0xFFFF_FFFFL);
			range("tcp.flags", flags, 0, 0xFF);
			range("tcp.window", window, 0, 0xFFFF);
			range("tcp.checksum", checksum, 0, 0xFFFF);
		}

		@Override
		public String name() {
			return "tcp";
		}

	}

	/**
	 * An ICMP echo request or reply: ICMPv4 type 8/0 over IPv4, ICMPv6 type 128/129 over
	 * IPv6.
	 *
	 * @param reply {@code false} for a request, {@code true} for a reply
	 * @param id identifier, 0..65535
	 * @param seq sequence number, 0..65535
	 * @param checksum the checksum to write, or {@code null} for the correct one
	 */
	public record IcmpEcho(boolean reply, int id, int seq, Integer checksum) implements Transport {

		public IcmpEcho {
			range("icmp.id", id, 0, 0xFFFF);
			range("icmp.seq", seq, 0, 0xFFFF);
			range("icmp.checksum", checksum, 0, 0xFFFF);
		}

		@Override
		public String name() {
			return "icmp";
		}

	}

	/**
	 * IPv4 or TCP options as they appear on the wire: type-length-value items, where
	 * types 0 (end of list) and 1 (no-operation) are one byte. At most 40 bytes (the
	 * header length field allows 60) and a multiple of 4 (pad with {@code 00}, end of
	 * list), so the bytes are written exactly as given. Immutable.
	 */
	public static final class Options {

		/** No options. */
		public static final Options NONE = new Options(new byte[0]);

		/** The most option bytes a header can hold. */
		public static final int MAX_SIZE = 40;

		private final byte[] bytes;

		private Options(byte[] bytes) {
			this.bytes = bytes;
		}

		/**
		 * Options from hex digits ({@code "020405b4 01030307"}), checked.
		 * @param field the field name for errors ({@code tcp.options})
		 * @throws IllegalArgumentException naming the field and the offending byte
		 */
		public static Options hex(String field, String hex) {
			return of(field, parseHex(field, hex));
		}

		/** Options from bytes (copied), checked as {@link #hex}. */
		public static Options of(String field, byte[] bytes) {
			if (bytes.length > MAX_SIZE) {
				throw new IllegalArgumentException(
						field + ": expected at most " + MAX_SIZE + " bytes, got " + bytes.length);
			}
			if (bytes.length % 4 != 0) {
				throw new IllegalArgumentException(
						field + ": expected a multiple of 4 bytes (pad with 00, end of list), got " + bytes.length);
			}
			for (int off = 0; off < bytes.length;) {
				int type = bytes[off] & 0xFF;
				if (type <= 1) {
					off++;
					continue;
				}
				if (off + 1 >= bytes.length) {
					throw new IllegalArgumentException(
							field + ": option at byte " + off + " (type " + type + ") has no length byte");
				}
				int len = bytes[off + 1] & 0xFF;
				if (len < 2 || off + len > bytes.length) {
					throw new IllegalArgumentException(field + ": option at byte " + off + " (type " + type
							+ ") has length " + len + ", expected 2.." + (bytes.length - off));
				}
				off += len;
			}
			return new Options(bytes.clone());
		}

		/** Number of bytes. */
		public int length() {
			return this.bytes.length;
		}

		/** A copy of the bytes. */
		public byte[] bytes() {
			return this.bytes.clone();
		}

		/** The item boundaries: start offsets of each option, then the length. */
		int[] boundaries() {
			int[] out = new int[this.bytes.length + 1];
			int n = 0;
			for (int off = 0; off < this.bytes.length;) {
				out[n++] = off;
				int type = this.bytes[off] & 0xFF;
				off += (type <= 1) ? 1 : (this.bytes[off + 1] & 0xFF);
			}
			out[n++] = this.bytes.length;
			return Arrays.copyOf(out, n);
		}

		@Override
		public boolean equals(Object o) {
			return (o instanceof Options p) && Arrays.equals(this.bytes, p.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return "Options[" + HexFormat.of().formatHex(this.bytes) + "]";
		}

	}

	/**
	 * The bytes after the last header. Immutable: the bytes are copied in and out.
	 */
	public static final class Payload {

		/** No payload. */
		public static final Payload EMPTY = new Payload(new byte[0]);

		/** The largest payload accepted (an IPv4 datagram is at most 65535 bytes). */
		public static final int MAX_SIZE = 65_535;

		private final byte[] bytes;

		private Payload(byte[] bytes) {
			range("payload.size", bytes.length, 0, MAX_SIZE);
			this.bytes = bytes;
		}

		/** The given bytes (copied). */
		public static Payload of(byte[] bytes) {
			return new Payload(bytes.clone());
		}

		/**
		 * Hex digits, optionally separated by spaces or colons ({@code "de ad be ef"}).
		 */
		public static Payload hex(String hex) {
			return new Payload(parseHex("payload.hex", hex));
		}

		/** The UTF-8 bytes of the text. */
		public static Payload text(String text) {
			return new Payload(text.getBytes(StandardCharsets.UTF_8));
		}

		/**
		 * {@code size} bytes of a deterministic pattern: byte {@code i} is
		 * {@code i & 0xFF}.
		 */
		public static Payload fill(int size) {
			range("payload.size", size, 0, MAX_SIZE);
			byte[] bytes = new byte[size];
			for (int i = 0; i < size; i++) {
				bytes[i] = (byte) i;
			}
			return new Payload(bytes);
		}

		/** Number of bytes. */
		public int length() {
			return this.bytes.length;
		}

		/** A copy of the bytes. */
		public byte[] bytes() {
			return this.bytes.clone();
		}

		void copyTo(byte[] dst, int offset) {
			System.arraycopy(this.bytes, 0, dst, offset, this.bytes.length);
		}

		@Override
		public boolean equals(Object o) {
			return (o instanceof Payload p) && Arrays.equals(this.bytes, p.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return this.bytes.length <= 16 ? "Payload[" + HexFormat.of().formatHex(this.bytes) + "]"
					: "Payload[" + this.bytes.length + " bytes]";
		}

	}

}
