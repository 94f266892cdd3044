package dev.bpfnet.engine.nic;

import java.util.Objects;

import dev.bpfnet.engine.qdisc.QueuedPacket;
import dev.bpfnet.engine.sim.EventHandler;
import dev.bpfnet.engine.sim.Simulator;

/**
 * A full-duplex cable between two NIC ports, sides {@link #A} and {@link #B}, possibly on
 * different nodes sharing one {@link Simulator} (the topology's {@code Wire}).
 * {@link #transmit} is called when a frame is posted to a TX ring, with the departure
 * time the ring computed (last bit on the wire; serialisation belongs to the
 * {@code TxRing}); at that time the sending port is told ({@link Port#frameDeparted},
 * traced as {@code phy_tx}), and {@link #latencyNs()} later the other port receives it
 * ({@link Port#frameArrived}, {@code phy_rx}).
 *
 * <p>
 * Each direction is a FIFO: departures are non-decreasing and the latency is constant, so
 * frames arrive in the order they left; two frames with the same arrival time arrive in
 * transmit order. No loss, no corruption, no rate cap (the TX ring runs at the slower
 * rate). Deterministic; nothing is allocated per frame once the per-direction buffers
 * have grown to the number of frames in flight.
 *
 * <p>
 * Not thread-safe: everything runs on the simulator's thread.
 *
 * @param <P> the frame type
 */
public final class Wire<P extends QueuedPacket> {

	/** Side A. */
	public static final int A = 0;

	/** Side B. */
	public static final int B = 1;

	/**
	 * One end of the wire: a NIC's PHY. Called from simulator events, outside any CPU
	 * call chain.
	 *
	 * @param <P> the frame type
	 */
	public interface Port<P> {

		/**
		 * The last bit of a frame this port transmitted has left ({@code phy_tx}).
		 * @param frame the frame
		 * @param nowNs the departure time
		 */
		void frameDeparted(P frame, long nowNs);

		/**
		 * A frame arrived from the wire ({@code phy_rx}); the port owns it from now on.
		 * @param frame the frame
		 * @param nowNs the arrival time
		 */
		void frameArrived(P frame, long nowNs);

	}

	private final Simulator sim;

	private final long latencyNs;

	@SuppressWarnings("unchecked")
	private final Port<? super P>[] ports = new Port[2];

	private final Direction[] dirs = { new Direction(), new Direction() };

	private final EventHandler departure = (s, side) -> onDeparture((int) side);

	private final EventHandler arrival = (s, side) -> onArrival((int) side);

	/**
	 * Creates an unattached wire.
	 * @param sim the run's simulator
	 * @param latencyNs propagation delay in ns, {@code >= 0}
	 */
	public Wire(Simulator sim, long latencyNs) {
		this.sim = Objects.requireNonNull(sim, "sim");
		if (latencyNs < 0) {
			throw new IllegalArgumentException("latencyNs must be >= 0, was " + latencyNs);
		}
		this.latencyNs = latencyNs;
	}

	/** The propagation delay in ns. */
	public long latencyNs() {
		return this.latencyNs;
	}

	/**
	 * Plugs a port into one side.
	 * @param side {@link #A} or {@link #B}
	 * @param port the NIC's PHY
	 */
	public void attach(int side, Port<? super P> port) {
		checkSide(side);
		Objects.requireNonNull(port, "port");
		if (this.ports[side] != null) {
			throw new IllegalStateException("side " + side + " of the wire is already attached");
		}
		this.ports[side] = port;
	}

	/**
	 * The port on a side, or {@code null}.
	 * @param side {@link #A} or {@link #B}
	 * @return the port
	 */
	public Port<? super P> port(int side) {
		checkSide(side);
		return this.ports[side];
	}

	/**
	 * Sends a frame from one side: it leaves at {@code departureNs} and reaches the other
	 * side {@link #latencyNs()} later. Call when the frame is posted to the TX ring, with
	 * the departure time {@code TxRing.post} returned.
	 * @param fromSide the sending side
	 * @param frame the frame
	 * @param departureNs when its last bit leaves: not before the simulator's time nor
	 * before the previous departure on this side
	 */
	public void transmit(int fromSide, P frame, long departureNs) {
		checkSide(fromSide);
		Objects.requireNonNull(frame, "frame");
		if (this.ports[A] == null || this.ports[B] == null) {
			throw new IllegalStateException("transmit on a wire with an unattached side");
		}
		Direction d = this.dirs[fromSide];
		if (departureNs < this.sim.now() || departureNs < d.lastDepartureNs) {
			throw new IllegalArgumentException("departureNs " + departureNs + " is before the simulator's time "
					+ this.sim.now() + " or the previous departure " + d.lastDepartureNs + " on side " + fromSide);
		}
		d.push(frame, departureNs);
		d.lastDepartureNs = departureNs;
		d.sent++;
		this.sim.scheduleAt(departureNs, this.departure, fromSide);
	}

	@SuppressWarnings("unchecked")
	private void onDeparture(int side) {
		Direction d = this.dirs[side];
		P frame = (P) d.frames[d.index(d.departed)];
		long at = d.times[d.index(d.departed)];
		d.departed++;
		this.ports[side].frameDeparted(frame, this.sim.now());
		if (this.latencyNs == 0) {
			onArrival(side);
		}
		else {
			this.sim.scheduleAt(at + this.latencyNs, this.arrival, side);
		}
	}

	@SuppressWarnings("unchecked")
	private void onArrival(int side) {
		Direction d = this.dirs[side];
		P frame = (P) d.pop();
		d.delivered++;
		d.departed--;
		this.ports[1 - side].frameArrived(frame, this.sim.now());
	}

	/**
	 * Frames sent from a side so far.
	 * @param side the sending side
	 * @return frames
	 */
	public long sent(int side) {
		checkSide(side);
		return this.dirs[side].sent;
	}

	/**
	 * Frames sent from a side that reached the other side.
	 * @param side the sending side
	 * @return frames
	 */
	public long delivered(int side) {
		checkSide(side);
		return this.dirs[side].delivered;
	}

	/**
	 * Frames sent from a side that have not arrived yet (waiting to depart or
	 * propagating).
	 * @param side the sending side
	 * @return frames
	 */
	public int inFlight(int side) {
		checkSide(side);
		return this.dirs[side].size;
	}

	private static void checkSide(int side) {
		if (side != A && side != B) {
			throw new IllegalArgumentException("side must be Wire.A (0) or Wire.B (1), was " + side);
		}
	}

	/**
	 * One direction: a FIFO of frames and departure times; the first {@code departed}
	 * entries have left and are propagating.
	 */
	private static final class Direction {

		Object[] frames = new Object[16];

		long[] times = new long[16];

		int head;

		int size;

		int departed;

		long lastDepartureNs = Long.MIN_VALUE;

		long sent;

		long delivered;

		int index(int k) {
			return (this.head + k) & (this.frames.length - 1);
		}

		void push(Object frame, long time) {
			if (this.size == this.frames.length) {
				int n = this.frames.length;
				Object[] f = new Object[n * 2];
				long[] t = new long[n * 2];
				for (int k = 0; k < this.size; k++) {
					f[k] = this.frames[index(k)];
					t[k] = this.times[index(k)];
				}
				this.frames = f;
				this.times = t;
				this.head = 0;
			}
			int slot = index(this.size);
			this.frames[slot] = frame;
			this.times[slot] = time;
			this.size++;
		}

		Object pop() {
			Object f = this.frames[this.head];
			this.frames[this.head] = null;
			this.head = (this.head + 1) & (this.frames.length - 1);
			this.size--;
			return f;
		}

	}

}
