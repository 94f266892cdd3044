package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.Skb;

/**
 * A bound socket as local delivery sees it: what {@code udp_rcv} → {@code __udp4_lib_rcv}
 * → {@code udp_queue_rcv_skb} (net/ipv4/udp.c) reaches once the socket lookup has found
 * this socket. The datapath calls it from {@code ip_local_deliver_finish} in the
 * receiving CPU's chain (usually SOFTIRQ); the endpoint charges {@code udp_rcv}, queues
 * the skb on its socket and wakes its reader. Ownership of the skb passes to the
 * endpoint.
 */
@FunctionalInterface
public interface Endpoint {

	/**
	 * Delivers a datagram to the socket.
	 * @param cpu the CPU running local delivery, inside a call chain
	 * @param skb the packet; its payload is the datapath's
	 * {@link dev.bpfnet.bpf.ctx.SkBuff}
	 */
	void deliver(Cpu cpu, Skb skb);

	/**
	 * {@link #deliver} and whether the socket took the datagram: {@code false} when it
	 * was dropped on the way in (a full receive queue, {@code SOCKET_RCVBUFF}), so that
	 * the datapath does not count it as delivered. The default delivers and answers
	 * {@code true} (an endpoint that never drops).
	 * @param cpu the CPU running local delivery, inside a call chain
	 * @param skb the packet
	 * @return whether the datagram was queued on the socket
	 */
	default boolean accept(Cpu cpu, Skb skb) {
		deliver(cpu, skb);
		return true;
	}

}
