package dev.bpfnet.engine.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A fluent builder producing the same {@link TopologyDocument} records the parser does,
 * for tests and programmatic scenarios. Unit-bearing values take the document's strings
 * ({@code "25Gbit"}, {@code "2us"}, {@code "192.0.2.1/24"}). {@link Builder#build()} runs
 * {@link TopologyValidator} and throws {@link TopologyException} on the same problems the
 * parser reports (without source locations).
 *
 * <pre>{@code
 * TopologyDocument doc = Topology.builder().name("pod-egress").seed(42)
 *     .node("node1", n -> n.cpus(4)
 *         .namespace("host", ns -> ns.forwarding(true)
 *             .nic("eth0", nic -> nic.address("192.0.2.1/24").rate("25Gbit"))
 *             .bpfnet("nk0", nk -> nk.peer("pod1", "eth0", "10.244.1.10/32"))
 *             .route("0.0.0.0/0", "192.0.2.254", "eth0"))
 *         .namespace("pod1", ns -> ns.route("0.0.0.0/0", "eth0")))
 *     .build();
 * }</pre>
 */
public final class Topology {

	private Topology() {
	}

	/** A new document builder (name {@code topology}, seed 1). */
	public static Builder builder() {
		return new Builder();
	}

	private static IpPrefix prefix(String text) {
		return IpPrefix.of(text);
	}

	private static long duration(String text) {
		long ns = Units.parseDuration(text);
		if (ns < 0) {
			throw new IllegalArgumentException("expected a duration like 2us, got \"" + text + "\"");
		}
		return ns;
	}

	private static long parseRate(String text) {
		long bits = Units.parseRate(text);
		if (bits < 1) {
			throw new IllegalArgumentException("expected a rate like 25Gbit, got \"" + text + "\"");
		}
		return bits;
	}

	/** Builds a {@link TopologyDocument}. */
	public static final class Builder {

		private String name = "topology";

		private long seed = TopologyDocument.DEFAULT_SEED;

		private final List<Node> nodes = new ArrayList<>();

		private final List<Wire> wires = new ArrayList<>();

		private final List<ProgramRef> programs = new ArrayList<>();

		private final List<Attach> attach = new ArrayList<>();

		private final List<Traffic> traffic = new ArrayList<>();

		private final Map<String, CostOverride> costs = new TreeMap<>();

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder seed(long seed) {
			this.seed = seed;
			return this;
		}

		public Builder node(String name, Consumer<NodeBuilder> spec) {
			NodeBuilder b = new NodeBuilder(name);
			spec.accept(b);
			this.nodes.add(b.build());
			return this;
		}

		/**
		 * A wire between two NICs ({@code "node1/host/eth0"}), latency like
		 * {@code "2us"}.
		 */
		public Builder wire(String a, String b, String latency) {
			this.wires.add(new Wire(DeviceRef.of(a), DeviceRef.of(b), duration(latency), OptionalLong.empty()));
			return this;
		}

		public Builder wire(Wire wire) {
			this.wires.add(wire);
			return this;
		}

		public Builder program(ProgramRef program) {
			this.programs.add(program);
			return this;
		}

		/** Attaches {@code program} to {@code device} ({@code "node1/host/nk0"}). */
		public Builder attach(String program, String device, Attach.Hook hook) {
			this.attach.add(new Attach(program, DeviceRef.of(device), hook, OptionalInt.empty()));
			return this;
		}

		public Builder attach(Attach attach) {
			this.attach.add(attach);
			return this;
		}

		public Builder traffic(Traffic traffic) {
			this.traffic.add(traffic);
			return this;
		}

		/** A request-response flow with size 64, one CPU 0 client and server. */
		public Builder requestResponse(String name, String from, String to, long transactions) {
			return traffic(new Traffic.RequestResponse(name, NamespaceRef.of(from), IpEndpoint.of(to), 64, 64,
					transactions, 0, 0, 0));
		}

		public Builder cost(String function, CostOverride cost) {
			this.costs.put(function, cost);
			return this;
		}

		/**
		 * The document; throws {@link TopologyException} if references do not resolve.
		 */
		public TopologyDocument build() {
			TopologyDocument doc = TopologyDocument.of(this.name, this.seed, this.nodes, this.wires, this.programs,
					this.attach, this.traffic, this.costs);
			List<Problem> problems = TopologyValidator.validate(doc);
			if (!problems.isEmpty()) {
				throw new TopologyException(problems);
			}
			return doc;
		}

	}

	/** Builds a {@link Node}. */
	public static final class NodeBuilder {

		private final String name;

		private int cpus = 1;

		private Sysctl sysctl = Sysctl.DEFAULTS;

		private final List<Namespace> namespaces = new ArrayList<>();

		NodeBuilder(String name) {
			this.name = name;
		}

		public NodeBuilder cpus(int cpus) {
			this.cpus = cpus;
			return this;
		}

		public NodeBuilder sysctl(Sysctl sysctl) {
			this.sysctl = sysctl;
			return this;
		}

		public NodeBuilder namespace(String name, Consumer<NamespaceBuilder> spec) {
			NamespaceBuilder b = new NamespaceBuilder(name);
			spec.accept(b);
			this.namespaces.add(b.build());
			return this;
		}

		Node build() {
			return new Node(this.name, this.cpus, this.sysctl, this.namespaces);
		}

	}

	/** Builds a {@link Namespace}. */
	public static final class NamespaceBuilder {

		private final String name;

		private boolean forwarding;

		private final List<Device> devices = new ArrayList<>();

		private final List<Route> routes = new ArrayList<>();

		private final List<Neighbour> neighbours = new ArrayList<>();

		NamespaceBuilder(String name) {
			this.name = name;
		}

		public NamespaceBuilder forwarding(boolean forwarding) {
			this.forwarding = forwarding;
			return this;
		}

		public NamespaceBuilder device(Device device) {
			this.devices.add(device);
			return this;
		}

		public NamespaceBuilder nic(String name, Consumer<NicBuilder> spec) {
			NicBuilder b = new NicBuilder(name);
			spec.accept(b);
			return device(b.build());
		}

		public NamespaceBuilder veth(String name, Consumer<VethBuilder> spec) {
			VethBuilder b = new VethBuilder(name);
			spec.accept(b);
			return device(b.build());
		}

		public NamespaceBuilder bpfnet(String name, Consumer<BpfnetBuilder> spec) {
			BpfnetBuilder b = new BpfnetBuilder(name);
			spec.accept(b);
			return device(b.build());
		}

		/** A connected route ({@code to} like {@code "0.0.0.0/0"}). */
		public NamespaceBuilder route(String to, String dev) {
			this.routes.add(new Route(prefix(to), Optional.empty(), dev));
			return this;
		}

		/** A route through gateway {@code via}. */
		public NamespaceBuilder route(String to, String via, String dev) {
			this.routes.add(new Route(prefix(to), Optional.of(IpAddress.of(via)), dev));
			return this;
		}

		public NamespaceBuilder neighbour(String ip, String mac, String dev) {
			this.neighbours.add(new Neighbour(IpAddress.of(ip), MacAddress.of(mac), dev));
			return this;
		}

		Namespace build() {
			return new Namespace(this.name, this.forwarding, this.devices, this.routes, this.neighbours);
		}

	}

	/** Builds a {@link NicDevice}; every knob starts at its default. */
	public static final class NicBuilder {

		private final String name;

		private final List<IpPrefix> addresses = new ArrayList<>();

		private Optional<MacAddress> mac = Optional.empty();

		private int mtu = Device.DEFAULT_MTU;

		private NicDevice.Qdisc qdisc = NicDevice.Qdisc.PFIFO_FAST;

		private int txqueuelen = NicDevice.DEFAULT_TXQUEUELEN;

		private int txRing = NicDevice.DEFAULT_TX_RING;

		private OptionalLong bql = OptionalLong.empty();

		private long rate = NicDevice.DEFAULT_RATE;

		private int rxRing = NicDevice.DEFAULT_RX_RING;

		private int irqCpu;

		private CpuMask rpsCpus = CpuMask.NONE;

		NicBuilder(String name) {
			this.name = name;
		}

		public NicBuilder address(String prefix) {
			this.addresses.add(prefix(prefix));
			return this;
		}

		public NicBuilder mac(String mac) {
			this.mac = Optional.of(MacAddress.of(mac));
			return this;
		}

		public NicBuilder mtu(int mtu) {
			this.mtu = mtu;
			return this;
		}

		public NicBuilder qdisc(NicDevice.Qdisc qdisc) {
			this.qdisc = qdisc;
			return this;
		}

		public NicBuilder txqueuelen(int txqueuelen) {
			this.txqueuelen = txqueuelen;
			return this;
		}

		public NicBuilder txRing(int entries) {
			this.txRing = entries;
			return this;
		}

		public NicBuilder bql(long bytes) {
			this.bql = OptionalLong.of(bytes);
			return this;
		}

		public NicBuilder rate(String rate) {
			this.rate = parseRate(rate);
			return this;
		}

		public NicBuilder rxRing(int entries) {
			this.rxRing = entries;
			return this;
		}

		public NicBuilder irqCpu(int cpu) {
			this.irqCpu = cpu;
			return this;
		}

		/** RPS on the NIC's receive queue, to these CPUs ({@code rps_cpus}). */
		public NicBuilder rpsCpus(int... cpus) {
			this.rpsCpus = CpuMask.of(cpus);
			return this;
		}

		NicDevice build() {
			return new NicDevice(this.name, this.addresses, this.mac, this.mtu, this.qdisc, this.txqueuelen,
					this.txRing, this.bql, this.rate, this.rxRing, this.irqCpu, this.rpsCpus);
		}

	}

	/** Builds a {@link VethDevice}. */
	public static final class VethBuilder {

		private final String name;

		private final List<IpPrefix> addresses = new ArrayList<>();

		private Optional<MacAddress> mac = Optional.empty();

		private int mtu = Device.DEFAULT_MTU;

		private VethDevice.RxDelivery rxDelivery = VethDevice.RxDelivery.BACKLOG;

		private boolean gro;

		private CpuMask rpsCpus = CpuMask.NONE;

		private VethDevice.Peer peer;

		VethBuilder(String name) {
			this.name = name;
		}

		public VethBuilder address(String prefix) {
			this.addresses.add(prefix(prefix));
			return this;
		}

		public VethBuilder mac(String mac) {
			this.mac = Optional.of(MacAddress.of(mac));
			return this;
		}

		public VethBuilder mtu(int mtu) {
			this.mtu = mtu;
			return this;
		}

		public VethBuilder rxDelivery(VethDevice.RxDelivery rxDelivery) {
			this.rxDelivery = rxDelivery;
			return this;
		}

		public VethBuilder gro(boolean gro) {
			this.gro = gro;
			return this;
		}

		/** RPS on this end's receive queue, to these CPUs ({@code rps_cpus}). */
		public VethBuilder rpsCpus(int... cpus) {
			this.rpsCpus = CpuMask.of(cpus);
			return this;
		}

		/** The peer end with default knobs and the given addresses. */
		public VethBuilder peer(String namespace, String name, String... addresses) {
			return peer(new VethDevice.Peer(namespace, name, List.of(addresses).stream().map(Topology::prefix).toList(),
					Optional.empty(), VethDevice.RxDelivery.BACKLOG, false));
		}

		public VethBuilder peer(VethDevice.Peer peer) {
			this.peer = peer;
			return this;
		}

		VethDevice build() {
			return new VethDevice(this.name, this.addresses, this.mac, this.mtu, this.rxDelivery, this.gro,
					this.rpsCpus, this.peer);
		}

	}

	/**
	 * Builds a {@link BpfnetDevice}; defaults are netkit's (l3, pass/pass, scrub
	 * default).
	 */
	public static final class BpfnetBuilder {

		private final String name;

		private final List<IpPrefix> addresses = new ArrayList<>();

		private Optional<MacAddress> mac = Optional.empty();

		private int mtu = Device.DEFAULT_MTU;

		private BpfnetDevice.Mode mode = BpfnetDevice.Mode.L3;

		private BpfnetDevice.Policy policy = BpfnetDevice.Policy.PASS;

		private BpfnetDevice.Policy peerPolicy = BpfnetDevice.Policy.PASS;

		private BpfnetDevice.Scrub scrub = BpfnetDevice.Scrub.DEFAULT;

		private BpfnetDevice.Scrub peerScrub = BpfnetDevice.Scrub.DEFAULT;

		private int headroom;

		private int tailroom;

		private BpfnetDevice.Peer peer;

		BpfnetBuilder(String name) {
			this.name = name;
		}

		public BpfnetBuilder address(String prefix) {
			this.addresses.add(prefix(prefix));
			return this;
		}

		public BpfnetBuilder mac(String mac) {
			this.mac = Optional.of(MacAddress.of(mac));
			return this;
		}

		public BpfnetBuilder mtu(int mtu) {
			this.mtu = mtu;
			return this;
		}

		public BpfnetBuilder mode(BpfnetDevice.Mode mode) {
			this.mode = mode;
			return this;
		}

		public BpfnetBuilder policy(BpfnetDevice.Policy policy) {
			this.policy = policy;
			return this;
		}

		public BpfnetBuilder peerPolicy(BpfnetDevice.Policy peerPolicy) {
			this.peerPolicy = peerPolicy;
			return this;
		}

		public BpfnetBuilder scrub(BpfnetDevice.Scrub scrub) {
			this.scrub = scrub;
			return this;
		}

		public BpfnetBuilder peerScrub(BpfnetDevice.Scrub peerScrub) {
			this.peerScrub = peerScrub;
			return this;
		}

		public BpfnetBuilder headroom(int bytes) {
			this.headroom = bytes;
			return this;
		}

		public BpfnetBuilder tailroom(int bytes) {
			this.tailroom = bytes;
			return this;
		}

		/** The peer end with the given addresses. */
		public BpfnetBuilder peer(String namespace, String name, String... addresses) {
			return peer(new BpfnetDevice.Peer(namespace, name,
					List.of(addresses).stream().map(Topology::prefix).toList(), Optional.empty()));
		}

		public BpfnetBuilder peer(BpfnetDevice.Peer peer) {
			this.peer = peer;
			return this;
		}

		BpfnetDevice build() {
			return new BpfnetDevice(this.name, this.addresses, this.mac, this.mtu, this.mode, this.policy,
					this.peerPolicy, this.scrub, this.peerScrub, this.headroom, this.tailroom, this.peer);
		}

	}

}
