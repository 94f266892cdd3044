package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.trace.LatencyRecorder;

/**
 * The client of a request-response flow (netperf {@code UDP_RR}, standing in for the
 * document's TCP_RR, see {@link RequestResponseServer}): one request, block until the
 * response is queued on the socket, record the round trip, send the next, for
 * {@code transactions} round trips. The round trip runs from the start of the request's
 * {@code sendmsg} to the end of the response's {@code recvmsg}.
 *
 * <p>
 * No retransmission: a request or response lost in the datapath stalls the client, as it
 * stalls netperf without {@code -l}/timeouts. Responses are not matched against the
 * request's sequence number beyond being counted ({@link #mismatched()}). The client's
 * socket queue holds {@value #QUEUE_CAPACITY} datagrams (one is ever outstanding).
 */
public final class RequestResponseClient extends UdpSocket {

	/** Receive queue capacity of the client socket. */
	public static final int QUEUE_CAPACITY = 4;

	private final DatagramWriter writer;

	private final int flowId;

	private final long transactions;

	private final long startNs;

	private final LatencyRecorder latency;

	private boolean awaiting;

	private long done;

	private long sendStartNs;

	private long finishNs = -1;

	private long mismatched;

	/**
	 * @param name the flow name; the task is {@code name + "/client"}
	 * @param cpus the node's CPUs
	 * @param cpu the client's CPU index
	 * @param queueId the socket queue's trace id
	 * @param request writes the requests (request template, client namespace)
	 * @param flowId the latency flow for round trips
	 * @param transactions round trips to run, {@code >= 1}
	 * @param startNs when the first request is sent, {@code >= 0}
	 * @param latency the recorder
	 */
	public RequestResponseClient(String name, CpuSet cpus, int cpu, int queueId, DatagramWriter request, int flowId,
			long transactions, long startNs, LatencyRecorder latency) {
		super(name + "/client", cpus, cpu, QUEUE_CAPACITY, queueId);
		if (request == null || latency == null) {
			throw new IllegalArgumentException("request and latency must not be null");
		}
		if (flowId < 0) {
			throw new IllegalArgumentException("flowId must be >= 0, was " + flowId);
		}
		if (transactions < 1) {
			throw new IllegalArgumentException("transactions must be >= 1, was " + transactions);
		}
		if (startNs < 0) {
			throw new IllegalArgumentException("startNs must be >= 0, was " + startNs);
		}
		this.writer = request;
		this.flowId = flowId;
		this.transactions = transactions;
		this.startNs = startNs;
		this.latency = latency;
	}

	/** Schedules the first request at the start time. */
	public void start() {
		this.cpus.wakeAt(this.task, this.startNs);
	}

	@Override
	public long step(Cpu cpu, Task self) {
		if (this.done >= this.transactions) {
			return TaskBody.BLOCK;
		}
		if (this.awaiting) {
			Skb response = recv(cpu);
			if (response == null) {
				return waitStep();
			}
			long seq = Frames.payloadCounter(response, DatagramWriter.SEQ_OFFSET, 8);
			if (seq >= 0 && seq != this.done) {
				this.mismatched++;
			}
			this.latency.record(this.flowId, cpu.now() - this.sendStartNs);
			this.done++;
			this.awaiting = false;
			if (this.done == this.transactions) {
				this.finishNs = cpu.now();
				return TaskBody.BLOCK;
			}
		}
		this.sendStartNs = cpu.now();
		this.awaiting = true;
		this.writer.send(cpu, this.done);
		return TaskBody.BLOCK;
	}

	/** Completed round trips. */
	public long transactions() {
		return this.done;
	}

	/** Whether all transactions completed. */
	public boolean finished() {
		return this.finishNs >= 0;
	}

	/** When the last response was read, or -1. */
	public long finishNs() {
		return this.finishNs;
	}

	/** Responses whose sequence number was not the outstanding request's. */
	public long mismatched() {
		return this.mismatched;
	}

	/** The latency flow id. */
	public int flowId() {
		return this.flowId;
	}

	/**
	 * Completed transactions per second of simulated time, from the start to the last
	 * completed round trip (0 before the first).
	 */
	public double transactionsPerSecond() {
		long end = (this.finishNs >= 0) ? this.finishNs : this.lastRecvEnd();
		return (this.done == 0 || end <= this.startNs) ? 0.0 : this.done * 1e9 / (end - this.startNs);
	}

	private long lastRecvEnd() {
		return this.awaiting ? this.sendStartNs : -1;
	}

}
