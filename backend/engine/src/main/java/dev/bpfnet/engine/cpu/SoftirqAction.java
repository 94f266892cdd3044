package dev.bpfnet.engine.cpu;

/**
 * A softirq handler ({@code struct softirq_action}, registered with
 * {@code open_softirq}): {@code net_rx_action} for {@link Cpu#NET_RX_SOFTIRQ},
 * {@code net_tx_action} for {@link Cpu#NET_TX_SOFTIRQ}. Run by {@code __do_softirq} with
 * the pending bit already cleared.
 */
@FunctionalInterface
public interface SoftirqAction {

	/**
	 * Runs the softirq.
	 * @param cpu the CPU, in SOFTIRQ or KSOFTIRQD context
	 */
	void run(Cpu cpu);

}
