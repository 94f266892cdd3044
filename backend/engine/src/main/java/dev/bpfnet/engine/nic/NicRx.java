package dev.bpfnet.engine.nic;

import java.util.Objects;
import java.util.function.Consumer;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.IrqHandler;
import dev.bpfnet.engine.cpu.Napi;
import dev.bpfnet.engine.cpu.RxHandler;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.qdisc.QueuedPacket;
import dev.bpfnet.engine.sim.EventHandler;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * A single-queue physical NIC's PHY and receive side (datapath.md §6 path C): the RX
 * descriptor ring, interrupt moderation, the hard IRQ handler and the driver's NAPI poll,
 * modelled on mlx5e/ixgbe ({@code mlx5e_napi_poll}, {@code ixgbe_poll},
 * {@code ixgbe_clean_rx_irq}).
 *
 * <p>
 * <b>RX ring.</b> A frame from the {@link Wire} is DMAed into the next free descriptor
 * ({@code phy_rx}, queue depth after). With all {@link Config#ringSize()} descriptors
 * filled, the hardware drops the frame before any skb exists: the kernel has no
 * {@code kfree_skb} for it, the driver counts it ({@code rx_missed_errors} in ixgbe,
 * {@code rx_out_of_buffer} in mlx5; {@link #missed()}). The model still emits exactly one
 * drop event for it, the {@code phy_rx} event with {@link DropReason#FULL_RING}, so that
 * trace-side drop counting stays conservative, and hands the frame to the
 * {@link #setMissedSink missed sink}. Descriptors are refilled instantly (no page pool,
 * no allocation failure).
 *
 * <p>
 * <b>Interrupt moderation</b> (mlx5 CQ moderation, {@code ethtool -C rx-usecs
 * rx-frames}): while the IRQ is armed, the first completion (a received frame, or a
 * transmitted one when a {@link TxCleaner} is set) starts a timer; the IRQ fires on the
 * {@link Config#coalesceNs()} timer or at the {@link Config#coalescePackets()}-th
 * completion, whichever comes first ({@code coalesceNs == 0}: at once). Firing masks the
 * IRQ; it stays masked while the NAPI is scheduled and is re-armed by
 * {@code napi_complete_done} (poll work below budget). Completions while masked are
 * picked up by the running NAPI. Adaptive moderation (DIM) is not modelled.
 *
 * <p>
 * <b>Hard IRQ.</b> On the irq CPU, in HARDIRQ context (the CPU traces {@code irq_handler}
 * and runs softirqs at {@code irq_exit}): {@code napi_schedule} (traced), cost
 * {@code IRQ_HANDLER}.
 *
 * <p>
 * <b>NAPI poll</b> ({@link #poll}, weight {@link Config#weight()}, 64 =
 * {@code NAPI_POLL_WEIGHT}): traces {@code napi_poll} and charges {@code NAPI_POLL}; runs
 * the {@link TxCleaner} first; then for up to {@code budget} frames: driver RX
 * ({@code DRIVER_RX}), {@code build_skb} ({@link SkbBuilder}, {@code BUILD_SKB}),
 * {@code eth_type_trans} ({@code ETH_TYPE_TRANS}), {@code napi_gro_receive} (traced,
 * {@code NAPI_GRO_RECEIVE}), and the {@link RxHandler} ({@code __netif_receive_skb_core}
 * of the datapath). <b>GRO is a pass-through</b>: nothing merges and there is no
 * {@code gro_normal_batch} list: each skb goes up at once (the kernel's
 * {@code netif_receive_skb_list_internal} batches 8; the per-skb work is the same, only
 * the interleaving differs). A poll that did less than its budget calls
 * {@code napi_complete_done} and re-arms the IRQ; one that used the budget (or whose TX
 * clean was incomplete) returns the budget and stays scheduled, IRQ masked.
 *
 * <p>
 * <b>Trace of PHY events.</b> {@code phy_tx} and {@code phy_rx} happen in hardware, at
 * simulator time, outside CPU call chains; they carry the irq CPU's id, context TASK with
 * no task (as {@link Cpu#trace} outside a chain), the NIC's device and queue, and cost no
 * CPU time.
 *
 * <p>
 * Nothing is allocated per frame besides what the {@link SkbBuilder} allocates. Not
 * thread-safe: everything runs on the simulator's thread.
 *
 * @param <P> the frame type
 */
public final class NicRx<P extends QueuedPacket> implements Wire.Port<P>, Napi {

	/**
	 * The NIC's receive parameters and trace identity.
	 *
	 * @param ringSize RX descriptors ({@code ethtool -g} rx), {@code >= 1}; topology
	 * default 1024
	 * @param coalesceNs {@code rx-usecs} in ns, {@code >= 0}; 0 fires the IRQ on every
	 * completion
	 * @param coalescePackets {@code rx-frames}, {@code >= 1}
	 * @param weight the NAPI weight, {@code >= 1}; 64 ({@code NAPI_POLL_WEIGHT})
	 * @param deviceId the NIC's run-wide device id, or {@link TraceSink#NO_ID}
	 * @param netnsId its namespace id, or {@link TraceSink#NO_ID}
	 * @param rxQueueId the RX ring's run-wide queue id, or {@link TraceSink#NO_ID}
	 * @param txQueueId the TX ring's run-wide queue id (for {@code phy_tx}), or
	 * {@link TraceSink#NO_ID}
	 */
	public record Config(int ringSize, long coalesceNs, int coalescePackets, int weight, int deviceId, int netnsId,
			int rxQueueId, int txQueueId) {

		/** {@code NAPI_POLL_WEIGHT}. */
		public static final int NAPI_POLL_WEIGHT = 64;

		public Config {
			if (ringSize < 1) {
				throw new IllegalArgumentException("ringSize must be >= 1, was " + ringSize);
			}
			if (coalesceNs < 0) {
				throw new IllegalArgumentException("coalesceNs must be >= 0, was " + coalesceNs);
			}
			if (coalescePackets < 1) {
				throw new IllegalArgumentException("coalescePackets must be >= 1, was " + coalescePackets);
			}
			if (weight < 1) {
				throw new IllegalArgumentException("weight must be >= 1, was " + weight);
			}
		}

		/**
		 * A NIC with the node's moderation parameters and weight 64.
		 * @param ringSize RX descriptors
		 * @param params the node's {@link SchedParams#irqCoalesceNs()} and
		 * {@link SchedParams#irqCoalescePackets()}
		 * @param deviceId device id
		 * @param netnsId namespace id
		 * @param rxQueueId RX ring queue id
		 * @param txQueueId TX ring queue id
		 * @return the configuration
		 */
		public static Config of(int ringSize, SchedParams params, int deviceId, int netnsId, int rxQueueId,
				int txQueueId) {
			return new Config(ringSize, params.irqCoalesceNs(), params.irqCoalescePackets(), NAPI_POLL_WEIGHT, deviceId,
					netnsId, rxQueueId, txQueueId);
		}

		/**
		 * The same with other moderation parameters.
		 * @param ns {@code rx-usecs} in ns
		 * @param packets {@code rx-frames}
		 * @return a copy
		 */
		public Config withCoalescing(long ns, int packets) {
			return new Config(this.ringSize, ns, packets, this.weight, this.deviceId, this.netnsId, this.rxQueueId,
					this.txQueueId);
		}

		/**
		 * The same with another NAPI weight.
		 * @param w the weight
		 * @return a copy
		 */
		public Config withWeight(int w) {
			return new Config(this.ringSize, this.coalesceNs, this.coalescePackets, w, this.deviceId, this.netnsId,
					this.rxQueueId, this.txQueueId);
		}

	}

	private static final Consumer<Object> NO_SINK = f -> {
	};

	private final Cpu cpu;

	private final Simulator sim;

	private final Config config;

	private final SkbBuilder<? super P> builder;

	private final RxHandler handler;

	private final Object[] ring;

	private int head;

	private int count;

	private TxCleaner txCleaner;

	private Consumer<? super P> missedSink = NO_SINK;

	// ---- interrupt moderation ----

	private boolean armed = true;

	private long armedAtNs;

	private boolean moderating;

	private int moderationCount;

	private long timerEvent = Simulator.NO_EVENT;

	private final EventHandler timer = (s, arg) -> onTimer();

	private final IrqHandler irqHandler = (c, arg) -> hardIrq(c);

	// ---- statistics ----

	private long arrived;

	private long missed;

	private long received;

	private long departed;

	private long irqsRaised;

	private long polls;

	private long completions;

	/**
	 * Creates the receive side.
	 * @param irqCpu the CPU that takes the IRQ and runs the NAPI poll
	 * @param config ring, moderation and ids
	 * @param builder builds an skb per received frame
	 * @param handler {@code __netif_receive_skb_core}: gets each skb, in softirq context
	 */
	public NicRx(Cpu irqCpu, Config config, SkbBuilder<? super P> builder, RxHandler handler) {
		this.cpu = Objects.requireNonNull(irqCpu, "irqCpu");
		this.sim = irqCpu.cpuSet().simulator();
		this.config = Objects.requireNonNull(config, "config");
		this.builder = Objects.requireNonNull(builder, "builder");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.ring = new Object[config.ringSize()];
	}

	/**
	 * Sets the TX clean run at the start of each poll; TX departures then also count as
	 * completions for interrupt moderation.
	 * @param cleaner the cleaner, or {@code null} for none
	 */
	public void setTxCleaner(TxCleaner cleaner) {
		this.txCleaner = cleaner;
	}

	/**
	 * Sets what receives frames dropped on a full RX ring (to release them).
	 * @param sink the sink (keep one instance)
	 */
	public void setMissedSink(Consumer<? super P> sink) {
		this.missedSink = Objects.requireNonNull(sink, "sink");
	}

	/** The configuration. */
	public Config config() {
		return this.config;
	}

	/** The irq CPU. */
	public Cpu irqCpu() {
		return this.cpu;
	}

	@Override
	public int weight() {
		return this.config.weight();
	}

	// =====================================================================
	// PHY (Wire.Port)
	// =====================================================================

	@Override
	public void frameDeparted(P frame, long nowNs) {
		this.departed++;
		this.cpu.traceSink()
			.event(nowNs, frame.id(), this.cpu.id(), Context.TASK, TraceSink.NO_ID, Function.PHY_TX,
					this.config.deviceId(), this.config.netnsId(), this.config.txQueueId(), TraceSink.NO_ID,
					TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		if (this.txCleaner != null) {
			completion(nowNs);
		}
	}

	@Override
	public void frameArrived(P frame, long nowNs) {
		this.arrived++;
		if (this.count == this.ring.length) {
			this.missed++;
			phyRx(frame, nowNs, DropReason.FULL_RING);
			this.missedSink.accept(frame);
			return;
		}
		int tail = this.head + this.count;
		if (tail >= this.ring.length) {
			tail -= this.ring.length;
		}
		this.ring[tail] = frame;
		this.count++;
		phyRx(frame, nowNs, DropReason.NOT_DROPPED_YET);
		completion(nowNs);
	}

	private void phyRx(P frame, long nowNs, DropReason drop) {
		this.cpu.traceSink()
			.event(nowNs, frame.id(), this.cpu.id(), Context.TASK, TraceSink.NO_ID, Function.PHY_RX,
					this.config.deviceId(), this.config.netnsId(), this.config.rxQueueId(), this.count,
					TraceSink.NO_VERDICT, drop);
	}

	// =====================================================================
	// interrupt moderation
	// =====================================================================

	/** A completion entry was written at {@code nowNs}. */
	private void completion(long nowNs) {
		if (!this.armed) {
			return; // the scheduled NAPI will see it
		}
		if (!this.moderating) {
			this.moderating = true;
			this.moderationCount = 0;
			if (this.config.coalesceNs() > 0) {
				long start = Math.max(nowNs, this.armedAtNs);
				this.timerEvent = this.sim.scheduleAt(start + this.config.coalesceNs(), this.timer, 0);
			}
		}
		this.moderationCount++;
		if (this.config.coalesceNs() == 0 || this.moderationCount >= this.config.coalescePackets()) {
			fire();
		}
	}

	private void onTimer() {
		this.timerEvent = Simulator.NO_EVENT;
		if (this.armed && this.moderating) {
			fire();
		}
	}

	private void fire() {
		this.armed = false;
		this.moderating = false;
		this.moderationCount = 0;
		if (this.timerEvent != Simulator.NO_EVENT) {
			this.sim.cancel(this.timerEvent);
			this.timerEvent = Simulator.NO_EVENT;
		}
		this.irqsRaised++;
		this.cpu.raiseIrq(this.irqHandler, 0);
	}

	/** {@code napi_complete_done} returned true: the driver re-enables the IRQ. */
	private void rearm(long nowNs) {
		this.armed = true;
		this.armedAtNs = nowNs;
		for (int k = 0; k < this.count; k++) {
			completion(nowNs);
			if (!this.armed) {
				break;
			}
		}
	}

	// =====================================================================
	// hard IRQ and NAPI
	// =====================================================================

	/** The driver's MSI-X handler: {@code napi_schedule}. */
	private void hardIrq(Cpu c) {
		traceDevice(c, Function.NAPI_SCHEDULE);
		c.spend(CostModel.Id.IRQ_HANDLER, 0);
		c.softnet().napiSchedule(this);
	}

	/** An skb-less event on the running chain that names the NIC and its RX ring. */
	private void traceDevice(Cpu c, Function fn) {
		c.traceSink()
			.event(c.now(), TraceSink.NO_SKB, c.id(), c.context(), c.contextTaskId(), fn, this.config.deviceId(),
					this.config.netnsId(), this.config.rxQueueId(), this.count, TraceSink.NO_VERDICT,
					DropReason.NOT_DROPPED_YET);
	}

	/**
	 * The driver's NAPI poll (see the class documentation).
	 * @param c the polling CPU (the irq CPU), in softirq context
	 * @param budget the quota
	 * @return frames received, or {@code budget} to stay scheduled
	 */
	@SuppressWarnings("unchecked")
	@Override
	public int poll(Cpu c, int budget) {
		this.polls++;
		traceDevice(c, Function.NAPI_POLL);
		c.spend(CostModel.Id.NAPI_POLL, 0);
		boolean txComplete = this.txCleaner == null || this.txCleaner.clean(c);
		int work = 0;
		while (work < budget && this.count > 0) {
			P frame = (P) this.ring[this.head];
			this.ring[this.head] = null;
			this.head = (this.head + 1 == this.ring.length) ? 0 : this.head + 1;
			this.count--;
			int len = frame.len();
			c.spend(CostModel.Id.DRIVER_RX, len);
			Skb skb = this.builder.build(c, frame);
			c.spend(CostModel.Id.BUILD_SKB, len);
			c.spend(CostModel.Id.ETH_TYPE_TRANS, len);
			c.trace(Function.NAPI_GRO_RECEIVE, skb, this.config.rxQueueId(), this.count, DropReason.NOT_DROPPED_YET);
			c.spend(CostModel.Id.NAPI_GRO_RECEIVE, len);
			this.received++;
			work++;
			this.handler.receive(c, skb);
		}
		if (!txComplete) {
			return budget;
		}
		if (work < budget) {
			this.completions++;
			c.softnet().napiComplete(this);
			rearm(c.now());
		}
		return work;
	}

	// =====================================================================
	// statistics
	// =====================================================================

	/** Frames that arrived from the wire (ring-filled plus missed). */
	public long arrived() {
		return this.arrived;
	}

	/** Frames dropped on a full RX ring ({@code rx_missed_errors}). */
	public long missed() {
		return this.missed;
	}

	/** Skbs handed to the receive handler. */
	public long received() {
		return this.received;
	}

	/** Frames waiting in the RX ring. */
	public int ringLength() {
		return this.count;
	}

	/** Frames this port transmitted that left ({@code phy_tx}). */
	public long departed() {
		return this.departed;
	}

	/** Interrupts raised. */
	public long irqsRaised() {
		return this.irqsRaised;
	}

	/** NAPI polls. */
	public long polls() {
		return this.polls;
	}

	/** {@code napi_complete_done} calls (IRQ re-armed). */
	public long napiCompletions() {
		return this.completions;
	}

	/** Whether the IRQ is armed (not masked). */
	public boolean irqArmed() {
		return this.armed;
	}

	@Override
	public String toString() {
		return "NicRx[dev " + this.config.deviceId() + " on " + this.cpu + "]";
	}

}
