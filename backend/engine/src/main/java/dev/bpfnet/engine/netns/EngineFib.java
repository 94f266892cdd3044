package dev.bpfnet.engine.netns;

import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.engine.topology.IpAddress;

/**
 * {@code bpf_fib_lookup()} for programs whose packet is in one namespace: the engine's
 * side of {@code BpfHost.fibLookup(FibLookupParams, int)}, modelled on
 * {@code bpf_skb_fib_lookup → bpf_ipv4_fib_lookup / bpf_ipv6_fib_lookup}
 * (net/core/filter.c). In order:
 * <ol>
 * <li>{@code params->ifindex} must name a device here, else {@code -ENODEV}.</li>
 * <li>Forwarding must be on ({@code IN_DEV_FORWARD} of that device for IPv4,
 * {@code devconf_all->forwarding} for IPv6; the model has one per-namespace switch), else
 * {@code FWD_DISABLED}, whatever the flags.</li>
 * <li>Lookup of {@code ipv4_dst}/{@code ipv6_dst}: with {@code BPF_FIB_LOOKUP_DIRECT} the
 * main table only ({@code fib_table_lookup}), else local then main ({@code fib_lookup});
 * with {@code BPF_FIB_LOOKUP_OUTPUT} restricted to routes on {@code ifindex}
 * ({@code flowi4_oif}). No match is {@code NOT_FWDED}; blackhole, unreachable and
 * prohibit routes give {@code BLACKHOLE}, {@code UNREACHABLE}, {@code PROHIBIT}; any
 * other non-unicast type (a local address) is {@code NOT_FWDED}.</li>
 * <li>With {@code tot_len} set: if it exceeds the route's MTU (the device MTU),
 * {@code mtu_result} = MTU and {@code FRAG_NEEDED}.</li>
 * <li>{@code rt_metric} and {@code ifindex} are set to the route's; with
 * {@code BPF_FIB_LOOKUP_SRC} {@code ipv4_src}/{@code ipv6_src} is the selected source
 * ({@code NO_SRC_ADDR} if none); the destination is replaced by the gateway if the route
 * has one.</li>
 * <li>Unless {@code BPF_FIB_LOOKUP_SKIP_NEIGH}: a valid neighbour of the (new)
 * destination on the output device is needed, else {@code NO_NEIGH}; {@code dmac} = its
 * address, {@code smac} = the device's.</li>
 * <li>VLAN fields zeroed; {@code mtu_result} = the route MTU when {@code tot_len} was
 * set, else the output device MTU ({@code bpf_skb_fib_lookup}), with {@code FRAG_NEEDED}
 * if the skb is not forwardable ({@code is_skb_forwardable}).</li>
 * </ol>
 * Not modelled: {@code BPF_FIB_LOOKUP_TBID} tables other than main/local (another table
 * id is {@code NOT_FWDED}), marks and rules, lightweight tunnels ({@code UNSUPP_LWT} is
 * never returned), multipath, IPv4 routes with IPv6 gateways, VLAN devices, the XDP
 * variant. Allocation-free.
 */
public final class EngineFib {

	/** {@code -ENODEV}: returned when {@code params->ifindex} names no device here. */
	public static final int ENODEV = -19;

	/** {@code ETH_HLEN}: what {@code is_skb_forwardable} allows on top of the MTU. */
	private static final int ETH_HLEN = 14;

	/** {@code VLAN_HLEN}. */
	private static final int VLAN_HLEN = 4;

	private final NetNamespace ns;

	/** The lookup for programs running on devices of {@code ns}. */
	public EngineFib(NetNamespace ns) {
		if (ns == null) {
			throw new IllegalArgumentException("ns must not be null");
		}
		this.ns = ns;
	}

	/** The namespace looked up. */
	public NetNamespace namespace() {
		return this.ns;
	}

	/**
	 * {@code bpf_fib_lookup} from a tc program without the skb length (assumes the skb is
	 * forwardable).
	 * @return a {@code BPF_FIB_LKUP_RET_*} code or {@link #ENODEV}
	 */
	public int fibLookup(FibLookupParams params, int flags) {
		return fibLookup(params, flags, 0);
	}

	/**
	 * {@code bpf_fib_lookup} from a tc program whose skb is {@code skbLength} bytes from
	 * the MAC header (0 = unknown, treated as forwardable).
	 * @return a {@code BPF_FIB_LKUP_RET_*} code or {@link #ENODEV}
	 */
	public int fibLookup(FibLookupParams params, int flags, int skbLength) {
		byte[] b = params.bytes();
		boolean v4 = params.family() == FibLookupParams.AF_INET;
		if (!v4 && params.family() != FibLookupParams.AF_INET6) {
			return -97; // -EAFNOSUPPORT; the helper checks the family before calling
		}
		NetDeviceInfo in = this.ns.device(params.ifindex());
		if (in == null) {
			return ENODEV;
		}
		if (!this.ns.forwarding()) {
			return FibLookupParams.RET_FWD_DISABLED;
		}
		int oif = (flags & FibLookupParams.LOOKUP_OUTPUT) != 0 ? in.ifindex() : 0;
		long hi = 0;
		long lo;
		if (v4) {
			lo = params.ipv4Dst() & 0xFFFF_FFFFL;
		}
		else {
			hi = be64(b, 32);
			lo = be64(b, 40);
		}
		RouteEntry r;
		if ((flags & FibLookupParams.LOOKUP_DIRECT) != 0) {
			if ((flags & FibLookupParams.LOOKUP_TBID) != 0 && params.tbid() != RoutingTable.MAIN) {
				if (params.tbid() != RoutingTable.LOCAL) {
					return FibLookupParams.RET_NOT_FWDED; // fib_get_table: no such table
				}
				r = lookup(this.ns.localTable(), v4, hi, lo, oif);
			}
			else {
				r = lookup(this.ns.mainTable(), v4, hi, lo, oif);
			}
		}
		else {
			r = lookup(this.ns.localTable(), v4, hi, lo, oif);
			if (r == null) {
				r = lookup(this.ns.mainTable(), v4, hi, lo, oif);
			}
		}
		if (r == null) {
			return FibLookupParams.RET_NOT_FWDED;
		}
		switch (r.type()) {
			case UNICAST:
				break;
			case BLACKHOLE:
				return FibLookupParams.RET_BLACKHOLE;
			case UNREACHABLE:
				return FibLookupParams.RET_UNREACHABLE;
			case PROHIBIT:
				return FibLookupParams.RET_PROHIBIT;
			default:
				return FibLookupParams.RET_NOT_FWDED;
		}
		NetDeviceInfo out = this.ns.device(r.ifindex());
		int mtu = out.mtu();
		boolean checkMtu = params.totLen() != 0;
		if (checkMtu && params.totLen() > mtu) {
			params.mtuResult(mtu);
			return FibLookupParams.RET_FRAG_NEEDED;
		}
		params.rtMetric(r.metric());
		params.ifindex(out.ifindex());
		if ((flags & FibLookupParams.LOOKUP_SRC) != 0) {
			IpAddress target = r.gateway();
			IpAddress src = target != null ? Forwarding.selectSource(this.ns, out.ifindex(), target)
					: selectSourceForRaw(out, v4, hi, lo);
			if (src == null) {
				return FibLookupParams.RET_NO_SRC_ADDR;
			}
			if (v4) {
				params.ipv4Src((int) src.lo());
			}
			else {
				putBe64(b, 16, src.hi());
				putBe64(b, 24, src.lo());
			}
		}
		if (r.gateway() != null) {
			hi = r.gateway().hi();
			lo = r.gateway().lo();
			if (v4) {
				params.ipv4Dst((int) lo);
			}
			else {
				putBe64(b, 32, hi);
				putBe64(b, 40, lo);
			}
		}
		if ((flags & FibLookupParams.LOOKUP_SKIP_NEIGH) == 0) {
			NeighbourTable neigh = this.ns.neighbours();
			int slot = v4 ? neigh.findV4(out.ifindex(), (int) lo) : neigh.findV6(out.ifindex(), hi, lo);
			if (!neigh.validAt(slot)) {
				return FibLookupParams.RET_NO_NEIGH;
			}
			putMac(b, 58, neigh.macAt(slot));
			putMac(b, 52, out.mac().value());
		}
		// bpf_fib_set_fwd_params
		params.vlanProto(0);
		params.vlanTci(0);
		params.mtuResult(mtu);
		if (!checkMtu && skbLength > mtu + ETH_HLEN + VLAN_HLEN) {
			return FibLookupParams.RET_FRAG_NEEDED;
		}
		return FibLookupParams.RET_SUCCESS;
	}

	private static RouteEntry lookup(RoutingTable table, boolean v4, long hi, long lo, int oif) {
		return v4 ? table.lookupV4((int) lo, oif) : table.lookupV6(hi, lo, oif);
	}

	/**
	 * Source on a connected route: an address of {@code out} whose subnet holds the
	 * destination.
	 */
	private IpAddress selectSourceForRaw(NetDeviceInfo out, boolean v4, long hi, long lo) {
		IpAddress.Family family = v4 ? IpAddress.Family.IPV4 : IpAddress.Family.IPV6;
		IpAddress first = null;
		for (int i = 0; i < out.addresses().size(); i++) {
			var p = out.addresses().get(i);
			if (p.family() != family) {
				continue;
			}
			IpAddress net = p.network();
			long mhi = maskHi(p.length(), v4);
			long mlo = maskLo(p.length(), v4);
			if ((hi & mhi) == net.hi() && (lo & mlo) == net.lo()) {
				return p.address();
			}
			if (first == null) {
				first = p.address();
			}
		}
		if (first != null) {
			return first;
		}
		for (int i = 0; i < this.ns.deviceCount(); i++) {
			NetDeviceInfo d = this.ns.deviceAt(i);
			if (d.kind() != NetDeviceInfo.Kind.LOOPBACK) {
				IpAddress any = d.selectSource(family, null);
				if (any != null) {
					return any;
				}
			}
		}
		return null;
	}

	private static long maskHi(int length, boolean v4) {
		if (v4) {
			return 0;
		}
		return length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
	}

	private static long maskLo(int length, boolean v4) {
		if (v4) {
			return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
		}
		return length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
	}

	private static long be64(byte[] b, int off) {
		long v = 0;
		for (int i = 0; i < 8; i++) {
			v = (v << 8) | (b[off + i] & 0xFF);
		}
		return v;
	}

	private static void putBe64(byte[] b, int off, long v) {
		for (int i = 0; i < 8; i++) {
			b[off + i] = (byte) (v >>> (56 - 8 * i));
		}
	}

	private static void putMac(byte[] b, int off, long mac) {
		for (int i = 0; i < 6; i++) {
			b[off + i] = (byte) (mac >>> (40 - 8 * i));
		}
	}

}
