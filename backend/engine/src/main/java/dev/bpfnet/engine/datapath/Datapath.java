package dev.bpfnet.engine.datapath;

import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.CostModel.Id;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.IrqHandler;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.cpu.SoftnetData;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.hook.ExecMode;
import dev.bpfnet.engine.hook.HookEnv;
import dev.bpfnet.engine.hook.HookHost;
import dev.bpfnet.engine.hook.HookProgram;
import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.hook.HookResult;
import dev.bpfnet.engine.hook.NetkitSlot;
import dev.bpfnet.engine.hook.ProgramLoader;
import dev.bpfnet.engine.hook.TcxChain;
import dev.bpfnet.engine.netns.EngineFib;
import dev.bpfnet.engine.netns.Forwarding;
import dev.bpfnet.engine.netns.NeighbourTable;
import dev.bpfnet.engine.netns.NetDeviceInfo;
import dev.bpfnet.engine.netns.NetNamespace;
import dev.bpfnet.engine.netns.Netns;
import dev.bpfnet.engine.netns.RouteResult;
import dev.bpfnet.engine.nic.NicRx;
import dev.bpfnet.engine.nic.TxRingCleaner;
import dev.bpfnet.engine.nic.Wire;
import dev.bpfnet.engine.packet.Checksums;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.packet.PacketTemplate;
import dev.bpfnet.engine.qdisc.EnqueueResult;
import dev.bpfnet.engine.qdisc.Qdisc;
import dev.bpfnet.engine.qdisc.QdiscFactory;
import dev.bpfnet.engine.qdisc.QdiscKind;
import dev.bpfnet.engine.qdisc.QdiscListener;
import dev.bpfnet.engine.qdisc.QdiscRun;
import dev.bpfnet.engine.qdisc.TxQueue;
import dev.bpfnet.engine.qdisc.TxRing;
import dev.bpfnet.engine.sim.EventHandler;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.CostOverride;
import dev.bpfnet.engine.topology.Device;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.Node;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.Sysctl;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.FrameTap;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.trace.Verdict;
import dev.bpfnet.engine.traffic.Endpoint;

/**
 * The datapath of one node: its CPUs ({@link CpuSet}), namespaces ({@link Netns}),
 * devices ({@link NetDevice}), hooks and programs, and the kernel functions that move
 * skbs between them, each charging its row of the {@link CostModel} and emitting one
 * trace event in the context it runs in (datapath.md §6 paths A, B, D):
 *
 * <pre>
 * [TASK] udp_sendmsg → ip_output → ip_finish_output2 → neigh_output → __dev_queue_xmit(dev)
 *   __dev_queue_xmit: local_bh_disable; tcx egress; noqueue → ndo_start_xmit | NIC: qdisc, __qdisc_run, TX ring;
 *                     local_bh_enable (pending NET_RX runs here, SOFTIRQ on top of the task)
 *   veth_xmit  → __dev_forward_skb → __netif_rx → enqueue_to_backlog (this CPU) | netif_receive_skb (direct)
 *   netkit_xmit → netkit_run (PEER slot from the peer, PRIMARY from the primary)
 *                 PASS → __netif_rx (other end) | REDIRECT → skb_do_redirect (synchronous) | DROP
 * [SOFTIRQ] net_rx_action → process_backlog → __netif_receive_skb_core(dev): tcx ingress
 *                 → skb_do_redirect (peer: another round) | ip_rcv → local delivery | ip_forward → ip_output
 * skb_do_redirect: bpf_redirect → __bpf_tx_skb → __dev_queue_xmit(target), recursion limit 8
 *                  BPF_F_INGRESS → __bpf_rx_skb → __netif_rx; bpf_redirect_neigh → route + neigh_output;
 *                  bpf_redirect_peer (tc ingress only) → skb_get_peer_dev → another round on the peer
 * </pre>
 *
 * <p>
 * <b>Simplifications</b> (besides those of {@link NetDevice}):
 * {@code dev_hard_start_xmit} is folded into {@code ndo_start_xmit} (virtual devices) and
 * {@code sch_direct_xmit} (NIC); {@code process_backlog} calls
 * {@code __netif_receive_skb_core} directly (no separate {@code __netif_receive_skb}
 * event); IPv6 receive, forwarding and local delivery as {@link #ipv6Rcv} says (no
 * extension headers, no neighbour discovery); ARP resolves IPv4 next hops on Ethernet
 * devices ({@link #neighResolveOutput}, {@link #arpRcv}, with the simplifications named
 * there), IPv6 neighbours must be static; a UDP datagram to a {@link #bind bound} address
 * and port goes to its socket ({@link Endpoint}, which traces and charges
 * {@code udp_rcv}), any other UDP, TCP or ICMP packet to a local address is counted as
 * delivered to a default sink ({@code udp_rcv} → {@code consume_skb}, no receive queue;
 * the kernel would drop UDP/TCP to a closed port as {@code NO_SOCKET} and answer with an
 * ICMP port unreachable or a RST), except that an ICMPv4 echo request is answered
 * ({@link #icmpEcho}) before it is consumed; {@code eth_type_trans} always sets
 * {@code PACKET_HOST}; {@code bpf_clone_redirect} clones and {@code bpf_redirect_map} are
 * not executed (the latter drops); on a NIC without a wire ({@link Engine} wires them) TX
 * completion is not a NAPI poll: descriptors are reclaimed when their frame has left, at
 * no CPU cost, and a ring that had stopped its queue raises a TX interrupt on the NIC's
 * {@code irq_cpu} that reschedules the qdisc (NET_TX); a wired NIC sends onto its
 * {@link Wire} and is cleaned by its {@link NicRx}'s NAPI poll ({@link TxRingCleaner}),
 * which reschedules the qdisc when the ring wakes; netkit headroom/tailroom and L2-mode
 * {@code pkt_type} are not modelled.
 *
 * <p>
 * Ids: a standalone datapath numbers its CPUs, tasks, queues, devices and namespaces from
 * 0; inside an {@link Engine} they are run-wide (trace events and
 * {@link Skb#deviceId()}/{@link Skb#netnsId()} carry the run-wide ids,
 * {@link NetDevice#id()} stays node-local).
 *
 * <p>
 * Allocation per packet: the packet itself ({@link Packet}, {@link Skb}, {@link SkBuff}),
 * an {@link IpAddress} per route lookup, and the packet template of each
 * {@link #sendUdp}. Not thread-safe: build and run it on one thread.
 */
public final class Datapath {

	/** {@code XMIT_RECURSION_LIMIT} (include/linux/netdevice.h). */
	public static final int XMIT_RECURSION_LIMIT = 8;

	/** Source port of {@link #sendUdp} datagrams. */
	public static final int UDP_SOURCE_PORT = 40000;

	private static final int ETH_HLEN = 14;

	private static final int ETH_P_IP = 0x0800;

	private static final int ETH_P_ARP = 0x0806;

	private static final int ETH_P_IPV6 = 0x86DD;

	/** {@code ICMP_ECHO}: the echo request type. */
	private static final int ICMP_ECHO = 8;

	/**
	 * {@code net.ipv4.neigh.default.unres_qlen_bytes}: bytes of skbs ({@code truesize})
	 * an unresolved neighbour queues; default {@code SK_WMEM_MAX} 212992 (3.3+).
	 */
	public static final int UNRES_QLEN_BYTES = 212_992;

	/**
	 * What a queued skb's {@code truesize} adds to its length: {@code sizeof(struct
	 * sk_buff)} (~232, rounded to the 256-byte slab) +
	 * {@code SKB_DATA_ALIGN(sizeof(struct
	 * skb_shared_info))} (320). An approximation of {@code SKB_TRUESIZE}.
	 */
	static final int SKB_TRUESIZE_OVERHEAD = 576;

	private static final int EINVAL = -22;

	private static final int EAGAIN = -11;

	/**
	 * How to build a datapath.
	 *
	 * @param mode how programs run (JIT or interpreter)
	 * @param trace the sink every event goes to ({@link TraceSink#NONE} for recording
	 * off)
	 * @param sched scheduling and softirq parameters; the node's sysctls replace its
	 * budget, softirq limits and policy
	 * @param costs the cost table
	 */
	public record Options(ExecMode mode, TraceSink trace, SchedParams sched, CostModel costs) {

		public Options {
			Objects.requireNonNull(mode, "mode");
			Objects.requireNonNull(trace, "trace");
			Objects.requireNonNull(sched, "sched");
			Objects.requireNonNull(costs, "costs");
		}

		/** Interpreter, the given sink, default scheduling and costs. */
		public static Options of(TraceSink trace) {
			return new Options(ExecMode.INTERPRETER, trace, SchedParams.defaults(), CostModel.defaults());
		}

	}

	private final TopologyDocument doc;

	private final String node;

	private final Simulator sim;

	private final CpuAccounting accounting;

	private final CpuSet cpus;

	private final CostModel costs;

	private final Netns netns;

	private final NetDevice[] devices;

	private final EngineFib[] fibs;

	private final List<HookEnv> envs;

	private final SortedMap<String, HookProgram> programs;

	private final TraceSink trace;

	private final Names names;

	/** Run-wide id of this node's device 0 (trace events and {@link Skb#deviceId()}). */
	private final int deviceBase;

	/** Run-wide id of this node's namespace 0. */
	private final int nsBase;

	/** Run-wide queue id of this node's first queue. */
	private final int queueBase;

	/** The run's skb id counter (slot 0), shared by the nodes of an {@link Engine}. */
	private final long[] skbIds;

	private final int[] xmitRecursion;

	private final int[] rxRecursion;

	private final List<ArrayDeque<NetDevice>> txScheduled = new ArrayList<>();

	private final RouteResult route = new RouteResult();

	private final QdiscRun qdiscRun;

	private final LongCounter delivered = new LongCounter();

	private final EventHandler phyHandler = (s, arg) -> phyTx((int) arg);

	private final NicTxQueue nicTxQueue = new NicTxQueue();

	private final Departed departed = new Departed();

	private final IrqHandler txWakeIrq = this::txWake;

	private final IrqHandler qdiscArrivalIrq = this::qdiscArrival;

	/** The CPU of the running chain (for callbacks: qdisc drops, TX queue). */
	private Cpu current;

	/** Where {@code tcpdump -i DEV} would see frames, or {@code null} (no capture). */
	private FrameTap tap;

	/** The namespace {@code bpf_fib_lookup} answers in during a program run. */
	private int fibNs;

	private int fibLen;

	private long deliveredTotal;

	private long dropped;

	/** Bound sockets: sorted delivery keys and their endpoints. */
	private long[] socketKeys = new long[4];

	private Endpoint[] sockets = new Endpoint[4];

	private int socketCount;

	private long socketDelivered;

	private long sendErrors;

	/** {@code neigh->arp_queue} of each unresolved IPv4 neighbour, by {@link #arpKey}. */
	private final java.util.HashMap<Long, ArpQueue> arpQueues = new java.util.HashMap<>();

	private long arpRequests;

	private long arpReplies;

	/** The skbs waiting for one neighbour and their {@code truesize} sum. */
	private static final class ArpQueue {

		final ArrayDeque<Packet> skbs = new ArrayDeque<>();

		long bytes;

	}

	/**
	 * Builds the datapath of {@code nodeName}.
	 * @param doc the topology
	 * @param nodeName the node to build
	 * @param objectBase directory the programs' {@code object} paths are relative to
	 * @param options mode, trace sink, parameters
	 * @throws IllegalArgumentException if the node does not exist
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 */
	public Datapath(TopologyDocument doc, String nodeName, Path objectBase, Options options) {
		this(doc, nodeName, ObjectSource.directory(objectBase), options, Shared.single(doc, nodeName));
	}

	/**
	 * Builds the datapath of {@code nodeName}, reading program objects from a source.
	 * @param doc the topology
	 * @param nodeName the node to build
	 * @param objects gives the bytes of the programs' {@code object}s
	 * @param options mode, trace sink, parameters
	 * @throws IllegalArgumentException if the node does not exist
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 */
	public Datapath(TopologyDocument doc, String nodeName, ObjectSource objects, Options options) {
		this(doc, nodeName, objects, options, Shared.single(doc, nodeName));
	}

	/**
	 * What the datapaths of one run share: the simulator, the accounting over every CPU
	 * of the run, the names, the skb id counter, and this node's first run-wide ids.
	 */
	record Shared(Simulator sim, CpuAccounting accounting, Names names, long[] skbIds, int firstCpuId, int firstTaskId,
			int queueBase, int deviceBase, int nsBase) {

		static Shared single(TopologyDocument doc, String nodeName) {
			Node n = doc.node(nodeName)
				.orElseThrow(
						() -> new IllegalArgumentException("node: no node called " + nodeName + " in " + doc.name()));
			return new Shared(new Simulator(), new CpuAccounting(n.cpus()), new Names(), new long[1], 0, 0, 0, 0, 0);
		}

	}

	Datapath(TopologyDocument doc, String nodeName, ObjectSource objects, Options options, Shared shared) {
		this.doc = Objects.requireNonNull(doc, "doc");
		this.node = Objects.requireNonNull(nodeName, "nodeName");
		Objects.requireNonNull(objects, "objects");
		Objects.requireNonNull(options, "options");
		Node n = doc.node(nodeName)
			.orElseThrow(() -> new IllegalArgumentException("node: no node called " + nodeName + " in " + doc.name()));
		this.trace = options.trace();
		this.costs = withOverrides(options.costs(), doc.costs());
		this.sim = shared.sim();
		this.accounting = shared.accounting();
		this.names = shared.names();
		this.skbIds = shared.skbIds();
		this.deviceBase = shared.deviceBase();
		this.nsBase = shared.nsBase();
		this.queueBase = shared.queueBase();
		CpuSet.Config cfg = new CpuSet.Config(n.cpus(), shared.firstCpuId(), shared.firstTaskId(), shared.queueBase(),
				n.sysctl().netdevMaxBacklog(), n.sysctl().devWeight());
		this.cpus = new CpuSet(this.sim, cfg, withSysctl(options.sched(), n.sysctl()), this.costs, this.accounting,
				this.trace);
		this.qdiscRun = new QdiscRun(n.sysctl().devWeight());
		this.xmitRecursion = new int[n.cpus()];
		this.rxRecursion = new int[n.cpus()];
		this.netns = Netns.fromTopology(doc, nodeName);
		this.fibs = new EngineFib[this.netns.namespaces().size()];
		for (NetNamespace ns : this.netns.namespaces()) {
			this.fibs[ns.id()] = new EngineFib(ns);
			this.names.register(Names.Kind.NETNS, ns.id() + this.nsBase, nodeName + "/" + ns.name());
		}
		this.devices = buildDevices(n.cpus());
		HookHost host = new HookHost(this::clock, line -> {
		}, (params, flags) -> this.fibs[this.fibNs].fibLookup(params, flags, this.fibLen),
				ifindex -> this.fibs[this.fibNs].namespace().device(ifindex) != null);
		this.envs = HookEnv.perCpu(n.cpus(), host, doc.seed(), this.costs);
		this.programs = loadPrograms(objects, n.cpus(), options.mode());
		for (int c = 0; c < n.cpus(); c++) {
			Cpu cpu = this.cpus.cpu(c);
			cpu.softnet().setRxHandler((cc, skb) -> receiveFromBacklog(cc, (Packet) skb.payload()));
			cpu.openSoftirq(Cpu.NET_TX_SOFTIRQ, this::netTxAction);
			this.txScheduled.add(new ArrayDeque<>());
		}
		this.cpus.registerNames(this.names, nodeName + "/");
	}

	/**
	 * The cost table with a topology document's {@code costs:} rows applied
	 * ({@link CostModel#withOverrides}): a fixed part alone keeps the row's per-byte (per
	 * instruction for {@code bpf_insn}) part and vice versa.
	 * @param base the table from the options
	 * @param overrides the document's overrides, by function name
	 * @return {@code base} itself when there is no override
	 * @throws IllegalArgumentException for a name the table does not know
	 */
	public static CostModel withOverrides(CostModel base, SortedMap<String, CostOverride> overrides) {
		Objects.requireNonNull(base, "base");
		Objects.requireNonNull(overrides, "overrides");
		if (overrides.isEmpty()) {
			return base;
		}
		SortedMap<String, Object> values = new TreeMap<>();
		for (Map.Entry<String, CostOverride> e : overrides.entrySet()) {
			CostOverride o = e.getValue();
			if (o.nsPerByte().isEmpty()) {
				values.put(e.getKey(), o.ns().getAsLong());
				continue;
			}
			String unit = "bpf_insn".equals(e.getKey()) ? "ns/insn" : "ns/B";
			String variable = BigDecimal.valueOf(o.nsPerByte().getAsDouble()).toPlainString() + unit;
			values.put(e.getKey(), o.ns().isPresent() ? o.ns().getAsLong() + "ns + " + variable : variable);
		}
		return base.withOverrides(values);
	}

	/**
	 * The node's sysctls over the scheduling parameters: {@code netdev_budget},
	 * {@code netdev_budget_usecs}, the softirq restart and time limits and the softirq
	 * policy.
	 */
	static SchedParams withSysctl(SchedParams p, Sysctl s) {
		SchedParams.SoftirqPolicy policy = (s.softirqPolicy() == Sysctl.SoftirqPolicy.PRE_6_5)
				? SchedParams.SoftirqPolicy.PRE_6_5 : SchedParams.SoftirqPolicy.SINCE_6_5;
		return new SchedParams(policy, p.hz(), s.softirqTimeLimitNs(), s.softirqRestartLimit(), s.netdevBudget(),
				s.netdevBudgetNs(), p.baseSliceNs(), p.wakeupLatencyNs(), p.ipiDeliveryNs(), p.idleExitNs(),
				p.irqCoalesceNs(), p.irqCoalescePackets());
	}

	private long clock() {
		Cpu c = this.cpus.running();
		return (c != null) ? c.now() : this.sim.now();
	}

	// =====================================================================
	// building
	// =====================================================================

	private NetDevice[] buildDevices(int cpuCount) {
		NetDevice[] out = new NetDevice[this.netns.deviceCount()];
		TreeMap<Integer, NetkitSlot> slots = new TreeMap<>();
		int nextQueue = this.queueBase + cpuCount;
		for (NetNamespace ns : this.netns.namespaces()) {
			for (NetDeviceInfo info : ns.devices()) {
				String path = this.node + "/" + ns.name() + "/" + info.name();
				this.names.register(Names.Kind.DEVICE, info.deviceId() + this.deviceBase, path);
				if (info.kind() == NetDeviceInfo.Kind.LOOPBACK) {
					out[info.deviceId()] = new NetDevice(info, NetDevice.Kind.LOOPBACK, ns.id(), path, false, null,
							null, null, null, TraceSink.NO_ID, TraceSink.NO_ID, 0, Id.QDISC_NOQUEUE);
					continue;
				}
				TopologyDocument.DeviceView view = this.doc.device(new DeviceRef(this.node, ns.name(), info.name()))
					.orElseThrow(() -> new IllegalStateException("no declaration for " + path));
				Device decl = view.declaration();
				switch (info.kind()) {
					case VETH -> {
						VethDevice veth = (VethDevice) decl;
						NetDevice d = new NetDevice(info, NetDevice.Kind.VETH, ns.id(), path,
								rxDelivery(veth, view.peerEnd()) == VethDevice.RxDelivery.DIRECT, null, null, null,
								null, TraceSink.NO_ID, TraceSink.NO_ID, 0, Id.QDISC_NOQUEUE);
						d.rpsMap = rpsMap(view.peerEnd() ? veth.peer().rpsCpus() : veth.rpsCpus());
						if (view.peerEnd() ? veth.peer().gro() : veth.gro()) {
							int qid = nextQueue++;
							this.names.register(Names.Kind.QUEUE, qid, path + "/xdp_ring");
							d.rq = new VethRq(d, qid, this::vethPoll);
						}
						out[info.deviceId()] = d;
					}
					case BPFNET -> {
						BpfnetDevice nk = (BpfnetDevice) decl;
						int primaryId = info.bpfnetPrimary() ? info.deviceId() : info.peerId();
						NetkitSlot slot = slots.get(primaryId);
						if (slot == null) {
							NetDeviceInfo p = this.netns.device(primaryId);
							NetNamespace pns = this.netns.namespaceOf(primaryId);
							slot = NetkitSlot.of(new DeviceRef(this.node, pns.name(), p.name()), nk);
							slots.put(primaryId, slot);
						}
						BpfnetDevice.Scrub scrub = info.bpfnetPrimary() ? nk.scrub() : nk.peerScrub();
						NetDevice d = new NetDevice(info, NetDevice.Kind.BPFNET, ns.id(), path, false, slot, scrub,
								null, null, TraceSink.NO_ID, TraceSink.NO_ID, 0, Id.QDISC_NOQUEUE);
						d.rpsMap = rpsMap(info.bpfnetPrimary() ? nk.rpsCpus() : nk.peer().rpsCpus());
						out[info.deviceId()] = d;
					}
					case NIC -> {
						NicDevice nic = (NicDevice) decl;
						Qdisc<Packet> q = QdiscFactory.create(QdiscKind.ofKey(nic.qdisc().key()), nic.txqueuelen(),
								info.mtu());
						TxRing<Packet> ring = new TxRing<>(TxRing.Config.of(nic.txRing(), nic.rate(), nic.bqlLimit()));
						int qid = nextQueue++;
						int rid = nextQueue++;
						this.names.register(Names.Kind.QUEUE, qid, path + "/qdisc");
						this.names.register(Names.Kind.QUEUE, rid, path + "/tx_ring");
						int costId = switch (nic.qdisc()) {
							case NOQUEUE -> Id.QDISC_NOQUEUE;
							case PFIFO_FAST -> Id.QDISC_PFIFO_FAST;
							case FQ_CODEL -> Id.QDISC_FQ_CODEL;
						};
						int irqCpu = Math.min(nic.irqCpu(), cpuCount - 1);
						NetDevice d = new NetDevice(info, NetDevice.Kind.NIC, ns.id(), path, false, null, null, q, ring,
								qid, rid, irqCpu, costId);
						d.rpsMap = rpsMap(nic.rpsCpus());
						ring.setListener(new TxRing.Listener<Packet>() {
							@Override
							public void woken(long nowNs) {
								if (d.wire != null) {
									txWakeFromClean(d);
								}
								else {
									d.txWoken = true;
								}
							}
						});
						q.setListener(new QdiscListener<Packet>() {
							@Override
							public void dropped(long nowNs, Packet packet, DropReason reason) {
								qdiscDropped(d, packet, reason);
							}
						});
						out[info.deviceId()] = d;
					}
					default -> throw new IllegalStateException("unexpected device kind " + info.kind());
				}
			}
		}
		return out;
	}

	/** {@code rps_map->cpus}: the mask's CPUs in order, or {@code null} for RPS off. */
	private static int[] rpsMap(dev.bpfnet.engine.topology.CpuMask mask) {
		return mask.isEmpty() ? null : mask.cpus().stream().mapToInt(Integer::intValue).toArray();
	}

	/** How frames are received on this end of a veth pair. */
	private static VethDevice.RxDelivery rxDelivery(VethDevice veth, boolean peerEnd) {
		return peerEnd ? veth.peer().rxDelivery() : veth.rxDelivery();
	}

	private SortedMap<String, HookProgram> loadPrograms(ObjectSource objects, int cpuCount, ExecMode mode) {
		TreeSet<String> wanted = new TreeSet<>();
		for (Attach a : this.doc.attach()) {
			if (a.device().node().equals(this.node)) {
				wanted.add(a.program());
			}
		}
		List<ProgramRef> refs = new ArrayList<>();
		for (String name : wanted) {
			refs.add(this.doc.program(name)
				.orElseThrow(() -> new IllegalArgumentException("attach: no program called " + name)));
		}
		ProgramLoader loader = new ProgramLoader(objects,
				ref -> this.netns.device(DeviceRef.of(ref))
					.orElseThrow(() -> new IllegalArgumentException("no device " + ref + " on node " + this.node))
					.ifindex(),
				cpuCount, mode);
		SortedMap<String, HookProgram> loaded = loader.loadAll(refs);
		for (int k = 0; k < this.doc.attach().size(); k++) {
			Attach a = this.doc.attach().get(k);
			if (!a.device().node().equals(this.node)) {
				continue;
			}
			HookProgram p = loaded.get(a.program());
			NetDevice d = device(a.device());
			try {
				switch (a.hook()) {
					case TCX_INGRESS -> d.tcxIngress.attach(p, a.order());
					case TCX_EGRESS -> d.tcxEgress.attach(p, a.order());
					case PRIMARY, PEER -> {
						if (d.slot == null) {
							throw new IllegalArgumentException(a.device() + " is not a bpfnet device");
						}
						d.slot.attach(a, p);
					}
				}
			}
			catch (IllegalArgumentException ex) {
				// BPF_LINK_CREATE refusing the program (-EINVAL): at the attach entry
				throw new IllegalArgumentException("attach[" + k + "].program: " + ex.getMessage(), ex);
			}
		}
		return loaded;
	}

	// =====================================================================
	// accessors
	// =====================================================================

	/** The node's name. */
	public String node() {
		return this.node;
	}

	/** The simulator. */
	public Simulator simulator() {
		return this.sim;
	}

	/** The node's CPUs. */
	public CpuSet cpus() {
		return this.cpus;
	}

	/** The cost table in force: the options' table with the document's overrides. */
	public CostModel costs() {
		return this.costs;
	}

	/** CPU time accounting. */
	public CpuAccounting accounting() {
		return this.accounting;
	}

	/** The namespaces. */
	public Netns netns() {
		return this.netns;
	}

	/** The names of CPUs, tasks, devices, namespaces and queues. */
	public Names names() {
		return this.names;
	}

	/** The loaded programs by topology name. */
	public SortedMap<String, HookProgram> programs() {
		return this.programs;
	}

	/** Every device, by node-wide id. */
	public List<NetDevice> devices() {
		return List.of(this.devices);
	}

	/** The device with node-wide id {@code id}. */
	public NetDevice device(int id) {
		return this.devices[id];
	}

	/** The device {@code ref} names. */
	public NetDevice device(DeviceRef ref) {
		NetDeviceInfo info = this.netns.device(ref)
			.orElseThrow(() -> new IllegalArgumentException("device: no device " + ref + " on node " + this.node));
		return this.devices[info.deviceId()];
	}

	/** The device {@code "node/ns/dev"} names. */
	public NetDevice device(String ref) {
		return device(DeviceRef.of(ref));
	}

	/**
	 * Packets delivered locally (all namespaces); a datagram its socket drops (a full
	 * receive queue, {@code SOCKET_RCVBUFF}) is a drop, not a delivery.
	 */
	public long delivered() {
		return this.deliveredTotal;
	}

	/**
	 * Packets delivered in namespace {@code nsName} to {@code endpoint} ({@code ip:port};
	 * port 0 for ICMP).
	 */
	public long delivered(String nsName, String endpoint) {
		NetNamespace ns = namespace(nsName);
		IpEndpoint e = IpEndpoint.of(endpoint);
		return this.delivered.get(deliveryKey(ns.id(), e.address(), e.port()));
	}

	/**
	 * Packets dropped: by the datapath functions, the qdiscs and the backlogs (every
	 * {@code kfree_skb_reason} event).
	 */
	public long dropped() {
		long backlog = 0;
		for (int c = 0; c < this.cpus.size(); c++) {
			backlog += this.cpus.cpu(c).softnet().dropped();
		}
		return this.dropped + backlog;
	}

	/** {@link #sendUdp} calls that failed before an skb existed (no route). */
	public long sendErrors() {
		return this.sendErrors;
	}

	/**
	 * Frames that left on the wire of any NIC: counted here for a NIC without a wire, by
	 * its {@link NicRx} (the wire's port) for a wired one.
	 */
	public long transmitted() {
		long n = 0;
		for (NetDevice d : this.devices) {
			n += (d.nicRx != null) ? d.nicRx.departed() : d.phyTxPackets;
		}
		return n;
	}

	/**
	 * Attaches a frame tap ({@code dev_queue_xmit_nit} on transmit,
	 * {@code __netif_receive_skb_core} on receive, see {@link FrameTap}), or detaches it
	 * with {@code null}. Taps observe only: results do not change.
	 */
	public void setFrameTap(FrameTap tap) {
		this.tap = tap;
	}

	private void nit(Cpu cpu, NetDevice dev, Packet p, FrameTap.Direction direction) {
		SkBuff b = p.buf();
		this.tap.frame(cpu.now(), p.id(), cpu.id(), dev.id() + this.deviceBase, direction, b.buf(), b.data(), b.len());
	}

	private NetNamespace namespace(String nsName) {
		return this.netns.namespace(nsName)
			.orElseThrow(() -> new IllegalArgumentException("namespace: no namespace " + nsName + " on " + this.node));
	}

	// =====================================================================
	// sending and running
	// =====================================================================

	/**
	 * Sends one UDP datagram from a task in namespace {@code nsName}: at {@code atNs} a
	 * process-context task on CPU {@code cpu} runs {@code udp_sendmsg}, builds the packet
	 * with a {@link PacketTemplate} (source address from the output route, source port
	 * {@link #UDP_SOURCE_PORT}) and calls {@code ip_output}.
	 * @param nsName the sending namespace
	 * @param destination {@code a.b.c.d:port}
	 * @param payloadBytes UDP payload size, {@code >= 0}
	 * @param cpu the CPU index
	 * @param atNs when, not before the simulator's time
	 * @return the task (blocked after its one step)
	 */
	public Task sendUdp(String nsName, String destination, int payloadBytes, int cpu, long atNs) {
		NetNamespace ns = namespace(nsName);
		IpEndpoint dst = IpEndpoint.of(destination);
		if (payloadBytes < 0 || payloadBytes > 65_000) {
			throw new IllegalArgumentException("payloadBytes must be 0..65000, got " + payloadBytes);
		}
		Task t = this.cpus.createTask(cpu, "udp-sender/" + nsName + "/" + this.cpus.tasks().size(), (c, self) -> {
			udpSendmsg(c, ns, dst, payloadBytes);
			return TaskBody.BLOCK;
		});
		this.names.register(Names.Kind.TASK, t.id(), this.node + "/" + t.name());
		this.cpus.wakeAt(t, atNs);
		return t;
	}

	/**
	 * Sends {@code count} UDP datagrams as {@link #sendUdp} does, all in one step of one
	 * task and inside one BH-disabled section: softirqs raised by the transmissions
	 * (backlog, veth NAPI, RPS) run only at the final {@code local_bh_enable}. This is
	 * the shape of a burst handed to the driver in one go, as {@code dev_hard_start_xmit}
	 * does for the segments of a GSO skb under {@code __dev_queue_xmit}'s
	 * {@code rcu_read_lock_bh} (or pktgen's {@code burst}); it lets a burst meet a queue
	 * nobody drains meanwhile.
	 * @param nsName the sending namespace
	 * @param destination {@code a.b.c.d:port}
	 * @param payloadBytes UDP payload size, {@code 0..65000}
	 * @param count datagrams, {@code >= 1}
	 * @param cpu the CPU index
	 * @param atNs when, not before the simulator's time
	 * @return the task (blocked after its one step)
	 */
	public Task sendUdpBurst(String nsName, String destination, int payloadBytes, int count, int cpu, long atNs) {
		NetNamespace ns = namespace(nsName);
		IpEndpoint dst = IpEndpoint.of(destination);
		if (payloadBytes < 0 || payloadBytes > 65_000) {
			throw new IllegalArgumentException("payloadBytes must be 0..65000, got " + payloadBytes);
		}
		if (count < 1) {
			throw new IllegalArgumentException("count must be >= 1, got " + count);
		}
		Task t = this.cpus.createTask(cpu, "udp-burst/" + nsName + "/" + this.cpus.tasks().size(), (c, self) -> {
			c.localBhDisable();
			for (int k = 0; k < count; k++) {
				udpSendmsg(c, ns, dst, payloadBytes);
			}
			c.localBhEnable();
			return TaskBody.BLOCK;
		});
		this.names.register(Names.Kind.TASK, t.id(), this.node + "/" + t.name());
		this.cpus.wakeAt(t, atNs);
		return t;
	}

	/**
	 * Binds a UDP socket: local delivery of datagrams to {@code local} in namespace
	 * {@code nsName} goes to {@code endpoint} ({@code udp_lib_get_port}; lookup by
	 * destination address and port, {@code __udp4_lib_lookup}, no wildcard addresses).
	 * Datagrams to unbound ports still go to the default sink ({@link #delivered()}).
	 * IPv4 or IPv6 ({@code __udp6_lib_lookup}).
	 * @throws IllegalArgumentException if the address and port are taken
	 */
	public void bind(String nsName, IpEndpoint local, Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		NetNamespace ns = namespace(nsName);
		long key = deliveryKey(ns.id(), local.address(), local.port());
		int slot = java.util.Arrays.binarySearch(this.socketKeys, 0, this.socketCount, key);
		if (slot >= 0) {
			throw new IllegalArgumentException("bind: " + local + " is already bound in " + this.node + "/" + nsName);
		}
		int at = -slot - 1;
		if (this.socketCount == this.socketKeys.length) {
			this.socketKeys = java.util.Arrays.copyOf(this.socketKeys, this.socketCount * 2);
			this.sockets = java.util.Arrays.copyOf(this.sockets, this.socketCount * 2);
		}
		System.arraycopy(this.socketKeys, at, this.socketKeys, at + 1, this.socketCount - at);
		System.arraycopy(this.sockets, at, this.sockets, at + 1, this.socketCount - at);
		this.socketKeys[at] = key;
		this.sockets[at] = endpoint;
		this.socketCount++;
	}

	/** Datagrams delivered to bound sockets. */
	public long deliveredToSockets() {
		return this.socketDelivered;
	}

	/**
	 * The run-wide id of a namespace (what {@link Skb#netnsId()} carries).
	 * @param nsName the namespace on this node
	 * @return its id
	 */
	public int traceNetnsId(String nsName) {
		return namespace(nsName).id() + this.nsBase;
	}

	/** Whether a namespace of this node has {@code address} on one of its devices. */
	String ownerOf(IpAddress address) {
		for (NetNamespace ns : this.netns.namespaces()) {
			for (NetDeviceInfo d : ns.devices()) {
				for (dev.bpfnet.engine.topology.IpPrefix a : d.addresses()) {
					if (a.address().equals(address)) {
						return ns.name();
					}
				}
			}
		}
		return null;
	}

	/**
	 * Why {@code nsName} cannot route to {@code dst} ({@code ip route get}), or
	 * {@code null} when it can.
	 * @param nsName a namespace of this node
	 * @param dst the destination
	 * @return the problem, or {@code null}
	 */
	public String noRoute(String nsName, IpAddress dst) {
		RouteResult r = new RouteResult();
		Forwarding.routeOutput(namespace(nsName), dst, 0, r);
		return (r.decision == RouteResult.Decision.DROP)
				? "no route from " + this.node + "/" + nsName + " to " + dst + " (" + r.dropReason + ")" : null;
	}

	/**
	 * The source address of the output route from {@code nsName} to {@code dst}.
	 * @throws IllegalArgumentException if there is no route
	 */
	public IpAddress sourceAddress(String nsName, IpAddress dst) {
		NetNamespace ns = namespace(nsName);
		RouteResult r = new RouteResult();
		Forwarding.routeOutput(ns, dst, 0, r);
		if (r.decision == RouteResult.Decision.DROP) {
			throw new IllegalArgumentException("to: no route from " + this.node + "/" + nsName + " to " + dst + " ("
					+ r.dropReason + "): the namespace's routes must cover it, as ip route get would");
		}
		if (r.source == null) {
			throw new IllegalArgumentException(
					"to: no source address in " + this.node + "/" + nsName + " for " + dst + ": the namespace has no "
							+ (dst.family() == IpAddress.Family.IPV4 ? "IPv4" : "IPv6") + " address to send from");
		}
		return r.source;
	}

	/**
	 * {@code ip_send_skb} → {@code ip_local_out} → {@code ip_output} for an skb a socket
	 * built ({@link dev.bpfnet.engine.traffic.PacketSender}): routes the destination in
	 * the skb's namespace, wraps it in a {@link Packet} and continues as {@link #sendUdp}
	 * does after {@code udp_sendmsg}. No route (or not IPv4): the send fails before the
	 * IP layer ({@link #sendErrors()}).
	 * @param cpu the sending CPU, inside the task's chain
	 * @param skb the packet, payload a {@link SkBuff} starting at an Ethernet header
	 */
	public void ipOutputFromSocket(Cpu cpu, Skb skb) {
		this.current = cpu;
		SkBuff buf = (SkBuff) skb.payload();
		NetNamespace ns = this.netns.namespaces().get(skb.netnsId() - this.nsBase);
		byte[] f = buf.buf();
		int off = buf.data();
		int ethType = ((f[off + 12] & 0xff) << 8) | (f[off + 13] & 0xff);
		if (ethType == ETH_P_IPV6 && buf.len() >= ETH_HLEN + 40 + 4) {
			ipv6OutputFromSocket(cpu, skb, buf, ns);
			return;
		}
		if (ethType != ETH_P_IP) {
			this.sendErrors++;
			return;
		}
		buf.protocol = Short.reverseBytes((short) ethType) & 0xffff;
		int daddr = ((f[off + 30] & 0xff) << 24) | ((f[off + 31] & 0xff) << 16) | ((f[off + 32] & 0xff) << 8)
				| (f[off + 33] & 0xff);
		Forwarding.routeOutput(ns, IpAddress.ipv4(daddr), 0, this.route);
		if (this.route.decision == RouteResult.Decision.DROP) {
			this.sendErrors++;
			return;
		}
		int sport = ((f[off + 34] & 0xff) << 8) | (f[off + 35] & 0xff);
		int dport = ((f[off + 36] & 0xff) << 8) | (f[off + 37] & 0xff);
		Packet p = new Packet(skb, buf, daddr * 17 + sport * 31 + dport);
		ipOutput(cpu, p, ns, this.route.ifindex, this.route.nextHop);
	}

	/**
	 * {@code packet_snd} of an {@code AF_PACKET} socket bound to {@code dev}
	 * ({@code tcpreplay -i DEV}, a frame sent "straight into a device"): a new skb with
	 * the frame as is ({@code __alloc_skb}, charged as a system call entry and the copy
	 * of the frame from user space), then {@code __dev_queue_xmit} on the device: tcx
	 * egress, qdisc, driver ({@code PACKET_QDISC_BYPASS} off). Called in the sending
	 * task's chain.
	 * @param cpu the sending CPU
	 * @param dev a device of this node
	 * @param frame an Ethernet frame (at least 14 bytes; the array is the skb's from now
	 * on)
	 * @throws IllegalArgumentException for a frame shorter than an Ethernet header
	 */
	public void packetXmit(Cpu cpu, NetDevice dev, byte[] frame) {
		if (frame.length < ETH_HLEN) {
			throw new IllegalArgumentException("frame: " + frame.length + " bytes, an Ethernet header needs 14");
		}
		this.current = cpu;
		Packet p = newPacket(frame, dev.id(), dev.nsId, cpu.now(), java.util.Arrays.hashCode(frame));
		ev(cpu, Function.ALLOC_SKB, p);
		cpu.spend(Id.ENTRY_SYSCALL_64, 0);
		cpu.spend(Id.COPY_USER, frame.length);
		devQueueXmit(cpu, dev, p);
	}

	/**
	 * {@code raw_sendmsg} with {@code IP_HDRINCL} from namespace {@code nsName}: the IPv4
	 * packet of {@code frame} (after its 14-byte Ethernet header, whose MACs the
	 * neighbour layer rewrites) is routed by its destination and sent through
	 * {@code ip_output} unchanged (TTL, id and checksums as crafted). No route, or not
	 * IPv4: the send fails ({@link #sendErrors()}), as {@code -ENETUNREACH} would.
	 * Charged as {@link #packetXmit}.
	 * @param cpu the sending CPU
	 * @param nsName a namespace of this node
	 * @param frame an Ethernet + IPv4 frame
	 */
	public void rawIpSend(Cpu cpu, String nsName, byte[] frame) {
		this.current = cpu;
		NetNamespace ns = namespace(nsName);
		int ethType = (frame.length < ETH_HLEN + 20) ? -1 : ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
		if (ethType != ETH_P_IP) {
			this.sendErrors++;
			return;
		}
		int daddr = ((frame[30] & 0xff) << 24) | ((frame[31] & 0xff) << 16) | ((frame[32] & 0xff) << 8)
				| (frame[33] & 0xff);
		Forwarding.routeOutput(ns, IpAddress.ipv4(daddr), 0, this.route);
		if (this.route.decision == RouteResult.Decision.DROP) {
			this.sendErrors++;
			return;
		}
		int oif = this.route.ifindex;
		IpAddress nextHop = this.route.nextHop;
		Packet p = newPacket(frame, ns.device(oif).deviceId(), ns.id(), cpu.now(), java.util.Arrays.hashCode(frame));
		ev(cpu, Function.ALLOC_SKB, p);
		cpu.spend(Id.ENTRY_SYSCALL_64, 0);
		cpu.spend(Id.COPY_USER, frame.length);
		ipOutput(cpu, p, ns, oif, nextHop);
	}

	/** {@link #ipOutputFromSocket} for an IPv6 skb ({@code ip6_xmit}). */
	private void ipv6OutputFromSocket(Cpu cpu, Skb skb, SkBuff buf, NetNamespace ns) {
		buf.protocol = Short.reverseBytes((short) ETH_P_IPV6) & 0xffff;
		byte[] f = buf.buf();
		int off = buf.data();
		long hi = 0;
		long lo = 0;
		for (int k = 0; k < 8; k++) {
			hi = (hi << 8) | (f[off + ETH_HLEN + 24 + k] & 0xff);
			lo = (lo << 8) | (f[off + ETH_HLEN + 32 + k] & 0xff);
		}
		IpAddress daddr = new IpAddress(IpAddress.Family.IPV6, hi, lo);
		Forwarding.routeOutput(ns, daddr, 0, this.route);
		if (this.route.decision == RouteResult.Decision.DROP) {
			this.sendErrors++;
			return;
		}
		int sport = ((f[off + 54] & 0xff) << 8) | (f[off + 55] & 0xff);
		int dport = ((f[off + 56] & 0xff) << 8) | (f[off + 57] & 0xff);
		Packet p = new Packet(skb, buf, (int) lo * 17 + sport * 31 + dport);
		ipOutput(cpu, p, ns, this.route.ifindex, this.route.nextHop);
	}

	/** Runs the simulation up to {@code untilNs} (batch mode). */
	public void run(long untilNs) {
		this.sim.runUntil(untilNs);
	}

	/** Runs until no event is left. */
	public void runToCompletion() {
		this.sim.run();
	}

	// =====================================================================
	// sockets and IPv4 output
	// =====================================================================

	private void udpSendmsg(Cpu cpu, NetNamespace ns, IpEndpoint dst, int payloadBytes) {
		this.current = cpu;
		Forwarding.routeOutput(ns, dst.address(), 0, this.route);
		if (this.route.decision == RouteResult.Decision.DROP) {
			cpu.trace(Function.UDP_SENDMSG, null);
			cpu.spend(Id.UDP_SENDMSG, payloadBytes);
			this.sendErrors++;
			return;
		}
		int oif = this.route.ifindex;
		IpAddress nextHop = this.route.nextHop;
		IpAddress src = this.route.source;
		NetDeviceInfo out = ns.device(oif);
		PacketSpec.Network l3 = (dst.address().family() == IpAddress.Family.IPV4)
				? PacketSpec.Ipv4.of(inet4(src), inet4(dst.address()))
				: PacketSpec.Ipv6.of(inet6(src), inet6(dst.address()));
		PacketSpec spec = new PacketSpec(PacketSpec.Ethernet.of(out.mac().value(), 0), null, l3,
				PacketSpec.Udp.of(UDP_SOURCE_PORT, dst.port()), PacketSpec.Payload.of(new byte[payloadBytes]));
		byte[] frame = PacketTemplate.of(spec).newPacket();
		Packet p = newPacket(frame, out.deviceId(), ns.id(), cpu.now(),
				(int) src.lo() * 31 + (int) dst.address().lo() * 17 + dst.port());
		ev(cpu, Function.UDP_SENDMSG, p);
		cpu.spend(Id.UDP_SENDMSG, payloadBytes);
		ipOutput(cpu, p, ns, oif, nextHop);
	}

	private Packet newPacket(byte[] frame, int deviceId, int nsId, long nowNs, int hash) {
		SkBuff buf = new SkBuff(frame);
		buf.protocol = Short.reverseBytes((short) (((frame[12] & 0xff) << 8) | (frame[13] & 0xff))) & 0xffff;
		buf.ifindex = this.devices[deviceId].ifindex();
		Skb skb = new Skb(this.skbIds[0]++, frame.length, null, deviceId + this.deviceBase, nsId + this.nsBase, nowNs);
		return new Packet(skb, buf, hash);
	}

	private static java.net.Inet6Address inet6(IpAddress a) {
		byte[] b = new byte[16];
		for (int k = 0; k < 8; k++) {
			b[k] = (byte) (a.hi() >>> (56 - 8 * k));
			b[8 + k] = (byte) (a.lo() >>> (56 - 8 * k));
		}
		try {
			return java.net.Inet6Address.getByAddress(null, b, -1);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Inet4Address inet4(IpAddress a) {
		long v = a.lo();
		try {
			return (Inet4Address) InetAddress
				.getByAddress(new byte[] { (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** {@code ip_output}: the route is already chosen ({@code oif}, {@code nextHop}). */
	private void ipOutput(Cpu cpu, Packet p, NetNamespace ns, int oif, IpAddress nextHop) {
		NetDevice out = this.devices[ns.device(oif).deviceId()];
		moveTo(p, out);
		ev(cpu, Function.IP_OUTPUT, p);
		cpu.spend(Id.IP_OUTPUT, 0);
		ev(cpu, Function.IP_FINISH_OUTPUT2, p);
		neighOutput(cpu, p, ns, out, nextHop);
	}

	/**
	 * {@code ip_finish_output2}'s neighbour step ({@code ip_neigh_for_gw} →
	 * {@code neigh_output}): fills the Ethernet addresses from the neighbour entry and
	 * transmits; an IPv4 miss (or INCOMPLETE entry) on an ARP device goes to
	 * {@link #neighResolveOutput}; other misses drop with {@code NEIGH_FAILED}.
	 */
	private void neighOutput(Cpu cpu, Packet p, NetNamespace ns, NetDevice out, IpAddress nextHop) {
		NeighbourTable nt = ns.neighbours();
		int slot = nt.resolveForOutput(out.info, nextHop);
		if (slot == NeighbourTable.MISS || !nt.validAt(slot)) {
			if (nextHop.family() == IpAddress.Family.IPV4 && out.kind != NetDevice.Kind.LOOPBACK
					&& (slot == NeighbourTable.MISS || nt.stateAt(slot) == NeighbourTable.State.INCOMPLETE)) {
				neighResolveOutput(cpu, p, ns, out, nextHop, slot == NeighbourTable.MISS);
				return;
			}
			drop(cpu, p, DropReason.NEIGH_FAILED);
			return;
		}
		p.putMac(0, nt.macAt(slot));
		p.putMac(6, out.info.mac().value());
		ev(cpu, Function.NEIGH_OUTPUT, p);
		devQueueXmit(cpu, out, p);
	}

	// =====================================================================
	// ARP (net/core/neighbour.c, net/ipv4/arp.c)
	// =====================================================================

	/**
	 * {@code neigh_resolve_output} → {@code __neigh_event_send} for an IPv4 next hop
	 * without a valid entry on an ARP device: a new neighbour goes {@code NUD_INCOMPLETE}
	 * and is probed ({@code arp_solicit}) after the skb is queued; the skb waits on the
	 * neighbour's {@code arp_queue}, whose oldest skbs are dropped
	 * ({@code NEIGH_QUEUEFULL}) while the queue would exceed {@link #UNRES_QLEN_BYTES}.
	 *
	 * <p>
	 * Simplifications: no retransmission ({@code mcast_solicit} 3 probes,
	 * {@code retrans_time} 1 s) and no {@code NUD_FAILED} timeout: an unanswered request
	 * leaves the entry INCOMPLETE and its skbs queued (in flight). No STALE/DELAY/PROBE
	 * ageing: a resolved entry stays REACHABLE. IPv6 neighbour discovery is not modelled
	 * (an IPv6 next hop without an entry drops with {@code NEIGH_FAILED}).
	 */
	private void neighResolveOutput(Cpu cpu, Packet p, NetNamespace ns, NetDevice out, IpAddress nextHop,
			boolean create) {
		ev(cpu, Function.NEIGH_RESOLVE_OUTPUT, p);
		NeighbourTable nt = ns.neighbours();
		if (create) {
			nt.createIncomplete(out.ifindex(), nextHop);
		}
		ArpQueue q = this.arpQueues.computeIfAbsent(arpKey(ns.id(), out.ifindex(), (int) nextHop.lo()),
				k -> new ArpQueue());
		long truesize = (long) p.len() + SKB_TRUESIZE_OVERHEAD;
		while (q.bytes + truesize > UNRES_QLEN_BYTES && !q.skbs.isEmpty()) {
			Packet old = q.skbs.pollFirst();
			q.bytes -= (long) old.len() + SKB_TRUESIZE_OVERHEAD;
			drop(cpu, old, DropReason.NEIGH_QUEUEFULL);
		}
		q.skbs.addLast(p);
		q.bytes += truesize;
		if (create) {
			arpSolicit(cpu, ns, out, nextHop, p);
		}
	}

	private static long arpKey(int nsId, int ifindex, int ipv4) {
		return ((long) nsId << 48) ^ ((long) (ifindex & 0xFFFF) << 32) ^ (ipv4 & 0xFFFF_FFFFL);
	}

	/**
	 * {@code arp_solicit} → {@code arp_send}: a broadcast ARP request for {@code target}
	 * from {@code out}, with the queued skb's source address when it is local
	 * ({@code arp_announce} 0), else the device's first IPv4 address, else the first of
	 * any device of the namespace ({@code inet_select_addr}), else {@code 0.0.0.0}; sent
	 * with {@code dev_queue_xmit} in this context.
	 */
	private void arpSolicit(Cpu cpu, NetNamespace ns, NetDevice out, IpAddress target, Packet cause) {
		int saddr = 0;
		if (cause.buf().ethProtocol() == ETH_P_IP && cause.len() >= ETH_HLEN + 20) {
			int s = cause.u32(ETH_HLEN + 12);
			if (ns.delivery().isLocal(IpAddress.ipv4(s))) {
				saddr = s;
			}
		}
		if (saddr == 0) {
			saddr = firstIpv4(out.info);
		}
		if (saddr == 0) {
			// inet_select_addr: no address on the device, so the first one of any device
			// of the namespace (all are scope global here, <= RT_SCOPE_LINK)
			for (NetDeviceInfo d : ns.devices()) {
				saddr = firstIpv4(d);
				if (saddr != 0) {
					break;
				}
			}
		}
		// none at all (a Cilium-style host side without addresses): 0.0.0.0, which
		// arp_process answers like a duplicate address probe
		long mac = out.info.mac().value();
		Packet arp = arpPacket(ns, out, false, mac, saddr, 0, (int) target.lo(), 0xFFFF_FFFF_FFFFL, cpu.now());
		this.arpRequests++;
		ev(cpu, Function.ARP_SOLICIT, arp);
		cpu.spend(Id.ARP_SOLICIT, 0);
		devQueueXmit(cpu, out, arp);
	}

	private static int firstIpv4(NetDeviceInfo dev) {
		for (dev.bpfnet.engine.topology.IpPrefix a : dev.addresses()) {
			if (a.address().family() == IpAddress.Family.IPV4) {
				return (int) a.address().lo();
			}
		}
		return 0;
	}

	private Packet arpPacket(NetNamespace ns, NetDevice out, boolean reply, long senderMac, int senderIp,
			long targetMac, int targetIp, long ethDst, long nowNs) {
		PacketSpec spec = new PacketSpec(PacketSpec.Ethernet.of(senderMac, ethDst), null, new PacketSpec.Arp(reply,
				senderMac, inet4(IpAddress.ipv4(senderIp)), targetMac, inet4(IpAddress.ipv4(targetIp))), null, null);
		byte[] frame = PacketTemplate.of(spec).newPacket();
		return newPacket(frame, out.id(), ns.id(), nowNs, senderIp * 31 + targetIp);
	}

	/**
	 * {@code arp_rcv} → {@code arp_process} on {@code dev} (IPv4 over Ethernet): a
	 * request for an address of this namespace ({@code RTN_LOCAL}) creates or updates the
	 * sender's neighbour ({@code neigh_event_ns}) and is answered with a unicast reply
	 * ({@code arp_send(ARPOP_REPLY)}, {@code dev_queue_xmit} in this context); any ARP
	 * packet from a sender with an existing entry updates it to REACHABLE
	 * ({@code neigh_update}), which sends the skbs waiting on it ({@code neigh_output} →
	 * {@code dev_queue_xmit}). Unsolicited replies create nothing ({@code arp_accept} 0).
	 * A request from {@code 0.0.0.0} (sent by a namespace without an IPv4 address, or a
	 * duplicate address probe) for a local address is answered with target address
	 * {@code 0.0.0.0} and creates nothing, as {@code arp_process}'s RFC 2131 special case
	 * does; the asker's INCOMPLETE entry learns the MAC from that reply. The skb is
	 * consumed. Simplifications: no proxy ARP, {@code arp_ignore} 0 (any local address is
	 * answered on any device), the sender's entry goes REACHABLE instead of STALE.
	 */
	private void arpRcv(Cpu cpu, NetDevice dev, Packet p) {
		ev(cpu, Function.ARP_RCV, p);
		cpu.spend(Id.ARP_RCV, 0);
		if (p.len() < ETH_HLEN + 28 || p.u16(ETH_HLEN) != 1 || p.u16(ETH_HLEN + 2) != ETH_P_IP
				|| p.u8(ETH_HLEN + 4) != 6 || p.u8(ETH_HLEN + 5) != 4) {
			drop(cpu, p, DropReason.NOT_SPECIFIED);
			return;
		}
		int op = p.u16(ETH_HLEN + 6);
		long sha = ((long) p.u16(ETH_HLEN + 8) << 32) | (p.u32(ETH_HLEN + 10) & 0xFFFF_FFFFL);
		int sip = p.u32(ETH_HLEN + 14);
		int tip = p.u32(ETH_HLEN + 24);
		NetNamespace ns = this.netns.namespaces().get(dev.nsId);
		NeighbourTable nt = ns.neighbours();
		IpAddress sender = IpAddress.ipv4(sip);
		ev(cpu, Function.CONSUME_SKB, p);
		cpu.spend(Id.CONSUME_SKB, 0);
		if (op == 1 && sip == 0) {
			// arp_process: "Special case: IPv4 duplicate address detection packet
			// (RFC2131)": a request from 0.0.0.0 for a local address is answered (to the
			// sender's MAC, target address 0.0.0.0) and teaches nothing
			if (ns.delivery().isLocal(IpAddress.ipv4(tip))) {
				Packet reply = arpPacket(ns, dev, true, dev.info.mac().value(), tip, sha, 0, sha, cpu.now());
				this.arpReplies++;
				devQueueXmit(cpu, dev, reply);
			}
			return;
		}
		if (op == 1 && ns.delivery().isLocal(IpAddress.ipv4(tip))) {
			nt.update(dev.ifindex(), sender, sha, NeighbourTable.State.REACHABLE);
			long mac = dev.info.mac().value();
			Packet reply = arpPacket(ns, dev, true, mac, tip, sha, sip, sha, cpu.now());
			this.arpReplies++;
			devQueueXmit(cpu, dev, reply);
		}
		else if (nt.find(dev.ifindex(), sender) != NeighbourTable.MISS && sip != 0) {
			nt.update(dev.ifindex(), sender, sha, NeighbourTable.State.REACHABLE);
		}
		else {
			return;
		}
		ArpQueue q = this.arpQueues.remove(arpKey(ns.id(), dev.ifindex(), sip));
		if (q == null) {
			return;
		}
		Packet w;
		while ((w = q.skbs.pollFirst()) != null) {
			w.putMac(0, sha);
			w.putMac(6, dev.info.mac().value());
			ev(cpu, Function.NEIGH_OUTPUT, w);
			devQueueXmit(cpu, dev, w);
		}
	}

	/** ARP requests sent ({@code arp_solicit}). */
	public long arpRequests() {
		return this.arpRequests;
	}

	/** ARP replies sent. */
	public long arpReplies() {
		return this.arpReplies;
	}

	/** Skbs waiting for a neighbour to resolve (in flight). */
	public long arpQueued() {
		long n = 0;
		for (ArpQueue q : this.arpQueues.values()) {
			n += q.skbs.size();
		}
		return n;
	}

	// =====================================================================
	// __dev_queue_xmit and the NIC
	// =====================================================================

	/**
	 * {@code __dev_queue_xmit} (net/core/dev.c): BH disabled inside
	 * ({@code rcu_read_lock_bh}), tcx egress, then noqueue → {@code ndo_start_xmit} on a
	 * virtual device (with the {@code dev_xmit_recursion} check) or the NIC's qdisc.
	 * Softirqs raised inside run at the final {@code local_bh_enable}.
	 */
	void devQueueXmit(Cpu cpu, NetDevice dev, Packet p) {
		this.current = cpu;
		moveTo(p, dev);
		ev(cpu, Function.DEV_QUEUE_XMIT, p);
		cpu.spend(Id.DEV_QUEUE_XMIT, 0);
		cpu.localBhDisable();
		xmitLocked(cpu, dev, p);
		cpu.localBhEnable();
	}

	private void xmitLocked(Cpu cpu, NetDevice dev, Packet p) {
		if (!dev.tcxEgress.isEmpty()) {
			HookResult r = runTcx(cpu, dev, dev.tcxEgress, p);
			evVerdict(cpu, Function.TCX_EGRESS, p, r.code());
			cpu.spend(Id.TCX_EGRESS, 0);
			cpu.spendNs(r.cpuNs());
			Verdict v = r.verdict();
			if (r.dropped()) {
				dev.txDropped++;
				drop(cpu, p, r.dropReason());
				return;
			}
			if (v == Verdict.REDIRECT) {
				redirect(cpu, p, r.redirect(), false);
				return;
			}
		}
		if (dev.kind == NetDevice.Kind.NIC) {
			nicXmit(cpu, dev, p);
			return;
		}
		cpu.spend(Id.QDISC_NOQUEUE, 0);
		int c = cpu.index();
		if (this.xmitRecursion[c] > XMIT_RECURSION_LIMIT) {
			dev.txDropped++;
			drop(cpu, p, DropReason.RECURSION_LIMIT);
			return;
		}
		this.xmitRecursion[c]++;
		dev.txPackets++;
		if (this.tap != null) {
			nit(cpu, dev, p, FrameTap.Direction.OUT);
		}
		switch (dev.kind) {
			case VETH -> vethXmit(cpu, dev, p);
			case BPFNET -> netkitXmit(cpu, dev, p);
			case LOOPBACK -> loopbackXmit(cpu, dev, p);
			default -> throw new IllegalStateException("unexpected " + dev);
		}
		this.xmitRecursion[c]--;
	}

	/**
	 * {@code __dev_xmit_skb} on a NIC: bypass ({@code TCQ_F_CAN_BYPASS}, empty qdisc) or
	 * enqueue, then {@code __qdisc_run}; a run that must continue raises NET_TX
	 * ({@code __netif_schedule}). A {@code noqueue} root sends straight onto the TX ring
	 * and drops ({@code NOT_SPECIFIED}, {@code tx_dropped}) when the ring has stopped the
	 * queue, as {@code __dev_queue_xmit} does for a device without a queue (the
	 * {@code __dev_xmit_skb} event still marks the qdisc layer).
	 */
	private void nicXmit(Cpu cpu, NetDevice dev, Packet p) {
		ev(cpu, Function.DEV_XMIT_SKB, p);
		cpu.spend(dev.qdiscCostId, 0);
		Qdisc<Packet> q = dev.qdisc;
		NicTxQueue txq = nicTxQueue(dev, cpu);
		if (q.canBypass() && q.isEmpty() && !dev.ring.stopped()) {
			if (txq.startXmit(p, cpu.now())) {
				return;
			}
		}
		p.qdiscArrivalNs = cpu.now();
		p.qdiscEnqueueCpu = cpu.index();
		EnqueueResult er = q.enqueue(p, cpu.now());
		if (er == EnqueueResult.NO_QUEUE) {
			// a noqueue root (tc qdisc add dev eth0 root noqueue): __dev_queue_xmit's
			// "device with no queue" branch, dev_hard_start_xmit straight onto the ring;
			// a stopped ring cannot push back ("Virtual device %s asks to queue
			// packet!"): -ENETDOWN, tx_dropped, kfree_skb_list
			if (!dev.ring.stopped() && txq.startXmit(p, cpu.now())) {
				return;
			}
			dev.txDropped++;
			drop(cpu, p, DropReason.NOT_SPECIFIED);
			return;
		}
		if (er == EnqueueResult.SUCCESS || er == EnqueueResult.CN) {
			ev(cpu, Function.QDISC_ENQUEUE, p, p.skb().deviceId(), p.skb().netnsId(), dev.qdiscQueueId,
					q.backlogPackets(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		}
		qdiscRun(cpu, dev);
	}

	private void qdiscRun(Cpu cpu, NetDevice dev) {
		NicTxQueue txq = nicTxQueue(dev, cpu);
		this.trace.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), ctx(cpu), cpu.contextTaskId(), Function.QDISC_RUN,
				dev.id() + this.deviceBase, dev.nsId + this.nsBase, dev.qdiscQueueId, dev.qdisc.backlogPackets(),
				TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		txq.fromRun = true;
		QdiscRun.Stop stop = this.qdiscRun.run(dev.qdisc, txq, cpu.now());
		txq.fromRun = false;
		if (stop == QdiscRun.Stop.NOT_ARRIVED) {
			qdiscNotArrived(dev, this.qdiscRun.notBeforeNs(), this.qdiscRun.<Packet>notArrived().qdiscEnqueueCpu);
		}
		if (stop.reschedule()) {
			netifSchedule(cpu, dev);
		}
	}

	/**
	 * A qdisc run met a packet that another CPU's chain enqueued at a later time than the
	 * running CPU's (chains run ahead of the global clock on their CPU's cursor). In the
	 * kernel that packet is not there yet; when it is enqueued, its CPU runs the qdisc
	 * itself if nobody else does. Modelled as an interrupt on the enqueuing CPU at the
	 * enqueue time whose handler does {@code __netif_schedule}, so the packet leaves from
	 * that CPU's NET_TX softirq (simplification: the kernel would send it from the
	 * enqueuer's own {@code __dev_xmit_skb}, in its context). One pending interrupt per
	 * device at a time.
	 */
	private void qdiscNotArrived(NetDevice dev, long atNs, int cpuIndex) {
		if (atNs >= dev.qdiscArrivalIrqAt) {
			return;
		}
		dev.qdiscArrivalIrqAt = atNs;
		this.cpus.cpu(cpuIndex).raiseIrqAt(atNs, this.qdiscArrivalIrq, dev.id());
	}

	/** The interrupt of {@link #qdiscNotArrived}: {@code __netif_schedule}. */
	private void qdiscArrival(Cpu cpu, long arg) {
		NetDevice d = this.devices[(int) arg];
		this.current = cpu;
		if (cpu.now() >= d.qdiscArrivalIrqAt) {
			d.qdiscArrivalIrqAt = Long.MAX_VALUE;
		}
		netifScheduleIfQueued(cpu, d);
	}

	/**
	 * {@code __netif_schedule} when the qdisc has packets ({@code netif_tx_wake_queue}
	 * and the like).
	 */
	private void netifScheduleIfQueued(Cpu cpu, NetDevice d) {
		if (!d.qdisc.isEmpty()) {
			netifSchedule(cpu, d);
		}
	}

	/**
	 * {@code __netif_schedule}: unless already scheduled ({@code __QDISC_STATE_SCHED}),
	 * lists the device on this CPU's {@code output_queue} and raises NET_TX.
	 */
	private void netifSchedule(Cpu cpu, NetDevice d) {
		if (!d.txScheduled) {
			d.txScheduled = true;
			this.trace.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), ctx(cpu), cpu.contextTaskId(),
					Function.NETIF_SCHEDULE, d.id() + this.deviceBase, d.nsId + this.nsBase, d.qdiscQueueId,
					d.qdisc.backlogPackets(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
			this.txScheduled.get(cpu.index()).addLast(d);
			cpu.raiseSoftirq(Cpu.NET_TX_SOFTIRQ);
		}
	}

	/** {@code net_tx_action}: runs the qdiscs scheduled on this CPU. */
	private void netTxAction(Cpu cpu) {
		this.current = cpu;
		cpu.trace(Function.NET_TX_ACTION, null);
		ArrayDeque<NetDevice> list = this.txScheduled.get(cpu.index());
		for (int n = list.size(); n > 0; n--) {
			NetDevice dev = list.pollFirst();
			dev.txScheduled = false;
			qdiscRun(cpu, dev);
		}
	}

	private NicTxQueue nicTxQueue(NetDevice dev, Cpu cpu) {
		this.nicTxQueue.dev = dev;
		this.nicTxQueue.cpu = cpu;
		this.nicTxQueue.fromRun = false;
		return this.nicTxQueue;
	}

	/**
	 * The NIC TX queue as {@code __qdisc_run} drives it: {@code sch_direct_xmit} (with
	 * {@code dev_hard_start_xmit}) and the driver's {@code ndo_start_xmit} onto the ring,
	 * charging and tracing each packet; schedules the frame's departure.
	 */
	private final class NicTxQueue implements TxQueue<Packet> {

		NetDevice dev;

		Cpu cpu;

		/** Whether {@code __qdisc_run} dequeued the packet (else: the bypass path). */
		boolean fromRun;

		@Override
		public boolean stopped() {
			return this.dev.ring.stopped();
		}

		@Override
		public long arrivalNs(Packet p) {
			return p.qdiscArrivalNs;
		}

		@Override
		public long nowNs(long nowNs) {
			return this.cpu.now();
		}

		@Override
		public boolean startXmit(Packet p, long nowNs) {
			Cpu c = this.cpu;
			NetDevice d = this.dev;
			if (this.fromRun) {
				ev(c, Function.QDISC_DEQUEUE, p, p.skb().deviceId(), p.skb().netnsId(), d.qdiscQueueId,
						d.qdisc.backlogPackets(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
			}
			ev(c, Function.SCH_DIRECT_XMIT, p, p.skb().deviceId(), p.skb().netnsId(), d.qdiscQueueId,
					d.qdisc.backlogPackets(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
			c.spend(Id.SCH_DIRECT_XMIT, 0);
			long departure = d.ring.post(p, c.now());
			if (departure < 0) {
				return false;
			}
			d.txPackets++;
			if (Datapath.this.tap != null) {
				nit(c, d, p, FrameTap.Direction.OUT);
			}
			ev(c, Function.NDO_START_XMIT, p, p.skb().deviceId(), p.skb().netnsId(), d.ringQueueId, d.ring.inUse(),
					TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
			c.spend(Id.NDO_START_XMIT, p.len());
			c.spend(Id.TX_DOORBELL, 0);
			if (d.wire != null) {
				d.wire.transmit(d.wireSide, p, Math.max(departure, Datapath.this.sim.now()));
			}
			else {
				Datapath.this.sim.scheduleAt(Math.max(departure, Datapath.this.sim.now()), Datapath.this.phyHandler,
						d.id());
			}
			return true;
		}

	}

	/**
	 * The frames of a NIC that have left by now: traced as {@code phy_tx} (stamped on the
	 * NIC's IRQ CPU in HARDIRQ context, charging nothing: a hardware event), and their
	 * descriptors reclaimed (TX completion by NAPI is not modelled).
	 */
	private void phyTx(int deviceId) {
		NetDevice d = this.devices[deviceId];
		this.departed.dev = d;
		this.departed.cpuId = this.cpus.cpu(d.irqCpu).id();
		d.ring.clean(this.sim.now(), Math.max(1, d.ring.inUse()), this.departed);
		if (d.txWoken) {
			d.txWoken = false;
			this.cpus.cpu(d.irqCpu).raiseIrq(this.txWakeIrq, d.id());
		}
	}

	/**
	 * {@code netif_tx_wake_queue} from the driver's TX clean in the NAPI poll of a wired
	 * NIC (on its irq CPU, in softirq context): {@code __netif_schedule} when the qdisc
	 * has packets waiting.
	 */
	private void txWakeFromClean(NetDevice d) {
		Cpu cpu = this.cpus.cpu(d.irqCpu);
		this.trace.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), ctx(cpu), cpu.contextTaskId(),
				Function.NETIF_TX_WAKE_QUEUE, d.id() + this.deviceBase, d.nsId + this.nsBase, d.ringQueueId,
				d.ring.inUse(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		netifScheduleIfQueued(cpu, d);
	}

	/**
	 * Plugs a NIC into one side of a wire: builds its {@link NicRx} on the NIC's irq CPU
	 * (RX ring {@code rx_ring}, moderation from the scheduling parameters, handler
	 * {@code __netif_receive_skb_core} of this node) with a {@link TxRingCleaner} over
	 * its TX ring; from now on the NIC's frames go onto the wire, and their descriptors
	 * are reclaimed by the NAPI poll.
	 * @param wire the wire
	 * @param side the NIC's side
	 * @param d the NIC
	 * @param rxRing RX descriptors
	 * @param rxQueueId the run-wide queue id of the RX ring
	 * @return the receive side
	 */
	NicRx<Packet> attachWire(Wire<Packet> wire, int side, NetDevice d, int rxRing, int rxQueueId) {
		if (d.kind != NetDevice.Kind.NIC) {
			throw new IllegalArgumentException("wire: " + d.path + " is not a NIC");
		}
		if (d.wire != null) {
			throw new IllegalArgumentException("wire: " + d.path + " is already wired");
		}
		Cpu cpu = this.cpus.cpu(d.irqCpu);
		int devId = d.id() + this.deviceBase;
		int nsId = d.nsId + this.nsBase;
		this.names.register(Names.Kind.QUEUE, rxQueueId, d.path + "/rx_ring");
		NicRx.Config cfg = NicRx.Config.of(rxRing, this.cpus.params(), devId, nsId, rxQueueId, d.ringQueueId);
		NicRx<Packet> rx = new NicRx<>(cpu, cfg, (c, frame) -> buildSkb(c, d, frame), (c, skb) -> {
			this.current = c;
			napiReceive(c, d, (Packet) skb.payload());
		});
		rx.setTxCleaner(new TxRingCleaner<>(d.ring, TxRingCleaner.DEFAULT_BUDGET, devId, nsId, d.ringQueueId,
				this.txCompleted));
		rx.setMissedSink(this.txCompleted);
		wire.attach(side, rx);
		d.wire = wire;
		d.wireSide = side;
		d.nicRx = rx;
		return rx;
	}

	/**
	 * {@code napi_consume_skb}: the skb is gone (nothing to do in a garbage-collected
	 * model).
	 */
	private final Consumer<Packet> txCompleted = p -> {
	};

	/**
	 * {@code build_skb} + {@code eth_type_trans} for a frame from the wire: a new skb on
	 * the receiving NIC with a copy of the frame's bytes (the wire carries bytes),
	 * keeping the sender's skb id and send time ({@link Skb#originNs()}) so that the
	 * packet keeps one id and one age from node to node; {@code pkt_type} is always
	 * {@code PACKET_HOST}.
	 */
	private Skb buildSkb(Cpu c, NetDevice d, Packet frame) {
		SkBuff in = frame.buf();
		byte[] bytes = java.util.Arrays.copyOfRange(in.buf(), in.data(), in.data() + in.len());
		SkBuff buf = new SkBuff(bytes);
		buf.protocol = Short.reverseBytes((short) (((bytes[12] & 0xff) << 8) | (bytes[13] & 0xff))) & 0xffff;
		buf.ifindex = d.ifindex();
		buf.pktType = SkBuff.PACKET_HOST;
		Skb skb = new Skb(frame.id(), bytes.length, null, d.id() + this.deviceBase, d.nsId + this.nsBase, c.now());
		skb.setOriginNs(Math.min(frame.skb().originNs(), skb.createdNs()));
		return new Packet(skb, buf, frame.flowHash()).skb();
	}

	/**
	 * The TX interrupt after the ring has room again: {@code netif_tx_wake_queue} →
	 * {@code __netif_schedule} (NET_TX, run at {@code irq_exit}). A stand-in for the
	 * driver's TX clean in NAPI poll, which is not modelled yet.
	 */
	private void txWake(Cpu cpu, long arg) {
		NetDevice d = this.devices[(int) arg];
		this.current = cpu;
		cpu.spend(Id.IRQ_HANDLER, 0);
		this.trace.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), ctx(cpu), cpu.contextTaskId(),
				Function.NETIF_TX_WAKE_QUEUE, d.id() + Datapath.this.deviceBase, d.nsId + Datapath.this.nsBase,
				d.ringQueueId, d.ring.inUse(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		netifScheduleIfQueued(cpu, d);
	}

	/** Receives each frame that left a NIC's wire (reused: no allocation per frame). */
	private final class Departed implements Consumer<Packet> {

		NetDevice dev;

		int cpuId;

		@Override
		public void accept(Packet p) {
			NetDevice d = this.dev;
			d.phyTxPackets++;
			d.phyTxBytes += p.len();
			Datapath.this.trace.event(Datapath.this.sim.now(), p.id(), this.cpuId, Context.HARDIRQ, TraceSink.NO_ID,
					Function.PHY_TX, d.id() + Datapath.this.deviceBase, d.nsId + Datapath.this.nsBase, d.ringQueueId,
					d.ring.inUse(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		}

	}

	private void qdiscDropped(NetDevice d, Packet p, DropReason reason) {
		Cpu c = this.current;
		this.dropped++;
		d.txDropped++;
		ev(c, Function.KFREE_SKB_REASON, p, p.skb().deviceId(), p.skb().netnsId(), d.qdiscQueueId,
				d.qdisc.backlogPackets(), TraceSink.NO_VERDICT, reason);
		c.spend(Id.KFREE_SKB_REASON, 0);
	}

	// =====================================================================
	// veth, netkit, loopback
	// =====================================================================

	/**
	 * {@code veth_xmit} → {@code veth_forward_skb}: {@code __dev_forward_skb} (MTU check,
	 * scrub, {@code eth_type_trans}, skb->dev = peer), then {@code __netif_rx} into this
	 * CPU's backlog, or, with {@code rx_delivery: direct}, {@code netif_receive_skb}
	 * inline.
	 */
	private void vethXmit(Cpu cpu, NetDevice dev, Packet p) {
		NetDevice peer = this.devices[dev.info.peerId()];
		ev(cpu, Function.VETH_XMIT, p);
		cpu.spend(Id.VETH_XMIT, 0);
		// __dev_forward_skb: is_skb_forwardable (mtu + hard_header_len + VLAN_HLEN)
		if (p.buf().len() > peer.info.mtu() + ETH_HLEN + 4) {
			moveTo(p, peer);
			peer.rxDropped++;
			dev.txDropped++;
			drop(cpu, p, DropReason.NOT_SPECIFIED);
			return;
		}
		scrub(p, dev.nsId != peer.nsId);
		p.buf().priority = 0;
		moveTo(p, peer);
		p.buf().pktType = SkBuff.PACKET_HOST;
		ev(cpu, Function.DEV_FORWARD_SKB, p);
		if (peer.rq != null) {
			vethXdpRx(cpu, dev, peer.rq, p);
		}
		else if (peer.rxDirect) {
			netifReceiveSkb(cpu, peer, p);
		}
		else {
			netifRx(cpu, p);
		}
	}

	/**
	 * veth NAPI/GRO mode, the producer side ({@code veth_forward_skb} with
	 * {@code use_napi}, drivers/net/veth.c): {@code veth_xdp_rx} puts the skb on the
	 * receiving end's {@code xdp_ring} ({@code ptr_ring_produce}); a full ring (256
	 * entries) frees it ({@code dev_kfree_skb_any}: NOT_SPECIFIED) and counts it in the
	 * sender's {@code priv->dropped} ({@code tx_dropped}), the pre-6.16 behaviour and the
	 * 6.16+ one on a {@code noqueue} veth (datapath.md §2.1). On success
	 * {@code __veth_xdp_flush} schedules the NAPI on this CPU ({@code __napi_schedule}:
	 * poll list, NET_RX raised, run at the {@code local_bh_enable} of
	 * {@code __dev_queue_xmit}) unless it is already scheduled
	 * ({@code rx_notify_masked}).
	 *
	 * <p>
	 * Simplification: {@code veth_skb_is_eligible_for_gro} is taken as true. In the
	 * kernel, with TSO on the sending veth (its default) only local UDP with
	 * {@code GRO_FRAGLIST}/{@code GRO_UDP_FWD} on the receiver takes this path; the model
	 * has no TSO/GSO super-packets, so {@code gro: true} stands for "NAPI mode and
	 * eligible" (TSO off on the sender, or an XDP program on the receiver).
	 */
	private void vethXdpRx(Cpu cpu, NetDevice dev, VethRq rq, Packet p) {
		boolean ok = rq.produce(p);
		ev(cpu, Function.VETH_XDP_RX, p, p.skb().deviceId(), p.skb().netnsId(), rq.queueId, rq.size(),
				TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		cpu.spend(Id.VETH_XDP_RX, 0);
		if (!ok) {
			dev.txDropped++;
			this.dropped++;
			ev(cpu, Function.KFREE_SKB_REASON, p, p.skb().deviceId(), p.skb().netnsId(), rq.queueId, rq.size(),
					TraceSink.NO_VERDICT, DropReason.NOT_SPECIFIED);
			cpu.spend(Id.KFREE_SKB_REASON, 0);
			return;
		}
		if (!rq.scheduled) {
			vethNapiSchedule(cpu, rq);
		}
	}

	/**
	 * {@code __napi_schedule(&rq->xdp_napi)} on {@code cpu}, with rx_notify_masked set.
	 */
	private void vethNapiSchedule(Cpu cpu, VethRq rq) {
		rq.scheduled = true;
		NetDevice d = rq.dev;
		this.trace.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), ctx(cpu), cpu.contextTaskId(), Function.NAPI_SCHEDULE,
				d.id() + this.deviceBase, d.nsId + this.nsBase, rq.queueId, rq.size(), TraceSink.NO_VERDICT,
				DropReason.NOT_DROPPED_YET);
		cpu.softnet().napiSchedule(rq);
	}

	/**
	 * {@code veth_poll} → {@code veth_xdp_rcv} (no XDP program): consumes up to
	 * {@code budget} skbs from the ring, each {@code napi_gro_receive} →
	 * {@code __netif_receive_skb_core} on the receiving end. Cost {@code NAPI_POLL} per
	 * poll, {@code VETH_XDP_RCV} and {@code NAPI_GRO_RECEIVE} per skb. A poll that used
	 * less than its budget completes ({@code napi_complete_done}, rx_notify_masked
	 * cleared) and schedules itself again if the ring refilled meanwhile; a poll that
	 * used its whole budget stays scheduled and {@code net_rx_action} repolls it.
	 *
	 * <p>
	 * Simplification: GRO is a pass-through. Nothing merges (the model's skbs are at most
	 * one MTU and there is no GSO), and each skb is received at once instead of through
	 * the {@code gro_normal_batch} list ({@code netif_receive_skb_list_internal}); the
	 * kernel's {@code netif_receive_skb} for shared skbs is never needed.
	 */
	private int vethPoll(Cpu cpu, VethRq rq, int budget) {
		this.current = cpu;
		NetDevice d = rq.dev;
		this.trace.event(cpu.now(), TraceSink.NO_SKB, cpu.id(), ctx(cpu), cpu.contextTaskId(), Function.VETH_POLL,
				d.id() + this.deviceBase, d.nsId + this.nsBase, rq.queueId, rq.size(), TraceSink.NO_VERDICT,
				DropReason.NOT_DROPPED_YET);
		cpu.spend(Id.NAPI_POLL, 0);
		int done = 0;
		while (done < budget) {
			Packet p = rq.consume();
			if (p == null) {
				break;
			}
			cpu.spend(Id.VETH_XDP_RCV, 0);
			ev(cpu, Function.NAPI_GRO_RECEIVE, p, p.skb().deviceId(), p.skb().netnsId(), rq.queueId, rq.size(),
					TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
			cpu.spend(Id.NAPI_GRO_RECEIVE, p.len());
			done++;
			napiReceive(cpu, d, p);
		}
		if (done < budget) {
			cpu.softnet().napiComplete(rq);
			rq.scheduled = false;
			if (rq.size() > 0) {
				vethNapiSchedule(cpu, rq);
			}
		}
		return done;
	}

	/**
	 * {@code netkit_xmit} of {@code dev}: {@code netkit_prep_forward} (scrub; across
	 * namespaces tstamp, and with scrub {@code default} mark and priority), skb->dev =
	 * the other end, the slot of the transmitting end ({@code netkit_run}, traced with
	 * the verdict only when a program is attached; otherwise the policy's verdict is on
	 * the {@code netkit_xmit} event), then PASS → {@code __netif_rx}, REDIRECT →
	 * {@code skb_do_redirect} in this context, DROP → {@code kfree_skb} (NOT_SPECIFIED).
	 */
	private void netkitXmit(Cpu cpu, NetDevice dev, Packet p) {
		NetDevice peer = this.devices[dev.info.peerId()];
		NetkitSlot.Side side = dev.info.bpfnetPrimary() ? NetkitSlot.Side.PRIMARY : NetkitSlot.Side.PEER;
		boolean xnet = dev.nsId != peer.nsId;
		scrub(p, xnet);
		if (xnet && dev.scrub == BpfnetDevice.Scrub.DEFAULT) {
			p.buf().mark = 0;
			p.buf().priority = 0;
		}
		moveTo(p, peer);
		p.buf().pktType = SkBuff.PACKET_HOST;
		p.buf().ingressIfindex = 0;
		this.fibNs = peer.nsId;
		this.fibLen = p.buf().len();
		// the programs run first so that the netkit_xmit event can carry the policy's
		// verdict;
		// their CPU time is charged after netkit_xmit's own
		HookResult r = dev.slot.xmit(side, p.buf(), this.envs.get(cpu.index()));
		ev(cpu, Function.NETKIT_XMIT, p, dev.id() + this.deviceBase, dev.nsId + this.nsBase, TraceSink.NO_ID,
				TraceSink.NO_ID, r.policyApplied() ? r.code() : TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		cpu.spend(Id.NETKIT_XMIT, 0);
		if (r.programsRun() > 0) {
			evVerdict(cpu, Function.NETKIT_RUN, p, r.code());
			cpu.spendNs(r.cpuNs());
		}
		if (r.dropped()) {
			dev.txDropped++;
			drop(cpu, p, r.dropReason());
			return;
		}
		if (r.verdict() == Verdict.REDIRECT) {
			redirect(cpu, p, r.redirect(), false);
			return;
		}
		netifRx(cpu, p);
	}

	/** {@code loopback_xmit}: {@code __netif_rx} on {@code lo} itself. */
	private void loopbackXmit(Cpu cpu, NetDevice dev, Packet p) {
		p.buf().pktType = SkBuff.PACKET_HOST;
		netifRx(cpu, p);
	}

	/**
	 * {@code skb_scrub_packet(skb, xnet)}: drops skb_iif; across namespaces also tstamp
	 * and mark.
	 */
	private static void scrub(Packet p, boolean xnet) {
		p.buf().ingressIfindex = 0;
		if (xnet) {
			p.buf().tstamp = 0;
			p.buf().mark = 0;
		}
	}

	/**
	 * {@code __netif_rx} (or {@code netif_rx} outside a BH-disabled section) into the
	 * current CPU's backlog, on the device the skb is on.
	 */
	private void netifRx(Cpu cpu, Packet p) {
		NetDevice dev = this.devices[p.skb().deviceId() - this.deviceBase];
		int target = getRpsCpu(dev, p);
		if (target >= 0) {
			netifRxRps(cpu, p, this.cpus.cpu(target).softnet());
			return;
		}
		SoftnetData sd = cpu.softnet();
		if (cpu.inInterrupt()) {
			ev(cpu, Function.NETIF_RX_UNLOCKED, p);
			sd.netifRxUnlocked(p.skb());
		}
		else {
			ev(cpu, Function.NETIF_RX, p);
			sd.netifRx(p.skb());
		}
	}

	/**
	 * {@code netif_rx}/{@code __netif_rx} on a device with an RPS map:
	 * {@code netif_rx_internal} (traced with the chosen CPU's backlog queue) →
	 * {@code enqueue_to_backlog} on that CPU, which may be this one; see
	 * {@link SoftnetData} for the IPI.
	 */
	private void netifRxRps(Cpu cpu, Packet p, SoftnetData target) {
		boolean bh = !cpu.inInterrupt();
		ev(cpu, bh ? Function.NETIF_RX : Function.NETIF_RX_UNLOCKED, p);
		if (bh) {
			cpu.localBhDisable();
		}
		ev(cpu, Function.NETIF_RX_INTERNAL, p, p.skb().deviceId(), p.skb().netnsId(), target.queueId(),
				target.backlogLength(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		target.enqueueToBacklog(cpu, p.skb());
		if (bh) {
			cpu.localBhEnable();
		}
	}

	/**
	 * {@code get_rps_cpu} (net/core/dev.c) for the device's receive queue 0 without RFS
	 * ({@code rps_sock_flow_table} unset): {@code map->cpus[reciprocal_scale(hash,
	 * map->len)]}, or -1 (no map, or hash 0). Simplification: the kernel's
	 * {@code skb_get_hash} is a keyed hash of the flow keys with a boot-random key; here
	 * it is the packet's flow hash through a fixed 32-bit finaliser (MurmurHash3
	 * {@code fmix32}), so the steering is deterministic per seed-independent flow.
	 * @return the CPU index, or -1 for "this CPU, no RPS"
	 */
	private static int getRpsCpu(NetDevice dev, Packet p) {
		int[] map = dev.rpsMap;
		if (map == null) {
			return -1;
		}
		int h = p.flowHash();
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		if (h == 0) {
			return -1;
		}
		return map[(int) (((h & 0xFFFF_FFFFL) * map.length) >>> 32)];
	}

	/**
	 * The end of a NAPI receive ({@code napi_gro_receive} → {@code gro_normal_one} →
	 * {@code netif_receive_skb_list_internal}) for a NIC or a veth in NAPI mode: with an
	 * RPS map, {@code get_rps_cpu} → {@code enqueue_to_backlog} on the chosen CPU (even
	 * this one; traced as {@code netif_receive_skb_list_internal} with that backlog's
	 * queue); without, {@code __netif_receive_skb_core} at once.
	 */
	private void napiReceive(Cpu cpu, NetDevice dev, Packet p) {
		int target = getRpsCpu(dev, p);
		if (target < 0) {
			netifReceiveSkbCore(cpu, dev, p);
			return;
		}
		SoftnetData sd = this.cpus.cpu(target).softnet();
		ev(cpu, Function.NETIF_RECEIVE_SKB_LIST, p, p.skb().deviceId(), p.skb().netnsId(), sd.queueId(),
				sd.backlogLength(), TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		sd.enqueueToBacklog(cpu, p.skb());
	}

	/**
	 * {@code netif_receive_skb} (veth {@code rx_delivery: direct}): receive inline, with
	 * the {@code XMIT_RECURSION_LIMIT} depth guard (deeper: drop, RECURSION_LIMIT).
	 */
	private void netifReceiveSkb(Cpu cpu, NetDevice dev, Packet p) {
		ev(cpu, Function.NETIF_RECEIVE_SKB, p);
		int c = cpu.index();
		if (this.rxRecursion[c] > XMIT_RECURSION_LIMIT) {
			dev.rxDropped++;
			drop(cpu, p, DropReason.RECURSION_LIMIT);
			return;
		}
		this.rxRecursion[c]++;
		netifReceiveSkbCore(cpu, dev, p);
		this.rxRecursion[c]--;
	}

	// =====================================================================
	// receive
	// =====================================================================

	private void receiveFromBacklog(Cpu cpu, Packet p) {
		this.current = cpu;
		netifReceiveSkbCore(cpu, this.devices[p.skb().deviceId() - this.deviceBase], p);
	}

	/**
	 * {@code __netif_receive_skb_core}: skb_iif, tcx ingress (DROP; REDIRECT →
	 * {@code skb_do_redirect}, a peer redirect going {@code another_round} on the peer,
	 * at most {@link #XMIT_RECURSION_LIMIT} rounds, then TC_RECLASSIFY_LOOP), then
	 * {@code ip_rcv} for IPv4; other protocols are dropped (NOT_SPECIFIED).
	 */
	void netifReceiveSkbCore(Cpu cpu, NetDevice dev, Packet p) {
		this.current = cpu;
		int rounds = 0;
		while (true) {
			moveTo(p, dev);
			p.buf().ingressIfindex = dev.ifindex();
			dev.rxPackets++;
			ev(cpu, Function.NETIF_RECEIVE_SKB_CORE, p);
			cpu.spend(Id.NETIF_RECEIVE_SKB_CORE, 0);
			if (this.tap != null) {
				nit(cpu, dev, p, FrameTap.Direction.IN);
			}
			if (!dev.tcxIngress.isEmpty()) {
				HookResult r = runTcx(cpu, dev, dev.tcxIngress, p);
				evVerdict(cpu, Function.TCX_INGRESS, p, r.code());
				cpu.spend(Id.TCX_INGRESS, 0);
				cpu.spendNs(r.cpuNs());
				if (r.dropped()) {
					dev.rxDropped++;
					drop(cpu, p, r.dropReason());
					return;
				}
				if (r.verdict() == Verdict.REDIRECT) {
					int rc = redirect(cpu, p, r.redirect(), true);
					if (rc != EAGAIN) {
						return;
					}
					if (++rounds > XMIT_RECURSION_LIMIT) {
						drop(cpu, p, DropReason.TC_RECLASSIFY_LOOP);
						return;
					}
					dev = this.devices[p.skb().deviceId() - this.deviceBase];
					continue;
				}
			}
			break;
		}
		if (p.buf().ethProtocol() == ETH_P_ARP && !dev.info.noArp()) {
			arpRcv(cpu, dev, p);
			return;
		}
		if (p.buf().ethProtocol() == ETH_P_IPV6) {
			ipv6Rcv(cpu, dev, p);
			return;
		}
		if (p.buf().ethProtocol() != ETH_P_IP) {
			drop(cpu, p, DropReason.NOT_SPECIFIED);
			return;
		}
		ipRcv(cpu, dev, p);
	}

	/**
	 * {@code ip_rcv} → {@code ip_route_input_noref}: local delivery
	 * ({@code ip_local_deliver} → {@code udp_rcv} → {@code consume_skb}, counted per
	 * destination), forwarding ({@code ip_forward}: TTL, MTU, {@code ip_decrease_ttl},
	 * {@code ip_output}) or a drop with the route's reason.
	 */
	private void ipRcv(Cpu cpu, NetDevice dev, Packet p) {
		ev(cpu, Function.IP_RCV, p);
		cpu.spend(Id.IP_RCV, 0);
		DropReason bad = ipRcvCore(p);
		if (bad != DropReason.NOT_DROPPED_YET) {
			drop(cpu, p, bad);
			return;
		}
		NetNamespace ns = this.netns.namespaces().get(dev.nsId);
		int daddr = p.u32(ETH_HLEN + 16);
		Forwarding.routeInput(ns, dev.ifindex(), IpAddress.ipv4(daddr), this.route);
		cpu.spend(Id.FIB_TABLE_LOOKUP, 0);
		switch (this.route.decision) {
			case LOCAL -> localDeliver(cpu, ns, p, daddr);
			case FORWARD -> {
				int ttl = p.u8(ETH_HLEN + 8);
				int oif = this.route.ifindex;
				IpAddress nextHop = this.route.nextHop;
				DropReason why = Forwarding.forward(ns, this.route, ttl, p.u16(ETH_HLEN + 2));
				if (why != DropReason.NOT_DROPPED_YET) {
					drop(cpu, p, why);
					return;
				}
				ev(cpu, Function.IP_FORWARD, p);
				cpu.spend(Id.IP_FORWARD, 0);
				decreaseTtl(p);
				ipOutput(cpu, p, ns, oif, nextHop);
			}
			default -> drop(cpu, p, this.route.dropReason);
		}
	}

	/**
	 * {@code ip_rcv_core}'s checks of the IPv4 header, in its order: at least 20 bytes,
	 * version 4 and IHL ≥ 5, the IHL's bytes present ({@code IP_INHDR}), the header
	 * checksum ({@code IP_CSUM}), a total length the packet holds ({@code PKT_TOO_SMALL})
	 * and not below the IHL ({@code IP_INHDR}). Simplified: the packet is not trimmed to
	 * the total length (later checks read the total length instead), and
	 * {@code PACKET_OTHERHOST} is not checked (the model keeps no {@code pkt_type}).
	 * @return the drop reason, or {@code NOT_DROPPED_YET} when the header is sound
	 */
	private static DropReason ipRcvCore(Packet p) {
		int len = p.len() - ETH_HLEN;
		if (len < 20) {
			return DropReason.IP_INHDR;
		}
		int versionIhl = p.u8(ETH_HLEN);
		int ihl = (versionIhl & 0x0f) * 4;
		if (ihl < 20 || (versionIhl >>> 4) != 4 || len < ihl) {
			return DropReason.IP_INHDR;
		}
		SkBuff b = p.buf();
		if (Checksums.fold(Checksums.sum(b.buf(), b.data() + ETH_HLEN, ihl, 0)) != 0xFFFF) {
			return DropReason.IP_CSUM;
		}
		int total = p.u16(ETH_HLEN + 2);
		if (len < total) {
			return DropReason.PKT_TOO_SMALL;
		}
		return (total < ihl) ? DropReason.IP_INHDR : DropReason.NOT_DROPPED_YET;
	}

	/**
	 * The transport checks {@code __udp4_lib_rcv}/{@code __udp6_lib_rcv} and
	 * {@code tcp_v4_rcv} make before looking up a socket, on a segment of {@code length}
	 * bytes (from the IP total or payload length) at {@code offset}: no room for the
	 * header ({@code NOT_SPECIFIED}, as the kernel's {@code goto drop}), a UDP length
	 * past the segment or below 8, a TCP data offset below 5 ({@code PKT_TOO_SMALL}).
	 */
	private static DropReason transportCheck(Packet p, int proto, int offset, int length) {
		if (proto == PacketSpec.PROTO_UDP) {
			if (length < 8) {
				return DropReason.NOT_SPECIFIED;
			}
			int ulen = p.u16(offset + 4);
			return (ulen > length || ulen < 8) ? DropReason.PKT_TOO_SMALL : DropReason.NOT_DROPPED_YET;
		}
		if (proto == PacketSpec.PROTO_TCP) {
			if (length < 20) {
				return DropReason.NOT_SPECIFIED;
			}
			return ((p.u8(offset + 12) >>> 4) < 5) ? DropReason.PKT_TOO_SMALL : DropReason.NOT_DROPPED_YET;
		}
		return DropReason.NOT_DROPPED_YET;
	}

	/**
	 * {@code ipv6_rcv} → {@code ip6_route_input}: local delivery ({@code ip6_input} →
	 * {@code udpv6_rcv} / {@code icmpv6_rcv} → {@code consume_skb}, counted per
	 * destination and port in {@link #delivered(String, String)}, keyed by the address's
	 * low 32 bits), forwarding ({@code ip6_forward}: hop limit, MTU, hop limit - 1, then
	 * the output path with the route's next hop) or a drop with the route's reason.
	 * Charged as the IPv4 rows ({@code ip_rcv}, {@code ip_forward}, {@code udp_rcv}).
	 * Simplifications: no extension headers (the next header is the transport), no
	 * sockets for IPv6 ({@link #bind} is IPv4), ICMPv6 errors are not sent, neighbours of
	 * IPv6 next hops must be static (no neighbour discovery), and the output path is
	 * traced with the IPv4 names ({@code ip_output}, {@code ip_finish_output2}): the
	 * trace vocabulary has no {@code ip6_output}.
	 */
	private void ipv6Rcv(Cpu cpu, NetDevice dev, Packet p) {
		ev(cpu, Function.IPV6_RCV, p);
		cpu.spend(Id.IP_RCV, 0);
		// ip6_rcv_core: the fixed header present (IP_INHDR), a payload length the packet
		// holds (PKT_TOO_SMALL)
		if (p.len() < ETH_HLEN + 40) {
			drop(cpu, p, DropReason.IP_INHDR);
			return;
		}
		int payloadLength = p.u16(ETH_HLEN + 4);
		if (ETH_HLEN + 40 + payloadLength > p.len()) {
			drop(cpu, p, DropReason.PKT_TOO_SMALL);
			return;
		}
		NetNamespace ns = this.netns.namespaces().get(dev.nsId);
		long hi = ((long) p.u32(ETH_HLEN + 24) << 32) | (p.u32(ETH_HLEN + 28) & 0xFFFF_FFFFL);
		long lo = ((long) p.u32(ETH_HLEN + 32) << 32) | (p.u32(ETH_HLEN + 36) & 0xFFFF_FFFFL);
		IpAddress daddr = new IpAddress(IpAddress.Family.IPV6, hi, lo);
		Forwarding.routeInput(ns, dev.ifindex(), daddr, this.route);
		cpu.spend(Id.FIB_TABLE_LOOKUP, 0);
		switch (this.route.decision) {
			case LOCAL -> {
				ev(cpu, Function.IP6_INPUT, p);
				int next = p.u8(ETH_HLEN + 6);
				int port = 0;
				DropReason bad = transportCheck(p, next, ETH_HLEN + 40, payloadLength);
				if (bad != DropReason.NOT_DROPPED_YET) {
					ev(cpu, (next == PacketSpec.PROTO_UDP) ? Function.UDPV6_RCV : Function.TCP_V4_RCV, p);
					drop(cpu, p, bad);
					return;
				}
				if (next == PacketSpec.PROTO_UDP) {
					port = p.u16(ETH_HLEN + 40 + 2);
					long key = deliveryKey(ns.id(), daddr, port);
					int slot = java.util.Arrays.binarySearch(this.socketKeys, 0, this.socketCount, key);
					if (slot >= 0) {
						// __udp6_lib_lookup found a socket: the endpoint traces and
						// charges the receive
						if (this.sockets[slot].accept(cpu, p.skb())) {
							this.delivered.increment(key);
							this.deliveredTotal++;
							this.socketDelivered++;
						}
						return;
					}
					ev(cpu, Function.UDPV6_RCV, p);
					cpu.spend(Id.UDP_RCV, 0);
				}
				else if (next == PacketSpec.PROTO_ICMPV6) {
					ev(cpu, Function.ICMPV6_RCV, p);
				}
				else if (next == PacketSpec.PROTO_TCP) {
					port = p.u16(ETH_HLEN + 40 + 2);
				}
				this.delivered.increment(deliveryKey(ns.id(), daddr, port));
				this.deliveredTotal++;
				ev(cpu, Function.CONSUME_SKB, p);
				cpu.spend(Id.CONSUME_SKB, 0);
			}
			case FORWARD -> {
				int hopLimit = p.u8(ETH_HLEN + 7);
				int oif = this.route.ifindex;
				IpAddress nextHop = this.route.nextHop;
				DropReason why = Forwarding.forward(ns, this.route, hopLimit, p.u16(ETH_HLEN + 4) + 40);
				if (why != DropReason.NOT_DROPPED_YET) {
					drop(cpu, p, why);
					return;
				}
				ev(cpu, Function.IP6_FORWARD, p);
				cpu.spend(Id.IP_FORWARD, 0);
				p.put8(ETH_HLEN + 7, hopLimit - 1);
				ipOutput(cpu, p, ns, oif, nextHop);
			}
			default -> drop(cpu, p, this.route.dropReason);
		}
	}

	private void localDeliver(Cpu cpu, NetNamespace ns, Packet p, int daddr) {
		ev(cpu, Function.IP_LOCAL_DELIVER, p);
		int proto = p.u8(ETH_HLEN + 9);
		int ihl = (p.u8(ETH_HLEN) & 0x0f) * 4;
		int port = 0;
		DropReason bad = transportCheck(p, proto, ETH_HLEN + ihl, p.u16(ETH_HLEN + 2) - ihl);
		if (bad != DropReason.NOT_DROPPED_YET) {
			ev(cpu, (proto == PacketSpec.PROTO_UDP) ? Function.UDP_RCV : Function.TCP_V4_RCV, p);
			drop(cpu, p, bad);
			return;
		}
		if (proto == PacketSpec.PROTO_UDP) {
			port = p.u16(ETH_HLEN + ihl + 2);
			long key = deliveryKey(ns.id(), daddr, port);
			int slot = java.util.Arrays.binarySearch(this.socketKeys, 0, this.socketCount, key);
			if (slot >= 0) {
				// __udp4_lib_lookup found a socket: the endpoint traces and charges
				// udp_rcv
				// a datagram the socket drops (full receive queue) is not delivered
				if (this.sockets[slot].accept(cpu, p.skb())) {
					this.delivered.increment(key);
					this.deliveredTotal++;
					this.socketDelivered++;
				}
				return;
			}
			ev(cpu, Function.UDP_RCV, p);
			cpu.spend(Id.UDP_RCV, 0);
		}
		else if (proto == PacketSpec.PROTO_TCP) {
			ev(cpu, Function.TCP_V4_RCV, p);
			cpu.spend(Id.TCP_V4_RCV, 0);
			port = p.u16(ETH_HLEN + ihl + 2);
		}
		else if (proto == PacketSpec.PROTO_ICMP) {
			ev(cpu, Function.ICMP_RCV, p);
			cpu.spend(Id.ICMP_RCV, 0);
			int icmpLength = p.u16(ETH_HLEN + 2) - ihl;
			if (icmpLength >= 8 && p.u8(ETH_HLEN + ihl) == ICMP_ECHO && p.u8(ETH_HLEN + ihl + 1) == 0
					&& ns.delivery().answersEcho(IpAddress.ipv4(daddr))) {
				icmpEcho(cpu, ns, p, ihl);
			}
		}
		this.delivered.increment(deliveryKey(ns.id(), daddr, port));
		this.deliveredTotal++;
		ev(cpu, Function.CONSUME_SKB, p);
		cpu.spend(Id.CONSUME_SKB, 0);
	}

	/**
	 * {@code icmp_echo} → {@code icmp_reply}: answers an ICMPv4 echo request, in the
	 * receiving context (softirq, or the sender's task after a direct delivery). The
	 * reply is a new skb: the request's IP packet with source and destination swapped
	 * (the request's destination is a local address, as {@code fib_compute_spec_dst}
	 * picks it), TTL 64, type 0 and both checksums recomputed, routed by its destination
	 * and sent with {@code ip_output}; without a route back no reply is sent, as
	 * {@code ip_route_output_key} failing ends {@code icmp_reply}. The request itself is
	 * then consumed. Simplified: IP options and the identification are copied from the
	 * request (the kernel echoes options with {@code ip_options_echo} and picks a new
	 * id), no rate limit applies (echo replies are not rate-limited by default,
	 * {@code icmp_ratemask}), and the request's ICMP checksum is not verified.
	 */
	private void icmpEcho(Cpu cpu, NetNamespace ns, Packet request, int ihl) {
		int total = request.u16(ETH_HLEN + 2);
		SkBuff in = request.buf();
		byte[] frame = new byte[ETH_HLEN + total];
		System.arraycopy(in.buf(), in.data(), frame, 0, ETH_HLEN + total);
		for (int i = 0; i < 4; i++) {
			byte t = frame[ETH_HLEN + 12 + i];
			frame[ETH_HLEN + 12 + i] = frame[ETH_HLEN + 16 + i];
			frame[ETH_HLEN + 16 + i] = t;
		}
		frame[ETH_HLEN + 8] = 64;
		Checksums.put16(frame, ETH_HLEN + 10, 0);
		Checksums.put16(frame, ETH_HLEN + 10, Checksums.checksum(frame, ETH_HLEN, ihl));
		int icmp = ETH_HLEN + ihl;
		frame[icmp] = 0;
		Checksums.put16(frame, icmp + 2, 0);
		Checksums.put16(frame, icmp + 2, Checksums.checksum(frame, icmp, total - ihl));
		int replyTo = request.u32(ETH_HLEN + 12);
		Forwarding.routeOutput(ns, IpAddress.ipv4(replyTo), 0, this.route);
		if (this.route.decision == RouteResult.Decision.DROP) {
			return;
		}
		SkBuff buf = new SkBuff(frame);
		buf.protocol = Short.reverseBytes((short) ETH_P_IP) & 0xffff;
		Skb skb = new Skb(this.skbIds[0]++, frame.length, null, TraceSink.NO_ID, ns.id() + this.nsBase, cpu.now());
		Packet reply = new Packet(skb, buf, replyTo * 17 + request.u16(icmp + 4));
		ev(cpu, Function.ICMP_REPLY, reply);
		cpu.spend(Id.ICMP_REPLY, 0);
		ipOutput(cpu, reply, ns, this.route.ifindex, this.route.nextHop);
	}

	/**
	 * {@link #deliveryKey(int, int, int)} for either family: IPv6 keys use the address's
	 * low 32 bits and set bit 63, so they never equal an IPv4 key.
	 */
	private static long deliveryKey(int nsId, IpAddress addr, int port) {
		long k = deliveryKey(nsId, (int) addr.lo(), port);
		return (addr.family() == IpAddress.Family.IPV6) ? k | Long.MIN_VALUE : k;
	}

	private static long deliveryKey(int nsId, int addr, int port) {
		return ((long) nsId << 48) ^ ((addr & 0xFFFF_FFFFL) << 16) ^ (port & 0xFFFF);
	}

	/** {@code ip_decrease_ttl}: TTL - 1 with the incremental checksum update. */
	private static void decreaseTtl(Packet p) {
		p.put8(ETH_HLEN + 8, p.u8(ETH_HLEN + 8) - 1);
		int check = p.u16(ETH_HLEN + 10) + 0x0100;
		check = (check & 0xFFFF) + (check >>> 16);
		p.put16(ETH_HLEN + 10, check);
	}

	// =====================================================================
	// redirects (net/core/filter.c)
	// =====================================================================

	/**
	 * {@code skb_do_redirect} for the request {@code ri} (read at once: the hook result
	 * is reused by the next program run). The target ifindex is resolved in the namespace
	 * of skb->dev.
	 * @return 0, {@code -EAGAIN} for a peer redirect (the caller goes another round on
	 * skb->dev), or {@code -EINVAL} when the skb was dropped here
	 */
	private int redirect(Cpu cpu, Packet p, RedirectInfo ri, boolean atIngress) {
		RedirectInfo.Kind kind = ri.kind();
		int ifindex = ri.ifindex();
		long flags = ri.flags();
		int nexthop = 0;
		boolean hasNexthop = false;
		if (ri.hasNexthop() && ri.nexthopFamily() == 2) {
			byte[] nh = ri.nexthop();
			nexthop = ((nh[0] & 0xff) << 24) | ((nh[1] & 0xff) << 16) | ((nh[2] & 0xff) << 8) | (nh[3] & 0xff);
			hasNexthop = true;
		}
		ev(cpu, Function.SKB_DO_REDIRECT, p);
		cpu.spend(Id.SKB_DO_REDIRECT, 0);
		NetNamespace ns = this.netns.namespaces().get(p.skb().netnsId() - this.nsBase);
		NetDeviceInfo target = ns.device(ifindex);
		if (target == null || kind == RedirectInfo.Kind.REDIRECT_MAP) {
			drop(cpu, p, DropReason.NOT_SPECIFIED);
			return EINVAL;
		}
		NetDevice tdev = this.devices[target.deviceId()];
		switch (kind) {
			case REDIRECT_PEER -> {
				if (!atIngress || tdev.info.peerId() < 0) {
					drop(cpu, p, DropReason.NOT_SPECIFIED);
					return EINVAL;
				}
				NetDevice peer = this.devices[tdev.info.peerId()];
				if (peer.nsId == tdev.nsId) {
					drop(cpu, p, DropReason.NOT_SPECIFIED);
					return EINVAL;
				}
				moveTo(p, peer);
				ev(cpu, Function.SKB_GET_PEER_DEV, p);
				cpu.spend(Id.SKB_GET_PEER_DEV, 0);
				scrub(p, false);
				return EAGAIN;
			}
			case REDIRECT_NEIGH -> {
				return redirectNeigh(cpu, p, tdev, hasNexthop, nexthop);
			}
			default -> {
				if ((flags & RedirectInfo.BPF_F_INGRESS) != 0) {
					// __bpf_rx_skb: dev_forward_skb_nomtu → netif_rx_internal
					moveTo(p, tdev);
					ev(cpu, Function.BPF_RX_SKB, p);
					scrub(p, tdev.nsId + this.nsBase != p.skb().netnsId());
					p.buf().pktType = SkBuff.PACKET_HOST;
					netifRx(cpu, p);
					return 0;
				}
				ev(cpu, Function.BPF_TX_SKB, p);
				int c = cpu.index();
				if (this.xmitRecursion[c] > XMIT_RECURSION_LIMIT) {
					drop(cpu, p, DropReason.RECURSION_LIMIT);
					return EINVAL;
				}
				this.xmitRecursion[c]++;
				p.buf().tstamp = 0;
				devQueueXmit(cpu, tdev, p);
				this.xmitRecursion[c]--;
				return 0;
			}
		}
	}

	/**
	 * {@code __bpf_redirect_neigh_v4}: without a next hop from the program, routes the
	 * destination out of {@code tdev} ({@code ip_route_output_flow} with oif); then
	 * {@code bpf_out_neigh_v4} → neighbour → {@code neigh_output} →
	 * {@code __dev_queue_xmit}, under the recursion guard.
	 */
	private int redirectNeigh(Cpu cpu, Packet p, NetDevice tdev, boolean hasNexthop, int nexthop) {
		moveTo(p, tdev);
		ev(cpu, Function.BPF_REDIRECT_NEIGH_V4, p);
		cpu.spend(Id.BPF_REDIRECT_NEIGH_V4, 0);
		NetNamespace tns = this.netns.namespaces().get(tdev.nsId);
		IpAddress hop;
		if (hasNexthop) {
			hop = IpAddress.ipv4(nexthop);
		}
		else {
			Forwarding.routeOutput(tns, IpAddress.ipv4(p.u32(ETH_HLEN + 16)), tdev.ifindex(), this.route);
			if (this.route.decision == RouteResult.Decision.DROP) {
				tdev.txDropped++;
				drop(cpu, p, this.route.dropReason);
				return EINVAL;
			}
			hop = this.route.nextHop;
		}
		int c = cpu.index();
		if (this.xmitRecursion[c] > XMIT_RECURSION_LIMIT) {
			drop(cpu, p, DropReason.RECURSION_LIMIT);
			return EINVAL;
		}
		this.xmitRecursion[c]++;
		p.buf().tstamp = 0;
		neighOutput(cpu, p, tns, tdev, hop);
		this.xmitRecursion[c]--;
		return 0;
	}

	// =====================================================================
	// helpers
	// =====================================================================

	private HookResult runTcx(Cpu cpu, NetDevice dev, TcxChain chain, Packet p) {
		this.fibNs = dev.nsId;
		this.fibLen = p.buf().len();
		return chain.run(p.buf(), this.envs.get(cpu.index()));
	}

	private void moveTo(Packet p, NetDevice dev) {
		p.skb().moveTo(dev.id() + this.deviceBase, dev.nsId + this.nsBase);
		p.buf().ifindex = dev.ifindex();
	}

	/** {@code kfree_skb_reason}: the skb dies here. */
	private void drop(Cpu cpu, Packet p, DropReason reason) {
		this.dropped++;
		ev(cpu, Function.KFREE_SKB_REASON, p, p.skb().deviceId(), p.skb().netnsId(), TraceSink.NO_ID, TraceSink.NO_ID,
				TraceSink.NO_VERDICT, reason);
		cpu.spend(Id.KFREE_SKB_REASON, 0);
	}

	private static Context ctx(Cpu cpu) {
		Context c = cpu.context();
		return (c == null) ? Context.TASK : c;
	}

	private void ev(Cpu cpu, Function fn, Packet p) {
		ev(cpu, fn, p, p.skb().deviceId(), p.skb().netnsId(), TraceSink.NO_ID, TraceSink.NO_ID, TraceSink.NO_VERDICT,
				DropReason.NOT_DROPPED_YET);
	}

	private void evVerdict(Cpu cpu, Function fn, Packet p, int verdict) {
		ev(cpu, fn, p, p.skb().deviceId(), p.skb().netnsId(), TraceSink.NO_ID, TraceSink.NO_ID, verdict,
				DropReason.NOT_DROPPED_YET);
	}

	private void ev(Cpu cpu, Function fn, Packet p, int deviceId, int netnsId, int queueId, int depth, int verdict,
			DropReason drop) {
		this.trace.event(cpu.now(), p.id(), cpu.id(), ctx(cpu), cpu.contextTaskId(), fn, deviceId, netnsId, queueId,
				depth, verdict, drop);
	}

	@Override
	public String toString() {
		return "Datapath[" + this.node + ", " + this.devices.length + " devices, " + this.cpus.size() + " cpus]";
	}

}
