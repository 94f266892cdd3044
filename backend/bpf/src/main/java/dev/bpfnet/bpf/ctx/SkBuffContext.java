package dev.bpfnet.bpf.ctx;

import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;
import dev.bpfnet.bpf.mem.Memory;

import static dev.bpfnet.bpf.ctx.SkBuffLayout.*;

/**
 * The {@code struct __sk_buff} context of a SCHED_CLS / SCHED_ACT program over a
 * {@link SkBuff}: what {@code bpf_convert_ctx_access()} and
 * {@code tc_cls_act_convert_ctx_access()} in {@code net/core/filter.c} compile context
 * loads and stores into, with the access rules of {@link SkBuffLayout#check} (the
 * kernel's {@code tc_cls_act_is_valid_access}). Refused accesses fault with the
 * verifier's {@code invalid bpf_context access off=%d size=%d}.
 *
 * <p>
 * Loads of {@code data}, {@code data_end} and {@code data_meta} return packet pointers of
 * the {@link Memory}; narrow loads read the addressed bytes of the little-endian field;
 * stores follow the kernel's conversions ({@code tc_index}, {@code tc_classid} and
 * {@code queue_mapping} are 16-bit in the skb, and a {@code queue_mapping} of
 * {@code NO_QUEUE_MAPPING} (0xffff) or more is ignored).
 *
 * <p>
 * One instance per {@code Vm}, re-pointed at each packet with {@link #setSkb(SkBuff)};
 * {@link #install(Memory)} sets it as the memory's context and the skb's bytes as the
 * packet region.
 */
public final class SkBuffContext implements ContextAccess {

	/** {@code NO_QUEUE_MAPPING}. */
	public static final int NO_QUEUE_MAPPING = 0xffff;

	private SkBuff skb;

	public SkBuffContext() {
	}

	public SkBuffContext(SkBuff skb) {
		this.skb = skb;
	}

	public SkBuff skb() {
		return this.skb;
	}

	public void setSkb(SkBuff skb) {
		this.skb = skb;
	}

	/**
	 * Makes this the context of {@code mem} and the skb's buffer its packet
	 * ({@code [data_meta, data_end)}, data at {@code data}).
	 */
	public void install(Memory mem) {
		mem.setContext(this);
		refreshPacket(mem);
	}

	/**
	 * Re-installs the packet after the skb's geometry or buffer changed. During a run
	 * this creates a new packet region, so pointers into the old one fault (the
	 * verifier's {@code clear_all_pkt_pointers()} after a helper that changes packet
	 * data).
	 */
	public void refreshPacket(Memory mem) {
		SkBuff s = this.skb;
		mem.setPacket(s.buf(), s.dataMeta(), s.data(), s.dataEnd());
	}

	private static BpfFault invalid(int off, int size, int pc) {
		return new BpfFault(pc, "invalid bpf_context access off=" + off + " size=" + size);
	}

	@Override
	public long load(Memory mem, int off, int size, int pc) throws BpfFault {
		switch (SkBuffLayout.check(off, size, false)) {
			case PKT:
				return mem.packetData();
			case PKT_END:
				return mem.packetDataEnd();
			case PKT_META:
				return mem.packetMeta();
			case SOCK_COMMON_OR_NULL:
				return 0;
			case SCALAR:
				break;
			default:
				throw invalid(off, size, pc);
		}
		if (size == 4 && (off & 3) == 0 && off != OFF_TSTAMP_TYPE) {
			return word(off) & 0xffffffffL;
		}
		if (off == OFF_TSTAMP || off == OFF_HWTSTAMP) {
			return off == OFF_TSTAMP ? this.skb.tstamp : this.skb.hwtstamp;
		}
		// narrow loads and 8-byte cb[] pairs: assemble the addressed bytes
		long v = 0;
		for (int i = 0; i < size; i++) {
			int o = off + i;
			int w = o & ~3;
			v |= ((word(w) >>> ((o - w) * 8)) & 0xffL) << (i * 8);
		}
		return v;
	}

	/** The 32-bit word at a 4-aligned offset of {@code __sk_buff} (low half of u64s). */
	private int word(int off) {
		SkBuff s = this.skb;
		return switch (off) {
			case OFF_LEN -> s.len();
			case OFF_PKT_TYPE -> s.pktType;
			case OFF_MARK -> s.mark;
			case OFF_QUEUE_MAPPING -> s.queueMapping;
			case OFF_PROTOCOL -> s.protocol;
			case OFF_VLAN_PRESENT -> s.vlanPresent ? 1 : 0;
			case OFF_VLAN_TCI -> s.vlanTci;
			case OFF_VLAN_PROTO -> s.vlanProto;
			case OFF_PRIORITY -> s.priority;
			case OFF_INGRESS_IFINDEX -> s.ingressIfindex;
			case OFF_IFINDEX -> s.ifindex;
			case OFF_TC_INDEX -> s.tcIndex;
			case OFF_CB, OFF_CB + 4, OFF_CB + 8, OFF_CB + 12, OFF_CB + 16 -> s.cb[(off - OFF_CB) >> 2];
			case OFF_HASH -> s.hash;
			case OFF_TC_CLASSID -> s.tcClassid;
			case OFF_NAPI_ID -> s.napiId;
			case OFF_TSTAMP -> (int) s.tstamp;
			case OFF_TSTAMP + 4 -> (int) (s.tstamp >>> 32);
			case OFF_WIRE_LEN -> s.wireLen;
			case OFF_GSO_SEGS -> s.gsoSegs;
			case OFF_GSO_SIZE -> s.gsoSize;
			case OFF_TSTAMP_TYPE -> s.tstampType & 0xff;
			case OFF_HWTSTAMP -> (int) s.hwtstamp;
			case OFF_HWTSTAMP + 4 -> (int) (s.hwtstamp >>> 32);
			default -> 0;
		};
	}

	@Override
	public void store(Memory mem, int off, int size, long value, int pc) throws BpfFault {
		if (SkBuffLayout.check(off, size, true) != SkBuffLayout.Access.SCALAR) {
			throw invalid(off, size, pc);
		}
		SkBuff s = this.skb;
		if (off >= OFF_CB && off < OFF_CB + 4 * CB_WORDS) {
			// cb[] takes 1, 2, 4 and 8 byte stores
			for (int i = 0; i < size; i++) {
				int o = off + i - OFF_CB;
				int shift = (o & 3) * 8;
				int w = o >> 2;
				s.cb[w] = (s.cb[w] & ~(0xff << shift)) | (int) ((value >>> (i * 8)) & 0xff) << shift;
			}
			return;
		}
		int v = (int) value;
		switch (off) {
			case OFF_MARK -> s.mark = v;
			case OFF_PRIORITY -> s.priority = v;
			case OFF_TC_INDEX -> s.tcIndex = v & 0xffff;
			case OFF_TC_CLASSID -> s.tcClassid = v & 0xffff;
			case OFF_QUEUE_MAPPING -> {
				if (Integer.compareUnsigned(v, NO_QUEUE_MAPPING) < 0) {
					s.queueMapping = v;
				}
			}
			case OFF_TSTAMP -> s.tstamp = value;
			default -> throw invalid(off, size, pc);
		}
	}

}
