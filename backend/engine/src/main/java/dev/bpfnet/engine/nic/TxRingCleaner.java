package dev.bpfnet.engine.nic;

import java.util.Objects;
import java.util.function.Consumer;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.qdisc.QueuedPacket;
import dev.bpfnet.engine.qdisc.TxRing;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * The {@link TxCleaner} of a {@link TxRing}: {@code ixgbe_clean_tx_irq} reduced to
 * {@link TxRing#clean} with the polling CPU's time. Each reclaimed packet costs
 * {@code TX_COMPLETION} (DMA unmap and {@code napi_consume_skb}) and goes to the
 * {@code completed} consumer (the datapath's free); one {@code netdev_tx_completed_queue}
 * event with the ring's depth is traced per clean that reclaimed something. The ring's
 * listener sees the BQL update and the queue wake-up ({@code netif_tx_wake_queue},
 * {@code __netif_schedule} is the datapath's).
 *
 * <p>
 * Simplification: the clean uses the CPU's cursor, so a descriptor whose frame left
 * during the running softirq chain can already be reclaimed; the NIC's completion
 * interrupt for it then finds nothing to do.
 *
 * @param <P> the packet type
 */
public final class TxRingCleaner<P extends QueuedPacket> implements TxCleaner {

	/**
	 * Default descriptors per clean: ixgbe's {@code tx_work_limit}
	 * ({@code IXGBE_DEFAULT_TX_WORK}).
	 */
	public static final int DEFAULT_BUDGET = 256;

	private final TxRing<P> ring;

	private final int budget;

	private final int deviceId;

	private final int netnsId;

	private final int queueId;

	private final Consumer<? super P> completed;

	private long cleaned;

	/**
	 * Creates the cleaner.
	 * @param ring the NIC's TX ring
	 * @param budget descriptors per clean, {@code >= 1}
	 * @param deviceId the NIC's device id, or {@link TraceSink#NO_ID}
	 * @param netnsId its namespace id, or {@link TraceSink#NO_ID}
	 * @param queueId the ring's run-wide queue id, or {@link TraceSink#NO_ID}
	 * @param completed receives each reclaimed packet (keep one instance)
	 */
	public TxRingCleaner(TxRing<P> ring, int budget, int deviceId, int netnsId, int queueId,
			Consumer<? super P> completed) {
		this.ring = Objects.requireNonNull(ring, "ring");
		if (budget < 1) {
			throw new IllegalArgumentException("budget must be >= 1, was " + budget);
		}
		this.budget = budget;
		this.deviceId = deviceId;
		this.netnsId = netnsId;
		this.queueId = queueId;
		this.completed = Objects.requireNonNull(completed, "completed");
	}

	@Override
	public boolean clean(Cpu cpu) {
		int n = this.ring.clean(cpu.now(), this.budget, this.completed);
		if (n > 0) {
			this.cleaned += n;
			cpu.traceSink()
				.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), cpu.context(), cpu.contextTaskId(),
						Function.NETDEV_TX_COMPLETED_QUEUE, this.deviceId, this.netnsId, this.queueId,
						this.ring.inUse(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
			for (int i = 0; i < n; i++) {
				cpu.spend(CostModel.Id.TX_COMPLETION, 0);
			}
		}
		long head = this.ring.headDepartureNs();
		return n < this.budget || head < 0 || head > cpu.now();
	}

	/** Descriptors reclaimed by this cleaner. */
	public long cleaned() {
		return this.cleaned;
	}

}
