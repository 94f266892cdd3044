package dev.bpfnet.engine.nic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.Skb;

/**
 * Turns a frame taken from the RX ring into an skb, the identity part of the driver's
 * {@code build_skb}/{@code napi_build_skb} (the CPU cost, {@code BUILD_SKB}, is charged
 * by {@link NicRx}). It sets {@code skb->dev} to the receiving NIC. The datapath may
 * reuse the sending side's skb id so that a packet keeps one id across the wire (a path
 * view then follows it from node to node); tests allocate fresh ids.
 *
 * @param <P> the frame type
 */
@FunctionalInterface
public interface SkbBuilder<P> {

	/**
	 * Builds the skb of a received frame.
	 * @param cpu the CPU running the NAPI poll (its {@link Cpu#now()} is the build time)
	 * @param frame the frame, just taken from the ring
	 * @return the skb, on the receiving NIC
	 */
	Skb build(Cpu cpu, P frame);

}
