package dev.bpfnet.engine.qdisc;

/**
 * The result of {@link Qdisc#enqueue}, after the kernel's {@code NET_XMIT_*} return codes
 * of a qdisc's {@code ->enqueue} (include/linux/netdevice.h).
 */
public enum EnqueueResult {

	/** {@code NET_XMIT_SUCCESS}: the packet is queued. */
	SUCCESS,

	/**
	 * {@code NET_XMIT_DROP}: the packet itself was dropped (the qdisc reported it to its
	 * listener with the reason).
	 */
	DROP,

	/**
	 * {@code NET_XMIT_CN}: congestion; packets of the same flow were dropped to make room
	 * (fq_codel's {@code fq_codel_drop} hit the arriving packet's flow). The arriving
	 * packet may or may not be among them; the listener saw every drop.
	 */
	CN,

	/**
	 * noqueue: the qdisc has no {@code ->enqueue}; {@code __dev_queue_xmit} calls
	 * {@code dev_hard_start_xmit} directly. The packet was not taken.
	 */
	NO_QUEUE;

	/**
	 * Whether the qdisc kept the packet or dropped it (anything but {@link #NO_QUEUE}).
	 */
	public boolean taken() {
		return this != NO_QUEUE;
	}

}
