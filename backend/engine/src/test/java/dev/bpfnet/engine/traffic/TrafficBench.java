package dev.bpfnet.engine.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.IrqHandler;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.sim.EventHandler;
import dev.bpfnet.engine.sim.SimRandom;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.NamespaceRef;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;

/**
 * Test bench (the idea of the cpu package's EmbeddedCpus): one node's CPUs with no
 * idle-exit or wake-up latency, and a LOOPBACK {@link PacketSender} that hands each
 * packet, {@link #delayNs} after its {@code ip_output}, to the endpoint bound to its
 * destination address and port, in a hard interrupt on the endpoint task's CPU (no cost
 * of its own). It is also a {@link TrafficResolver} for one node {@code n1} whose
 * namespaces are given by address.
 */
final class TrafficBench implements PacketSender, TrafficResolver {

	record Sent(long timeNs, long createdNs, int netnsId, byte[] frame) {
	}

	final Simulator sim = new Simulator();

	final CostModel costs = CostModel.defaults();

	final SchedParams params;

	final CpuAccounting accounting;

	final DropCounter drops = new DropCounter();

	final TraceHasher hasher = new TraceHasher();

	final CpuSet cpus;

	final LatencyRecorder latency = new LatencyRecorder();

	final TrafficEnv env;

	final long delayNs;

	final List<Sent> sent = new ArrayList<>();

	/** Bound sockets by "address:port". */
	private final Map<String, Endpoint> bound = new TreeMap<>();

	private final Map<String, Cpu> boundCpu = new TreeMap<>();

	/** Namespace owning an address, by address text. */
	final Map<String, NamespaceRef> owners = new TreeMap<>();

	private final List<Skb> inFlight = new ArrayList<>();

	private final List<Endpoint> inFlightTo = new ArrayList<>();

	private final IrqHandler rx = (cpu, slot) -> this.inFlightTo.get((int) slot)
		.deliver(cpu, this.inFlight.get((int) slot));

	private final EventHandler arrive = (sim, slot) -> this.boundCpuOf((int) slot).raiseIrq(this.rx, slot);

	private final List<Cpu> inFlightCpu = new ArrayList<>();

	long unroutable;

	/**
	 * Wrap each payload in a {@link SkBuffHolder}, as the datapath's packet object does.
	 */
	boolean wrapPayloads;

	TrafficBench(int cpus, long delayNs, long seed) {
		SchedParams d = SchedParams.defaults();
		this.params = new SchedParams(d.softirqPolicy(), d.hz(), d.maxSoftirqTimeNs(), d.maxSoftirqRestart(),
				d.netdevBudget(), d.netdevBudgetTimeNs(), d.baseSliceNs(), 0, d.ipiDeliveryNs(), 0, d.irqCoalesceNs(),
				d.irqCoalescePackets());
		this.accounting = new CpuAccounting(cpus);
		this.cpus = new CpuSet(this.sim, CpuSet.Config.of(cpus), this.params, this.costs, this.accounting,
				Tee.of(this.drops, this.hasher));
		this.delayNs = delayNs;
		this.env = new TrafficEnv(this, TrafficEnv.counter(), this.latency, new SimRandom(seed));
	}

	private Cpu boundCpuOf(int slot) {
		return this.inFlightCpu.get(slot);
	}

	long cost(int id, int bytes) {
		return this.costs.cost(id, bytes);
	}

	/** Binds an endpoint directly (tests without a plan). */
	void bind(IpEndpoint local, Endpoint endpoint, Cpu cpu) {
		if (this.bound.putIfAbsent(local.toString(), endpoint) != null) {
			throw new IllegalArgumentException(local + " is taken");
		}
		this.boundCpu.put(local.toString(), cpu);
	}

	@Override
	public void ipOutput(Cpu cpu, Skb skb) {
		SkBuff b = (SkBuff) skb.payload();
		byte[] frame = java.util.Arrays.copyOfRange(b.buf(), b.data(), b.dataEnd());
		this.sent.add(new Sent(cpu.now(), skb.createdNs(), skb.netnsId(), frame));
		if (this.wrapPayloads) {
			SkBuffHolder holder = () -> b;
			skb.setPayload(holder);
		}
		String key = dst(frame).toString();
		Endpoint ep = this.bound.get(key);
		if (ep == null) {
			this.unroutable++;
			return;
		}
		int slot = this.inFlight.size();
		this.inFlight.add(skb);
		this.inFlightTo.add(ep);
		this.inFlightCpu.add(this.boundCpu.get(key));
		this.sim.scheduleAt(cpu.now() + this.delayNs, this.arrive, slot);
	}

	/** The destination of an Ethernet/IPv4/UDP frame. */
	static IpEndpoint dst(byte[] f) {
		int ip = ((f[30] & 0xff) << 24) | ((f[31] & 0xff) << 16) | ((f[32] & 0xff) << 8) | (f[33] & 0xff);
		int ihl = (f[14] & 0x0f) * 4;
		int port = ((f[14 + ihl + 2] & 0xff) << 8) | (f[14 + ihl + 3] & 0xff);
		return new IpEndpoint(IpAddress.ipv4(ip), port);
	}

	/** A big-endian 8-byte payload counter of an Ethernet/IPv4(20)/UDP frame. */
	static long payloadLong(byte[] f, int offset) {
		long v = 0;
		for (int i = 0; i < 8; i++) {
			v = (v << 8) | (f[42 + offset + i] & 0xff);
		}
		return v;
	}

	static int ipv4Id(byte[] f) {
		return ((f[18] & 0xff) << 8) | (f[19] & 0xff);
	}

	// ---- TrafficResolver: one node "n1" ----

	@Override
	public CpuSet cpus(String node) {
		if (!node.equals("n1")) {
			throw new IllegalArgumentException("unknown node " + node);
		}
		return this.cpus;
	}

	@Override
	public int netnsId(NamespaceRef ns) {
		return ns.namespace().hashCode() & 0xff;
	}

	@Override
	public NamespaceRef owner(IpAddress address) {
		NamespaceRef ns = this.owners.get(address.toString());
		if (ns == null) {
			throw new IllegalArgumentException("nobody owns " + address);
		}
		return ns;
	}

	@Override
	public IpAddress sourceAddress(NamespaceRef from, IpAddress dst) {
		for (Map.Entry<String, NamespaceRef> e : this.owners.entrySet()) {
			if (e.getValue().equals(from)) {
				return IpAddress.of(e.getKey());
			}
		}
		throw new IllegalArgumentException(from + " has no address");
	}

	@Override
	public void bind(NamespaceRef ns, int protocol, IpEndpoint local, Endpoint endpoint) {
		Cpu cpu = (endpoint instanceof UdpSocket s) ? s.task().cpu() : this.cpus.cpu(0);
		bind(local, endpoint, cpu);
	}

}
