package dev.bpfnet.bpf.ctx;

import java.util.List;

/**
 * The layout of {@code struct __sk_buff} ({@code include/uapi/linux/bpf.h}, Linux 6.6+)
 * and the context access rules a SCHED_CLS / SCHED_ACT program is held to.
 *
 * <p>
 * {@link #check(int, int, boolean)} models {@code tc_cls_act_is_valid_access()} on top of
 * {@code bpf_skb_is_valid_access()} in {@code net/core/filter.c}:
 * <ul>
 * <li>offsets outside {@code [0, 192)} or not aligned to the access size are
 * invalid;</li>
 * <li>writes are allowed only to {@code mark, tc_index, priority, tc_classid, cb[0..4]}
 * (4-byte stores), {@code queue_mapping} (a 4-byte store at offset 12) and {@code tstamp}
 * (an 8-byte store at offset 152);</li>
 * <li>{@code data}, {@code data_end}, {@code data_meta} are 4-byte loads only and produce
 * {@code PTR_TO_PACKET}, {@code PTR_TO_PACKET_END}, {@code PTR_TO_PACKET_META};</li>
 * <li>{@code family .. local_port} (the sk_skb-only block), {@code flow_keys} and the
 * padding after {@code tstamp_type} are forbidden;</li>
 * <li>{@code tstamp} and {@code hwtstamp} are 8-byte loads only; {@code sk} is an 8-byte
 * load giving {@code PTR_TO_SOCK_COMMON_OR_NULL}; {@code tstamp_type} is a 1-byte
 * load;</li>
 * <li>every other {@code __u32} field may be read with a narrow load of 1, 2 or 4 bytes
 * ({@code bpf_ctx_narrow_access_ok()}), never 8.</li>
 * </ul>
 * The verifier reports a {@link Access#INVALID} answer as
 * {@code invalid bpf_context access off=%d size=%d}.
 *
 * <p>
 * Only the constants and the rules live here; the runtime accessor that converts a
 * context load into a read of the simulated skb lives elsewhere.
 */
public final class SkBuffLayout {

	private SkBuffLayout() {
	}

	/** {@code sizeof(struct __sk_buff)}. */
	public static final int SIZE = 192;

	public static final int OFF_LEN = 0;

	public static final int OFF_PKT_TYPE = 4;

	public static final int OFF_MARK = 8;

	public static final int OFF_QUEUE_MAPPING = 12;

	public static final int OFF_PROTOCOL = 16;

	public static final int OFF_VLAN_PRESENT = 20;

	public static final int OFF_VLAN_TCI = 24;

	public static final int OFF_VLAN_PROTO = 28;

	public static final int OFF_PRIORITY = 32;

	public static final int OFF_INGRESS_IFINDEX = 36;

	public static final int OFF_IFINDEX = 40;

	public static final int OFF_TC_INDEX = 44;

	/** {@code cb[0]}; {@code cb[i]} is at {@code OFF_CB + 4 * i}, i in 0..4. */
	public static final int OFF_CB = 48;

	public static final int CB_WORDS = 5;

	public static final int OFF_HASH = 68;

	public static final int OFF_TC_CLASSID = 72;

	public static final int OFF_DATA = 76;

	public static final int OFF_DATA_END = 80;

	public static final int OFF_NAPI_ID = 84;

	public static final int OFF_FAMILY = 88;

	public static final int OFF_REMOTE_IP4 = 92;

	public static final int OFF_LOCAL_IP4 = 96;

	public static final int OFF_REMOTE_IP6 = 100;

	public static final int OFF_LOCAL_IP6 = 116;

	public static final int OFF_REMOTE_PORT = 132;

	public static final int OFF_LOCAL_PORT = 136;

	public static final int OFF_DATA_META = 140;

	/** {@code __bpf_md_ptr(struct bpf_flow_keys *, flow_keys)}: 8 bytes. */
	public static final int OFF_FLOW_KEYS = 144;

	/** {@code __u64 tstamp}. */
	public static final int OFF_TSTAMP = 152;

	public static final int OFF_WIRE_LEN = 160;

	public static final int OFF_GSO_SEGS = 164;

	/** {@code __bpf_md_ptr(struct bpf_sock *, sk)}: 8 bytes. */
	public static final int OFF_SK = 168;

	public static final int OFF_GSO_SIZE = 176;

	/** {@code __u8 tstamp_type}, followed by 3 bytes of padding. */
	public static final int OFF_TSTAMP_TYPE = 180;

	/** {@code __u64 hwtstamp}. */
	public static final int OFF_HWTSTAMP = 184;

	/** What a context access yields, or that it is refused. */
	public enum Access {

		/** Refused: {@code invalid bpf_context access off=%d size=%d}. */
		INVALID,
		/** A plain value (load) or an accepted store. */
		SCALAR,
		/** {@code PTR_TO_PACKET} ({@code skb->data}). */
		PKT,
		/** {@code PTR_TO_PACKET_END} ({@code skb->data_end}). */
		PKT_END,
		/** {@code PTR_TO_PACKET_META} ({@code skb->data_meta}). */
		PKT_META,
		/** {@code PTR_TO_SOCK_COMMON_OR_NULL} ({@code skb->sk}). */
		SOCK_COMMON_OR_NULL;

		public boolean valid() {
			return this != INVALID;
		}

	}

	/**
	 * One member of {@code struct __sk_buff}.
	 *
	 * @param name the C member name ({@code cb[2]}, {@code remote_ip6[1]} for array
	 * elements)
	 * @param off byte offset
	 * @param size byte size
	 */
	public record Field(String name, int off, int size) {
	}

	/** Every member in offset order (array members one element per entry). */
	public static final List<Field> FIELDS = List.of(new Field("len", OFF_LEN, 4),
			new Field("pkt_type", OFF_PKT_TYPE, 4), new Field("mark", OFF_MARK, 4),
			new Field("queue_mapping", OFF_QUEUE_MAPPING, 4), new Field("protocol", OFF_PROTOCOL, 4),
			new Field("vlan_present", OFF_VLAN_PRESENT, 4), new Field("vlan_tci", OFF_VLAN_TCI, 4),
			new Field("vlan_proto", OFF_VLAN_PROTO, 4), new Field("priority", OFF_PRIORITY, 4),
			new Field("ingress_ifindex", OFF_INGRESS_IFINDEX, 4), new Field("ifindex", OFF_IFINDEX, 4),
			new Field("tc_index", OFF_TC_INDEX, 4), new Field("cb[0]", OFF_CB, 4), new Field("cb[1]", OFF_CB + 4, 4),
			new Field("cb[2]", OFF_CB + 8, 4), new Field("cb[3]", OFF_CB + 12, 4), new Field("cb[4]", OFF_CB + 16, 4),
			new Field("hash", OFF_HASH, 4), new Field("tc_classid", OFF_TC_CLASSID, 4), new Field("data", OFF_DATA, 4),
			new Field("data_end", OFF_DATA_END, 4), new Field("napi_id", OFF_NAPI_ID, 4),
			new Field("family", OFF_FAMILY, 4), new Field("remote_ip4", OFF_REMOTE_IP4, 4),
			new Field("local_ip4", OFF_LOCAL_IP4, 4), new Field("remote_ip6[0]", OFF_REMOTE_IP6, 4),
			new Field("remote_ip6[1]", OFF_REMOTE_IP6 + 4, 4), new Field("remote_ip6[2]", OFF_REMOTE_IP6 + 8, 4),
			new Field("remote_ip6[3]", OFF_REMOTE_IP6 + 12, 4), new Field("local_ip6[0]", OFF_LOCAL_IP6, 4),
			new Field("local_ip6[1]", OFF_LOCAL_IP6 + 4, 4), new Field("local_ip6[2]", OFF_LOCAL_IP6 + 8, 4),
			new Field("local_ip6[3]", OFF_LOCAL_IP6 + 12, 4), new Field("remote_port", OFF_REMOTE_PORT, 4),
			new Field("local_port", OFF_LOCAL_PORT, 4), new Field("data_meta", OFF_DATA_META, 4),
			new Field("flow_keys", OFF_FLOW_KEYS, 8), new Field("tstamp", OFF_TSTAMP, 8),
			new Field("wire_len", OFF_WIRE_LEN, 4), new Field("gso_segs", OFF_GSO_SEGS, 4), new Field("sk", OFF_SK, 8),
			new Field("gso_size", OFF_GSO_SIZE, 4), new Field("tstamp_type", OFF_TSTAMP_TYPE, 1),
			new Field("hwtstamp", OFF_HWTSTAMP, 8));

	/**
	 * The member that contains byte {@code off}, or {@code null} for padding and offsets
	 * outside the struct.
	 */
	public static Field fieldAt(int off) {
		for (Field f : FIELDS) {
			if (off >= f.off() && off < f.off() + f.size()) {
				return f;
			}
		}
		return null;
	}

	/**
	 * Whether a SCHED_CLS / SCHED_ACT program may access {@code size} bytes at
	 * {@code off} of its context, and what a load yields.
	 * @param off byte offset into {@code struct __sk_buff} (insn off plus the ctx
	 * register's fixed offset)
	 * @param size access size: 1, 2, 4 or 8
	 * @param write true for a store ({@code BPF_ST}/{@code BPF_STX})
	 * @return {@link Access#INVALID} when refused; for an accepted store
	 * {@link Access#SCALAR}
	 */
	public static Access check(int off, int size, boolean write) {
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			return Access.INVALID;
		}
		// tc_cls_act_is_valid_access(): the write whitelist first
		if (write) {
			boolean writable = inRange(off, OFF_MARK, 4) || inRange(off, OFF_TC_INDEX, 4)
					|| inRange(off, OFF_PRIORITY, 4) || inRange(off, OFF_TC_CLASSID, 4)
					|| inRange(off, OFF_CB, 4 * CB_WORDS) || inRange(off, OFF_TSTAMP, 8)
					|| inRange(off, OFF_QUEUE_MAPPING, 4);
			if (!writable) {
				return Access.INVALID;
			}
		}
		Access produced = Access.SCALAR;
		if (inRange(off, OFF_DATA, 4)) {
			produced = Access.PKT;
		}
		else if (inRange(off, OFF_DATA_META, 4)) {
			produced = Access.PKT_META;
		}
		else if (inRange(off, OFF_DATA_END, 4)) {
			produced = Access.PKT_END;
		}
		else if (off >= OFF_FAMILY && off < OFF_LOCAL_PORT + 4) {
			return Access.INVALID;
		}
		else if (off == OFF_TSTAMP_TYPE) {
			return (size == 1) ? Access.SCALAR : Access.INVALID;
		}
		return skbIsValidAccess(off, size, write) ? ((produced == Access.SCALAR) ? skbProduced(off) : produced)
				: Access.INVALID;
	}

	/**
	 * The rules for a SOCKET_FILTER program: {@code sk_filter_is_valid_access()} in
	 * net/core/filter.c (no direct packet access, only {@code cb[]} is writable).
	 */
	public static Access checkSocketFilter(int off, int size, boolean write) {
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			return Access.INVALID;
		}
		if (inRange(off, OFF_TC_CLASSID, 4) || inRange(off, OFF_DATA, 4) || inRange(off, OFF_DATA_META, 4)
				|| inRange(off, OFF_DATA_END, 4) || (off >= OFF_FAMILY && off < OFF_LOCAL_PORT + 4)
				|| inRange(off, OFF_TSTAMP, 8) || inRange(off, OFF_WIRE_LEN, 4) || inRange(off, OFF_HWTSTAMP, 8)) {
			return Access.INVALID;
		}
		if (write && !inRange(off, OFF_CB, 4 * CB_WORDS)) {
			return Access.INVALID;
		}
		return skbIsValidAccess(off, size, write) ? skbProduced(off) : Access.INVALID;
	}

	private static Access skbProduced(int off) {
		return (off == OFF_SK) ? Access.SOCK_COMMON_OR_NULL : Access.SCALAR;
	}

	/** {@code bpf_skb_is_valid_access()} in net/core/filter.c. */
	private static boolean skbIsValidAccess(int off, int size, boolean write) {
		if (off < 0 || off >= SIZE) {
			return false;
		}
		if (off % size != 0) {
			return false;
		}
		if (inRange(off, OFF_CB, 4 * CB_WORDS)) {
			return off + size <= OFF_CB + 4 * CB_WORDS;
		}
		if (inRange(off, OFF_REMOTE_IP6, 16) || inRange(off, OFF_LOCAL_IP6, 16) || inRange(off, OFF_REMOTE_IP4, 4)
				|| inRange(off, OFF_LOCAL_IP4, 4) || inRange(off, OFF_DATA, 4) || inRange(off, OFF_DATA_META, 4)
				|| inRange(off, OFF_DATA_END, 4)) {
			return size == 4;
		}
		if (inRange(off, OFF_FLOW_KEYS, 8)) {
			return false;
		}
		if (inRange(off, OFF_HWTSTAMP, 8)) {
			return !write && size == 8;
		}
		if (inRange(off, OFF_TSTAMP, 8)) {
			return size == 8;
		}
		if (off == OFF_SK) {
			return !write && size == 8;
		}
		if (off == OFF_TSTAMP_TYPE) {
			return false;
		}
		if (off > OFF_TSTAMP_TYPE && off < OFF_HWTSTAMP) {
			// explicitly prohibited padding
			return false;
		}
		// default: only narrow reads; writes must be full 4-byte stores
		if (write) {
			return size == 4;
		}
		return size <= 4;
	}

	private static boolean inRange(int off, int start, int len) {
		return off >= start && off < start + len;
	}

}
