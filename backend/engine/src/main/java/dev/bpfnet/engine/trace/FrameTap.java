package dev.bpfnet.engine.trace;

/**
 * Sees frames where {@code tcpdump -i DEV} sees them (a {@code ptype_all} packet socket):
 * on transmit in {@code dev_queue_xmit_nit}, called by {@code xmit_one} after the tcx
 * egress hook and the qdisc, right before the driver's {@code ndo_start_xmit}
 * (net/core/dev.c); on receive in {@code __netif_receive_skb_core}, before tcx ingress
 * ({@code deliver_skb} for each {@code ptype_all} entry), again on every
 * {@code another_round} (a peer redirect delivers on the peer too).
 *
 * <p>
 * The engine calls a tap only when one is attached (a {@code null} check otherwise: no
 * allocation, no copy). The bytes are the skb's own buffer, valid only during the call: a
 * tap that keeps them copies {@code buf[offset, offset + length)}. Taps observe only and
 * must not change the bytes, so attaching one never changes simulated results. Calls
 * arrive on the run's thread in non-decreasing {@code timeNs}.
 *
 * <p>
 * Simplification: a frame the driver refuses ({@code NETDEV_TX_BUSY}, a full TX ring) is
 * not reported; the kernel's {@code dev_queue_xmit_nit} would show it once per attempt.
 */
@FunctionalInterface
public interface FrameTap {

	/** Which way the frame crosses the device. */
	enum Direction {

		/** Received ({@code __netif_receive_skb_core}): {@code tcpdump -Q in}. */
		IN,

		/** Transmitted ({@code dev_queue_xmit_nit}): {@code tcpdump -Q out}. */
		OUT

	}

	/**
	 * One frame crossed a device.
	 * @param timeNs simulated time
	 * @param skbId the skb's id (stable across hops and nodes)
	 * @param cpu run-wide CPU id
	 * @param deviceId run-wide device id ({@link Names.Kind#DEVICE})
	 * @param direction in or out
	 * @param buf the skb's buffer (do not modify or keep)
	 * @param offset first byte of the frame (the MAC header)
	 * @param length frame length
	 */
	void frame(long timeNs, long skbId, int cpu, int deviceId, Direction direction, byte[] buf, int offset, int length);

}
