package dev.bpfnet.engine.qdisc;

/**
 * {@code noqueue} ({@code noqueue_qdisc_ops}, net/sched/sch_generic.c): no queue at all.
 * Its {@code ->enqueue} is {@code NULL}, so {@code __dev_queue_xmit} calls
 * {@code dev_hard_start_xmit} directly (and drops with "Virtual device ... asks to queue
 * packet!" if the driver is busy, which the caller models). veth and netkit get it
 * ({@code IFF_NO_QUEUE}, datapath.md §2.6). {@link #enqueue} always answers
 * {@link EnqueueResult#NO_QUEUE} and takes nothing, so all counters stay 0.
 *
 * @param <P> the packet type
 */
public final class NoQueue<P extends QueuedPacket> extends Qdisc<P> {

	/** The kernel's name. */
	public static final String KIND = "noqueue";

	public NoQueue() {
		super(KIND);
	}

	@Override
	protected EnqueueResult doEnqueue(P packet, long nowNs) {
		return EnqueueResult.NO_QUEUE;
	}

	@Override
	protected P doDequeue(long nowNs) {
		return null;
	}

	@Override
	protected P doPeek(long nowNs) {
		return null;
	}

}
