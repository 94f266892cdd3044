package dev.bpfnet.engine.traffic;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.packet.PacketTemplate;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * The socket send path shared by sources, responders and clients: {@code udp_sendmsg}
 * (net/ipv4/udp.c) → {@code ip_make_skb} → {@code ip_send_skb}, reduced to its cost and
 * the frame it produces.
 *
 * <p>
 * Each {@link #send} builds the frame from a {@link PacketTemplate} into a reused scratch
 * array, patches the per-packet fields (IPv4 id = sequence number mod 2^16; payload bytes
 * {@value #SEQ_OFFSET}..7 = the sequence number and {@value #TIMESTAMP_OFFSET}..15 = the
 * send time in ns, each only when the payload has room), wraps it in one {@link SkBuff}
 * (the only copy of the bytes) and one {@link Skb}, charges {@code UDP_SENDMSG} and
 * {@code COPY_USER} for the payload bytes, and hands the skb to
 * {@link PacketSender#ipOutput}. The allocations per send are the packet itself: the
 * {@code Skb}, the {@code SkBuff} and its buffer.
 *
 * <p>
 * Simplifications: no socket send buffer accounting ({@code sk_wmem_alloc}), so a sender
 * never blocks on a full send buffer; no UDP corking/GSO; the Ethernet header's MACs are
 * those of the template (zero unless the caller built them in), for the neighbour layer
 * to fill.
 */
public final class DatagramWriter {

	/** Payload offset of the 8-byte big-endian sequence number. */
	public static final int SEQ_OFFSET = 0;

	/** Payload offset of the 8-byte big-endian send timestamp (ns). */
	public static final int TIMESTAMP_OFFSET = 8;

	private final PacketTemplate template;

	private final byte[] scratch;

	private final int payloadSize;

	private final boolean ipv4;

	private final int netnsId;

	private final TrafficEnv env;

	private long sent;

	private long bytes;

	/**
	 * @param template the frame (Ethernet, IPv4 or IPv6, UDP, payload)
	 * @param netnsId the sending socket's namespace id
	 * @param env the run's services
	 */
	public DatagramWriter(PacketTemplate template, int netnsId, TrafficEnv env) {
		if (template == null || env == null) {
			throw new IllegalArgumentException("template and env must not be null");
		}
		if (!(template.spec().transport() instanceof PacketSpec.Udp)) {
			throw new IllegalArgumentException("template: expected a UDP frame, got transport "
					+ (template.spec().transport() == null ? "none" : template.spec().transport().name()));
		}
		this.template = template;
		this.scratch = new byte[template.length()];
		this.payloadSize = template.length() - template.layout().payloadOffset();
		this.ipv4 = template.spec().network() instanceof PacketSpec.Ipv4;
		this.netnsId = netnsId;
		this.env = env;
	}

	/** UDP payload bytes per datagram. */
	public int payloadSize() {
		return this.payloadSize;
	}

	/** Frame bytes per datagram ({@link Skb#len()}). */
	public int frameLength() {
		return this.scratch.length;
	}

	/** Datagrams sent. */
	public long sent() {
		return this.sent;
	}

	/** Payload bytes sent. */
	public long bytes() {
		return this.bytes;
	}

	/**
	 * Sends one datagram from the running task: trace and cost of {@code udp_sendmsg},
	 * then {@link PacketSender#ipOutput}. The skb's {@code createdNs} is the time the
	 * system call started ({@code cpu.now()} on entry), so latencies include the send
	 * path.
	 * @param cpu the CPU, in the task's call chain
	 * @param seq the sequence number to write into the packet
	 */
	public void send(Cpu cpu, long seq) {
		long t0 = cpu.now();
		PacketTemplate t = this.template;
		byte[] f = this.scratch;
		t.copyInto(f);
		if (this.ipv4) {
			t.setIpv4Id(f, (int) (seq & 0xFFFF));
		}
		if (this.payloadSize >= SEQ_OFFSET + 8) {
			t.setPayloadCounter(f, SEQ_OFFSET, 8, seq);
		}
		if (this.payloadSize >= TIMESTAMP_OFFSET + 8) {
			t.setPayloadCounter(f, TIMESTAMP_OFFSET, 8, t0);
		}
		Skb skb = new Skb(this.env.skbIds().getAsLong(), f.length, new SkBuff(f), TraceSink.NO_ID, this.netnsId, t0);
		cpu.trace(Function.UDP_SENDMSG, skb);
		cpu.spend(CostModel.Id.UDP_SENDMSG, this.payloadSize);
		cpu.spend(CostModel.Id.COPY_USER, this.payloadSize);
		this.sent++;
		this.bytes += this.payloadSize;
		this.env.sender().ipOutput(cpu, skb);
	}

}
