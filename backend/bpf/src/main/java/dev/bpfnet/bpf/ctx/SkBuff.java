package dev.bpfnet.bpf.ctx;

import java.util.Arrays;

/**
 * A socket buffer as a tc program sees it: one linear buffer with headroom, the packet
 * data (starting at the MAC header, as at tc ingress and egress), an optional metadata
 * area just before the data, and the {@code struct sk_buff} fields that
 * {@code struct __sk_buff} exposes ({@code include/linux/skbuff.h}).
 *
 * <pre>
 * buf: | head ... | meta (metaLen) | data (len) | tailroom |
 *      ^head                       ^data        ^data + len = data_end
 * </pre>
 *
 * <p>
 * The metadata scalars are public fields: the engine embeds this object, copies and
 * mutates it freely, and {@link SkBuffContext} reads and writes them as the program's
 * context. The geometry ({@code buf, head, data, len, metaLen}) changes only through
 * methods, which keep {@code head <= data - metaLen} and
 * {@code data + len <= buf.length}. Big-endian kernel fields ({@code protocol},
 * {@code vlan_proto}) hold the value a little-endian load of the {@code __be16} yields,
 * as programs see them: IPv4 is {@code bpf_htons(ETH_P_IP) = 0x0008};
 * {@link #ethProtocol()} gives host order.
 *
 * <p>
 * Differences from the kernel: always linear (no fragments, so {@code skb_headlen == len}
 * and {@code bpf_skb_pull_data} has nothing to pull); no socket ({@code sk} reads as
 * NULL).
 */
public final class SkBuff {

	/** Default headroom in front of a frame ({@code NET_SKB_PAD} is 64 on x86-64). */
	public static final int DEFAULT_HEADROOM = 64;

	/** {@code PACKET_HOST}. */
	public static final int PACKET_HOST = 0;

	/** {@code PACKET_BROADCAST}. */
	public static final int PACKET_BROADCAST = 1;

	/** {@code PACKET_MULTICAST}. */
	public static final int PACKET_MULTICAST = 2;

	/** {@code PACKET_OTHERHOST}. */
	public static final int PACKET_OTHERHOST = 3;

	/** {@code PACKET_OUTGOING}. */
	public static final int PACKET_OUTGOING = 4;

	private byte[] buf;

	private int head;

	private int data;

	private int len;

	private int metaLen;

	/** {@code skb->mark}. */
	public int mark;

	/** {@code skb->priority}. */
	public int priority;

	/** {@code skb->protocol}, network order as loaded little endian (IPv4 = 0x0008). */
	public int protocol;

	/** {@code skb->pkt_type}: {@link #PACKET_HOST}, ... */
	public int pktType;

	/** {@code skb->queue_mapping}. */
	public int queueMapping;

	/** Whether a VLAN tag is carried out of band ({@code skb_vlan_tag_present}). */
	public boolean vlanPresent;

	/** {@code skb->vlan_tci}. */
	public int vlanTci;

	/** {@code skb->vlan_proto}, network order as loaded little endian. */
	public int vlanProto;

	/** {@code skb->skb_iif}. */
	public int ingressIfindex;

	/** {@code skb->dev->ifindex}. */
	public int ifindex;

	/** {@code skb->tc_index} (16 bits). */
	public int tcIndex;

	/** {@code qdisc_skb_cb(skb)->data}: the five {@code cb[]} words a program owns. */
	public final int[] cb = new int[SkBuffLayout.CB_WORDS];

	/** {@code skb->hash}. */
	public int hash;

	/** {@code qdisc_skb_cb(skb)->tc_classid} (16 bits). */
	public int tcClassid;

	/** {@code skb->napi_id}. */
	public int napiId;

	/** {@code skb->tstamp} in ns. */
	public long tstamp;

	/** {@code qdisc_skb_cb(skb)->pkt_len}. */
	public int wireLen;

	/** {@code skb_shinfo(skb)->gso_segs}. */
	public int gsoSegs;

	/** {@code skb_shinfo(skb)->gso_size}. */
	public int gsoSize;

	/** {@code skb->tstamp_type}. */
	public int tstampType;

	/** {@code skb_hwtstamps(skb)->hwtstamp} in ns. */
	public long hwtstamp;

	/** A frame with {@link #DEFAULT_HEADROOM} bytes of headroom and no tailroom. */
	public SkBuff(byte[] frame) {
		this(frame, DEFAULT_HEADROOM, 0);
	}

	public SkBuff(byte[] frame, int headroom) {
		this(frame, headroom, 0);
	}

	/**
	 * Copies {@code frame} into a new buffer with the given headroom and tailroom, and
	 * sets {@link #protocol} from its EtherType (as {@code eth_type_trans} does) and
	 * {@link #wireLen} to its length.
	 */
	public SkBuff(byte[] frame, int headroom, int tailroom) {
		if (frame == null || headroom < 0 || tailroom < 0) {
			throw new IllegalArgumentException("a SkBuff needs a frame and non-negative head/tailroom");
		}
		this.buf = new byte[headroom + frame.length + tailroom];
		System.arraycopy(frame, 0, this.buf, headroom, frame.length);
		this.data = headroom;
		this.len = frame.length;
		this.wireLen = frame.length;
		this.gsoSegs = 1;
		if (frame.length >= 14) {
			this.protocol = ((frame[12] & 0xff) | (frame[13] & 0xff) << 8);
		}
	}

	private SkBuff(SkBuff o) {
		this.buf = o.buf.clone();
		this.head = o.head;
		this.data = o.data;
		this.len = o.len;
		this.metaLen = o.metaLen;
		this.mark = o.mark;
		this.priority = o.priority;
		this.protocol = o.protocol;
		this.pktType = o.pktType;
		this.queueMapping = o.queueMapping;
		this.vlanPresent = o.vlanPresent;
		this.vlanTci = o.vlanTci;
		this.vlanProto = o.vlanProto;
		this.ingressIfindex = o.ingressIfindex;
		this.ifindex = o.ifindex;
		this.tcIndex = o.tcIndex;
		System.arraycopy(o.cb, 0, this.cb, 0, this.cb.length);
		this.hash = o.hash;
		this.tcClassid = o.tcClassid;
		this.napiId = o.napiId;
		this.tstamp = o.tstamp;
		this.wireLen = o.wireLen;
		this.gsoSegs = o.gsoSegs;
		this.gsoSize = o.gsoSize;
		this.tstampType = o.tstampType;
		this.hwtstamp = o.hwtstamp;
	}

	/** A deep copy ({@code skb_clone} followed by a private copy of the data). */
	public SkBuff copy() {
		return new SkBuff(this);
	}

	/** The live buffer (replaced when headroom grows). */
	public byte[] buf() {
		return this.buf;
	}

	/** Index of the first usable byte of {@link #buf()} ({@code skb->head}). */
	public int head() {
		return this.head;
	}

	/** Index of the first packet byte ({@code skb->data}). */
	public int data() {
		return this.data;
	}

	/** One past the last packet byte ({@code data_end}). */
	public int dataEnd() {
		return this.data + this.len;
	}

	/** Packet length ({@code skb->len}). */
	public int len() {
		return this.len;
	}

	/**
	 * Length of the metadata area in front of {@link #data()} ({@code skb_metadata_len}).
	 */
	public int metaLen() {
		return this.metaLen;
	}

	/** Index of the metadata area ({@code data_meta}). */
	public int dataMeta() {
		return this.data - this.metaLen;
	}

	/** {@code skb_headroom()}: bytes between head and data. */
	public int headroom() {
		return this.data - this.head;
	}

	/** {@code skb_tailroom()}. */
	public int tailroom() {
		return this.buf.length - this.data - this.len;
	}

	/** A copy of the packet bytes {@code [data, data_end)}. */
	public byte[] frame() {
		return Arrays.copyOfRange(this.buf, this.data, this.data + this.len);
	}

	/** The EtherType in host order (0x0800 for IPv4). */
	public int ethProtocol() {
		return Short.toUnsignedInt(Short.reverseBytes((short) this.protocol));
	}

	/** Sets {@link #protocol} from a host-order EtherType. */
	public void setEthProtocol(int ethertype) {
		this.protocol = Short.toUnsignedInt(Short.reverseBytes((short) ethertype));
	}

	/**
	 * Sets the metadata length ({@code skb_metadata_set}); it lives in the headroom.
	 * @throws IllegalArgumentException when the headroom is too small
	 */
	public void setMetaLen(int metaLen) {
		if (metaLen < 0 || metaLen > headroom()) {
			throw new IllegalArgumentException(
					"metadata of " + metaLen + " bytes needs that much headroom, have " + headroom());
		}
		this.metaLen = metaLen;
	}

	/**
	 * {@code skb_push}: prepends {@code n} bytes (uninitialised: whatever the headroom
	 * held) and returns the new data index. Drops the metadata, as a push over it would.
	 * @throws IllegalArgumentException when the headroom is too small
	 */
	public int push(int n) {
		if (n < 0 || n > headroom()) {
			throw new IllegalArgumentException("cannot push " + n + " bytes with a headroom of " + headroom());
		}
		this.data -= n;
		this.len += n;
		this.metaLen = 0;
		return this.data;
	}

	/**
	 * {@code skb_pull}: removes {@code n} bytes from the front.
	 * @throws IllegalArgumentException when the packet is shorter
	 */
	public int pull(int n) {
		if (n < 0 || n > this.len) {
			throw new IllegalArgumentException("cannot pull " + n + " bytes from a packet of " + this.len);
		}
		this.data += n;
		this.len -= n;
		this.metaLen = 0;
		return this.data;
	}

	/**
	 * Sets the packet length ({@code skb_trim} / {@code skb_put} within the tailroom).
	 * @throws IllegalArgumentException when the buffer is too small
	 */
	public void setLen(int newLen) {
		if (newLen < 0 || this.data + (long) newLen > this.buf.length) {
			throw new IllegalArgumentException(
					"length " + newLen + " does not fit the buffer (tailroom " + tailroom() + ")");
		}
		this.len = newLen;
	}

	/**
	 * Makes sure at least {@code needed} bytes of headroom exist, reallocating the buffer
	 * (with {@code extra} more bytes of slack) as {@code pskb_expand_head} does. The
	 * packet bytes and the metadata move with it.
	 * @return true if the buffer was reallocated
	 */
	public boolean ensureHeadroom(int needed, int extra) {
		if (needed <= headroom()) {
			return false;
		}
		int grow = needed - headroom() + Math.max(0, extra);
		byte[] nb = new byte[this.buf.length + grow];
		System.arraycopy(this.buf, this.head, nb, this.head + grow, this.buf.length - this.head);
		this.buf = nb;
		this.data += grow;
		return true;
	}

	/**
	 * The push of {@code bpf_skb_change_head} ({@code __bpf_skb_change_head} in
	 * net/core/filter.c): makes room for the metadata plus {@code n} bytes in front
	 * ({@code skb_cow}, which reallocates in steps of {@link #DEFAULT_HEADROOM} like
	 * {@code NET_SKB_PAD}), pushes {@code n} zeroed bytes and moves the metadata in front
	 * of the new data ({@code skb_postpush_data_move}).
	 * @return true if the buffer was reallocated
	 */
	public boolean pushHead(int n) {
		if (n < 0) {
			throw new IllegalArgumentException("cannot push " + n + " bytes");
		}
		int needed = this.metaLen + n;
		boolean realloc = false;
		if (needed > headroom()) {
			int delta = needed - headroom();
			int aligned = (delta + DEFAULT_HEADROOM - 1) / DEFAULT_HEADROOM * DEFAULT_HEADROOM;
			realloc = ensureHeadroom(headroom() + aligned, 0);
		}
		int oldMeta = dataMeta();
		this.data -= n;
		this.len += n;
		System.arraycopy(this.buf, oldMeta, this.buf, this.data - this.metaLen, this.metaLen);
		Arrays.fill(this.buf, this.data, this.data + n, (byte) 0);
		return realloc;
	}

	/**
	 * Replaces the packet bytes with {@code frame}, keeping the headroom position of
	 * {@code data} when it fits (else reallocating) and dropping the metadata.
	 */
	public void setFrame(byte[] frame) {
		if (this.data + frame.length > this.buf.length) {
			byte[] nb = new byte[this.data + frame.length];
			System.arraycopy(this.buf, 0, nb, 0, this.data);
			this.buf = nb;
		}
		System.arraycopy(frame, 0, this.buf, this.data, frame.length);
		this.len = frame.length;
		this.metaLen = 0;
	}

	@Override
	public String toString() {
		return "SkBuff[len=" + this.len + " data=" + this.data + " headroom=" + headroom() + " mark=" + this.mark
				+ " protocol=0x" + Integer.toHexString(ethProtocol()) + " ifindex=" + this.ifindex + "]";
	}

}
