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

}
