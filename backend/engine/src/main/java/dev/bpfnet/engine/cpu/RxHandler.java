package dev.bpfnet.engine.cpu;

/**
 * What {@code process_backlog} hands each dequeued skb to: {@code __netif_receive_skb} /
 * {@code __netif_receive_skb_core} (net/core/dev.c), supplied by the datapath. It runs on
 * {@code cpu} in NET_RX softirq or ksoftirqd context and charges its own costs with
 * {@link Cpu#spend}. It owns the skb from then on (deliver, forward or drop it).
 */
@FunctionalInterface
public interface RxHandler {

	/**
	 * Receives one skb.
	 * @param cpu the CPU running the softirq
	 * @param skb the skb, dequeued from the backlog
	 */
	void receive(Cpu cpu, Skb skb);

}
