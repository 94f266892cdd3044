package dev.bpfnet.engine.traffic;

import java.util.Arrays;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * A UDP echo server (RFC 862, {@code socat UDP-RECVFROM:...,fork EXEC:cat}): its task
 * reads each datagram ({@code recvmsg}) and sends the same payload back to the source
 * address and port ({@code sendto}), through the {@link PacketSender}.
 *
 * <p>
 * The reply frame is a copy of the received frame with the MACs, IP addresses and ports
 * swapped (checksums stay valid, see {@code Frames.swapForReply}); TTL and IPv4 id are
 * kept as received (a fresh kernel send would set TTL 64 and a new id); hooks on the
 * return path can tell the reply from a fresh send only by those two fields. A datagram
 * that is not an Ethernet/IP/UDP frame is read and not answered ({@link #unanswered()}).
 * The reply allocates a copy of the frame, its {@code SkBuff} (a second copy) and one
 * {@code Skb}.
 */
public final class UdpEcho extends UdpSocket {

	private final int netnsId;

	private final TrafficEnv env;

	private long echoed;

	private long unanswered;

	/**
	 * @param name the socket's name; its task is {@code name + "/echo"}
	 * @param cpus the node's CPUs
	 * @param cpu the task's CPU index
	 * @param netnsId the socket's namespace id
	 * @param capacity receive queue capacity in datagrams
	 * @param queueId the queue's trace id
	 * @param env the run's services
	 */
	public UdpEcho(String name, CpuSet cpus, int cpu, int netnsId, int capacity, int queueId, TrafficEnv env) {
		super(name + "/echo", cpus, cpu, capacity, queueId);
		if (env == null) {
			throw new IllegalArgumentException("env must not be null");
		}
		this.netnsId = netnsId;
		this.env = env;
	}

	@Override
	public long step(Cpu cpu, Task self) {
		Skb skb = recv(cpu);
		if (skb == null) {
			return waitStep();
		}
		SkBuff in = Frames.buf(skb);
		byte[] frame = (in == null) ? null : Arrays.copyOfRange(in.buf(), in.data(), in.dataEnd());
		if (frame == null || !Frames.swapForReply(frame, 0, frame.length)) {
			this.unanswered++;
			return nextStep();
		}
		int n = Frames.udpPayloadLength(skb);
		Skb reply = new Skb(this.env.skbIds().getAsLong(), frame.length, new SkBuff(frame), TraceSink.NO_ID,
				this.netnsId, cpu.now());
		cpu.trace(Function.UDP_SENDMSG, reply);
		cpu.spend(CostModel.Id.UDP_SENDMSG, n);
		cpu.spend(CostModel.Id.COPY_USER, n);
		this.echoed++;
		this.env.sender().ipOutput(cpu, reply);
		return nextStep();
	}

	/** Datagrams sent back. */
	public long echoed() {
		return this.echoed;
	}

	/** Datagrams read but not answered (not UDP frames). */
	public long unanswered() {
		return this.unanswered;
	}

}
