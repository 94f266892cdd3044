package dev.bpfnet.engine.datapath;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.nic.NicRx;
import dev.bpfnet.engine.nic.Wire;
import dev.bpfnet.engine.sim.SimRandom;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.NamespaceRef;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.Node;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.FrameTap;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.traffic.Endpoint;
import dev.bpfnet.engine.traffic.FrameSender;
import dev.bpfnet.engine.traffic.FrameSource;
import dev.bpfnet.engine.traffic.ReplayFile;
import dev.bpfnet.engine.traffic.ReplayTiming;
import dev.bpfnet.engine.traffic.PacketSender;
import dev.bpfnet.engine.traffic.TrafficEnv;
import dev.bpfnet.engine.traffic.TrafficPlan;
import dev.bpfnet.engine.traffic.TrafficResolver;

/**
 * A whole run of a topology document: one {@link Simulator}, one trace sink, one
 * {@link CpuAccounting} and one skb id counter shared by a {@link Datapath} per node of
 * the document, and the document's {@code wires} as {@link Wire}s between the NICs, each
 * NIC with its receive side ({@link NicRx}: RX ring {@code rx_ring}, hard IRQ on
 * {@code irq_cpu}, coalescing from the scheduling parameters, NAPI poll with the TX
 * clean) feeding its node's {@code __netif_receive_skb_core} (datapath.md §6 paths C and
 * E).
 *
 * <p>
 * <b>Run-wide ids.</b> CPU, task, queue, device and namespace ids are unique in the run:
 * node {@code k} gets the ranges after those of nodes {@code 0..k-1} (tasks: blocks of
 * {@link #TASKS_PER_NODE}); the RX rings' queue ids follow every node's queues. A
 * {@link NetDevice#id()} stays node-local; {@link #traceDeviceId} gives the id the trace
 * carries.
 *
 * <p>
 * <b>Traffic.</b> The engine is the {@link TrafficResolver} and the {@link PacketSender}
 * ({@code ip_output} of the sending namespace) of the document's traffic, built at
 * construction ({@link #plan()}: sockets bound, tasks blocked) and started by the first
 * {@link #run}; latencies go to {@link #latency()}, flow {@code k} = document order.
 *
 * <p>
 * A NIC without a wire keeps the single-node behaviour of {@link Datapath} (frames leave
 * into nothing, descriptors are reclaimed at no cost). Not thread-safe.
 */
public final class Engine implements TrafficResolver, PacketSender, FrameSender {

	/** Task ids reserved per node. */
	public static final int TASKS_PER_NODE = 4096;

	private final TopologyDocument doc;

	private final Simulator sim;

	private final CpuAccounting accounting;

	private final Names names = new Names();

	private final long[] skbIds = new long[1];

	private final List<Datapath> nodes;

	/** {@link #nodes} for the per-packet lookup of {@link #ipOutput}. */
	private final Datapath[] nodeArray;

	private final int[] deviceBases;

	private final List<Wire<Packet>> wires;

	private final List<NicRx<Packet>> nicRxs = new ArrayList<>();

	private final LatencyRecorder latency = new LatencyRecorder();

	private final TrafficPlan plan;

	private boolean started;

	private final List<FrameSource> frameSources = new ArrayList<>();

	/**
	 * Builds every node and wire of the document.
	 * @param doc the topology
	 * @param objectBase directory the programs' {@code object} paths are relative to
	 * @param options mode, trace sink (shared by every node), parameters
	 * @throws IllegalArgumentException if a wire end is not a NIC
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 */
	public Engine(TopologyDocument doc, Path objectBase, Datapath.Options options) {
		this(doc, ObjectSource.directory(objectBase), options);
	}

	/**
	 * Builds every node and wire of the document, reading program objects from a source.
	 * @param doc the topology
	 * @param objects gives the bytes of the programs' {@code object}s
	 * @param options mode, trace sink (shared by every node), parameters
	 * @throws IllegalArgumentException if a wire end is not a NIC
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 */
	public Engine(TopologyDocument doc, ObjectSource objects, Datapath.Options options) {
		this.doc = Objects.requireNonNull(doc, "doc");
		Objects.requireNonNull(objects, "objects");
		Objects.requireNonNull(options, "options");
		int totalCpus = 0;
		for (Node n : doc.nodes()) {
			totalCpus += n.cpus();
		}
		this.sim = new Simulator();
		this.accounting = new CpuAccounting(totalCpus);
		List<Datapath> built = new ArrayList<>();
		this.deviceBases = new int[doc.nodes().size()];
		int firstCpu = 0;
		int queueBase = 0;
		int deviceBase = 0;
		int nsBase = 0;
		for (int k = 0; k < doc.nodes().size(); k++) {
			Node n = doc.nodes().get(k);
			Datapath.Shared shared = new Datapath.Shared(this.sim, this.accounting, this.names, this.skbIds, firstCpu,
					k * TASKS_PER_NODE, queueBase, deviceBase, nsBase);
			Datapath dp = new Datapath(doc, n.name(), objects, options, shared);
			built.add(dp);
			this.deviceBases[k] = deviceBase;
			firstCpu += n.cpus();
			// backlogs, then a qdisc and a TX ring per device (see Datapath.buildDevices)
			queueBase += n.cpus() + 2 * dp.netns().deviceCount();
			deviceBase += dp.netns().deviceCount();
			nsBase += dp.netns().namespaces().size();
		}
		this.nodes = Collections.unmodifiableList(built);
		this.nodeArray = built.toArray(new Datapath[0]);
		List<Wire<Packet>> ws = new ArrayList<>();
		int rxQueue = queueBase;
		for (dev.bpfnet.engine.topology.Wire w : doc.wires()) {
			Wire<Packet> wire = new Wire<>(this.sim, w.latencyNs());
			this.nicRxs.add(plug(wire, Wire.A, w.a(), rxQueue++));
			this.nicRxs.add(plug(wire, Wire.B, w.b(), rxQueue++));
			ws.add(wire);
		}
		this.wires = Collections.unmodifiableList(ws);
		int[] tasksBefore = new int[this.nodes.size()];
		for (int k = 0; k < tasksBefore.length; k++) {
			tasksBefore[k] = this.nodes.get(k).cpus().tasks().size();
		}
		TrafficEnv env = new TrafficEnv(this, () -> this.skbIds[0]++, this.latency, new SimRandom(doc.seed()));
		this.plan = TrafficPlan.fromTopology(doc.traffic(), this, env);
		this.plan.registerNames(this.names);
		for (int k = 0; k < tasksBefore.length; k++) {
			Datapath dp = this.nodes.get(k);
			List<dev.bpfnet.engine.cpu.Task> tasks = dp.cpus().tasks();
			for (int i = tasksBefore[k]; i < tasks.size(); i++) {
				this.names.register(Names.Kind.TASK, tasks.get(i).id(), dp.node() + "/" + tasks.get(i).name());
			}
		}
		for (int k = 0; k < doc.traffic().size(); k++) {
			if (doc.traffic().get(k) instanceof dev.bpfnet.engine.topology.Traffic.Replay r) {
				addReplay("traffic[" + k + "]", r, objects);
			}
			else if (doc.traffic().get(k) instanceof dev.bpfnet.engine.topology.Traffic.Packets p) {
				addPackets("traffic[" + k + "]", p);
			}
		}
	}

	/**
	 * A {@code kind: replay} traffic entry: the file (from the object source: relative to
	 * the document's directory for the CLI) read and converted by {@link ReplayFile},
	 * sent into the device by a {@link FrameSource}.
	 * @throws IllegalArgumentException {@code traffic[k].file: ...} for a file that
	 * cannot be replayed
	 */
	private void addReplay(String path, dev.bpfnet.engine.topology.Traffic.Replay r, ObjectSource objects) {
		ReplayFile file;
		try {
			Path source;
			try {
				source = objects.file(r.file());
			}
			catch (java.io.IOException ex) {
				throw new IllegalArgumentException("cannot read " + r.file() + ": " + ex.getMessage(), ex);
			}
			file = ReplayFile.read(source,
					new ReplayFile.Options(ReplayFile.DEFAULT_MAX_BYTES, ReplayFile.DEFAULT_MAX_FRAMES, r.truncate()));
			List<byte[]> data = new ArrayList<>(file.frames().size());
			for (ReplayFile.Frame f : file.frames()) {
				data.add(f.data());
			}
			// packet_snd refuses a frame over the device's MTU (EMSGSIZE)
			FrameSource.requireFits(data, r.device().toString(), mtu(r.device()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(path + ".file: " + ex.getMessage(), ex);
		}
		ReplayTiming timing = switch (r.timing()) {
			case "scale" -> ReplayTiming.scale(r.factor());
			case "rate" -> ReplayTiming.rate(r.rate().perSecond());
			default -> ReplayTiming.original();
		};
		List<byte[]> frames = new ArrayList<>(file.frames().size());
		for (ReplayFile.Frame f : file.frames()) {
			frames.add(f.data());
		}
		addFrameSource(r.name(), r.cpu(), FrameSource.Target.device(r.device()), timing.times(file, r.startNs()),
				frames);
	}

	/**
	 * A {@code kind: packet} traffic entry: the frame built once by
	 * {@link dev.bpfnet.engine.packet.PacketFactory} (raw IP gets a zero-MAC Ethernet
	 * header), sent {@code count} times at {@code rate} by a {@link FrameSource}.
	 */
	private void addPackets(String path, dev.bpfnet.engine.topology.Traffic.Packets p) {
		byte[] frame = dev.bpfnet.engine.packet.PacketFactory.build(p.packet());
		if (p.packet().ethernet() == null) {
			frame = ReplayFile.rawIpToEthernet(frame);
		}
		if (p.device() == null && frame.length >= 34 && frame[12] == 0x08 && frame[13] == 0x00) {
			// raw_sendmsg routes by the destination: without a route every send would
			// fail
			// (-ENETUNREACH) and the source would send nothing, silently
			int daddr = ((frame[30] & 0xff) << 24) | ((frame[31] & 0xff) << 16) | ((frame[32] & 0xff) << 8)
					| (frame[33] & 0xff);
			String why = node(p.namespace().node()).noRoute(p.namespace().namespace(), IpAddress.ipv4(daddr));
			if (why != null) {
				throw new IllegalArgumentException(path + ".packet.ipv4.dst: " + why);
			}
		}
		if (p.device() != null) {
			try {
				FrameSource.requireFits(List.of(frame), p.device().toString(), mtu(p.device()));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(path + ".packet: " + ex.getMessage().replaceFirst("^frame 0: ", ""),
						ex);
			}
		}
		long[] times = new long[(int) p.count()];
		for (int i = 0; i < times.length; i++) {
			times[i] = p.startNs() + ((i == 0) ? 0 : Math.round(i * 1e9 / p.rate().perSecond()));
		}
		FrameSource.Target target = (p.device() != null) ? FrameSource.Target.device(p.device())
				: FrameSource.Target.namespace(p.namespace());
		addFrameSource(p.name(), p.cpu(), target, times, Collections.nCopies(times.length, frame));
	}

	private int mtu(dev.bpfnet.engine.topology.DeviceRef ref) {
		return this.doc.device(ref)
			.orElseThrow(() -> new IllegalArgumentException("device: no device " + ref))
			.declaration()
			.mtu();
	}

	private NicRx<Packet> plug(Wire<Packet> wire, int side, dev.bpfnet.engine.topology.DeviceRef ref, int rxQueue) {
		Datapath dp = node(ref.node());
		NetDevice d = dp.device(ref);
		TopologyDocument.DeviceView view = this.doc.device(ref)
			.orElseThrow(() -> new IllegalArgumentException("wire: no device " + ref));
		if (!(view.declaration() instanceof NicDevice nic)) {
			throw new IllegalArgumentException("wire: " + ref + " is not a NIC");
		}
		return dp.attachWire(wire, side, d, nic.rxRing(), rxQueue);
	}

	/** The document. */
	public TopologyDocument document() {
		return this.doc;
	}

	/** The run's simulator. */
	public Simulator simulator() {
		return this.sim;
	}

	/** CPU time accounting over every CPU of the run. */
	public CpuAccounting accounting() {
		return this.accounting;
	}

	/** The names of CPUs, tasks, devices, namespaces and queues of every node. */
	public Names names() {
		return this.names;
	}

	/** The datapaths, in document order. */
	public List<Datapath> nodes() {
		return this.nodes;
	}

	/** The wires, in document order. */
	public List<Wire<Packet>> wires() {
		return this.wires;
	}

	/** The receive sides of the wired NICs (two per wire, A then B). */
	public List<NicRx<Packet>> nicRxs() {
		return Collections.unmodifiableList(this.nicRxs);
	}

	/**
	 * The datapath of a node.
	 * @param name the node name
	 * @return its datapath
	 * @throws IllegalArgumentException for an unknown node
	 */
	public Datapath node(String name) {
		for (Datapath dp : this.nodes) {
			if (dp.node().equals(name)) {
				return dp;
			}
		}
		throw new IllegalArgumentException("node: no node called " + name + " in " + this.doc.name());
	}

	/**
	 * The run-wide id trace events carry for a device.
	 * @param ref {@code node/namespace/device}
	 * @return the id
	 */
	public int traceDeviceId(String ref) {
		dev.bpfnet.engine.topology.DeviceRef r = dev.bpfnet.engine.topology.DeviceRef.of(ref);
		for (int k = 0; k < this.nodes.size(); k++) {
			Datapath dp = this.nodes.get(k);
			if (dp.node().equals(r.node())) {
				return dp.device(r).id() + this.deviceBases[k];
			}
		}
		throw new IllegalArgumentException("node: no node called " + r.node() + " in " + this.doc.name());
	}

	/**
	 * Attaches one frame tap to every node (see {@link Datapath#setFrameTap}); device ids
	 * are run-wide, as {@link #traceDeviceId} gives them. {@code null} detaches.
	 */
	public void setFrameTap(FrameTap tap) {
		for (Datapath dp : this.nodes) {
			dp.setFrameTap(tap);
		}
	}

	/**
	 * The run-wide ids of the NICs without a wire: frames they send leave the topology
	 * ({@link dev.bpfnet.engine.trace.PacketLedger#exitDevices}).
	 */
	public int[] exitDeviceIds() {
		List<Integer> ids = new ArrayList<>();
		for (int k = 0; k < this.nodes.size(); k++) {
			for (NetDevice d : this.nodes.get(k).devices()) {
				if (d.kind() == NetDevice.Kind.NIC && d.wire == null) {
					ids.add(d.id() + this.deviceBases[k]);
				}
			}
		}
		return ids.stream().mapToInt(Integer::intValue).toArray();
	}

	/**
	 * The skbs the run has created so far (ids 0 to n - 1): every packet that entered the
	 * topology; a frame crossing a wire keeps its id.
	 */
	public long skbsCreated() {
		return this.skbIds[0];
	}

	/** Frames dropped on full RX rings of every NIC. */
	public long rxMissed() {
		long n = 0;
		for (NicRx<Packet> rx : this.nicRxs) {
			n += rx.missed();
		}
		return n;
	}

	/** The document's traffic. */
	public TrafficPlan plan() {
		return this.plan;
	}

	/** One-way latencies and round trips of the flows. */
	public LatencyRecorder latency() {
		return this.latency;
	}

	/**
	 * Starts the document's traffic (on the first call) and runs {@code durationNs} of
	 * simulated time from now.
	 * @param durationNs how long, {@code >= 0}
	 */
	public void run(long durationNs) {
		if (durationNs < 0) {
			throw new IllegalArgumentException("durationNs must be >= 0, was " + durationNs);
		}
		start();
		this.sim.runUntil(this.sim.now() + durationNs);
	}

	/**
	 * Starts the document's traffic (schedules its first events) without running
	 * anything, for drivers that step the {@link #simulator()} themselves; later calls
	 * and {@link #run} do not start it again.
	 */
	public void start() {
		if (!this.started) {
			this.started = true;
			this.plan.start();
			for (FrameSource f : this.frameSources) {
				f.start();
			}
		}
	}

	// ---- TrafficResolver and PacketSender ----

	@Override
	public CpuSet cpus(String node) {
		return node(node).cpus();
	}

	@Override
	public int netnsId(NamespaceRef ns) {
		return node(ns.node()).traceNetnsId(ns.namespace());
	}

	@Override
	public NamespaceRef owner(IpAddress address) {
		for (Datapath dp : this.nodes) {
			String ns = dp.ownerOf(address);
			if (ns != null) {
				return new NamespaceRef(dp.node(), ns);
			}
		}
		throw new IllegalArgumentException("to: no namespace has the address " + address);
	}

	@Override
	public IpAddress sourceAddress(NamespaceRef from, IpAddress dst) {
		return node(from.node()).sourceAddress(from.namespace(), dst);
	}

	@Override
	public void bind(NamespaceRef ns, int protocol, IpEndpoint local, Endpoint endpoint) {
		if (protocol != dev.bpfnet.engine.packet.PacketSpec.PROTO_UDP) {
			throw new IllegalArgumentException("protocol: only UDP sockets are modelled, got " + protocol);
		}
		node(ns.node()).bind(ns.namespace(), local, endpoint);
	}

	@Override
	public void ipOutput(Cpu cpu, Skb skb) {
		CpuSet set = cpu.cpuSet();
		// indexed: no iterator per packet
		for (int k = 0; k < this.nodeArray.length; k++) {
			Datapath dp = this.nodeArray[k];
			if (dp.cpus() == set) {
				dp.ipOutputFromSocket(cpu, skb);
				return;
			}
		}
		throw new IllegalStateException("cpu " + cpu + " belongs to no node of the run");
	}

	@Override
	public void packetXmit(Cpu cpu, dev.bpfnet.engine.topology.DeviceRef device, byte[] frame) {
		Datapath dp = node(device.node());
		dp.packetXmit(cpu, dp.device(device), frame);
	}

	@Override
	public void rawIpSend(Cpu cpu, NamespaceRef ns, byte[] frame) {
		node(ns.node()).rawIpSend(cpu, ns.namespace(), frame);
	}

	/**
	 * Adds a task that sends prepared frames (a replayed capture, crafted packets) at
	 * absolute times; it starts with the traffic at the first {@link #run} (or at once if
	 * the run has started).
	 * @param name the task name (unique names read better in results)
	 * @param cpu the CPU index of the task on the target's node
	 * @param target a device (into it) or a namespace (routed from it)
	 * @param timesNs absolute send times, non-decreasing
	 * @param frames Ethernet frames, one per time
	 * @return the source
	 * @throws IllegalArgumentException for an unknown node, device or namespace, or a CPU
	 * the node lacks
	 */
	public FrameSource addFrameSource(String name, int cpu, FrameSource.Target target, long[] timesNs,
			List<byte[]> frames) {
		Datapath dp = node(target.node());
		if (target.device() != null) {
			dp.device(target.device());
		}
		else {
			dp.traceNetnsId(target.namespace().namespace());
		}
		if (cpu < 0 || cpu >= dp.cpus().size()) {
			throw new IllegalArgumentException(
					"cpu: node " + dp.node() + " has CPUs 0.." + (dp.cpus().size() - 1) + ", got " + cpu);
		}
		FrameSource source = new FrameSource(name, dp.cpus(), cpu, this, target, timesNs, frames);
		this.names.register(Names.Kind.TASK, source.task().id(), dp.node() + "/" + name);
		this.frameSources.add(source);
		if (this.started) {
			source.start();
		}
		return source;
	}

	/** The frame sources added with {@link #addFrameSource}. */
	public List<FrameSource> frameSources() {
		return Collections.unmodifiableList(this.frameSources);
	}

	/** Runs the simulation up to {@code untilNs} (traffic not started). */
	public void runUntil(long untilNs) {
		this.sim.runUntil(untilNs);
	}

	@Override
	public String toString() {
		return "Engine[" + this.doc.name() + ", " + this.nodes.size() + " nodes, " + this.wires.size() + " wires]";
	}

}
