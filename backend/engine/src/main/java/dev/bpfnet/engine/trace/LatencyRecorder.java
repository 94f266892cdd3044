package dev.bpfnet.engine.trace;

import java.util.Arrays;

import org.HdrHistogram.Histogram;

/**
 * Per flow, an HdrHistogram of latencies (one-way or round-trip, in ns) that the traffic
 * layer records with {@link #record(int, long)}, e.g. one value per TCP_RR-like
 * transaction. Flow ids are the run-wide ids registered in {@link Names}; display names
 * live there.
 *
 * <p>
 * Histograms keep {@value #SIGNIFICANT_DIGITS} significant decimal digits (values are
 * exact to 0.1%) and resize automatically, so recording allocates only when a flow sees a
 * value beyond its current range.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: record and query on the run's thread, or query after
 * the run.
 */
public final class LatencyRecorder {

	/** Significant decimal digits of every histogram. */
	public static final int SIGNIFICANT_DIGITS = 3;

	private Histogram[] flows = new Histogram[8];

	/**
	 * Records one latency of {@code flow}.
	 * @throws IllegalArgumentException for a negative flow id or latency
	 */
	public void record(int flow, long latencyNs) {
		if (flow < 0) {
			throw new IllegalArgumentException("flow: must be >= 0, got " + flow);
		}
		if (latencyNs < 0) {
			throw new IllegalArgumentException("latencyNs: flow " + flow + " got a negative latency " + latencyNs);
		}
		if (flow >= this.flows.length) {
			this.flows = Arrays.copyOf(this.flows, Math.max(flow + 1, this.flows.length * 2));
		}
		Histogram h = this.flows[flow];
		if (h == null) {
			h = new Histogram(SIGNIFICANT_DIGITS);
			this.flows[flow] = h;
		}
		h.recordValue(latencyNs);
	}

	/** The ids of the flows with at least one value, ascending. */
	public int[] flowIds() {
		int[] ids = new int[this.flows.length];
		int n = 0;
		for (int k = 0; k < this.flows.length; k++) {
			if (this.flows[k] != null) {
				ids[n++] = k;
			}
		}
		return Arrays.copyOf(ids, n);
	}

	/** A copy of the flow's histogram (empty if the flow has no values). */
	public Histogram histogram(int flow) {
		Histogram h = (flow >= 0 && flow < this.flows.length) ? this.flows[flow] : null;
		return (h != null) ? h.copy() : new Histogram(SIGNIFICANT_DIGITS);
	}

	/** The flow's percentiles ({@link LatencySummary#EMPTY} if it has no values). */
	public LatencySummary summary(int flow) {
		Histogram h = (flow >= 0 && flow < this.flows.length) ? this.flows[flow] : null;
		if (h == null || h.getTotalCount() == 0) {
			return LatencySummary.EMPTY;
		}
		return new LatencySummary(h.getTotalCount(), h.getMinValue(), h.getValueAtPercentile(50),
				h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
				h.getMean());
	}

	/**
	 * Latency percentiles of one flow, in ns. Values come from the histogram, so they are
	 * exact to {@value LatencyRecorder#SIGNIFICANT_DIGITS} significant digits
	 * (HdrHistogram reports the highest value equivalent to the recorded one).
	 *
	 * @param count number of values
	 * @param minNs smallest value
	 * @param p50Ns median
	 * @param p90Ns 90th percentile
	 * @param p99Ns 99th percentile
	 * @param p999Ns 99.9th percentile
	 * @param maxNs largest value
	 * @param meanNs mean
	 */
	public record LatencySummary(long count, long minNs, long p50Ns, long p90Ns, long p99Ns, long p999Ns, long maxNs,
			double meanNs) {

		/** The summary of a flow without values. */
		public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);

		public LatencySummary {
			if (count < 0) {
				throw new IllegalArgumentException("count: must be >= 0, got " + count);
			}
			if (count > 0
					&& !(minNs <= p50Ns && p50Ns <= p90Ns && p90Ns <= p99Ns && p99Ns <= p999Ns && p999Ns <= maxNs)) {
				throw new IllegalArgumentException(
						"percentiles: must be ordered min <= p50 <= p90 <= p99 <= p999 <= max, got " + minNs + ", "
								+ p50Ns + ", " + p90Ns + ", " + p99Ns + ", " + p999Ns + ", " + maxNs);
			}
		}

	}

}
