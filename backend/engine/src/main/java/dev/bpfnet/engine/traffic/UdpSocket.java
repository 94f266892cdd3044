package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.trace.Function;

/**
 * A bound UDP socket with the task that reads it. {@link #deliver} is the softirq half
 * ({@code udp_rcv} → {@code udp_queue_rcv_skb} → {@link SocketQueue}); the task's
 * {@link #step} is the process half ({@code recvmsg} → {@code udp_recvmsg} →
 * {@code skb_copy_datagram_msg}), one datagram per step, charged {@code UDP_RECVMSG} (the
 * system call's fixed part) and {@code COPY_USER} for the payload bytes.
 *
 * <p>
 * The datapath must not charge {@code udp_rcv} itself: {@link #deliver} does
 * ({@code UDP_RCV} for the frame length).
 */
public abstract sealed class UdpSocket implements Endpoint, TaskBody
		permits UdpSink, UdpEcho, RequestResponseServer, RequestResponseClient {

	/** The socket's receive queue. */
	protected final SocketQueue queue;

	/** The reading task. */
	protected final Task task;

	/** The node's CPUs. */
	protected final CpuSet cpus;

	private long received;

	private long receivedBytes;

	/**
	 * Creates the socket and its (blocked) task.
	 * @param taskName the task's name
	 * @param cpus the node's CPUs
	 * @param cpu the task's CPU index
	 * @param capacity receive queue capacity in datagrams
	 * @param queueId the receive queue's trace id, or
	 * {@link dev.bpfnet.engine.trace.TraceSink#NO_ID}
	 */
	protected UdpSocket(String taskName, CpuSet cpus, int cpu, int capacity, int queueId) {
		if (cpus == null) {
			throw new IllegalArgumentException("cpus must not be null");
		}
		this.cpus = cpus;
		this.queue = new SocketQueue(cpus, capacity, queueId);
		this.task = cpus.createTask(cpu, taskName, this);
		this.queue.setReader(this.task);
	}

	@Override
	public final void deliver(Cpu cpu, Skb skb) {
		accept(cpu, skb);
	}

	@Override
	public final boolean accept(Cpu cpu, Skb skb) {
		cpu.trace(Function.UDP_RCV, skb);
		cpu.spend(CostModel.Id.UDP_RCV, skb.len());
		return this.queue.enqueue(cpu, skb);
	}

	/**
	 * {@code udp_recvmsg}: takes the next datagram and charges the copy to user space.
	 * @param cpu the CPU, in the task's chain
	 * @return the datagram, or {@code null} if none is queued
	 */
	protected final Skb recv(Cpu cpu) {
		Skb skb = this.queue.poll(cpu.now());
		if (skb == null) {
			return null;
		}
		int n = Frames.udpPayloadLength(skb);
		cpu.trace(Function.UDP_RECVMSG, skb);
		cpu.spend(CostModel.Id.UDP_RECVMSG, 0);
		cpu.spend(CostModel.Id.COPY_USER, n);
		this.received++;
		this.receivedBytes += n;
		return skb;
	}

	/** The step result after consuming one datagram: more queued → run again. */
	protected final long nextStep() {
		return (this.queue.length() > 0) ? TaskBody.RUN_AGAIN : TaskBody.BLOCK;
	}

	/**
	 * The step result when {@link #recv} found nothing to read: block until woken, or,
	 * when a datagram is queued at a time this CPU has not reached yet, sleep until then.
	 */
	protected final long waitStep() {
		return (this.queue.length() > 0) ? this.queue.nextReadyNs() : TaskBody.BLOCK;
	}

	/** The reading task. */
	public final Task task() {
		return this.task;
	}

	/** The receive queue. */
	public final SocketQueue queue() {
		return this.queue;
	}

	/** Datagrams read by the task. */
	public final long received() {
		return this.received;
	}

	/** Payload bytes read by the task. */
	public final long receivedBytes() {
		return this.receivedBytes;
	}

	/** Datagrams dropped at the full receive queue. */
	public final long dropped() {
		return this.queue.dropped();
	}

}
