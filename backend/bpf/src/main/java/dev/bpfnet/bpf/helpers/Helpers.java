package dev.bpfnet.bpf.helpers;

import static dev.bpfnet.bpf.isa.HelperIds.*;

import java.util.Arrays;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.interp.HelperTable;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.DevMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.RingBuf;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;
import dev.bpfnet.bpf.mem.Region;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * The helper functions of tc programs, each modelled on its {@code BPF_CALL_*} in the
 * kernel ({@code net/core/filter.c}, {@code kernel/bpf/helpers.c},
 * {@code kernel/bpf/ringbuf.c}, {@code kernel/trace/bpf_trace.c}), with the kernel's
 * argument checks and return codes. Helpers reach their world through the
 * {@link HelperEnv} attached to the {@link Vm}.
 *
 * <p>
 * Where the kernel's verifier would have refused the call (a map of the wrong type, a
 * pointer that is not one, memory out of bounds), the helper faults with the verifier's
 * words instead. Helpers that change packet data ({@code bpf_helper_changes_pkt_data}:
 * store_bytes, l3/l4_csum_replace, clone_redirect, pull_data, change_head) re-install the
 * packet region after the call, so pointers into the packet taken before it fault, as the
 * verifier would have invalidated them.
 *
 * <p>
 * Model choices: packets are linear and carry complete checksums
 * ({@code ip_summed == CHECKSUM_NONE}), so the csum helpers rewrite the checksum fields
 * and {@code BPF_F_RECOMPUTE_CSUM} has nothing to update; {@code bpf_redirect_map} (an
 * XDP helper in the kernel) is also offered to tc programs and then returns
 * {@code TC_ACT_REDIRECT}.
 */
public final class Helpers {

	/** {@code BPF_F_RECOMPUTE_CSUM}. */
	public static final long BPF_F_RECOMPUTE_CSUM = 1;

	/** {@code BPF_F_INVALIDATE_HASH}. */
	public static final long BPF_F_INVALIDATE_HASH = 1 << 1;

	/** {@code BPF_F_HDR_FIELD_MASK}: the field size (0, 2, 4) of the csum helpers. */
	public static final long BPF_F_HDR_FIELD_MASK = 0xf;

	/** {@code BPF_F_PSEUDO_HDR}. */
	public static final long BPF_F_PSEUDO_HDR = 1 << 4;

	/** {@code BPF_F_MARK_MANGLED_0}. */
	public static final long BPF_F_MARK_MANGLED_0 = 1 << 5;

	/** {@code BPF_F_MARK_ENFORCE}. */
	public static final long BPF_F_MARK_ENFORCE = 1 << 6;

	/** {@code BPF_F_IPV6} (Linux 6.16+, accepted; only matters for CHECKSUM_PARTIAL). */
	public static final long BPF_F_IPV6 = 1 << 7;

	/** {@code CSUM_MANGLED_0}: a zero UDP checksum is sent as 0xffff. */
	public static final int CSUM_MANGLED_0 = 0xffff;

	/**
	 * {@code BPF_SKB_MAX_LEN} = {@code SKB_MAX_ALLOC}: 4 pages minus
	 * {@code skb_shared_info} (320 bytes on x86-64).
	 */
	public static final int BPF_SKB_MAX_LEN = (4096 << 2) - 320;

	/** {@code sizeof(struct bpf_redir_neigh)}. */
	public static final int REDIR_NEIGH_SIZE = 20;

	private static final long M32 = 0xffffffffL;

	private Helpers() {
	}

	/** A new table with every helper of this class and {@code bpf_tail_call}. */
	public static HelperTable standard() {
		HelperTable t = HelperTable.empty();
		t.register(MAP_LOOKUP_ELEM, "bpf_map_lookup_elem", Helpers::mapLookupElem);
		t.register(MAP_UPDATE_ELEM, "bpf_map_update_elem", Helpers::mapUpdateElem);
		t.register(MAP_DELETE_ELEM, "bpf_map_delete_elem", Helpers::mapDeleteElem);
		t.register(KTIME_GET_NS, "bpf_ktime_get_ns",
				(vm, r1, r2, r3, r4, r5) -> HelperEnv.of(vm, "bpf_ktime_get_ns").host().ktimeGetNs());
		t.register(TRACE_PRINTK, "bpf_trace_printk", Helpers::tracePrintk);
		t.register(GET_PRANDOM_U32, "bpf_get_prandom_u32",
				(vm, r1, r2, r3, r4, r5) -> HelperEnv.of(vm, "bpf_get_prandom_u32").prandomU32() & M32);
		t.register(GET_SMP_PROCESSOR_ID, "bpf_get_smp_processor_id", (vm, r1, r2, r3, r4, r5) -> vm.cpu() & M32);
		t.register(SKB_STORE_BYTES, "bpf_skb_store_bytes", Helpers::skbStoreBytes);
		t.register(L3_CSUM_REPLACE, "bpf_l3_csum_replace", Helpers::l3CsumReplace);
		t.register(L4_CSUM_REPLACE, "bpf_l4_csum_replace", Helpers::l4CsumReplace);
		t.enableTailCalls();
		t.register(CLONE_REDIRECT, "bpf_clone_redirect", Helpers::cloneRedirect);
		t.register(REDIRECT, "bpf_redirect", Helpers::redirect);
		t.register(SKB_LOAD_BYTES, "bpf_skb_load_bytes", Helpers::skbLoadBytes);
		t.register(CSUM_DIFF, "bpf_csum_diff", Helpers::csumDiff);
		t.register(SKB_CHANGE_TYPE, "bpf_skb_change_type", Helpers::skbChangeType);
		t.register(SKB_PULL_DATA, "bpf_skb_pull_data", Helpers::skbPullData);
		t.register(SKB_CHANGE_HEAD, "bpf_skb_change_head", Helpers::skbChangeHead);
		t.register(REDIRECT_MAP, "bpf_redirect_map", Helpers::redirectMap);
		t.register(FIB_LOOKUP, "bpf_fib_lookup", Helpers::fibLookup);
		t.register(RINGBUF_OUTPUT, "bpf_ringbuf_output", Helpers::ringbufOutput);
		t.register(RINGBUF_RESERVE, "bpf_ringbuf_reserve", Helpers::ringbufReserve);
		t.register(RINGBUF_SUBMIT, "bpf_ringbuf_submit", (vm, r1, r2, r3, r4, r5) -> ringbufCommit(vm, r1, true));
		t.register(RINGBUF_DISCARD, "bpf_ringbuf_discard", (vm, r1, r2, r3, r4, r5) -> ringbufCommit(vm, r1, false));
		t.register(REDIRECT_NEIGH, "bpf_redirect_neigh", Helpers::redirectNeigh);
		t.register(REDIRECT_PEER, "bpf_redirect_peer", Helpers::redirectPeer);
		return t;
	}

	// ------------------------------------------------------------------ arguments

	/** The map behind a {@code CONST_PTR_TO_MAP} argument, or the verifier's fault. */
	private static BpfMap mapArg(Vm vm, long addr, int argNo) throws BpfFault {
		BpfMap m = vm.memory().mapOf(addr);
		if (m == null) {
			Region r = vm.memory().region(addr);
			throw new BpfFault(vm.pc(),
					"R" + argNo + " type=" + (r == null ? "scalar" : Region.kindName(r.kind())) + " expected=map_ptr");
		}
		return m;
	}

	/** {@code check_map_func_compatibility}'s refusal. */
	private static BpfFault incompatible(Vm vm, BpfMap m, String helper, int id) {
		return new BpfFault(vm.pc(), "cannot pass map_type " + m.type().id() + " into func " + helper + "#" + id);
	}

	private static boolean plainMap(MapType t) {
		return switch (t) {
			case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH -> true;
			default -> false;
		};
	}

	// ------------------------------------------------------------------ maps

	/** {@code bpf_map_lookup_elem(map, key)} (kernel/bpf/helpers.c). */
	static long mapLookupElem(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		BpfMap map = mapArg(vm, r1, 1);
		if (!plainMap(map.type()) && map.type() != MapType.DEVMAP && map.type() != MapType.DEVMAP_HASH) {
			throw incompatible(vm, map, "bpf_map_lookup_elem", MAP_LOOKUP_ELEM);
		}
		Memory mem = vm.memory();
		Region k = mem.resolve(r2, map.keySize(), false);
		byte[] value = map.lookup(k.data(), Memory.offset(r2), vm.cpu());
		return mem.mapValuePointer(map, value);
	}

	/** {@code bpf_map_update_elem(map, key, value, flags)}. */
	static long mapUpdateElem(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		BpfMap map = mapArg(vm, r1, 1);
		if (!plainMap(map.type())) {
			throw incompatible(vm, map, "bpf_map_update_elem", MAP_UPDATE_ELEM);
		}
		if (!map.bpfWritable()) {
			throw new BpfFault(vm.pc(), "write into map forbidden, map '" + map.name() + "' is read-only for programs");
		}
		Memory mem = vm.memory();
		Region k = mem.resolve(r2, map.keySize(), false);
		Region v = mem.resolve(r3, map.valueSize(), false);
		return map.update(k.data(), Memory.offset(r2), v.data(), Memory.offset(r3), r4, vm.cpu());
	}

	/** {@code bpf_map_delete_elem(map, key)}. */
	static long mapDeleteElem(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		BpfMap map = mapArg(vm, r1, 1);
		if (!plainMap(map.type())) {
			throw incompatible(vm, map, "bpf_map_delete_elem", MAP_DELETE_ELEM);
		}
		if (!map.bpfWritable()) {
			throw new BpfFault(vm.pc(), "write into map forbidden, map '" + map.name() + "' is read-only for programs");
		}
		Region k = vm.memory().resolve(r2, map.keySize(), false);
		return map.delete(k.data(), Memory.offset(r2));
	}

	// ------------------------------------------------------------------ tracing

	/**
	 * {@code bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3)}
	 * (kernel/trace/bpf_trace.c): the format must be NUL-terminated within
	 * {@code fmt_size}; returns the length of the formatted text or -EINVAL.
	 */
	static long tracePrintk(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		HelperEnv env = HelperEnv.of(vm, "bpf_trace_printk");
		int size = (int) Math.min(r2 & M32, Integer.MAX_VALUE);
		Region r = vm.memory().resolve(r1, size, false);
		byte[] d = r.data();
		int off = Memory.offset(r1);
		int len = -1;
		for (int i = 0; i < size; i++) {
			if (d[off + i] == 0) {
				len = i;
				break;
			}
		}
		if (len < 0) {
			return -Errno.EINVAL;
		}
		StringBuilder out = new StringBuilder();
		int rc = TraceFormat.format(Arrays.copyOfRange(d, off, off + len), len, new long[] { r3, r4, r5 }, vm.memory(),
				out);
		if (rc < 0) {
			return rc;
		}
		int end = out.length();
		if (end > 0 && out.charAt(end - 1) == '\n') {
			out.setLength(end - 1);
		}
		env.trace(out.toString());
		return rc;
	}

	// ------------------------------------------------------------------ packet data

	/** {@code bpf_skb_store_bytes(skb, offset, from, len, flags)}. */
	static long skbStoreBytes(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_skb_store_bytes";
		HelperEnv env = HelperEnv.of(vm, name);
		SkBuff skb = env.skb(vm, name);
		int len = (int) Math.min(r4 & M32, Integer.MAX_VALUE);
		Region src = vm.memory().resolve(r3, len, false);
		try {
			if ((r5 & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) != 0) {
				return -Errno.EINVAL;
			}
			long off = r2 & M32;
			if (off > Integer.MAX_VALUE || off + len > skb.len()) {
				return -Errno.EFAULT;
			}
			System.arraycopy(src.data(), Memory.offset(r3), skb.buf(), skb.data() + (int) off, len);
			if ((r5 & BPF_F_INVALIDATE_HASH) != 0) {
				skb.hash = 0;
			}
			return 0;
		}
		finally {
			env.refreshPacket(vm);
		}
	}

	/**
	 * {@code bpf_skb_load_bytes(skb, offset, to, len)}: -EFAULT (and zeroes) out of
	 * range.
	 */
	static long skbLoadBytes(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_skb_load_bytes";
		SkBuff skb = HelperEnv.of(vm, name).skb(vm, name);
		int len = (int) Math.min(r4 & M32, Integer.MAX_VALUE);
		Region dst = vm.memory().resolve(r3, len, true);
		int to = Memory.offset(r3);
		long off = r2 & M32;
		if (off > Integer.MAX_VALUE || off + len > skb.len()) {
			Arrays.fill(dst.data(), to, to + len, (byte) 0);
			return -Errno.EFAULT;
		}
		System.arraycopy(skb.buf(), skb.data() + (int) off, dst.data(), to, len);
		return 0;
	}

	private static int le16(byte[] b, int off) {
		return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
	}

	private static void putLe16(byte[] b, int off, int v) {
		b[off] = (byte) v;
		b[off + 1] = (byte) (v >>> 8);
	}

	/** {@code bpf_l3_csum_replace(skb, offset, from, to, flags)}. */
	static long l3CsumReplace(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_l3_csum_replace";
		HelperEnv env = HelperEnv.of(vm, name);
		SkBuff skb = env.skb(vm, name);
		try {
			if ((r5 & ~BPF_F_HDR_FIELD_MASK) != 0) {
				return -Errno.EINVAL;
			}
			long off = r2 & M32;
			if (off > 0xffff || (off & 1) != 0 || off + 2 > skb.len()) {
				return -Errno.EFAULT;
			}
			int p = skb.data() + (int) off;
			int sum = le16(skb.buf(), p);
			switch ((int) (r5 & BPF_F_HDR_FIELD_MASK)) {
				case 0 -> {
					if (r3 != 0) {
						return -Errno.EINVAL;
					}
					sum = Checksums.replaceByDiff(sum, (int) r4);
				}
				case 2 -> sum = Checksums.replace2(sum, (int) r3, (int) r4);
				case 4 -> sum = Checksums.replace4(sum, (int) r3, (int) r4);
				default -> {
					return -Errno.EINVAL;
				}
			}
			putLe16(skb.buf(), p, sum);
			return 0;
		}
		finally {
			env.refreshPacket(vm);
		}
	}

	/**
	 * {@code bpf_l4_csum_replace(skb, offset, from, to, flags)}: as
	 * {@code inet_proto_csum_replace*} for {@code CHECKSUM_NONE} packets, where
	 * {@code BPF_F_PSEUDO_HDR} changes nothing further.
	 */
	static long l4CsumReplace(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_l4_csum_replace";
		HelperEnv env = HelperEnv.of(vm, name);
		SkBuff skb = env.skb(vm, name);
		try {
			boolean mmzero = (r5 & BPF_F_MARK_MANGLED_0) != 0;
			boolean mforce = (r5 & BPF_F_MARK_ENFORCE) != 0;
			if ((r5 & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK
					| BPF_F_IPV6)) != 0) {
				return -Errno.EINVAL;
			}
			long off = r2 & M32;
			if (off > 0xffff || (off & 1) != 0 || off + 2 > skb.len()) {
				return -Errno.EFAULT;
			}
			int p = skb.data() + (int) off;
			int sum = le16(skb.buf(), p);
			if (mmzero && !mforce && sum == 0) {
				return 0;
			}
			switch ((int) (r5 & BPF_F_HDR_FIELD_MASK)) {
				case 0 -> {
					if (r3 != 0) {
						return -Errno.EINVAL;
					}
					sum = Checksums.replaceByDiff(sum, (int) r4);
				}
				case 2 -> sum = Checksums.replace4(sum, (int) r3 & 0xffff, (int) r4 & 0xffff);
				case 4 -> sum = Checksums.replace4(sum, (int) r3, (int) r4);
				default -> {
					return -Errno.EINVAL;
				}
			}
			if (mmzero && sum == 0) {
				sum = CSUM_MANGLED_0;
			}
			putLe16(skb.buf(), p, sum);
			return 0;
		}
		finally {
			env.refreshPacket(vm);
		}
	}

	/** {@code bpf_csum_diff(from, from_size, to, to_size, seed)} (Linux 6.13+ result). */
	static long csumDiff(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		Memory mem = vm.memory();
		int fromSize = (int) Math.min(r2 & M32, Integer.MAX_VALUE);
		int toSize = (int) Math.min(r4 & M32, Integer.MAX_VALUE);
		byte[] from = null;
		byte[] to = null;
		if (fromSize > 0) {
			from = mem.resolve(r1, fromSize, false).data();
		}
		if (toSize > 0) {
			to = mem.resolve(r3, toSize, false).data();
		}
		return Checksums.csumDiff(from, Memory.offset(r1), fromSize, to, Memory.offset(r3), toSize, (int) r5) & M32;
	}

	/** {@code bpf_skb_change_type(skb, type)}: only PACKET_HOST..PACKET_OTHERHOST. */
	static long skbChangeType(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_skb_change_type";
		SkBuff skb = HelperEnv.of(vm, name).skb(vm, name);
		long type = r2 & M32;
		if (Integer.compareUnsigned(skb.pktType, SkBuff.PACKET_OTHERHOST) > 0 || type > SkBuff.PACKET_OTHERHOST) {
			return -Errno.EINVAL;
		}
		skb.pktType = (int) type;
		return 0;
	}

	/**
	 * {@code bpf_skb_pull_data(skb, len)}: packets are linear, so this only checks
	 * {@code len <= skb->len} (-ENOMEM otherwise, from {@code pskb_may_pull}) and
	 * invalidates packet pointers.
	 */
	static long skbPullData(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_skb_pull_data";
		HelperEnv env = HelperEnv.of(vm, name);
		SkBuff skb = env.skb(vm, name);
		try {
			long len = r2 & M32;
			return len > skb.len() ? -Errno.ENOMEM : 0;
		}
		finally {
			env.refreshPacket(vm);
		}
	}

	/** {@code bpf_skb_change_head(skb, head_room, flags)}. */
	static long skbChangeHead(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_skb_change_head";
		HelperEnv env = HelperEnv.of(vm, name);
		SkBuff skb = env.skb(vm, name);
		try {
			long headRoom = r2 & M32;
			long newLen = skb.len() + headRoom;
			boolean gso = skb.gsoSize > 0;
			if (r3 != 0 || (!gso && newLen > BPF_SKB_MAX_LEN) || newLen > Integer.MAX_VALUE - 4096) {
				return -Errno.EINVAL;
			}
			skb.pushHead((int) headRoom);
			return 0;
		}
		finally {
			env.refreshPacket(vm);
		}
	}

	// ------------------------------------------------------------------ redirects

	/** {@code bpf_redirect(ifindex, flags)}: only BPF_F_INGRESS, else TC_ACT_SHOT. */
	static long redirect(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		HelperEnv env = HelperEnv.of(vm, "bpf_redirect");
		if ((r2 & ~RedirectInfo.BPF_F_INGRESS) != 0) {
			return TcAct.SHOT;
		}
		env.redirect().set(RedirectInfo.Kind.REDIRECT, (int) r1, r2);
		return TcAct.REDIRECT;
	}

	/** {@code bpf_redirect_peer(ifindex, flags)}: flags must be 0, else TC_ACT_SHOT. */
	static long redirectPeer(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		HelperEnv env = HelperEnv.of(vm, "bpf_redirect_peer");
		if (r2 != 0) {
			return TcAct.SHOT;
		}
		env.redirect().set(RedirectInfo.Kind.REDIRECT_PEER, (int) r1, 0);
		return TcAct.REDIRECT;
	}

	/**
	 * {@code bpf_redirect_neigh(ifindex, params, plen, flags)}: flags must be 0 and
	 * {@code plen} 0 or at least {@code sizeof(struct bpf_redir_neigh)}, else
	 * TC_ACT_SHOT.
	 */
	static long redirectNeigh(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		HelperEnv env = HelperEnv.of(vm, "bpf_redirect_neigh");
		int plen = (int) r3;
		if ((plen != 0 && plen < REDIR_NEIGH_SIZE) || r4 != 0) {
			return TcAct.SHOT;
		}
		byte[] nh = null;
		int family = 0;
		if (plen != 0) {
			Region r = vm.memory().resolve(r2, REDIR_NEIGH_SIZE, false);
			int o = Memory.offset(r2);
			family = (int) Memory.getLe(r.data(), o, 4);
			nh = Arrays.copyOfRange(r.data(), o + 4, o + 20);
		}
		env.redirect().set(RedirectInfo.Kind.REDIRECT_NEIGH, (int) r1, 0);
		if (nh != null) {
			env.redirect().setNexthop(family, nh);
		}
		return TcAct.REDIRECT;
	}

	/**
	 * {@code bpf_clone_redirect(skb, ifindex, flags)}: a copy of the packet leaves now
	 * (recorded in {@link RedirectInfo#clones()}); -EINVAL for bad flags or an unknown
	 * device.
	 */
	static long cloneRedirect(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		String name = "bpf_clone_redirect";
		HelperEnv env = HelperEnv.of(vm, name);
		SkBuff skb = env.skb(vm, name);
		try {
			if ((r3 & ~RedirectInfo.BPF_F_INGRESS) != 0) {
				return -Errno.EINVAL;
			}
			int ifindex = (int) r2;
			if (!env.host().deviceExists(ifindex)) {
				return -Errno.EINVAL;
			}
			env.redirect()
				.addClone(new RedirectInfo.Clone(ifindex, (r3 & RedirectInfo.BPF_F_INGRESS) != 0, skb.copy()));
			return 0;
		}
		finally {
			env.refreshPacket(vm);
		}
	}

	/**
	 * {@code bpf_redirect_map(map, key, flags)} over a DEVMAP
	 * ({@code __bpf_xdp_redirect_map}): unknown flags give XDP_ABORTED; a miss clears the
	 * redirect and returns the low two bits of {@code flags}; a hit returns XDP_REDIRECT
	 * for XDP programs and TC_ACT_REDIRECT otherwise.
	 */
	static long redirectMap(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		HelperEnv env = HelperEnv.of(vm, "bpf_redirect_map");
		BpfMap map = mapArg(vm, r1, 1);
		if (!(map instanceof DevMap devmap)) {
			throw incompatible(vm, map, "bpf_redirect_map", REDIRECT_MAP);
		}
		long actionMask = TcAct.XDP_ABORTED | TcAct.XDP_DROP | TcAct.XDP_PASS | TcAct.XDP_TX;
		long flagMask = RedirectInfo.BPF_F_BROADCAST | RedirectInfo.BPF_F_EXCLUDE_INGRESS;
		if ((r3 & ~(actionMask | flagMask)) != 0) {
			return TcAct.XDP_ABORTED;
		}
		int key = (int) r2;
		int ifindex = devmap.ifindex(key);
		if (ifindex == 0 && (r3 & RedirectInfo.BPF_F_BROADCAST) == 0) {
			env.redirect().clear();
			return r3 & actionMask;
		}
		env.redirect().setMap(map, key, ifindex);
		boolean xdp = vm.currentProgram() != null && vm.currentProgram().type() == ProgramType.XDP;
		return xdp ? TcAct.XDP_REDIRECT : TcAct.REDIRECT;
	}

	/**
	 * {@code bpf_fib_lookup(ctx, params, plen, flags)} for tc
	 * ({@code bpf_skb_fib_lookup}): -EINVAL for a short struct or unknown flags,
	 * -EAFNOSUPPORT for a family other than AF_INET/AF_INET6, otherwise the host's
	 * BPF_FIB_LKUP_RET_* code with the struct written back.
	 */
	static long fibLookup(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		HelperEnv env = HelperEnv.of(vm, "bpf_fib_lookup");
		int plen = (int) r3;
		Region r = vm.memory().resolve(r2, FibLookupParams.SIZE, true);
		if (plen < FibLookupParams.SIZE) {
			return -Errno.EINVAL;
		}
		int flags = (int) r4;
		if ((r4 & ~(long) FibLookupParams.LOOKUP_MASK) != 0) {
			return -Errno.EINVAL;
		}
		int o = Memory.offset(r2);
		FibLookupParams p = new FibLookupParams(Arrays.copyOfRange(r.data(), o, o + FibLookupParams.SIZE));
		if (p.family() != FibLookupParams.AF_INET && p.family() != FibLookupParams.AF_INET6) {
			return -Errno.EAFNOSUPPORT;
		}
		int rc = env.host().fibLookup(p, flags);
		System.arraycopy(p.bytes(), 0, r.data(), o, FibLookupParams.SIZE);
		return rc;
	}

	// ------------------------------------------------------------------ ring buffers

	private static RingBuf ringArg(Vm vm, long addr, String helper, int id) throws BpfFault {
		BpfMap map = mapArg(vm, addr, 1);
		if (!(map instanceof RingBuf rb)) {
			throw incompatible(vm, map, helper, id);
		}
		return rb;
	}

	/** {@code bpf_ringbuf_output(ringbuf, data, size, flags)}: 0, -EAGAIN when full. */
	static long ringbufOutput(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		RingBuf rb = ringArg(vm, r1, "bpf_ringbuf_output", RINGBUF_OUTPUT);
		if ((r4 & ~(RingBuf.BPF_RB_NO_WAKEUP | RingBuf.BPF_RB_FORCE_WAKEUP)) != 0) {
			return -Errno.EINVAL;
		}
		int size = (int) Math.min(r3 & M32, Integer.MAX_VALUE);
		Region r = vm.memory().resolve(r2, size, false);
		return rb.output(r.data(), Memory.offset(r2), size);
	}

	/**
	 * {@code bpf_ringbuf_reserve(ringbuf, size, flags)}: a pointer to a writable record
	 * of {@code size} bytes, or NULL when the ring is full or flags are not 0.
	 */
	static long ringbufReserve(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		RingBuf rb = ringArg(vm, r1, "bpf_ringbuf_reserve", RINGBUF_RESERVE);
		HelperEnv env = HelperEnv.of(vm, "bpf_ringbuf_reserve");
		if (r3 != 0 || Long.compareUnsigned(r2, RingBuf.MAX_RECORD_SZ) > 0) {
			return 0;
		}
		byte[] rec = rb.reserve(r2);
		if (rec == null) {
			return 0;
		}
		env.reserved(rb, rec);
		return vm.memory().addBuffer(rec, 0, rec.length, true, rb);
	}

	/** {@code bpf_ringbuf_submit/discard(data, flags)}: releases a reserved record. */
	static long ringbufCommit(Vm vm, long r1, boolean submit) throws BpfFault {
		String name = submit ? "bpf_ringbuf_submit" : "bpf_ringbuf_discard";
		HelperEnv env = HelperEnv.of(vm, name);
		Region r = vm.memory().region(r1);
		if (r == null || r.kind() != Region.MEM || !(r.owner() instanceof RingBuf rb)) {
			throw new BpfFault(vm.pc(),
					"R1 type=" + (r == null ? "scalar" : Region.kindName(r.kind())) + " expected=ringbuf_mem");
		}
		if (Memory.offset(r1) != r.lo()) {
			throw new BpfFault(vm.pc(), "R1 must have zero offset when passed to release func");
		}
		boolean ok = submit ? rb.submit(r.data()) : rb.discard(r.data());
		if (!ok) {
			throw new BpfFault(vm.pc(), "R1 ringbuf record was already released");
		}
		env.committed(r.data());
		vm.memory().release(r1);
		return 0;
	}

}
