package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.Skb;

/**
 * Where a socket's {@code sendmsg} ends: the IP layer's output path ({@code ip_local_out}
 * → {@code ip_output} in net/ipv4/ip_output.c, or {@code ip6_output}). The datapath
 * implements it; tests use a loopback.
 *
 * <p>
 * The call is made in the sending task's call chain ({@link Cpu#context()} is
 * {@code TASK}), after the socket layer has charged its costs; the skb's payload is a
 * {@link dev.bpfnet.bpf.ctx.SkBuff} whose data starts at an Ethernet header with zero
 * MACs (the neighbour layer fills them in, {@code neigh_output}), and its
 * {@link Skb#netnsId()} is the sending socket's namespace (device
 * {@link dev.bpfnet.engine.trace.TraceSink#NO_ID}: routing picks it). Ownership of the
 * skb passes to the callee.
 */
@FunctionalInterface
public interface PacketSender {

	/**
	 * Sends a locally generated packet.
	 * @param cpu the sending CPU, inside the task's call chain
	 * @param skb the packet
	 */
	void ipOutput(Cpu cpu, Skb skb);

}
