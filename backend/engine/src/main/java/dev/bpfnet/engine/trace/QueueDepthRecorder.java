package dev.bpfnet.engine.trace;

import java.util.Arrays;

/**
 * Per queue, a time series of (time, depth) changes, for the queue gauges and depth
 * plots: every event with a {@code queueId} and {@code queueDepth} is a sample, and a
 * sample is kept when the depth differs from the queue's previous sample.
 *
 * <p>
 * <b>Bounded memory and downsampling.</b> A queue keeps every change until it holds
 * {@code maxPoints} points. Then time is cut into buckets of equal width starting at the
 * queue's first sample, and each bucket keeps only two samples: the one with the lowest
 * and the one with the highest depth (the first of each if tied; one sample if they
 * coincide), in time order. The first width is chosen so that the buckets fill a quarter
 * of the buffer; whenever the buffer fills again, the width doubles and buckets merge,
 * until at most half the buffer is used. Peaks and troughs (a backlog filling up to
 * {@code netdev_max_backlog}, a drain to 0) survive; the exact shape between them does
 * not. {@link Series#maxDepth()}, {@link Series#lastDepth()} and {@link Series#changes()}
 * stay exact. Memory is 12 bytes × {@code maxPoints} per queue seen.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: record and query on the run's thread, or query after
 * the run.
 */
public final class QueueDepthRecorder implements TraceSink {

	/** Default points per queue before downsampling. */
	public static final int DEFAULT_MAX_POINTS = 4096;

	private final int maxPoints;

	private Series[] series = new Series[16];

	/** A recorder keeping up to {@value #DEFAULT_MAX_POINTS} points per queue. */
	public QueueDepthRecorder() {
		this(DEFAULT_MAX_POINTS);
	}

	/**
	 * A recorder keeping up to {@code maxPoints} points per queue.
	 * @param maxPoints points per queue before downsampling, at least 8
	 */
	public QueueDepthRecorder(int maxPoints) {
		if (maxPoints < 8) {
			throw new IllegalArgumentException("maxPoints: must be >= 8, got " + maxPoints);
		}
		this.maxPoints = maxPoints;
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (queueId < 0 || queueDepth < 0) {
			return;
		}
		if (queueId >= this.series.length) {
			this.series = Arrays.copyOf(this.series, Math.max(queueId + 1, this.series.length * 2));
		}
		Series s = this.series[queueId];
		if (s == null) {
			s = new Series(queueId, this.maxPoints);
			this.series[queueId] = s;
		}
		s.add(timeNs, queueDepth);
	}

	/** The series of a queue, or {@code null} if the queue never had a sample. */
	public Series series(int queueId) {
		return (queueId >= 0 && queueId < this.series.length) ? this.series[queueId] : null;
	}

	/** The ids of all queues with samples, ascending. */
	public int[] queueIds() {
		int n = 0;
		for (Series s : this.series) {
			if (s != null) {
				n++;
			}
		}
		int[] ids = new int[n];
		n = 0;
		for (Series s : this.series) {
			if (s != null) {
				ids[n++] = s.queueId;
			}
		}
		return ids;
	}

	/**
	 * The depth series of one queue. Points are in time order; times may repeat when
	 * several changes happen at the same simulated instant.
	 */
	public static final class Series {

		private final int queueId;

		private final int capacity;

		private final long[] times;

		private final int[] depths;

		private int n;

		private long origin;

		private long width;

		private int lastDepth = -1;

		private int maxDepth;

		private long changes;

		Series(int queueId, int capacity) {
			this.queueId = queueId;
			this.capacity = capacity;
			this.times = new long[capacity];
			this.depths = new int[capacity];
		}

		void add(long time, int depth) {
			if (this.changes > 0 && depth == this.lastDepth) {
				return;
			}
			if (this.changes == 0) {
				this.origin = time;
			}
			this.changes++;
			this.lastDepth = depth;
			this.maxDepth = Math.max(this.maxDepth, depth);
			if (this.width == 0) {
				append(time, depth);
				if (this.n == this.capacity) {
					long span = this.times[this.n - 1] - this.origin + 1;
					long buckets = this.capacity / 4;
					compact(Math.max(1, (span + buckets - 1) / buckets));
				}
				return;
			}
			long bucket = bucketOf(time);
			int tail = this.n;
			while (tail > 0 && tail > this.n - 2 && bucketOf(this.times[tail - 1]) == bucket) {
				tail--;
			}
			if (tail == this.n) {
				append(time, depth);
				if (this.n == this.capacity) {
					compact(this.width * 2);
				}
				return;
			}
			// merge the new sample into the last bucket (1 or 2 points at [tail, n))
			int minAt = -1;
			int maxAt = -1;
			long minT = 0;
			long maxT = 0;
			int minD = Integer.MAX_VALUE;
			int maxD = Integer.MIN_VALUE;
			for (int k = tail; k <= this.n; k++) {
				long t = (k < this.n) ? this.times[k] : time;
				int d = (k < this.n) ? this.depths[k] : depth;
				if (d < minD) {
					minD = d;
					minT = t;
					minAt = k;
				}
				if (d > maxD) {
					maxD = d;
					maxT = t;
					maxAt = k;
				}
			}
			this.n = tail;
			if (minAt == maxAt) {
				append(minT, minD);
			}
			else if (minAt < maxAt) {
				append(minT, minD);
				append(maxT, maxD);
			}
			else {
				append(maxT, maxD);
				append(minT, minD);
			}
			if (this.n == this.capacity) {
				compact(this.width * 2);
			}
		}

		private long bucketOf(long time) {
			return Math.floorDiv(time - this.origin, this.width);
		}

		private void append(long time, int depth) {
			this.times[this.n] = time;
			this.depths[this.n] = depth;
			this.n++;
		}

		/**
		 * Regroups all points into buckets of {@code newWidth}, doubling it until half
		 * the buffer is free.
		 */
		private void compact(long newWidth) {
			this.width = newWidth;
			while (true) {
				int out = 0;
				int k = 0;
				while (k < this.n) {
					long bucket = bucketOf(this.times[k]);
					int minAt = k;
					int maxAt = k;
					int end = k + 1;
					while (end < this.n && bucketOf(this.times[end]) == bucket) {
						if (this.depths[end] < this.depths[minAt]) {
							minAt = end;
						}
						if (this.depths[end] > this.depths[maxAt]) {
							maxAt = end;
						}
						end++;
					}
					int first = Math.min(minAt, maxAt);
					int second = Math.max(minAt, maxAt);
					long t1 = this.times[first];
					int d1 = this.depths[first];
					long t2 = this.times[second];
					int d2 = this.depths[second];
					this.times[out] = t1;
					this.depths[out] = d1;
					out++;
					if (second != first) {
						this.times[out] = t2;
						this.depths[out] = d2;
						out++;
					}
					k = end;
				}
				this.n = out;
				if (this.n <= this.capacity / 2) {
					return;
				}
				this.width *= 2;
			}
		}

		/** The queue's id. */
		public int queueId() {
			return this.queueId;
		}

		/** Number of points kept. */
		public int size() {
			return this.n;
		}

		/** The times of the kept points, in ns, in order. */
		public long[] times() {
			return Arrays.copyOf(this.times, this.n);
		}

		/** The depths of the kept points, matching {@link #times()}. */
		public int[] depths() {
			return Arrays.copyOf(this.depths, this.n);
		}

		/** The bucket width in ns, or 0 while every change is kept. */
		public long bucketWidthNs() {
			return this.width;
		}

		/** Whether downsampling has started. */
		public boolean downsampled() {
			return this.width != 0;
		}

		/** The highest depth ever sampled (exact). */
		public int maxDepth() {
			return this.maxDepth;
		}

		/** The latest depth sampled (exact). */
		public int lastDepth() {
			return this.lastDepth;
		}

		/** The number of depth changes sampled, including the first sample (exact). */
		public long changes() {
			return this.changes;
		}

	}

}
