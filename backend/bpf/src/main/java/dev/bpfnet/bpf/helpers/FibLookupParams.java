package dev.bpfnet.bpf.helpers;

import java.util.Arrays;

/**
 * {@code struct bpf_fib_lookup} ({@code include/uapi/linux/bpf.h}): 64 bytes read from
 * and written back to the program's memory by {@code bpf_fib_lookup}. Accessors take and
 * return host-order values for network-order fields (ports, IPv4 addresses as
 * {@code 0x0a000001} for 10.0.0.1, VLAN fields).
 *
 * <pre>
 *  0 family  1 l4_protocol  2 sport  4 dport  6 tot_len | mtu_result  8 ifindex
 * 12 tos | flowinfo | rt_metric  16 ipv4_src | ipv6_src[4]  32 ipv4_dst | ipv6_dst[4]
 * 48 h_vlan_proto  50 h_vlan_TCI | 48 tbid   52 smac[6] | 52 mark (input)  58 dmac[6]
 * </pre>
 */
public final class FibLookupParams {

	/** {@code sizeof(struct bpf_fib_lookup)}. */
	public static final int SIZE = 64;

	public static final int AF_INET = 2;

	public static final int AF_INET6 = 10;

	/** {@code BPF_FIB_LOOKUP_DIRECT}. */
	public static final int LOOKUP_DIRECT = 1;

	/** {@code BPF_FIB_LOOKUP_OUTPUT}. */
	public static final int LOOKUP_OUTPUT = 1 << 1;

	/** {@code BPF_FIB_LOOKUP_SKIP_NEIGH}. */
	public static final int LOOKUP_SKIP_NEIGH = 1 << 2;

	/** {@code BPF_FIB_LOOKUP_TBID}. */
	public static final int LOOKUP_TBID = 1 << 3;

	/** {@code BPF_FIB_LOOKUP_SRC}. */
	public static final int LOOKUP_SRC = 1 << 4;

	/** {@code BPF_FIB_LOOKUP_MARK}. */
	public static final int LOOKUP_MARK = 1 << 5;

	/** Every flag the helper accepts ({@code BPF_FIB_LOOKUP_MASK}). */
	public static final int LOOKUP_MASK = LOOKUP_DIRECT | LOOKUP_OUTPUT | LOOKUP_SKIP_NEIGH | LOOKUP_TBID | LOOKUP_SRC
			| LOOKUP_MARK;

	public static final int RET_SUCCESS = 0;

	public static final int RET_BLACKHOLE = 1;

	public static final int RET_UNREACHABLE = 2;

	public static final int RET_PROHIBIT = 3;

	public static final int RET_NOT_FWDED = 4;

	public static final int RET_FWD_DISABLED = 5;

	public static final int RET_UNSUPP_LWT = 6;

	public static final int RET_NO_NEIGH = 7;

	public static final int RET_FRAG_NEEDED = 8;

	public static final int RET_NO_SRC_ADDR = 9;

	private final byte[] b;

	/** Zeroed parameters. */
	public FibLookupParams() {
		this(new byte[SIZE]);
	}

	/** Wraps 64 bytes (used live: setters write into {@code bytes}). */
	public FibLookupParams(byte[] bytes) {
		if (bytes.length != SIZE) {
			throw new IllegalArgumentException("struct bpf_fib_lookup is " + SIZE + " bytes, got " + bytes.length);
		}
		this.b = bytes;
	}

	/** The raw struct bytes. */
	public byte[] bytes() {
		return this.b;
	}

	private int u8(int off) {
		return this.b[off] & 0xff;
	}

	private int be16(int off) {
		return (u8(off) << 8) | u8(off + 1);
	}

	private void setBe16(int off, int v) {
		this.b[off] = (byte) (v >>> 8);
		this.b[off + 1] = (byte) v;
	}

	private int le16(int off) {
		return u8(off) | (u8(off + 1) << 8);
	}

	private int le32(int off) {
		return u8(off) | (u8(off + 1) << 8) | (u8(off + 2) << 16) | (u8(off + 3) << 24);
	}

	private void setLe32(int off, int v) {
		for (int i = 0; i < 4; i++) {
			this.b[off + i] = (byte) (v >>> (8 * i));
		}
	}

	private int be32(int off) {
		return (u8(off) << 24) | (u8(off + 1) << 16) | (u8(off + 2) << 8) | u8(off + 3);
	}

	private void setBe32(int off, int v) {
		for (int i = 0; i < 4; i++) {
			this.b[off + i] = (byte) (v >>> (24 - 8 * i));
		}
	}

	public int family() {
		return u8(0);
	}

	public FibLookupParams family(int family) {
		this.b[0] = (byte) family;
		return this;
	}

	public int l4Protocol() {
		return u8(1);
	}

	public FibLookupParams l4Protocol(int proto) {
		this.b[1] = (byte) proto;
		return this;
	}

	public int sport() {
		return be16(2);
	}

	public FibLookupParams sport(int port) {
		setBe16(2, port);
		return this;
	}

	public int dport() {
		return be16(4);
	}

	public FibLookupParams dport(int port) {
		setBe16(4, port);
		return this;
	}

	/** Input: the L3 length ({@code iph->tot_len}) for the MTU check, 0 for none. */
	public int totLen() {
		return le16(6);
	}

	public FibLookupParams totLen(int len) {
		this.b[6] = (byte) len;
		this.b[7] = (byte) (len >>> 8);
		return this;
	}

	/** Output: the MTU of the egress device (same bytes as {@link #totLen()}). */
	public FibLookupParams mtuResult(int mtu) {
		return totLen(mtu);
	}

	public int mtuResult() {
		return totLen();
	}

	public int ifindex() {
		return le32(8);
	}

	public FibLookupParams ifindex(int ifindex) {
		setLe32(8, ifindex);
		return this;
	}

	public int tos() {
		return u8(12);
	}

	public FibLookupParams tos(int tos) {
		this.b[12] = (byte) tos;
		return this;
	}

	/** Output: the route metric (same bytes as tos/flowinfo). */
	public FibLookupParams rtMetric(int metric) {
		setLe32(12, metric);
		return this;
	}

	public int rtMetric() {
		return le32(12);
	}

	/** IPv4 source in host order (10.0.0.1 = 0x0a000001). */
	public int ipv4Src() {
		return be32(16);
	}

	public FibLookupParams ipv4Src(int addr) {
		setBe32(16, addr);
		return this;
	}

	public int ipv4Dst() {
		return be32(32);
	}

	public FibLookupParams ipv4Dst(int addr) {
		setBe32(32, addr);
		return this;
	}

	public byte[] ipv6Src() {
		return Arrays.copyOfRange(this.b, 16, 32);
	}

	public FibLookupParams ipv6Src(byte[] addr) {
		System.arraycopy(addr, 0, this.b, 16, 16);
		return this;
	}

	public byte[] ipv6Dst() {
		return Arrays.copyOfRange(this.b, 32, 48);
	}

	public FibLookupParams ipv6Dst(byte[] addr) {
		System.arraycopy(addr, 0, this.b, 32, 16);
		return this;
	}

	public int vlanProto() {
		return be16(48);
	}

	public FibLookupParams vlanProto(int proto) {
		setBe16(48, proto);
		return this;
	}

	public int vlanTci() {
		return be16(50);
	}

	public FibLookupParams vlanTci(int tci) {
		setBe16(50, tci);
		return this;
	}

	/** Input with BPF_FIB_LOOKUP_TBID: the table id (same bytes as the VLAN fields). */
	public int tbid() {
		return le32(48);
	}

	/** Input with BPF_FIB_LOOKUP_MARK: the mark (same bytes as the start of smac). */
	public int mark() {
		return le32(52);
	}

	public byte[] smac() {
		return Arrays.copyOfRange(this.b, 52, 58);
	}

	public FibLookupParams smac(byte[] mac) {
		System.arraycopy(mac, 0, this.b, 52, 6);
		return this;
	}

	public byte[] dmac() {
		return Arrays.copyOfRange(this.b, 58, 64);
	}

	public FibLookupParams dmac(byte[] mac) {
		System.arraycopy(mac, 0, this.b, 58, 6);
		return this;
	}

}
