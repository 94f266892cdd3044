package dev.bpfnet.engine.nic;

import dev.bpfnet.engine.cpu.Cpu;

/**
 * A driver's TX clean, run at the start of each NAPI poll of the NIC, as
 * {@code ixgbe_poll} runs {@code ixgbe_clean_tx_irq} and {@code mlx5e_napi_poll} runs
 * {@code mlx5e_poll_tx_cq} before RX. It reclaims descriptors of frames that have left,
 * frees their skbs ({@code napi_consume_skb}), reports the bytes to BQL
 * ({@code netdev_tx_completed_queue}) and wakes the TX queue; it charges its own costs
 * ({@code TX_COMPLETION} per packet).
 */
@FunctionalInterface
public interface TxCleaner {

	/**
	 * Cleans the TX ring.
	 * @param cpu the CPU running the NAPI poll, in softirq context
	 * @return {@code true} if every departed descriptor was reclaimed
	 * ({@code clean_complete}); {@code false} keeps the NAPI scheduled (the poll then
	 * returns its full budget, as {@code ixgbe_poll} does)
	 */
	boolean clean(Cpu cpu);

}
