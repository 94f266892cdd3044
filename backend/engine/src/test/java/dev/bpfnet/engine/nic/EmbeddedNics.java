package dev.bpfnet.engine.nic;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.qdisc.TxRing;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * Test bench: one simulator, two nodes of two CPUs each (node A: CPU ids 0-1, node B:
 * 2-3), NIC A (irq CPU index 0 of node A, device 10) and NIC B (irq CPU index 1 of node
 * B, device 20) joined by a wire, with a TX ring on A. The receive handler charges and
 * traces {@code __netif_receive_skb_core} and remembers what it got.
 */
final class EmbeddedNics {

	record Ev(long timeNs, long skbId, int cpu, Context ctx, Function fn, int deviceId, int queueId, int queueDepth,
			DropReason drop) {
	}

	record Received(long skbId, long frameId, int cpu, Context ctx, long timeNs) {
	}

	static final int DEV_A = 10;

	static final int DEV_B = 20;

	static final int RXQ_B = 21;

	static final int TXQ_A = 11;

	/** Exact timings: no idle-exit latency, 8 µs / 32 frames moderation. */
	static SchedParams exactParams() {
		SchedParams d = SchedParams.defaults();
		return new SchedParams(d.softirqPolicy(), d.hz(), d.maxSoftirqTimeNs(), d.maxSoftirqRestart(), d.netdevBudget(),
				d.netdevBudgetTimeNs(), d.baseSliceNs(), d.wakeupLatencyNs(), d.ipiDeliveryNs(), 0L, d.irqCoalesceNs(),
				d.irqCoalescePackets());
	}

	final Simulator sim = new Simulator();

	final CostModel costs = CostModel.defaults();

	final CpuAccounting accounting = new CpuAccounting(4);

	final List<Ev> events = new ArrayList<>();

	final List<Received> received = new ArrayList<>();

	final List<TestFrame> missedFrames = new ArrayList<>();

	final List<TestFrame> completed = new ArrayList<>();

	final DropCounter drops = new DropCounter();

	final CpuSet nodeA;

	final CpuSet nodeB;

	final Wire<TestFrame> wire;

	final TxRing<TestFrame> txA;

	final TxRingCleaner<TestFrame> cleanerA;

	final NicRx<TestFrame> nicA;

	final NicRx<TestFrame> nicB;

	private long nextSkbId = 1_000_000;

	private long nextFrameId;

	EmbeddedNics(SchedParams params, long latencyNs, NicRx.Config rxB) {
		TraceSink recorder = (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, verdict, drop) -> this.events
			.add(new Ev(t, skb, cpu, ctx, fn, dev, q, depth, drop));
		TraceSink sink = Tee.of(recorder, this.drops);
		this.nodeA = new CpuSet(this.sim, CpuSet.Config.of(2), params, this.costs, this.accounting, sink);
		this.nodeB = new CpuSet(this.sim, new CpuSet.Config(2, 2, 2, 2, 1000, 64), params, this.costs, this.accounting,
				sink);
		this.wire = new Wire<>(this.sim, latencyNs);
		this.txA = new TxRing<>(TxRing.Config.of(256, 10_000_000_000L, OptionalLong.empty()));
		this.cleanerA = new TxRingCleaner<>(this.txA, TxRingCleaner.DEFAULT_BUDGET, DEV_A, 0, TXQ_A,
				this.completed::add);
		this.nicA = new NicRx<>(this.nodeA.cpu(0), NicRx.Config.of(1024, params, DEV_A, 0, 12, TXQ_A), this::build,
				this::receive);
		this.nicA.setTxCleaner(this.cleanerA);
		this.nicB = new NicRx<>(this.nodeB.cpu(1), rxB, this::build, this::receive);
		this.nicB.setMissedSink(this.missedFrames::add);
		this.wire.attach(Wire.A, this.nicA);
		this.wire.attach(Wire.B, this.nicB);
	}

	EmbeddedNics() {
		this(exactParams(), 5_000, NicRx.Config.of(1024, exactParams(), DEV_B, 1, RXQ_B, 22));
	}

	Skb build(Cpu cpu, TestFrame frame) {
		return new Skb(this.nextSkbId++, frame.len(), frame, DEV_B, 1, cpu.now());
	}

	void receive(Cpu cpu, Skb skb) {
		cpu.trace(Function.NETIF_RECEIVE_SKB_CORE, skb);
		cpu.spend(CostModel.Id.NETIF_RECEIVE_SKB_CORE, skb.len());
		this.received.add(new Received(skb.id(), ((TestFrame) skb.payload()).id(), cpu.id(), cpu.context(), cpu.now()));
	}

	TestFrame frame(int len) {
		return new TestFrame(this.nextFrameId++, len);
	}

	/** Posts a frame on A's TX ring at the simulator's time and puts it on the wire. */
	long sendFromA(TestFrame f) {
		long dep = this.txA.post(f, this.sim.now());
		if (dep < 0) {
			throw new IllegalStateException("tx ring full");
		}
		this.wire.transmit(Wire.A, f, dep);
		return dep;
	}

	/**
	 * At {@code timeNs}, posts {@code n} frames of {@code len} bytes back to back on A.
	 */
	void burstAt(long timeNs, int n, int len) {
		this.sim.scheduleAt(timeNs, (s, arg) -> {
			for (int i = 0; i < n; i++) {
				sendFromA(frame(len));
			}
		}, 0);
	}

	/** At {@code timeNs}, {@code n} frames arrive at B at once (bypassing the wire). */
	void arriveAtB(long timeNs, int n, int len) {
		this.sim.scheduleAt(timeNs, (s, arg) -> {
			for (int i = 0; i < n; i++) {
				this.nicB.frameArrived(frame(len), s.now());
			}
		}, 0);
	}

	long run() {
		this.sim.run();
		return this.sim.now();
	}

	List<Ev> on(int cpuId) {
		return this.events.stream().filter(e -> e.cpu() == cpuId && e.fn() != Function.SCHEDULE).toList();
	}

	List<Ev> of(Function fn) {
		return this.events.stream().filter(e -> e.fn() == fn).toList();
	}

	long cost(int id) {
		return this.costs.cost(id, 0);
	}

}
