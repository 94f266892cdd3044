package dev.bpfnet.engine.qdisc;

import dev.bpfnet.engine.trace.DropReason;

/**
 * {@code pfifo_fast} (net/sched/sch_generic.c), the default qdisc
 * ({@code default_qdisc_ops}): three FIFO bands, band 0 served first. The band comes from
 * {@code skb->priority} through {@link #PRIO2BAND} ({@code prio2band[skb->priority &
 * TC_PRIO_MAX]}).
 *
 * <p>
 * Since the lockless rewrite (4.16) each band is an {@code skb_array} of
 * {@code dev->tx_queue_len} entries ({@code pfifo_fast_init}), so the limit is <em>per
 * band</em>: an arriving packet is tail-dropped with {@code QDISC_DROP}
 * ({@code qdisc_drop_cpu}) when its band already holds {@code txqueuelen} packets.
 * (Before 4.16 the limit was {@code txqueuelen} across the bands; with all traffic in one
 * band, as usual, both are the same.) Per-CPU statistics and {@code TCQ_F_NOLOCK} are not
 * modelled; {@link #canBypass()} reports {@code TCQ_F_CAN_BYPASS}.
 *
 * @param <P> the packet type
 */
public final class PfifoFast<P extends QueuedPacket> extends Qdisc<P> {

	/** The kernel's name. */
	public static final String KIND = "pfifo_fast";

	/** {@code PFIFO_FAST_BANDS}. */
	public static final int BANDS = 3;

	/** {@code TC_PRIO_MAX} (include/uapi/linux/pkt_sched.h). */
	public static final int TC_PRIO_MAX = 15;

	/** {@code TC_PRIO_BESTEFFORT}. */
	public static final int TC_PRIO_BESTEFFORT = 0;

	/** {@code TC_PRIO_FILLER}. */
	public static final int TC_PRIO_FILLER = 1;

	/** {@code TC_PRIO_BULK}. */
	public static final int TC_PRIO_BULK = 2;

	/** {@code TC_PRIO_INTERACTIVE_BULK}. */
	public static final int TC_PRIO_INTERACTIVE_BULK = 4;

	/** {@code TC_PRIO_INTERACTIVE}. */
	public static final int TC_PRIO_INTERACTIVE = 6;

	/** {@code TC_PRIO_CONTROL}. */
	public static final int TC_PRIO_CONTROL = 7;

	/** The kernel's {@code prio2band[TC_PRIO_MAX + 1]} (sch_generic.c). */
	private static final int[] PRIO2BAND = { 1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 };

	private final int txqueuelen;

	/** Per band a ring of {@code txqueuelen} entries, like the kernel's skb_array. */
	private final Object[][] rings = new Object[BANDS][];

	private final int[] heads = new int[BANDS];

	private final int[] counts = new int[BANDS];

	/**
	 * @param txqueuelen {@code dev->tx_queue_len}, the per-band limit, at least 1
	 * ({@code pfifo_fast_init} refuses 0)
	 */
	public PfifoFast(int txqueuelen) {
		super(KIND);
		if (txqueuelen < 1) {
			throw new IllegalArgumentException("txqueuelen: must be >= 1, got " + txqueuelen);
		}
		this.txqueuelen = txqueuelen;
		for (int b = 0; b < BANDS; b++) {
			this.rings[b] = new Object[txqueuelen];
		}
	}

	/**
	 * The band of a priority: {@code prio2band[priority & TC_PRIO_MAX]}.
	 * @param priority {@code skb->priority}
	 * @return 0 (served first), 1 or 2
	 */
	public static int prio2band(int priority) {
		return PRIO2BAND[priority & TC_PRIO_MAX];
	}

	/** The per-band limit. */
	public int txqueuelen() {
		return this.txqueuelen;
	}

	/** Packets in a band. */
	public int bandLength(int band) {
		return this.counts[band];
	}

	@Override
	public boolean canBypass() {
		return true;
	}

	/** Models {@code pfifo_fast_enqueue}. */
	@Override
	protected EnqueueResult doEnqueue(P packet, long nowNs) {
		int band = prio2band(packet.priority());
		if (this.counts[band] == this.txqueuelen) {
			droppedArriving(packet, DropReason.QDISC_DROP, nowNs);
			return EnqueueResult.DROP;
		}
		int tail = this.heads[band] + this.counts[band];
		if (tail >= this.txqueuelen) {
			tail -= this.txqueuelen;
		}
		this.rings[band][tail] = packet;
		this.counts[band]++;
		queued(packet);
		return EnqueueResult.SUCCESS;
	}

	/** Models {@code pfifo_fast_dequeue}: the first non-empty band. */
	@Override
	protected P doDequeue(long nowNs) {
		for (int band = 0; band < BANDS; band++) {
			if (this.counts[band] != 0) {
				Object[] ring = this.rings[band];
				int head = this.heads[band];
				@SuppressWarnings("unchecked")
				P packet = (P) ring[head];
				ring[head] = null;
				this.heads[band] = (head + 1 == this.txqueuelen) ? 0 : head + 1;
				this.counts[band]--;
				return packet;
			}
		}
		return null;
	}

	/** Models {@code pfifo_fast_peek}. */
	@Override
	@SuppressWarnings("unchecked")
	protected P doPeek(long nowNs) {
		for (int band = 0; band < BANDS; band++) {
			if (this.counts[band] != 0) {
				return (P) this.rings[band][this.heads[band]];
			}
		}
		return null;
	}

}
