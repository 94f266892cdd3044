package dev.bpfnet.engine.trace;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts drops by reason, by device, and by device and reason, like the kernel's
 * per-reason {@code kfree_skb} tracepoint counts and the devices'
 * {@code rx_dropped}/{@code tx_dropped} (ns-3 keeps per-reason drop counters in its queue
 * discs the same way). An event counts as one drop when its reason is not
 * {@link DropReason#NOT_DROPPED_YET}; the model emits exactly one such event per dropped
 * skb (see {@link TraceSink}). Drops without a device are counted under reasons only.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: record and query on the run's thread, or query after
 * the run.
 */
public final class DropCounter implements TraceSink {

	private static final int REASONS = DropReason.values().length;

	private final long[] byReason = new long[REASONS];

	/** [device * REASONS + reason id]. */
	private long[] byDeviceReason = new long[8 * REASONS];

	private long total;

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (drop == DropReason.NOT_DROPPED_YET) {
			return;
		}
		this.total++;
		this.byReason[drop.id()]++;
		if (deviceId >= 0) {
			int slot = deviceId * REASONS + drop.id();
			if (slot >= this.byDeviceReason.length) {
				this.byDeviceReason = Arrays.copyOf(this.byDeviceReason,
						Math.max((deviceId + 1) * REASONS, this.byDeviceReason.length * 2));
			}
			this.byDeviceReason[slot]++;
		}
	}

	/** All drops. */
	public long total() {
		return this.total;
	}

	/** Drops with this reason. */
	public long count(DropReason reason) {
		return this.byReason[reason.id()];
	}

	/** Drops on this device. */
	public long count(int deviceId) {
		long sum = 0;
		for (DropReason reason : DropReason.values()) {
			sum += count(deviceId, reason);
		}
		return sum;
	}

	/** Drops on this device with this reason. */
	public long count(int deviceId, DropReason reason) {
		int slot = deviceId * REASONS + reason.id();
		return (deviceId >= 0 && slot < this.byDeviceReason.length) ? this.byDeviceReason[slot] : 0;
	}

	/** The non-zero counts by reason, in the enum's order. */
	public Map<DropReason, Long> byReason() {
		Map<DropReason, Long> map = new EnumMap<>(DropReason.class);
		for (DropReason reason : DropReason.values()) {
			if (count(reason) != 0) {
				map.put(reason, count(reason));
			}
		}
		return map;
	}

	/** The non-zero counts of one device by reason, in the enum's order. */
	public Map<DropReason, Long> byReason(int deviceId) {
		Map<DropReason, Long> map = new EnumMap<>(DropReason.class);
		for (DropReason reason : DropReason.values()) {
			long n = count(deviceId, reason);
			if (n != 0) {
				map.put(reason, n);
			}
		}
		return map;
	}

}
