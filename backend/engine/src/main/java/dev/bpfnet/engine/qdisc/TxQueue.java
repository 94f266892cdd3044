package dev.bpfnet.engine.qdisc;

/**
 * A device TX queue as {@code __qdisc_run} sees it ({@code struct netdev_queue} plus the
 * driver's {@code ndo_start_xmit}). {@link TxRing} implements it; the datapath may wrap
 * it to charge CPU time and emit trace events around each call.
 *
 * @param <P> the packet type
 */
public interface TxQueue<P extends QueuedPacket> {

	/**
	 * {@code netif_xmit_frozen_or_stopped(txq)}: the driver ({@code netif_tx_stop_queue})
	 * or BQL ({@code __QUEUE_STATE_STACK_XOFF}) stopped the queue.
	 */
	boolean stopped();

	/**
	 * {@code dev_hard_start_xmit} → {@code ndo_start_xmit}.
	 * @param packet the packet
	 * @param nowNs the simulated time
	 * @return {@code true} ({@code NETDEV_TX_OK}) if the driver took the packet,
	 * {@code false} ({@code NETDEV_TX_BUSY}) if it did not
	 */
	boolean startXmit(P packet, long nowNs);

	/**
	 * When {@code packet} entered the qdisc, on the clock of the CPU that enqueued it. A
	 * caller that runs call chains ahead of a global clock (the datapath's per-CPU
	 * cursors) returns the enqueue time, so that {@link QdiscRun} does not send a packet
	 * before it was queued; the default, {@code Long.MIN_VALUE}, means "always there".
	 * @param packet a packet the qdisc returned
	 * @return the enqueue time in ns
	 */
	default long arrivalNs(P packet) {
		return Long.MIN_VALUE;
	}

	/**
	 * The time of the CPU running {@code __qdisc_run} now (it advances while packets are
	 * sent); by default {@code nowNs}, the time the run started.
	 * @param nowNs the time the run started
	 * @return the current time in ns
	 */
	default long nowNs(long nowNs) {
		return nowNs;
	}

}
