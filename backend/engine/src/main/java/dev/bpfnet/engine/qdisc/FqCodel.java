package dev.bpfnet.engine.qdisc;

import dev.bpfnet.engine.trace.DropReason;

/**
 * {@code fq_codel} (net/sched/sch_fq_codel.c, with CoDel from include/net/codel_impl.h):
 * packets are hashed into {@link Config#flows()} per-flow FIFOs
 * ({@code fq_codel_classify}: {@code reciprocal_scale(skb_get_hash(skb), flows_cnt)});
 * flows are served by deficit round robin with {@link Config#quantum()} bytes, new flows
 * (on {@code new_flows}) before old ones (on {@code old_flows}); each flow runs its own
 * CoDel state machine ({@code codel_dequeue}) with {@link Config#targetNs()} and
 * {@link Config#intervalNs()} on the sojourn time measured with the simulated clock
 * passed to {@link #enqueue} and {@link #dequeue}. When the qdisc holds more than
 * {@link Config#limit()} packets (or more than {@link Config#memoryLimit()} bytes),
 * {@code fq_codel_drop} drops from the head of the flow with the largest byte backlog
 * until half of it is gone or {@link Config#dropBatchSize()} packets were dropped, and
 * adds that count to the flow's CoDel {@code count}.
 *
 * <p>
 * Drop reasons: fat-flow drops are {@code QDISC_OVERLIMIT} and CoDel drops
 * {@code QDISC_CONGESTED}, as in kernels with qdisc drop reasons (older kernels report
 * both as {@code NOT_SPECIFIED}/{@code QDISC_DROP}).
 *
 * <p>
 * <b>Simplifications.</b> No ECN marking (packets are treated as not ECN-capable, so
 * CoDel drops instead of marking) and no {@code ce_threshold}; the memory of a packet is
 * its length, not {@code skb->truesize}; times are nanoseconds rather than the kernel's
 * 1024-ns {@code codel_time_t} units, with the kernel's integer arithmetic otherwise
 * (Newton step for {@code 1/sqrt(count)} in Q0.16, {@code codel_control_law} with
 * {@code reciprocal_scale}), so drop times are within a microsecond of the kernel's.
 * Queued packets live in one preallocated slot pool of {@code limit + 1} entries; nothing
 * is allocated per packet.
 *
 * @param <P> the packet type
 */
public final class FqCodel<P extends QueuedPacket> extends Qdisc<P> {

	/** The kernel's name. */
	public static final String KIND = "fq_codel";

	private static final int NONE = -1;

	/** {@code REC_INV_SQRT_SHIFT}: rec_inv_sqrt is a u16 (Q0.16). */
	private static final int REC_INV_SQRT_SHIFT = 16;

	/** {@code ~0U >> REC_INV_SQRT_SHIFT}. */
	private static final int REC_INV_SQRT_ONE = 0xffff;

	/**
	 * fq_codel parameters with the defaults of {@code fq_codel_init} and
	 * {@code codel_params_init}.
	 *
	 * @param limit packet limit ({@code limit}, default 10240)
	 * @param flows number of flow queues ({@code flows}, default 1024, at most 65536)
	 * @param quantum DRR quantum in bytes ({@code quantum}, default {@code psched_mtu} =
	 * MTU + 14 = 1514)
	 * @param memoryLimit byte limit ({@code memory_limit}, default 32 MiB)
	 * @param dropBatchSize most packets {@code fq_codel_drop} drops at once (default 64)
	 * @param targetNs CoDel target sojourn time (default 5 ms)
	 * @param intervalNs CoDel interval (default 100 ms, less than 2^32 ns)
	 * @param mtu CoDel's {@code params->mtu}: no drop while the qdisc backlog is at most
	 * this many bytes (default {@code psched_mtu} = 1514)
	 */
	public record Config(int limit, int flows, int quantum, long memoryLimit, int dropBatchSize, long targetNs,
			long intervalNs, int mtu) {

		/** Default packet limit. */
		public static final int DEFAULT_LIMIT = 10240;

		/** Default flow count. */
		public static final int DEFAULT_FLOWS = 1024;

		/** Default memory limit, 32 MiB. */
		public static final long DEFAULT_MEMORY_LIMIT = 32L << 20;

		/** Default drop batch. */
		public static final int DEFAULT_DROP_BATCH_SIZE = 64;

		/** Default CoDel target, 5 ms. */
		public static final long DEFAULT_TARGET_NS = 5_000_000L;

		/** Default CoDel interval, 100 ms. */
		public static final long DEFAULT_INTERVAL_NS = 100_000_000L;

		/** {@code ETH_HLEN}, added to the MTU by {@code psched_mtu}. */
		public static final int ETH_HLEN = 14;

		public Config {
			if (limit < 1) {
				throw new IllegalArgumentException("limit: must be >= 1, got " + limit);
			}
			if (flows < 1 || flows > 65536) {
				throw new IllegalArgumentException("flows: must be in [1, 65536], got " + flows);
			}
			if (quantum < 1) {
				throw new IllegalArgumentException("quantum: must be >= 1, got " + quantum);
			}
			if (memoryLimit < 1) {
				throw new IllegalArgumentException("memoryLimit: must be >= 1, got " + memoryLimit);
			}
			if (dropBatchSize < 1) {
				throw new IllegalArgumentException("dropBatchSize: must be >= 1, got " + dropBatchSize);
			}
			if (targetNs < 1) {
				throw new IllegalArgumentException("targetNs: must be >= 1, got " + targetNs);
			}
			if (intervalNs < 1 || intervalNs >= (1L << 32)) {
				throw new IllegalArgumentException("intervalNs: must be in [1, 2^32), got " + intervalNs);
			}
			if (mtu < 0) {
				throw new IllegalArgumentException("mtu: must be >= 0, got " + mtu);
			}
		}

		/** The defaults for a device with this MTU (quantum and CoDel mtu = MTU + 14). */
		public static Config defaults(int deviceMtu) {
			if (deviceMtu < 1) {
				throw new IllegalArgumentException("deviceMtu: must be >= 1, got " + deviceMtu);
			}
			return new Config(DEFAULT_LIMIT, DEFAULT_FLOWS, deviceMtu + ETH_HLEN, DEFAULT_MEMORY_LIMIT,
					DEFAULT_DROP_BATCH_SIZE, DEFAULT_TARGET_NS, DEFAULT_INTERVAL_NS, deviceMtu + ETH_HLEN);
		}

		/** This config with another packet limit. */
		public Config withLimit(int newLimit) {
			return new Config(newLimit, this.flows, this.quantum, this.memoryLimit, this.dropBatchSize, this.targetNs,
					this.intervalNs, this.mtu);
		}

		/** This config with another number of flows. */
		public Config withFlows(int newFlows) {
			return new Config(this.limit, newFlows, this.quantum, this.memoryLimit, this.dropBatchSize, this.targetNs,
					this.intervalNs, this.mtu);
		}

	}

	private final Config config;

	// slot pool: the packets held, with their enqueue time (codel_set_enqueue_time)
	private final Object[] slotPacket;

	private final long[] slotTime;

	private final int[] slotNext;

	private int freeSlot;

	// per flow: FIFO of slots, byte backlog (q->backlogs[]), DRR deficit, flowchain link
	private final int[] flowHead;

	private final int[] flowTail;

	private final int[] flowLen;

	private final long[] backlogs;

	private final int[] deficit;

	private final boolean[] onList;

	private final int[] listNext;

	private int newHead = NONE;

	private int newTail = NONE;

	private int oldHead = NONE;

	private int oldTail = NONE;

	// per flow: struct codel_vars
	private final int[] cvCount;

	private final int[] cvLastCount;

	private final boolean[] cvDropping;

	private final int[] cvRecInvSqrt;

	private final long[] cvFirstAboveTime;

	private final long[] cvDropNext;

	private final long[] cvLdelay;

	private int qlen;

	private long totalBytes;

	private long memoryUsage;

	private long removedTime;

	private long newFlowCount;

	private long dropOverlimit;

	private long dropOvermemory;

	private long codelDrops;

	/** fq_codel with the defaults for a 1500-byte MTU. */
	public FqCodel() {
		this(Config.defaults(1500));
	}

	public FqCodel(Config config) {
		super(KIND);
		this.config = config;
		int slots = config.limit() + 1;
		this.slotPacket = new Object[slots];
		this.slotTime = new long[slots];
		this.slotNext = new int[slots];
		for (int i = 0; i < slots; i++) {
			this.slotNext[i] = (i + 1 < slots) ? i + 1 : NONE;
		}
		this.freeSlot = 0;
		int n = config.flows();
		this.flowHead = new int[n];
		this.flowTail = new int[n];
		this.flowLen = new int[n];
		this.backlogs = new long[n];
		this.deficit = new int[n];
		this.onList = new boolean[n];
		this.listNext = new int[n];
		this.cvCount = new int[n];
		this.cvLastCount = new int[n];
		this.cvDropping = new boolean[n];
		this.cvRecInvSqrt = new int[n];
		this.cvFirstAboveTime = new long[n];
		this.cvDropNext = new long[n];
		this.cvLdelay = new long[n];
		java.util.Arrays.fill(this.flowHead, NONE);
		java.util.Arrays.fill(this.flowTail, NONE);
		java.util.Arrays.fill(this.listNext, NONE);
	}

	/** The parameters. */
	public Config config() {
		return this.config;
	}

	/**
	 * The flow queue of a hash, {@code reciprocal_scale(hash, flows_cnt)} as in
	 * {@code fq_codel_classify}.
	 */
	public int classify(int flowHash) {
		return (int) (((flowHash & 0xffffffffL) * this.config.flows()) >>> 32);
	}

	/** Packets queued in a flow. */
	public int flowLength(int flow) {
		return this.flowLen[flow];
	}

	/** {@code q->backlogs[flow]}: bytes queued in a flow. */
	public long flowBacklog(int flow) {
		return this.backlogs[flow];
	}

	/** The CoDel {@code count} of a flow. */
	public int codelCount(int flow) {
		return this.cvCount[flow];
	}

	/** Whether a flow's CoDel is in dropping state. */
	public boolean codelDropping(int flow) {
		return this.cvDropping[flow];
	}

	/** {@code new_flow_count}: flows that entered the new-flows list. */
	public long newFlowCount() {
		return this.newFlowCount;
	}

	/** {@code drop_overlimit}: packets dropped by {@code fq_codel_drop}. */
	public long dropOverlimit() {
		return this.dropOverlimit;
	}

	/** {@code drop_overmemory}: of those, dropped while over the memory limit. */
	public long dropOvermemory() {
		return this.dropOvermemory;
	}

	/** {@code cstats.drop_count} accumulated: packets dropped by CoDel. */
	public long codelDrops() {
		return this.codelDrops;
	}

	/** {@code memory_usage} (bytes, see the class comment). */
	public long memoryUsage() {
		return this.memoryUsage;
	}

	/** Models {@code fq_codel_enqueue}. */
	@Override
	protected EnqueueResult doEnqueue(P packet, long nowNs) {
		int idx = classify(packet.flowHash());
		int slot = this.freeSlot;
		this.freeSlot = this.slotNext[slot];
		this.slotPacket[slot] = packet;
		this.slotTime[slot] = nowNs;
		this.slotNext[slot] = NONE;
		if (this.flowTail[idx] == NONE) {
			this.flowHead[idx] = slot;
		}
		else {
			this.slotNext[this.flowTail[idx]] = slot;
		}
		this.flowTail[idx] = slot;
		this.flowLen[idx]++;
		int len = packet.len();
		this.backlogs[idx] += len;
		this.totalBytes += len;
		queued(packet);
		if (!this.onList[idx]) {
			this.onList[idx] = true;
			this.newTail = pushTail(this.newHead, this.newTail, idx);
			if (this.newHead == NONE) {
				this.newHead = idx;
			}
			this.newFlowCount++;
			this.deficit[idx] = this.config.quantum();
		}
		this.memoryUsage += len;
		boolean memoryLimited = this.memoryUsage > this.config.memoryLimit();
		if (++this.qlen <= this.config.limit() && !memoryLimited) {
			return EnqueueResult.SUCCESS;
		}
		int prevQlen = this.qlen;
		int ret = fqCodelDrop(this.config.dropBatchSize(), nowNs);
		int dropped = prevQlen - this.qlen;
		this.dropOverlimit += dropped;
		if (memoryLimited) {
			this.dropOvermemory += dropped;
		}
		return (ret == idx) ? EnqueueResult.CN : EnqueueResult.SUCCESS;
	}

	/**
	 * Models {@code fq_codel_drop}: finds the flow with the largest byte backlog (the
	 * first one on ties, as the kernel's linear scan) and drops from its head.
	 */
	private int fqCodelDrop(int maxPackets, long nowNs) {
		long maxBacklog = 0;
		int idx = 0;
		for (int i = 0; i < this.backlogs.length; i++) {
			if (this.backlogs[i] > maxBacklog) {
				maxBacklog = this.backlogs[i];
				idx = i;
			}
		}
		long threshold = maxBacklog >> 1;
		long len = 0;
		int i = 0;
		do {
			P skb = removeHead(idx);
			if (skb == null) {
				break;
			}
			len += skb.len();
			droppedQueued(skb, DropReason.QDISC_OVERLIMIT, nowNs);
		}
		while (++i < maxPackets && len < threshold);
		this.cvCount[idx] += i;
		return idx;
	}

	/** Models {@code fq_codel_dequeue}. */
	@Override
	protected P doDequeue(long nowNs) {
		while (true) {
			boolean fromNew;
			int flow;
			if (this.newHead != NONE) {
				flow = this.newHead;
				fromNew = true;
			}
			else if (this.oldHead != NONE) {
				flow = this.oldHead;
				fromNew = false;
			}
			else {
				return null;
			}
			if (this.deficit[flow] <= 0) {
				this.deficit[flow] += this.config.quantum();
				popHead(fromNew);
				appendOld(flow);
				continue;
			}
			P skb = codelDequeue(flow, nowNs);
			if (skb == null) {
				popHead(fromNew);
				if (fromNew && this.oldHead != NONE) {
					appendOld(flow);
				}
				else {
					this.onList[flow] = false;
				}
				continue;
			}
			this.deficit[flow] -= skb.len();
			return skb;
		}
	}

	/** Models {@code codel_dequeue} for one flow (include/net/codel_impl.h). */
	private P codelDequeue(int flow, long now) {
		P skb = removeHead(flow);
		if (skb == null) {
			this.cvDropping[flow] = false;
			return null;
		}
		boolean drop = codelShouldDrop(skb, flow, now);
		if (this.cvDropping[flow]) {
			if (!drop) {
				this.cvDropping[flow] = false;
			}
			else if (now >= this.cvDropNext[flow]) {
				while (this.cvDropping[flow] && now >= this.cvDropNext[flow]) {
					this.cvCount[flow]++;
					newtonStep(flow);
					codelDrop(skb, now);
					skb = removeHead(flow);
					if (!codelShouldDrop(skb, flow, now)) {
						this.cvDropping[flow] = false;
					}
					else {
						this.cvDropNext[flow] = controlLaw(this.cvDropNext[flow], this.cvRecInvSqrt[flow]);
					}
				}
			}
		}
		else if (drop) {
			codelDrop(skb, now);
			skb = removeHead(flow);
			codelShouldDrop(skb, flow, now);
			this.cvDropping[flow] = true;
			int delta = this.cvCount[flow] - this.cvLastCount[flow];
			if (Integer.compareUnsigned(delta, 1) > 0 && now - this.cvDropNext[flow] < 16 * this.config.intervalNs()) {
				this.cvCount[flow] = delta;
				newtonStep(flow);
			}
			else {
				this.cvCount[flow] = 1;
				this.cvRecInvSqrt[flow] = REC_INV_SQRT_ONE;
			}
			this.cvLastCount[flow] = this.cvCount[flow];
			this.cvDropNext[flow] = controlLaw(now, this.cvRecInvSqrt[flow]);
		}
		return skb;
	}

	/** Models {@code codel_should_drop}; {@code skb} was just removed from the flow. */
	private boolean codelShouldDrop(P skb, int flow, long now) {
		if (skb == null) {
			this.cvFirstAboveTime[flow] = 0;
			return false;
		}
		this.cvLdelay[flow] = now - this.removedTime;
		if (this.cvLdelay[flow] < this.config.targetNs() || this.totalBytes <= this.config.mtu()) {
			this.cvFirstAboveTime[flow] = 0;
			return false;
		}
		boolean okToDrop = false;
		if (this.cvFirstAboveTime[flow] == 0) {
			this.cvFirstAboveTime[flow] = now + this.config.intervalNs();
		}
		else if (now > this.cvFirstAboveTime[flow]) {
			okToDrop = true;
		}
		return okToDrop;
	}

	private void codelDrop(P skb, long now) {
		this.codelDrops++;
		droppedQueued(skb, DropReason.QDISC_CONGESTED, now);
	}

	/**
	 * {@code codel_Newton_step}: one Newton iteration of {@code rec_inv_sqrt ≈
	 * 1/sqrt(count)} in Q0.16, with the kernel's u32/u64 wrap-around arithmetic.
	 */
	private void newtonStep(int flow) {
		long invsqrt = ((long) this.cvRecInvSqrt[flow]) << REC_INV_SQRT_SHIFT;
		long invsqrt2 = (invsqrt * invsqrt) >>> 32;
		long val = (3L << 32) - ((this.cvCount[flow] & 0xffffffffL) * invsqrt2);
		val >>>= 2;
		val = (val * invsqrt) >>> (32 - 2 + 1);
		this.cvRecInvSqrt[flow] = (int) ((val >>> REC_INV_SQRT_SHIFT) & 0xffff);
	}

	/**
	 * {@code codel_control_law}: {@code t + interval / sqrt(count)}, as
	 * {@code t + reciprocal_scale(interval, rec_inv_sqrt << REC_INV_SQRT_SHIFT)}.
	 */
	private long controlLaw(long t, int recInvSqrt) {
		long scale = ((long) recInvSqrt) << REC_INV_SQRT_SHIFT;
		return t + ((this.config.intervalNs() * scale) >>> 32);
	}

	/**
	 * {@code dequeue_func}/{@code dequeue_head}: unlinks the head packet of a flow,
	 * updates the flow and qdisc counters and sets {@link #removedTime}; {@code null} if
	 * empty.
	 */
	private P removeHead(int flow) {
		int slot = this.flowHead[flow];
		if (slot == NONE) {
			return null;
		}
		@SuppressWarnings("unchecked")
		P skb = (P) this.slotPacket[slot];
		this.removedTime = this.slotTime[slot];
		int next = this.slotNext[slot];
		this.flowHead[flow] = next;
		if (next == NONE) {
			this.flowTail[flow] = NONE;
		}
		this.slotPacket[slot] = null;
		this.slotNext[slot] = this.freeSlot;
		this.freeSlot = slot;
		this.flowLen[flow]--;
		int len = skb.len();
		this.backlogs[flow] -= len;
		this.totalBytes -= len;
		this.memoryUsage -= len;
		this.qlen--;
		return skb;
	}

	private int pushTail(int head, int tail, int flow) {
		this.listNext[flow] = NONE;
		if (head != NONE) {
			this.listNext[tail] = flow;
		}
		return flow;
	}

	private void appendOld(int flow) {
		this.oldTail = pushTail(this.oldHead, this.oldTail, flow);
		if (this.oldHead == NONE) {
			this.oldHead = flow;
		}
	}

	private void popHead(boolean fromNew) {
		if (fromNew) {
			int head = this.newHead;
			this.newHead = this.listNext[head];
			if (this.newHead == NONE) {
				this.newTail = NONE;
			}
			this.listNext[head] = NONE;
		}
		else {
			int head = this.oldHead;
			this.oldHead = this.listNext[head];
			if (this.oldHead == NONE) {
				this.oldTail = NONE;
			}
			this.listNext[head] = NONE;
		}
	}

	/**
	 * Checks the internal bookkeeping against the base class's backlog; for tests.
	 * @throws IllegalStateException on a mismatch
	 */
	void checkInvariants() {
		long bytes = 0;
		int packets = 0;
		for (int f = 0; f < this.backlogs.length; f++) {
			long flowBytes = 0;
			int n = 0;
			for (int s = this.flowHead[f]; s != NONE; s = this.slotNext[s]) {
				flowBytes += ((QueuedPacket) this.slotPacket[s]).len();
				n++;
			}
			if (flowBytes != this.backlogs[f] || n != this.flowLen[f]) {
				throw new IllegalStateException("flow " + f + ": backlog " + this.backlogs[f] + "/" + this.flowLen[f]
						+ " but holds " + flowBytes + "/" + n);
			}
			if (n > 0 && !this.onList[f]) {
				throw new IllegalStateException("flow " + f + ": has packets but is on no list");
			}
			bytes += flowBytes;
			packets += n;
		}
		if (bytes != this.totalBytes || packets != this.qlen) {
			throw new IllegalStateException(
					"totals " + this.totalBytes + "/" + this.qlen + " but flows hold " + bytes + "/" + packets);
		}
	}

}
