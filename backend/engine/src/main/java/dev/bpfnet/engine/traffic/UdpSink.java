package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.trace.LatencyRecorder;

/**
 * A UDP server that reads and discards ({@code iperf -u -s}, a sockperf sink): counts
 * datagrams and bytes and records each datagram's one-way latency, from the start of the
 * sender's {@code sendmsg} ({@link Skb#createdNs()}) to the end of this task's
 * {@code recvmsg}, into a {@link LatencyRecorder} flow.
 */
public final class UdpSink extends UdpSocket {

	private final int flowId;

	private final LatencyRecorder latency;

	private long firstNs = -1;

	private long lastNs = -1;

	/**
	 * @param name the socket's name; its task is {@code name + "/rx"}
	 * @param cpus the node's CPUs
	 * @param cpu the reader's CPU index
	 * @param capacity receive queue capacity in datagrams
	 * @param queueId the queue's trace id
	 * @param flowId the latency flow, {@code >= 0}
	 * @param latency the recorder
	 */
	public UdpSink(String name, CpuSet cpus, int cpu, int capacity, int queueId, int flowId, LatencyRecorder latency) {
		super(name + "/rx", cpus, cpu, capacity, queueId);
		if (flowId < 0) {
			throw new IllegalArgumentException("flowId must be >= 0, was " + flowId);
		}
		if (latency == null) {
			throw new IllegalArgumentException("latency must not be null");
		}
		this.flowId = flowId;
		this.latency = latency;
	}

	@Override
	public long step(Cpu cpu, Task self) {
		Skb skb = recv(cpu);
		if (skb == null) {
			return waitStep();
		}
		long now = cpu.now();
		// one-way latency from the send time the source wrote into the payload: the wire
		// carries bytes, so the receiving node's skb is new (its createdNs is the NIC's);
		// a payload too short for the stamp (< 16 bytes) falls back on the skb's origin,
		// which the receiving NIC copies from the sender's skb
		long sent = Frames.payloadCounter(skb, DatagramWriter.TIMESTAMP_OFFSET, 8);
		this.latency.record(this.flowId, now - (sent >= 0 ? sent : skb.originNs()));
		if (this.firstNs < 0) {
			this.firstNs = now;
		}
		this.lastNs = now;
		return nextStep();
	}

	/** The latency flow id. */
	public int flowId() {
		return this.flowId;
	}

	/** When the first datagram was read, or -1. */
	public long firstNs() {
		return this.firstNs;
	}

	/** When the last datagram was read, or -1. */
	public long lastNs() {
		return this.lastNs;
	}

}
