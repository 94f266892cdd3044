package dev.bpfnet.engine.qdisc;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A NIC driver's TX descriptor ring with its link: {@code ndo_start_xmit} posts a packet
 * ({@link #startXmit}/{@link #post}), the hardware serialises posted packets one after
 * the other at the line rate, and the driver's TX clean in NAPI poll ({@link #clean})
 * reclaims descriptors whose packets have left, as drivers such as ixgbe/i40e do
 * ({@code ixgbe_xmit_frame_ring}, {@code ixgbe_clean_tx_irq}).
 *
 * <p>
 * <b>Stop and wake.</b> After posting, the driver stops the queue
 * ({@code netif_tx_stop_queue}) when no descriptor is free; the clean wakes it
 * ({@code netif_tx_wake_queue}) once at least {@link Config#wakeThreshold()} are free
 * again. With BQL ({@link Config#bqlLimitMax()} present), {@code netdev_tx_sent_queue}
 * also stops it when the bytes in flight exceed the {@link DynamicQueueLimits} limit and
 * {@code netdev_tx_completed_queue} restarts it. Either wake means
 * {@code __netif_schedule} for the qdisc; {@link Listener#woken} tells the caller.
 *
 * <p>
 * <b>Link.</b> Serialisation takes {@code (len + wireOverheadBytes) × 8 / rate} seconds;
 * each departure is rounded down to a nanosecond and the ring carries the fraction to the
 * next packet, so a run of back-to-back packets keeps the exact line rate (no rounding
 * drift, each departure at most 1 ns early). A packet's departure time is when its last
 * bit has left; propagation belongs to the wire.
 *
 * <p>
 * <b>Simplifications.</b> One descriptor per packet (no fragments, no context
 * descriptors), no TX timestamping or doorbell batching ({@code xmit_more}), completion
 * visible to the driver as soon as the packet left.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe; one run's thread. Nothing is allocated per packet.
 *
 * @param <P> the packet type
 */
public final class TxRing<P extends QueuedPacket> implements TxQueue<P> {

	/**
	 * TX ring parameters.
	 *
	 * @param size descriptors ({@code ethtool -g} tx), at least 1
	 * @param wakeThreshold free descriptors needed to wake a stopped queue, in [1, size]
	 * (drivers use hysteresis: ixgbe's {@code TX_WAKE_THRESHOLD} is about 42)
	 * @param rateBps line rate in bit/s, in [1000, 10^15]
	 * @param wireOverheadBytes bytes on the wire beyond {@code skb->len}: 24 for Ethernet
	 * (preamble and SFD 8, FCS 4, inter-frame gap 12), 0 to serialise exactly {@code len}
	 * @param bqlLimitMax BQL {@code limit_max} in bytes; empty = BQL off
	 */
	public record Config(int size, int wakeThreshold, long rateBps, int wireOverheadBytes, OptionalLong bqlLimitMax) {

		/** Ethernet overhead per frame outside {@code skb->len}. */
		public static final int ETHERNET_OVERHEAD = 24;

		/** Default wake threshold (capped at the ring size). */
		public static final int DEFAULT_WAKE_THRESHOLD = 32;

		public Config {
			if (size < 1) {
				throw new IllegalArgumentException("size: must be >= 1, got " + size);
			}
			if (wakeThreshold < 1 || wakeThreshold > size) {
				throw new IllegalArgumentException(
						"wakeThreshold: must be in [1, size " + size + "], got " + wakeThreshold);
			}
			if (rateBps < 1000 || rateBps > 1_000_000_000_000_000L) {
				throw new IllegalArgumentException("rateBps: must be in [1000, 10^15], got " + rateBps);
			}
			if (wireOverheadBytes < 0) {
				throw new IllegalArgumentException("wireOverheadBytes: must be >= 0, got " + wireOverheadBytes);
			}
			Objects.requireNonNull(bqlLimitMax, "bqlLimitMax");
			if (bqlLimitMax.isPresent() && bqlLimitMax.getAsLong() < 1) {
				throw new IllegalArgumentException("bqlLimitMax: must be empty or >= 1, got " + bqlLimitMax);
			}
		}

		/**
		 * A ring with the default wake threshold and Ethernet overhead.
		 * @param size descriptors
		 * @param rateBps line rate in bit/s
		 * @param bqlLimitMax BQL {@code limit_max} or empty
		 */
		public static Config of(int size, long rateBps, OptionalLong bqlLimitMax) {
			return new Config(size, Math.min(size, DEFAULT_WAKE_THRESHOLD), rateBps, ETHERNET_OVERHEAD, bqlLimitMax);
		}

	}

	/**
	 * Observes a ring; called synchronously on the run's thread, must not call back into
	 * the ring.
	 *
	 * @param <P> the packet type
	 */
	public interface Listener<P extends QueuedPacket> {

		/** The queue was stopped: by the driver (ring full) or by BQL. */
		default void stopped(long nowNs, boolean byBql) {
		}

		/** The queue is running again: the qdisc must be rescheduled. */
		default void woken(long nowNs) {
		}

		/** Descriptors in use and their bytes changed. */
		default void depthChanged(long nowNs, int descriptors, long bytes) {
		}

	}

	private static final Listener<QueuedPacket> NO_LISTENER = new Listener<>() {
	};

	private final Config config;

	private final Object[] packets;

	private final long[] departures;

	private final DynamicQueueLimits dql;

	/** Quotient and remainder of {@link #divide}, reused. */
	private final long[] scratch = new long[2];

	private Listener<? super P> listener;

	private int head;

	private int count;

	private long bytes;

	private boolean driverXoff;

	private boolean stackXoff;

	private long linkFreeAtNs;

	/** Fraction of a nanosecond carried between packets, in units of 1/rate ns. */
	private long carry;

	private long lastDepartureNs = -1;

	private long posted;

	private long completed;

	private long stops;

	private long busy;

	@SuppressWarnings("unchecked")
	public TxRing(Config config) {
		this.config = Objects.requireNonNull(config, "config");
		this.packets = new Object[config.size()];
		this.departures = new long[config.size()];
		this.dql = config.bqlLimitMax().isPresent() ? new DynamicQueueLimits(0, config.bqlLimitMax().getAsLong())
				: null;
		this.listener = (Listener<? super P>) (Listener<?>) NO_LISTENER;
	}

	/** The parameters. */
	public Config config() {
		return this.config;
	}

	/** Sets the listener (one; compose several yourself). */
	public void setListener(Listener<? super P> listener) {
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/**
	 * Exact serialisation time of {@code bits} at {@code rateBps}, rounded up to a whole
	 * nanosecond: {@code ceil(bits × 10^9 / rate)}, without overflow for any packet size.
	 */
	public static long serialisationNs(long bytes, long rateBps) {
		if (bytes < 0 || rateBps < 1000 || rateBps > 1_000_000_000_000_000L) {
			throw new IllegalArgumentException(
					"bytes >= 0 and rateBps in [1000, 10^15] required, got " + bytes + ", " + rateBps);
		}
		long[] qr = new long[2];
		divide(bytes * 8, rateBps, qr);
		return qr[0] + ((qr[1] != 0) ? 1 : 0);
	}

	/**
	 * {@code floor(bits × 10^9 / rate)} into {@code out[0]} and the remainder (units of
	 * 1/rate ns) into {@code out[1]}, by long division in base 1000 so no intermediate
	 * exceeds {@code rate × 1000} (rate ≤ 10^15).
	 */
	private static void divide(long bits, long rate, long[] out) {
		long q = Math.multiplyExact(bits / rate, 1_000_000_000L);
		long r = bits % rate;
		long scale = 1_000_000L;
		for (int i = 0; i < 3; i++) {
			r *= 1000;
			q += (r / rate) * scale;
			r %= rate;
			scale /= 1000;
		}
		out[0] = q;
		out[1] = r;
	}

	@Override
	public boolean stopped() {
		return this.driverXoff || this.stackXoff;
	}

	/** Whether the driver stopped the queue because the ring is full. */
	public boolean stoppedByDriver() {
		return this.driverXoff;
	}

	/** Whether BQL stopped the queue ({@code __QUEUE_STATE_STACK_XOFF}). */
	public boolean stoppedByBql() {
		return this.stackXoff;
	}

	@Override
	public boolean startXmit(P packet, long nowNs) {
		return post(packet, nowNs) >= 0;
	}

	/**
	 * {@code ndo_start_xmit}: puts a packet on the ring and on the link queue.
	 * @param packet the packet
	 * @param nowNs the simulated time, not before the previous post
	 * @return the packet's departure time (last bit on the wire), or -1 if no descriptor
	 * was free ({@code NETDEV_TX_BUSY}, the packet was not taken)
	 */
	public long post(P packet, long nowNs) {
		Objects.requireNonNull(packet, "packet");
		if (this.count == this.packets.length) {
			this.busy++;
			return -1;
		}
		long[] qr = this.scratch;
		divide((packet.len() + (long) this.config.wireOverheadBytes()) * 8, this.config.rateBps(), qr);
		long ser = qr[0];
		this.carry += qr[1];
		if (this.carry >= this.config.rateBps()) {
			this.carry -= this.config.rateBps();
			ser++;
		}
		long start = Math.max(nowNs, this.linkFreeAtNs);
		long departure = start + ser;
		this.linkFreeAtNs = departure;
		int tail = this.head + this.count;
		if (tail >= this.packets.length) {
			tail -= this.packets.length;
		}
		this.packets[tail] = packet;
		this.departures[tail] = departure;
		this.count++;
		this.bytes += packet.len();
		this.posted++;
		this.lastDepartureNs = departure;
		this.listener.depthChanged(nowNs, this.count, this.bytes);
		if (this.dql != null) {
			// netdev_tx_sent_queue
			this.dql.queued(packet.len());
			if (this.dql.avail() < 0 && !this.stackXoff) {
				this.stackXoff = true;
				this.stops++;
				this.listener.stopped(nowNs, true);
			}
		}
		if (this.count == this.packets.length && !this.driverXoff) {
			// netif_tx_stop_queue: no room for the next packet
			this.driverXoff = true;
			this.stops++;
			this.listener.stopped(nowNs, false);
		}
		return departure;
	}

	/**
	 * The driver's TX clean (NAPI poll): reclaims, oldest first, up to {@code budget}
	 * descriptors whose packets left by {@code nowNs}, hands each packet to
	 * {@code completedSink} (to be freed with {@code consume_skb}), reports the bytes to
	 * BQL ({@code netdev_tx_completed_queue}) and wakes the queue if it may run again.
	 * @param nowNs the simulated time
	 * @param budget most descriptors to reclaim, at least 1
	 * @param completedSink receives each reclaimed packet (reuse one instance)
	 * @return descriptors reclaimed
	 */
	@SuppressWarnings("unchecked")
	public int clean(long nowNs, int budget, Consumer<? super P> completedSink) {
		if (budget < 1) {
			throw new IllegalArgumentException("budget: must be >= 1, got " + budget);
		}
		boolean wasStopped = stopped();
		int n = 0;
		long doneBytes = 0;
		while (n < budget && this.count > 0 && this.departures[this.head] <= nowNs) {
			P packet = (P) this.packets[this.head];
			this.packets[this.head] = null;
			this.head = (this.head + 1 == this.packets.length) ? 0 : this.head + 1;
			this.count--;
			this.bytes -= packet.len();
			doneBytes += packet.len();
			n++;
			completedSink.accept(packet);
		}
		if (n == 0) {
			return 0;
		}
		this.completed += n;
		this.listener.depthChanged(nowNs, this.count, this.bytes);
		if (this.dql != null) {
			this.dql.completed(doneBytes, nowNs);
			if (this.stackXoff && this.dql.avail() >= 0) {
				this.stackXoff = false;
			}
		}
		if (this.driverXoff && free() >= this.config.wakeThreshold()) {
			this.driverXoff = false;
		}
		if (wasStopped && !stopped()) {
			this.listener.woken(nowNs);
		}
		return n;
	}

	/** Free descriptors. */
	public int free() {
		return this.packets.length - this.count;
	}

	/** Descriptors in use (posted, not yet reclaimed). */
	public int inUse() {
		return this.count;
	}

	/** Bytes of the packets on the ring. */
	public long bytes() {
		return this.bytes;
	}

	/**
	 * Departure time of the oldest packet on the ring, when the next {@link #clean} can
	 * reclaim something, or -1 if the ring is empty.
	 */
	public long headDepartureNs() {
		return (this.count == 0) ? -1 : this.departures[this.head];
	}

	/** Departure time of the last posted packet, or -1 before the first post. */
	public long lastDepartureNs() {
		return this.lastDepartureNs;
	}

	/** When the link finishes the packets posted so far. */
	public long linkFreeAtNs() {
		return this.linkFreeAtNs;
	}

	/** The BQL state, or {@code null} when BQL is off. */
	public DynamicQueueLimits bql() {
		return this.dql;
	}

	/** Packets posted. */
	public long posted() {
		return this.posted;
	}

	/** Packets reclaimed by {@link #clean}. */
	public long completed() {
		return this.completed;
	}

	/** Times the queue was stopped (driver or BQL). */
	public long stops() {
		return this.stops;
	}

	/** {@code NETDEV_TX_BUSY} answers (posts to a full ring). */
	public long busy() {
		return this.busy;
	}

}
