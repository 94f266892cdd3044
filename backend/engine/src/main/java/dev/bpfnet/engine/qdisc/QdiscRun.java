package dev.bpfnet.engine.qdisc;

/**
 * The qdisc transmit loop {@code __qdisc_run} (net/sched/sch_generic.c) as a pure step:
 * {@code qdisc_restart} → {@code dequeue_skb} → {@code sch_direct_xmit} →
 * {@code dev_hard_start_xmit}, one packet at a time, until the qdisc is empty, the TX
 * queue is stopped, the driver refuses a packet, or {@code quota} ({@code dev_tx_weight},
 * default 64) packets were sent. The caller (the CPU model: process context in
 * {@code __dev_xmit_skb}, or {@code net_tx_action} in NET_TX softirq) acts on the
 * returned {@link Stop}: when {@link Stop#reschedule()} it calls {@code __netif_schedule}
 * (raise NET_TX); on {@link Stop#QUEUE_STOPPED} the driver's wake
 * ({@code netif_tx_wake_queue}) reschedules later. This class knows nothing about CPUs,
 * costs or tracing: wrap the {@link TxQueue} for that.
 *
 * <p>
 * Follows the kernel in rescheduling whenever the quota runs out, even if the qdisc just
 * became empty (the next {@code net_tx_action} then finds it empty). Simplified: no bulk
 * dequeue ({@code try_bulk_dequeue_skb} under BQL), no GSO segmentation, no
 * {@code TCQ_F_NOLOCK} {@code MISSED} bit. Not a kernel step: a packet the
 * {@link TxQueue} says was enqueued after the running CPU's time is put back
 * ({@link Stop#NOT_ARRIVED}), so that one CPU's call chain, running ahead of the global
 * clock, never lends another CPU a packet from its future.
 *
 * <p>
 * <b>Threading.</b> One instance per run thread; it keeps the count of the last run so
 * that {@link #run} allocates nothing.
 */
public final class QdiscRun {

	/** {@code dev_tx_weight} default ({@code net.core.dev_weight} × tx_weight bias 1). */
	public static final int DEV_TX_WEIGHT = 64;

	/** Why a run ended. */
	public enum Stop {

		/** The qdisc had nothing more to send. */
		EMPTY(false),

		/** The quota was used up: {@code __netif_schedule}. */
		QUOTA(true),

		/**
		 * The TX queue is stopped (ring full or BQL limit): wait for the driver's wake.
		 */
		QUEUE_STOPPED(false),

		/**
		 * The driver returned {@code NETDEV_TX_BUSY}: the packet was requeued
		 * ({@code dev_requeue_skb}, which calls {@code __netif_schedule}).
		 */
		DRIVER_BUSY(true),

		/**
		 * The next packet was enqueued (by another CPU's call chain) at a time after the
		 * running CPU's: it was put back, and {@link QdiscRun#notBeforeNs()} says when it
		 * arrives. Not a kernel outcome: the caller arranges a run at that time.
		 */
		NOT_ARRIVED(false);

		private final boolean reschedule;

		Stop(boolean reschedule) {
			this.reschedule = reschedule;
		}

		/**
		 * Whether the caller must reschedule the qdisc in NET_TX
		 * ({@code __netif_schedule}).
		 */
		public boolean reschedule() {
			return this.reschedule;
		}

	}

	private final int quota;

	private int sent;

	private long notBeforeNs;

	private Object notArrived;

	/** A run with quota {@link #DEV_TX_WEIGHT}. */
	public QdiscRun() {
		this(DEV_TX_WEIGHT);
	}

	/**
	 * @param quota packets per run ({@code dev_tx_weight}), at least 1
	 */
	public QdiscRun(int quota) {
		if (quota < 1) {
			throw new IllegalArgumentException("quota: must be >= 1, got " + quota);
		}
		this.quota = quota;
	}

	/** The quota. */
	public int quota() {
		return this.quota;
	}

	/**
	 * Runs {@code __qdisc_run} once.
	 * @param qdisc the root qdisc
	 * @param txq the device TX queue
	 * @param nowNs the simulated time of the run (all packets move at this instant; the
	 * caller charges CPU time per packet through its {@code TxQueue} wrapper)
	 * @param <P> the packet type
	 * @return why the loop ended; {@link #sent()} says how many packets moved
	 */
	public <P extends QueuedPacket> Stop run(Qdisc<P> qdisc, TxQueue<P> txq, long nowNs) {
		int left = this.quota;
		this.sent = 0;
		while (true) {
			// dequeue_skb: nothing is dequeued while the queue is stopped
			if (txq.stopped()) {
				return Stop.QUEUE_STOPPED;
			}
			P skb = qdisc.dequeue(nowNs);
			if (skb == null) {
				return Stop.EMPTY;
			}
			long arrival = txq.arrivalNs(skb);
			if (arrival > txq.nowNs(nowNs)) {
				qdisc.putBack(skb, nowNs);
				this.notBeforeNs = arrival;
				this.notArrived = skb;
				return Stop.NOT_ARRIVED;
			}
			// sch_direct_xmit
			if (!txq.startXmit(skb, nowNs)) {
				qdisc.requeue(skb, nowNs);
				return Stop.DRIVER_BUSY;
			}
			this.sent++;
			if (--left <= 0) {
				return Stop.QUOTA;
			}
		}
	}

	/**
	 * After {@link Stop#NOT_ARRIVED}: when the packet that was put back entered the
	 * qdisc.
	 */
	public long notBeforeNs() {
		return this.notBeforeNs;
	}

	/**
	 * After {@link Stop#NOT_ARRIVED}: the packet that was put back.
	 * @param <P> the packet type
	 * @return the packet
	 */
	@SuppressWarnings("unchecked")
	public <P extends QueuedPacket> P notArrived() {
		return (P) this.notArrived;
	}

	/** Packets handed to the driver by the last {@link #run}. */
	public int sent() {
		return this.sent;
	}

}
