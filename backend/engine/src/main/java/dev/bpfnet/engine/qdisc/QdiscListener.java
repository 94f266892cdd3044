package dev.bpfnet.engine.qdisc;

import dev.bpfnet.engine.trace.DropReason;

/**
 * Observes a {@link Qdisc}: every packet it frees with a drop reason (the kernel's
 * {@code to_free} list, freed with {@code kfree_skb_reason}) and every change of its
 * backlog (the queue-depth recorder). Called synchronously on the run's thread from
 * inside {@code enqueue}/{@code dequeue}; a listener must not call back into the qdisc.
 *
 * @param <P> the packet type
 */
public interface QdiscListener<P extends QueuedPacket> {

	/** A listener that ignores everything. */
	@SuppressWarnings("rawtypes")
	QdiscListener NONE = new QdiscListener() {
	};

	/**
	 * The qdisc dropped a packet: the arriving one (tail drop) or a queued one (fq_codel
	 * fat-flow drop, CoDel). The packet is no longer in the qdisc.
	 * @param nowNs simulated time of the operation
	 * @param packet the dropped packet
	 * @param reason the kernel's drop reason
	 */
	default void dropped(long nowNs, P packet, DropReason reason) {
	}

	/**
	 * The backlog changed; called once at the end of each {@code enqueue},
	 * {@code dequeue} or {@code requeue} that changed it.
	 * @param nowNs simulated time of the operation
	 * @param packets {@code sch->q.qlen} after the operation
	 * @param bytes {@code sch->qstats.backlog} after the operation
	 */
	default void depthChanged(long nowNs, int packets, long bytes) {
	}

	/** The no-op listener, typed. */
	@SuppressWarnings("unchecked")
	static <P extends QueuedPacket> QdiscListener<P> none() {
		return NONE;
	}

}
