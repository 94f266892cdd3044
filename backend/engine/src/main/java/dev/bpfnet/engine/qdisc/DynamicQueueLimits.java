package dev.bpfnet.engine.qdisc;

/**
 * Byte Queue Limits: the dynamic queue limit of a TX queue, modelling {@code struct dql}
 * and {@code dql_queued}/{@code dql_avail}/{@code dql_completed} of
 * lib/dynamic_queue_limits.c. The driver reports bytes handed to the hardware
 * ({@link #queued}) and bytes completed ({@link #completed}); the limit grows when the
 * queue ran dry while over its limit (starvation) and shrinks by the lowest slack seen
 * over {@code slack_hold_time} while it stays busy.
 *
 * <p>
 * <b>Simplifications.</b> Counters are {@code long}s (no u32 wrap-around), jiffies are
 * the simulated nanoseconds and {@code slack_hold_time} is 1 s ({@code HZ}); the stall
 * detector added in 6.9 ({@code stall_thrs}) is not modelled.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe; one run's thread.
 */
public final class DynamicQueueLimits {

	/** {@code DQL_MAX_OBJECT}: {@code UINT_MAX / 16}. */
	public static final long DQL_MAX_OBJECT = 0xffff_ffffL / 16;

	/** {@code DQL_MAX_LIMIT}: {@code UINT_MAX / 2 - DQL_MAX_OBJECT}. */
	public static final long DQL_MAX_LIMIT = 0xffff_ffffL / 2 - DQL_MAX_OBJECT;

	/** {@code slack_hold_time} = {@code HZ}: one second. */
	public static final long SLACK_HOLD_TIME_NS = 1_000_000_000L;

	private final long minLimit;

	private final long maxLimit;

	private long numQueued;

	private long adjLimit;

	private long lastObjCnt;

	private long limit;

	private long numCompleted;

	private long prevOvlimit;

	private long prevNumQueued;

	private long prevLastObjCnt;

	private long lowestSlack = Long.MAX_VALUE;

	private long slackStartTime;

	private long limitChanges;

	/**
	 * {@code dql_init} + {@code dql_reset}: the limit starts at {@code minLimit}.
	 * @param minLimit {@code limit_min} in bytes (kernel default 0)
	 * @param maxLimit {@code limit_max} in bytes (kernel default {@link #DQL_MAX_LIMIT})
	 */
	public DynamicQueueLimits(long minLimit, long maxLimit) {
		if (minLimit < 0) {
			throw new IllegalArgumentException("minLimit: must be >= 0, got " + minLimit);
		}
		if (maxLimit < minLimit) {
			throw new IllegalArgumentException("maxLimit: must be >= minLimit " + minLimit + ", got " + maxLimit);
		}
		this.minLimit = minLimit;
		this.maxLimit = maxLimit;
		this.limit = minLimit;
		this.adjLimit = minLimit;
	}

	/** {@code dql_queued}: the driver handed {@code count} bytes to the hardware. */
	public void queued(long count) {
		if (count < 0) {
			throw new IllegalArgumentException("count: must be >= 0, got " + count);
		}
		this.lastObjCnt = count;
		this.numQueued += count;
	}

	/**
	 * {@code dql_avail}: bytes that may still be queued; negative means over the limit.
	 */
	public long avail() {
		return this.adjLimit - this.numQueued;
	}

	/**
	 * {@code dql_completed}: the hardware finished {@code count} bytes; adjusts the
	 * limit.
	 * @param count bytes completed, at most the bytes in flight
	 * @param nowNs the simulated time (for the slack hold time)
	 */
	public void completed(long count, long nowNs) {
		long numQueued = this.numQueued;
		if (count < 0 || count > numQueued - this.numCompleted) {
			throw new IllegalArgumentException(
					"count: must be in [0, " + (numQueued - this.numCompleted) + "] bytes in flight, got " + count);
		}
		long completed = this.numCompleted + count;
		long limit = this.limit;
		long ovlimit = posdiff(numQueued - this.numCompleted, limit);
		long inprogress = numQueued - completed;
		long prevInprogress = this.prevNumQueued - this.numCompleted;
		boolean allPrevCompleted = completed >= this.prevNumQueued;

		if ((ovlimit != 0 && inprogress == 0) || (this.prevOvlimit != 0 && allPrevCompleted)) {
			// starved: grow by what was sent and completed in the last interval, plus the
			// previous over-limit
			limit += posdiff(completed, this.prevNumQueued) + this.prevOvlimit;
			this.slackStartTime = nowNs;
			this.lowestSlack = Long.MAX_VALUE;
		}
		else if (inprogress != 0 && prevInprogress != 0 && !allPrevCompleted) {
			// busy the whole interval: shrink by the lowest slack over the hold time
			long slack = posdiff(limit + this.prevOvlimit, 2 * (completed - this.numCompleted));
			long slackLastObjs = (this.prevOvlimit != 0) ? posdiff(this.prevLastObjCnt, this.prevOvlimit) : 0;
			slack = Math.max(slack, slackLastObjs);
			if (slack < this.lowestSlack) {
				this.lowestSlack = slack;
			}
			if (nowNs > this.slackStartTime + SLACK_HOLD_TIME_NS) {
				limit = posdiff(limit, this.lowestSlack);
				this.slackStartTime = nowNs;
				this.lowestSlack = Long.MAX_VALUE;
			}
		}
		limit = Math.min(Math.max(limit, this.minLimit), this.maxLimit);
		if (limit != this.limit) {
			this.limit = limit;
			this.limitChanges++;
			ovlimit = 0;
		}
		this.adjLimit = limit + completed;
		this.prevOvlimit = ovlimit;
		this.prevLastObjCnt = this.lastObjCnt;
		this.numCompleted = completed;
		this.prevNumQueued = numQueued;
	}

	private static long posdiff(long a, long b) {
		return Math.max(a - b, 0);
	}

	/** The current limit in bytes ({@code byte_queue_limits/limit}). */
	public long limit() {
		return this.limit;
	}

	/** Bytes queued and not yet completed ({@code byte_queue_limits/inflight}). */
	public long inflight() {
		return this.numQueued - this.numCompleted;
	}

	/** How many times the limit changed. */
	public long limitChanges() {
		return this.limitChanges;
	}

	/** {@code limit_max}. */
	public long maxLimit() {
		return this.maxLimit;
	}

}
