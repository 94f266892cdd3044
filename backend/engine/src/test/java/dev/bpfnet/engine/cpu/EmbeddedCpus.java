package dev.bpfnet.engine.cpu;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * Test bench: a simulator, one node's CPUs, accounting, a recording trace sink and a
 * hasher, with no devices. The default receive handler charges and traces
 * {@code __netif_receive_skb_core} and remembers every skb it got with its context.
 */
final class EmbeddedCpus {

	record Ev(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int queueId, int queueDepth,
			DropReason drop) {
	}

	record Received(long skbId, int cpu, Context ctx, long timeNs) {
	}

	final Simulator sim = new Simulator();

	final CostModel costs;

	final SchedParams params;

	final CpuAccounting accounting;

	final List<Ev> events = new ArrayList<>();

	final List<Received> received = new ArrayList<>();

	final TraceHasher hasher = new TraceHasher();

	final CpuSet cpus;

	private long nextSkbId;

	EmbeddedCpus(int cpus, SchedParams params) {
		this(CpuSet.Config.of(cpus), params);
	}

	EmbeddedCpus(CpuSet.Config config, SchedParams params) {
		this.costs = CostModel.defaults();
		this.params = params;
		this.accounting = new CpuAccounting(config.firstCpuId() + config.cpus());
		TraceSink recorder = (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, verdict, drop) -> this.events
			.add(new Ev(t, skb, cpu, ctx, task, fn, q, depth, drop));
		TraceSink sink = Tee.of(recorder, this.hasher);
		this.cpus = new CpuSet(this.sim, config, params, this.costs, this.accounting, sink);
		for (int i = 0; i < this.cpus.size(); i++) {
			this.cpus.cpu(i).softnet().setRxHandler(this::receive);
		}
	}

	void receive(Cpu cpu, Skb skb) {
		cpu.trace(Function.NETIF_RECEIVE_SKB_CORE, skb);
		cpu.spend(CostModel.Id.NETIF_RECEIVE_SKB_CORE, skb.len());
		this.received.add(new Received(skb.id(), cpu.id(), cpu.context(), cpu.now()));
	}

	Skb skb(long nowNs) {
		return new Skb(this.nextSkbId++, 64, null, 1, 0, nowNs);
	}

	Cpu cpu(int i) {
		return this.cpus.cpu(i);
	}

	/** Runs to the end and returns the elapsed time. */
	long run() {
		this.sim.run();
		return this.sim.now();
	}

	List<Ev> withoutScheduling() {
		return this.events.stream().filter(e -> e.fn() != Function.SCHEDULE).toList();
	}

	long cost(int id) {
		return this.costs.cost(id, 0);
	}

	/** busy (accounting) + idle (the CPU's own count) = elapsed, for every CPU. */
	void assertAccountingAddsUp(long elapsed) {
		this.accounting.verify(elapsed);
		for (int i = 0; i < this.cpus.size(); i++) {
			Cpu c = this.cpus.cpu(i);
			long sum = 0;
			for (Context ctx : Context.values()) {
				sum += this.accounting.contextNs(c.id(), ctx);
			}
			long busy = this.accounting.busyNs(c.id());
			if (sum != busy || busy + c.idleNs(elapsed) != elapsed) {
				throw new AssertionError("cpu " + c.id() + ": contexts " + sum + " busy " + busy + " idle "
						+ c.idleNs(elapsed) + " elapsed " + elapsed);
			}
		}
	}

}
