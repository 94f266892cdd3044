package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;

/**
 * A UDP socket's receive queue ({@code sk->sk_receive_queue}) with its wake-up:
 * {@code __udp_enqueue_schedule_skb} (net/ipv4/udp.c) and {@code sock_def_readable}
 * (net/core/sock.c).
 *
 * <p>
 * Simplification: the limit is a number of datagrams instead of {@code sk_rcvbuf} bytes
 * of {@code skb->truesize}; {@link #DEFAULT_CAPACITY} approximates the default
 * {@code rmem_default} (212992 B) divided by the truesize of a small datagram (~830 B). A
 * full queue drops with {@link DropReason#SOCKET_RCVBUFF}
 * ({@code SKB_DROP_REASON_SOCKET_RCVBUFF}) and charges {@code kfree_skb_reason}. The
 * reader is woken ({@code try_to_wake_up}, charged by {@link CpuSet#wake}) only when it
 * is blocked, as {@code wq_has_sleeper} would decide. A fixed ring: no allocation per
 * packet.
 */
public final class SocketQueue {

	/** Default capacity in datagrams. */
	public static final int DEFAULT_CAPACITY = 256;

	private final CpuSet cpus;

	private final Skb[] ring;

	/** When each queued datagram was enqueued, on the enqueueing CPU's clock. */
	private final long[] enqueuedAt;

	private final int queueId;

	private Task reader;

	private int head;

	private int count;

	private long enqueued;

	private long dropped;

	private int maxDepth;

	/**
	 * @param cpus the node's CPUs (for the wake-up)
	 * @param capacity datagrams the queue holds, {@code >= 1}
	 * @param queueId the queue id trace events carry, or
	 * {@link dev.bpfnet.engine.trace.TraceSink#NO_ID}
	 */
	public SocketQueue(CpuSet cpus, int capacity, int queueId) {
		if (cpus == null) {
			throw new IllegalArgumentException("cpus must not be null");
		}
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
		}
		this.cpus = cpus;
		this.ring = new Skb[capacity];
		this.enqueuedAt = new long[capacity];
		this.queueId = queueId;
	}

	/** Sets the task woken when a datagram arrives. */
	public void setReader(Task reader) {
		this.reader = reader;
	}

	/**
	 * Queues a datagram and wakes the reader, or drops it when the queue is full.
	 * @param cpu the CPU running the receive path
	 * @param skb the datagram
	 * @return whether it was queued
	 */
	public boolean enqueue(Cpu cpu, Skb skb) {
		Skb[] r = this.ring;
		if (this.count == r.length) {
			this.dropped++;
			cpu.trace(Function.KFREE_SKB_REASON, skb, this.queueId, this.count, DropReason.SOCKET_RCVBUFF);
			cpu.spend(CostModel.Id.KFREE_SKB_REASON, 0);
			return false;
		}
		int slot = this.head + this.count;
		slot = (slot >= r.length) ? slot - r.length : slot;
		r[slot] = skb;
		this.enqueuedAt[slot] = cpu.now();
		this.count++;
		this.enqueued++;
		if (this.count > this.maxDepth) {
			this.maxDepth = this.count;
		}
		cpu.trace(Function.UDP_ENQUEUE_SCHEDULE_SKB, skb, this.queueId, this.count, DropReason.NOT_DROPPED_YET);
		if (this.reader != null) {
			cpu.trace(Function.SOCK_DEF_READABLE, skb);
			this.cpus.wake(this.reader);
		}
		return true;
	}

	/**
	 * Takes the oldest datagram that exists at {@code nowNs}, or {@code null}. CPUs keep
	 * their own clocks within a call chain (see the cpu package), so a receive path on
	 * another CPU may have queued a datagram at a time this reader has not reached yet:
	 * such a datagram stays queued until then ({@link #nextReadyNs()}).
	 * @param nowNs the reading CPU's time
	 */
	public Skb poll(long nowNs) {
		if (this.count == 0 || this.enqueuedAt[this.head] > nowNs) {
			return null;
		}
		Skb skb = this.ring[this.head];
		this.ring[this.head] = null;
		this.head = (this.head + 1 == this.ring.length) ? 0 : this.head + 1;
		this.count--;
		return skb;
	}

	/** When the oldest queued datagram was enqueued, or -1 when the queue is empty. */
	public long nextReadyNs() {
		return (this.count == 0) ? -1 : this.enqueuedAt[this.head];
	}

	/** Datagrams waiting. */
	public int length() {
		return this.count;
	}

	/** Capacity in datagrams. */
	public int capacity() {
		return this.ring.length;
	}

	/** Datagrams queued so far. */
	public long enqueued() {
		return this.enqueued;
	}

	/** Datagrams dropped because the queue was full. */
	public long dropped() {
		return this.dropped;
	}

	/** The largest length reached. */
	public int maxDepth() {
		return this.maxDepth;
	}

}
