package dev.bpfnet.engine.qdisc;

/**
 * What a queueing discipline and the driver TX ring need to know about an skb. The
 * datapath's skb class implements it; the queues never look at anything else.
 */
public interface QueuedPacket {

	/** The skb id used in traces. */
	long id();

	/**
	 * {@code qdisc_pkt_len(skb)}: the length in bytes that queues account, at least 1.
	 */
	int len();

	/**
	 * {@code skb->priority}; pfifo_fast maps its low 4 bits ({@code TC_PRIO_MAX}) to a
	 * band.
	 */
	int priority();

	/** {@code skb_get_hash(skb)}: the flow hash, any 32-bit value. */
	int flowHash();

}
