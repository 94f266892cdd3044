package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;

/**
 * The responder of a request-response flow (netserver for {@code UDP_RR}): its task reads
 * each request and answers with one response datagram built from a reply template (the
 * reverse 5-tuple, {@code responseSize} payload bytes) whose sequence number is the
 * request's ({@link DatagramWriter#SEQ_OFFSET}), so that the client can match them.
 *
 * <p>
 * Simplification: the document's {@code request-response} kind is netperf's
 * {@code TCP_RR}; it is modelled with UDP-shaped frames (UDP_RR): no connection, no ACKs,
 * no TCP state or congestion control, and TCP costs are not charged.
 */
public final class RequestResponseServer extends UdpSocket {

	private final DatagramWriter writer;

	/**
	 * @param name the flow name; its task is {@code name + "/server"}
	 * @param cpus the node's CPUs
	 * @param cpu the task's CPU index
	 * @param capacity receive queue capacity in datagrams
	 * @param queueId the queue's trace id
	 * @param reply writes the responses (reply template, server namespace)
	 */
	public RequestResponseServer(String name, CpuSet cpus, int cpu, int capacity, int queueId, DatagramWriter reply) {
		super(name + "/server", cpus, cpu, capacity, queueId);
		if (reply == null) {
			throw new IllegalArgumentException("reply must not be null");
		}
		this.writer = reply;
	}

	@Override
	public long step(Cpu cpu, Task self) {
		Skb request = recv(cpu);
		if (request == null) {
			return waitStep();
		}
		long seq = Frames.payloadCounter(request, DatagramWriter.SEQ_OFFSET, 8);
		this.writer.send(cpu, (seq < 0) ? this.writer.sent() : seq);
		return nextStep();
	}

	/** Responses sent. */
	public long responses() {
		return this.writer.sent();
	}

}
