package dev.bpfnet.engine.qdisc;

import java.util.Objects;

import dev.bpfnet.engine.trace.DropReason;

/**
 * A queueing discipline, the kernel's {@code struct Qdisc} (include/net/sch_generic.h),
 * shaped after ns-3's {@code QueueDisc}: public {@link #enqueue}, {@link #dequeue},
 * {@link #peek} and {@link #requeue} keep the statistics, the backlog and the listener
 * calls, around the protected {@link #doEnqueue}, {@link #doDequeue} and {@link #doPeek}
 * that each discipline implements.
 *
 * <p>
 * <b>Accounting.</b> {@link #received()} counts every packet offered to {@link #enqueue}
 * that the qdisc took (all but {@link EnqueueResult#NO_QUEUE}). At every moment
 * {@code received = dequeued + drops + backlogPackets}, and {@link #backlogBytes()} is
 * the sum of {@link QueuedPacket#len()} of the packets held (including a requeued one).
 * Drops are counted per {@link DropReason}.
 *
 * <p>
 * <b>Subclass contract.</b> {@code doEnqueue} calls {@link #queued} for a packet it
 * keeps, {@link #droppedArriving} for an arriving packet it refuses and
 * {@link #droppedQueued} for a held packet it throws away (including the arriving one
 * after {@code queued}). {@code doDequeue} calls {@code droppedQueued} for packets it
 * drops on the way (CoDel) and returns the packet to send, which the base then removes
 * from the backlog. Times are the simulated clock passed in; no qdisc reads a wall clock.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe; one run's thread.
 *
 * @param <P> the packet type
 */
public abstract class Qdisc<P extends QueuedPacket> {

	private static final int REASONS = DropReason.values().length;

	private final String kind;

	private final long[] drops = new long[REASONS];

	private QdiscListener<? super P> listener = QdiscListener.none();

	private long received;

	private long dequeued;

	private long requeues;

	private long totalDrops;

	private int backlogPackets;

	private long backlogBytes;

	/**
	 * {@code q->gso_skb}: packets given back by {@link #requeue} or held by peek, as a
	 * stack (top = next to send).
	 */
	private Object[] held = new Object[2];

	private int heldCount;

	private boolean depthDirty;

	/**
	 * @param kind the kernel's qdisc id ({@code Qdisc_ops.id}), e.g. {@code pfifo_fast}
	 */
	protected Qdisc(String kind) {
		this.kind = Objects.requireNonNull(kind, "kind");
	}

	/** The kernel's name of this discipline ({@code Qdisc_ops.id}). */
	public final String kind() {
		return this.kind;
	}

	/**
	 * Whether the qdisc sets {@code TCQ_F_CAN_BYPASS}: when it is empty,
	 * {@code __dev_xmit_skb} may send the packet straight to the driver with
	 * {@code sch_direct_xmit} instead of enqueueing it (pfifo_fast does; fq_codel does
	 * not). The caller decides; the qdisc only reports the flag.
	 */
	public boolean canBypass() {
		return false;
	}

	/** Sets the listener (one; compose several yourself). */
	public final void setListener(QdiscListener<? super P> listener) {
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/**
	 * Offers a packet, as {@code qdisc_enqueue()} calls {@code q->enqueue}.
	 * @param packet the packet
	 * @param nowNs the simulated time
	 * @return what happened; drops were reported to the listener
	 */
	public final EnqueueResult enqueue(P packet, long nowNs) {
		Objects.requireNonNull(packet, "packet");
		EnqueueResult result = doEnqueue(packet, nowNs);
		if (result.taken()) {
			this.received++;
		}
		flushDepth(nowNs);
		return result;
	}

	/**
	 * Takes the next packet to transmit, as {@code dequeue_skb()} does: a requeued packet
	 * first, then {@code q->dequeue}.
	 * @param nowNs the simulated time (CoDel measures sojourn times with it)
	 * @return the packet, or {@code null} when the qdisc has nothing to send
	 */
	public final P dequeue(long nowNs) {
		P packet;
		if (this.heldCount > 0) {
			packet = popHeld();
		}
		else {
			packet = doDequeue(nowNs);
		}
		if (packet != null) {
			this.backlogPackets--;
			this.backlogBytes -= packet.len();
			this.dequeued++;
			this.depthDirty = true;
		}
		flushDepth(nowNs);
		return packet;
	}

	/**
	 * The packet {@link #dequeue} would return next, without removing it. Disciplines
	 * without a cheap peek use {@code qdisc_peek_dequeued()}: they dequeue (possibly
	 * dropping, for CoDel) and hold the packet as requeued.
	 * @param nowNs the simulated time
	 * @return the packet or {@code null}
	 */
	public final P peek(long nowNs) {
		if (this.heldCount > 0) {
			return topHeld();
		}
		P packet = doPeek(nowNs);
		flushDepth(nowNs);
		return packet;
	}

	/**
	 * Gives back a packet that the driver refused ({@code NETDEV_TX_BUSY}), as
	 * {@code dev_requeue_skb()} does: it is held in front of the queue (ahead of a packet
	 * held by {@link #peek}; the kernel appends to {@code gso_skb}, which only differs in
	 * that corner case) and counted again.
	 * @param packet the packet last returned by {@link #dequeue}
	 * @param nowNs the simulated time
	 */
	public final void requeue(P packet, long nowNs) {
		putBack(packet, nowNs);
		this.requeues++;
	}

	/**
	 * Puts back a packet that {@link #dequeue} returned before it was due (see
	 * {@link QdiscRun.Stop#NOT_ARRIVED}): held in front of the queue like a requeued
	 * packet, but not counted as a requeue, since the kernel never dequeued it.
	 * @param packet the packet last returned by {@link #dequeue}
	 * @param nowNs the simulated time
	 */
	public final void putBack(P packet, long nowNs) {
		Objects.requireNonNull(packet, "packet");
		pushHeld(packet);
		this.backlogPackets++;
		this.backlogBytes += packet.len();
		this.dequeued--;
		this.depthDirty = true;
		flushDepth(nowNs);
	}

	/** The discipline's enqueue ({@code Qdisc_ops.enqueue}); see the class comment. */
	protected abstract EnqueueResult doEnqueue(P packet, long nowNs);

	/** The discipline's dequeue ({@code Qdisc_ops.dequeue}); see the class comment. */
	protected abstract P doDequeue(long nowNs);

	/**
	 * The discipline's peek; this default is {@code qdisc_peek_dequeued()}: dequeue and
	 * hold the packet as requeued (without counting a requeue).
	 */
	protected P doPeek(long nowNs) {
		P packet = doDequeue(nowNs);
		if (packet != null) {
			pushHeld(packet);
		}
		return packet;
	}

	private void pushHeld(P packet) {
		if (this.heldCount == this.held.length) {
			this.held = java.util.Arrays.copyOf(this.held, this.held.length * 2);
		}
		this.held[this.heldCount++] = packet;
	}

	@SuppressWarnings("unchecked")
	private P topHeld() {
		return (P) this.held[this.heldCount - 1];
	}

	private P popHeld() {
		P packet = topHeld();
		this.held[--this.heldCount] = null;
		return packet;
	}

	/** Adds a packet that {@code doEnqueue} keeps to the backlog. */
	protected final void queued(P packet) {
		this.backlogPackets++;
		this.backlogBytes += packet.len();
		this.depthDirty = true;
	}

	/** Counts and reports the drop of an arriving packet that was never queued. */
	protected final void droppedArriving(P packet, DropReason reason, long nowNs) {
		countDrop(packet, reason, nowNs);
	}

	/** Removes a held packet from the backlog, counts and reports its drop. */
	protected final void droppedQueued(P packet, DropReason reason, long nowNs) {
		this.backlogPackets--;
		this.backlogBytes -= packet.len();
		this.depthDirty = true;
		countDrop(packet, reason, nowNs);
	}

	private void countDrop(P packet, DropReason reason, long nowNs) {
		if (!reason.isDrop()) {
			throw new IllegalArgumentException("reason: not a drop reason: " + reason);
		}
		this.drops[reason.ordinal()]++;
		this.totalDrops++;
		this.listener.dropped(nowNs, packet, reason);
	}

	private void flushDepth(long nowNs) {
		if (this.depthDirty) {
			this.depthDirty = false;
			this.listener.depthChanged(nowNs, this.backlogPackets, this.backlogBytes);
		}
	}

	/** Packets taken by {@link #enqueue} (queued or dropped). */
	public final long received() {
		return this.received;
	}

	/** Packets handed out by {@link #dequeue} (net of requeues). */
	public final long dequeued() {
		return this.dequeued;
	}

	/** {@code qstats.requeues}. */
	public final long requeues() {
		return this.requeues;
	}

	/** All drops ({@code qstats.drops}). */
	public final long drops() {
		return this.totalDrops;
	}

	/** Drops with this reason. */
	public final long drops(DropReason reason) {
		return this.drops[reason.ordinal()];
	}

	/** {@code sch->q.qlen}: packets held, including a requeued one. */
	public final int backlogPackets() {
		return this.backlogPackets;
	}

	/** {@code sch->qstats.backlog}: bytes held, including a requeued one. */
	public final long backlogBytes() {
		return this.backlogBytes;
	}

	/** Whether the qdisc holds no packet. */
	public final boolean isEmpty() {
		return this.backlogPackets == 0;
	}

	@Override
	public String toString() {
		return this.kind + "[qlen=" + this.backlogPackets + ", backlog=" + this.backlogBytes + "b, drops="
				+ this.totalDrops + "]";
	}

}
