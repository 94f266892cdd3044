package dev.bpfnet.bpf.ctx;

import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;
import dev.bpfnet.bpf.mem.Memory;

/**
 * The {@code struct xdp_md} context of an XDP program over a {@link SkBuff} used as the
 * frame container: {@code data} (0), {@code data_end} (4), {@code data_meta} (8),
 * {@code ingress_ifindex} (12), {@code rx_queue_index} (16), {@code egress_ifindex} (20).
 * Models {@code xdp_is_valid_access()} in {@code net/core/filter.c}: only aligned 4-byte
 * loads inside the struct, no stores; anything else faults with
 * {@code invalid bpf_context access off=%d size=%d}.
 *
 * <p>
 * Not modelled: XDP frags, {@code bpf_xdp_adjust_head/tail/meta}; the ifindexes come from
 * the skb ({@code ingress_ifindex}, {@code ifindex}) and the queue from
 * {@code queue_mapping}.
 */
public final class XdpContext implements ContextAccess {

	/** {@code sizeof(struct xdp_md)}. */
	public static final int SIZE = 24;

	public static final int OFF_DATA = 0;

	public static final int OFF_DATA_END = 4;

	public static final int OFF_DATA_META = 8;

	public static final int OFF_INGRESS_IFINDEX = 12;

	public static final int OFF_RX_QUEUE_INDEX = 16;

	public static final int OFF_EGRESS_IFINDEX = 20;

	private SkBuff skb;

	public XdpContext() {
	}

	public XdpContext(SkBuff skb) {
		this.skb = skb;
	}

	public SkBuff skb() {
		return this.skb;
	}

	public void setSkb(SkBuff skb) {
		this.skb = skb;
	}

	/** Makes this the context of {@code mem} and the frame its packet. */
	public void install(Memory mem) {
		mem.setContext(this);
		mem.setPacket(this.skb.buf(), this.skb.dataMeta(), this.skb.data(), this.skb.dataEnd());
	}

	@Override
	public long load(Memory mem, int off, int size, int pc) throws BpfFault {
		if (off < 0 || off >= SIZE || size != 4 || (off & 3) != 0) {
			throw new BpfFault(pc, "invalid bpf_context access off=" + off + " size=" + size);
		}
		return switch (off) {
			case OFF_DATA -> mem.packetData();
			case OFF_DATA_END -> mem.packetDataEnd();
			case OFF_DATA_META -> mem.packetMeta();
			case OFF_INGRESS_IFINDEX -> this.skb.ingressIfindex & 0xffffffffL;
			case OFF_RX_QUEUE_INDEX -> this.skb.queueMapping & 0xffffffffL;
			default -> 0;
		};
	}

	@Override
	public void store(Memory mem, int off, int size, long value, int pc) throws BpfFault {
		throw new BpfFault(pc, "invalid bpf_context access off=" + off + " size=" + size);
	}

}
