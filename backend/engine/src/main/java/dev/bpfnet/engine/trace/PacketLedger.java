package dev.bpfnet.engine.trace;

import java.util.Arrays;

/**
 * Follows every packet from its first trace event to its end, for the run's packet totals
 * and the conservation check {@code sent = delivered + dropped + left + in
 * flight}. A packet is an skb id: the engine numbers the skbs it creates 0, 1, 2, ...
 * (datagrams, responses, echo replies, ARP, crafted and replayed frames), and a frame
 * that crosses a wire keeps its id on the other node, so it stays one packet.
 *
 * <p>
 * A packet is <b>born</b> at its first event and ends at most once:
 * <ul>
 * <li><b>delivered</b>: an endpoint took it, queued to a socket
 * ({@code __udp_enqueue_schedule_skb}) or consumed by the stack ({@code consume_skb}: no
 * socket bound, ICMP, ARP);</li>
 * <li><b>dropped</b>: an event with a drop reason ({@code kfree_skb_reason});</li>
 * <li><b>left</b>: {@code phy_tx} on a NIC without a wire (one of {@link #exitDevices}):
 * the frame left the topology;</li>
 * </ul>
 * otherwise it is <b>in flight</b> (in a queue, a ring, on a wire). After a packet was
 * dropped or left, no further event may name it, and a delivered packet may not be
 * dropped or leave: such events are counted as {@link #violations()} (the model's
 * invariant is one end per skb, see {@link TraceSink}); after delivery the socket side
 * ({@code udp_recvmsg}, wake-ups) may still trace it.
 *
 * <p>
 * State is one byte per skb id (ids are dense). Allocation-free except when the table
 * grows. Not thread-safe: record and query on the run's thread, or query after the run.
 */
public final class PacketLedger implements TraceSink {

	private static final byte UNSEEN = 0;

	private static final byte ALIVE = 1;

	private static final byte DELIVERED = 2;

	private static final byte DROPPED = 3;

	private static final byte LEFT = 4;

	private byte[] state = new byte[1 << 12];

	private boolean[] exit = new boolean[0];

	private long born;

	private long delivered;

	private long dropped;

	private long left;

	private long violations;

	private String firstViolation;

	/**
	 * Sets the run-wide ids of the devices a frame leaves the topology through (NICs
	 * without a wire); call before the run.
	 * @param deviceIds device ids, each ≥ 0
	 */
	public void exitDevices(int... deviceIds) {
		int max = -1;
		for (int id : deviceIds) {
			if (id < 0) {
				throw new IllegalArgumentException("exitDevices: device id must be >= 0, got " + id);
			}
			max = Math.max(max, id);
		}
		boolean[] e = new boolean[max + 1];
		for (int id : deviceIds) {
			e[id] = true;
		}
		this.exit = e;
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (skbId < 0) {
			return;
		}
		if (skbId >= this.state.length) {
			grow(skbId);
		}
		int i = (int) skbId;
		byte s = this.state[i];
		if (s == UNSEEN) {
			this.born++;
			s = ALIVE;
			this.state[i] = ALIVE;
		}
		if (drop != DropReason.NOT_DROPPED_YET) {
			end(i, s, DROPPED, fn, skbId);
		}
		else if (fn == Function.UDP_ENQUEUE_SCHEDULE_SKB || fn == Function.CONSUME_SKB) {
			if (s == ALIVE) {
				this.delivered++;
				this.state[i] = DELIVERED;
			}
			else if (s != DELIVERED) {
				violation(skbId, fn, s);
			}
		}
		else if (fn == Function.PHY_TX && deviceId >= 0 && deviceId < this.exit.length && this.exit[deviceId]) {
			end(i, s, LEFT, fn, skbId);
		}
		else if (s == DROPPED || s == LEFT) {
			violation(skbId, fn, s);
		}
	}

	private void end(int i, byte s, byte to, Function fn, long skbId) {
		if (s != ALIVE) {
			violation(skbId, fn, s);
			return;
		}
		this.state[i] = to;
		if (to == DROPPED) {
			this.dropped++;
		}
		else {
			this.left++;
		}
	}

	private void violation(long skbId, Function fn, byte s) {
		this.violations++;
		if (this.firstViolation == null) {
			String was = switch (s) {
				case DELIVERED -> "delivered";
				case DROPPED -> "dropped";
				case LEFT -> "left";
				default -> "alive";
			};
			this.firstViolation = "skb " + skbId + ": " + fn.kernelName() + " after it was " + was;
		}
	}

	private void grow(long skbId) {
		if (skbId > Integer.MAX_VALUE - 16) {
			throw new IllegalStateException("PacketLedger: skb id " + skbId + " is beyond the ledger's range");
		}
		long n = this.state.length;
		while (n <= skbId) {
			n *= 2;
		}
		this.state = Arrays.copyOf(this.state, (int) Math.min(n, Integer.MAX_VALUE - 16));
	}

	/** Packets seen (each skb id once). */
	public long born() {
		return this.born;
	}

	/** Packets an endpoint took. */
	public long delivered() {
		return this.delivered;
	}

	/** Packets dropped. */
	public long dropped() {
		return this.dropped;
	}

	/** Packets that left the topology through a NIC without a wire. */
	public long left() {
		return this.left;
	}

	/** Packets still on their way: born and not ended. */
	public long inFlight() {
		return this.born - this.delivered - this.dropped - this.left;
	}

	/** Events that broke the one-end-per-packet rule. */
	public long violations() {
		return this.violations;
	}

	/** The first such event, described, or {@code null}. */
	public String firstViolation() {
		return this.firstViolation;
	}

}
