package dev.bpfnet.engine.traffic;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.packet.PacketTemplate;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.NamespaceRef;
import dev.bpfnet.engine.topology.Traffic;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * The traffic objects of a run, built from the document's {@link Traffic} records:
 * <ul>
 * <li>{@link Traffic.ConstantRate}, {@link Traffic.Poisson}, {@link Traffic.Burst}: a
 * {@link UdpSource} on CPU {@code cpu} of the sending node and the implied
 * {@link UdpSink} bound to {@code to} in the namespace owning {@code to.address}. The
 * document does not place sinks: the sink's task runs on the same CPU index as the
 * sender, modulo the destination node's CPU count.</li>
 * <li>{@link Traffic.RequestResponse}: a {@link RequestResponseClient} on {@code cpu} and
 * a {@link RequestResponseServer} on {@code serverCpu} of the responder's node
 * (UDP-shaped frames, see {@link RequestResponseServer}).</li>
 * </ul>
 * Flow {@code k} (the document's order) records its latencies under flow id {@code k} and
 * uses source port {@code 32768 + k} (the start of the default
 * {@code ip_local_port_range}) from the address {@link TrafficResolver#sourceAddress}
 * picks. Frames carry an Ethernet header with zero MACs for the neighbour layer to fill.
 * Socket queues have {@link SocketQueue#DEFAULT_CAPACITY} and no trace queue id.
 */
public final class TrafficPlan {

	/** First ephemeral port ({@code net.ipv4.ip_local_port_range}). */
	public static final int EPHEMERAL_PORT_BASE = 32768;

	/** Last ephemeral port. */
	public static final int EPHEMERAL_PORT_LAST = 60999;

	/** One flow of the plan. */
	public sealed interface Flow permits UdpFlow, RequestResponseFlow {

		/** The latency flow id. */
		int flowId();

		/** The document record. */
		Traffic traffic();

		/** Schedules the flow's first send. */
		void start();

	}

	/**
	 * A UDP source and its sink.
	 *
	 * @param flowId the latency flow id
	 * @param traffic the document record
	 * @param source the sender
	 * @param sink the receiver
	 */
	public record UdpFlow(int flowId, Traffic traffic, UdpSource source, UdpSink sink) implements Flow {

		public UdpFlow {
			if (traffic == null || source == null || sink == null) {
				throw new IllegalArgumentException("traffic, source and sink must not be null");
			}
		}

		@Override
		public void start() {
			this.source.start();
		}

	}

	/**
	 * A request-response client and its server.
	 *
	 * @param flowId the latency flow id (round trips)
	 * @param traffic the document record
	 * @param client the client
	 * @param server the responder
	 */
	public record RequestResponseFlow(int flowId, Traffic traffic, RequestResponseClient client,
			RequestResponseServer server) implements Flow {

		public RequestResponseFlow {
			if (traffic == null || client == null || server == null) {
				throw new IllegalArgumentException("traffic, client and server must not be null");
			}
		}

		@Override
		public void start() {
			this.client.start();
		}

	}

	private final List<Flow> flows;

	private TrafficPlan(List<Flow> flows) {
		this.flows = List.copyOf(flows);
	}

	/**
	 * Builds every flow of the document, flow id = index. {@link Traffic.Replay} and
	 * {@link Traffic.Packets} entries are skipped (their index stays unused): the engine
	 * sends their frames ({@link FrameSource}), which needs the document's directory.
	 * @param traffic the document's traffic, in document order
	 * @param resolver the datapath's names
	 * @param env the run's services
	 * @return the plan (not started)
	 */
	public static TrafficPlan fromTopology(List<Traffic> traffic, TrafficResolver resolver, TrafficEnv env) {
		List<Flow> flows = new ArrayList<>(traffic.size());
		for (int k = 0; k < traffic.size(); k++) {
			if (!(traffic.get(k) instanceof Traffic.Replay) && !(traffic.get(k) instanceof Traffic.Packets)) {
				try {
					flows.add(fromTopology(traffic.get(k), k, resolver, env));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(documentPath("traffic[" + k + "]", ex.getMessage()), ex);
				}
			}
		}
		return new TrafficPlan(flows);
	}

	/** A field name at the start of a message ({@code to: ...}, {@code cpu: ...}). */
	private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("[a-z_]+: .*",
			java.util.regex.Pattern.DOTALL);

	/**
	 * A message prefixed with the document path of the entry it is about:
	 * {@code to: no route ...} becomes {@code traffic[2].to: no route ...}, a message
	 * without a leading field name {@code traffic[2]: ...}.
	 * @param entry the entry's path, such as {@code traffic[2]}
	 * @param message the message
	 * @return {@code entry.field: ...} or {@code entry: message}
	 */
	static String documentPath(String entry, String message) {
		String m = (message == null) ? "" : message;
		return FIELD.matcher(m).matches() ? entry + "." + m : entry + ": " + m;
	}

	/**
	 * Builds one flow: creates its tasks (blocked) and binds its sockets.
	 * @param t the document record
	 * @param flowId its latency flow id,
	 * {@code 0..EPHEMERAL_PORT_LAST-EPHEMERAL_PORT_BASE}
	 * @param resolver the datapath's names
	 * @param env the run's services
	 * @return the flow (not started)
	 */
	public static Flow fromTopology(Traffic t, int flowId, TrafficResolver resolver, TrafficEnv env) {
		if (t == null || resolver == null || env == null) {
			throw new IllegalArgumentException("traffic, resolver and env must not be null");
		}
		if (t instanceof Traffic.Replay || t instanceof Traffic.Packets) {
			throw new IllegalArgumentException(
					"traffic " + t.name() + ": " + t.kind() + " is sent by the engine (FrameSource)");
		}
		if (flowId < 0 || flowId > EPHEMERAL_PORT_LAST - EPHEMERAL_PORT_BASE) {
			throw new IllegalArgumentException(
					"flowId must be 0.." + (EPHEMERAL_PORT_LAST - EPHEMERAL_PORT_BASE) + ", was " + flowId);
		}
		NamespaceRef from = t.from();
		CpuSet srcCpus = resolver.cpus(from.node());
		int srcNetns = resolver.netnsId(from);
		IpEndpoint to = t.to();
		IpEndpoint local = new IpEndpoint(resolver.sourceAddress(from, to.address()), EPHEMERAL_PORT_BASE + flowId);
		NamespaceRef dstNs = resolver.owner(to.address());
		CpuSet dstCpus = resolver.cpus(dstNs.node());
		DatagramWriter out = new DatagramWriter(template(local, to, t.size()), srcNetns, env);

		if (t instanceof Traffic.RequestResponse rr) {
			try {
				// the responder answers from its namespace: it needs a route back
				resolver.sourceAddress(dstNs, local.address());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"to: the responder cannot answer: " + ex.getMessage().replaceFirst("^to: ", ""), ex);
			}
			DatagramWriter back = new DatagramWriter(template(to, local, rr.responseSize()), resolver.netnsId(dstNs),
					env);
			RequestResponseServer server = new RequestResponseServer(t.name(), dstCpus, rr.serverCpu(),
					SocketQueue.DEFAULT_CAPACITY, TraceSink.NO_ID, back);
			RequestResponseClient client = new RequestResponseClient(t.name(), srcCpus, rr.cpu(), TraceSink.NO_ID, out,
					flowId, rr.transactions(), rr.startNs(), env.latency());
			resolver.bind(dstNs, PacketSpec.PROTO_UDP, to, server);
			resolver.bind(from, PacketSpec.PROTO_UDP, local, client);
			return new RequestResponseFlow(flowId, t, client, server);
		}

		UdpSource source;
		if (t instanceof Traffic.ConstantRate c) {
			source = new ConstantRateUdp(config(c, c.count().orElse(SourceConfig.UNLIMITED)), srcCpus, out,
					intervalNs(c.rate(), out));
		}
		else if (t instanceof Traffic.Poisson p) {
			source = new PoissonUdp(config(p, p.count().orElse(SourceConfig.UNLIMITED)), srcCpus, out,
					Math.max(1, Math.round(intervalNs(p.rate(), out))), env.random().stream("traffic/" + p.name()));
		}
		else if (t instanceof Traffic.Burst b) {
			source = new BurstUdp(config(b, b.count().orElse(SourceConfig.UNLIMITED)), srcCpus, out, b.burst(),
					b.intervalNs());
		}
		else {
			throw new IllegalArgumentException("traffic kind " + t.kind() + " is not supported");
		}
		UdpSink sink = new UdpSink(t.name(), dstCpus, t.cpu() % dstCpus.size(), SocketQueue.DEFAULT_CAPACITY,
				TraceSink.NO_ID, flowId, env.latency());
		resolver.bind(dstNs, PacketSpec.PROTO_UDP, to, sink);
		return new UdpFlow(flowId, t, source, sink);
	}

	/** The flows, in document order. */
	public List<Flow> flows() {
		return this.flows;
	}

	/** Schedules every flow's first send. */
	public void start() {
		for (Flow f : this.flows) {
			f.start();
		}
	}

	/**
	 * Registers the flow names ({@link Names.Kind#FLOW}) for result views. Task names are
	 * registered with the CPU sets ({@link CpuSet#registerNames}).
	 * @param names the run's registry
	 */
	public void registerNames(Names names) {
		for (Flow f : this.flows) {
			names.register(Names.Kind.FLOW, f.flowId(), f.traffic().name());
		}
	}

	/**
	 * The time between sends for a rate: {@code 1e9 / pps}, or for a bit rate the frame's
	 * bits (Ethernet header included, no preamble/FCS) times {@code 1e9 / bps}.
	 */
	static double intervalNs(Traffic.Rate rate, DatagramWriter writer) {
		return (rate.unit() == Traffic.Rate.Unit.PACKETS) ? 1e9 / rate.perSecond()
				: writer.frameLength() * 8.0 * 1e9 / rate.perSecond();
	}

	private static SourceConfig config(Traffic t, long limit) {
		return new SourceConfig(t.name(), t.cpu(), t.startNs(), limit, SourceConfig.FOREVER);
	}

	/** An Ethernet (zero MACs) / IP / UDP template with a {@code size}-byte payload. */
	static PacketTemplate template(IpEndpoint src, IpEndpoint dst, int size) {
		if (src.address().family() != dst.address().family()) {
			throw new IllegalArgumentException(
					"source " + src + " and destination " + dst + " are of different address families");
		}
		PacketSpec.Network net = (dst.address().family() == IpAddress.Family.IPV4)
				? PacketSpec.Ipv4.of((Inet4Address) inet(src.address()), (Inet4Address) inet(dst.address()))
				: PacketSpec.Ipv6.of((Inet6Address) inet(src.address()), (Inet6Address) inet(dst.address()));
		return PacketTemplate.of(new PacketSpec(PacketSpec.Ethernet.l3Mode(), null, net,
				PacketSpec.Udp.of(src.port(), dst.port()), PacketSpec.Payload.fill(size)));
	}

	static InetAddress inet(IpAddress a) {
		byte[] b;
		if (a.family() == IpAddress.Family.IPV4) {
			b = new byte[4];
			for (int i = 0; i < 4; i++) {
				b[i] = (byte) (a.lo() >>> (24 - 8 * i));
			}
		}
		else {
			b = new byte[16];
			for (int i = 0; i < 8; i++) {
				b[i] = (byte) (a.hi() >>> (56 - 8 * i));
				b[8 + i] = (byte) (a.lo() >>> (56 - 8 * i));
			}
		}
		try {
			return InetAddress.getByAddress(b);
		}
		catch (UnknownHostException e) {
			throw new IllegalStateException("address of " + b.length + " bytes", e);
		}
	}

}
