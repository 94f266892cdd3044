package dev.bpfnet.engine.lab;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.lab.LabRun.Direction;
import dev.bpfnet.engine.lab.LabRun.PacketPath;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check kinds and metrics on hand-made run results: each passes and fails where it
 * should, and says the observed value.
 */
class CheckTest {

	/** A finished run given as plain values. */
	record Results(String name, List<String> flows, List<PacketPath> packets, Map<DropReason, Long> drops,
			List<LatencySummary> latencies, Map<Context, Long> cpu, long sent, long delivered) implements LabRun {

		@Override
		public LatencySummary latency(int flow) {
			return (flow < this.latencies.size()) ? this.latencies.get(flow) : LatencySummary.EMPTY;
		}

		@Override
		public long cpuNs(Context ctx, String node) {
			return this.cpu.getOrDefault(ctx, 0L);
		}

	}

	static int index;

	static Step step(int cpu, Context ctx, Function fn, int depth) {
		return new Step(index++, 0, 1, cpu, ctx, 0, fn, 0, 0, TraceSink.NO_ID, depth, TraceSink.NO_VERDICT,
				DropReason.NOT_DROPPED_YET);
	}

	static Step step(Function fn) {
		return step(0, Context.TASK, fn, TraceSink.NO_ID);
	}

	static PacketPath packet(int flow, Direction dir, Step... steps) {
		return new PacketPath(index, flow, dir, List.of(steps));
	}

	static Results run(String name, List<PacketPath> packets, long p50, long softirq) {
		Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
		drops.put(DropReason.CPU_BACKLOG, 3L);
		Map<Context, Long> cpu = new EnumMap<>(Context.class);
		cpu.put(Context.SOFTIRQ, softirq);
		return new Results(name, List.of("stream", "rr"), packets, drops,
				List.of(new LatencySummary(10, p50 / 2, p50, p50, p50 * 2, p50 * 2, p50 * 3, p50)), cpu, 10, 7);
	}

	final Results veth = run("veth",
			List.of(packet(0, Direction.FORWARD, step(Function.VETH_XMIT),
					step(0, Context.TASK, Function.ENQUEUE_TO_BACKLOG, 5)),
					packet(0, Direction.FORWARD, step(Function.VETH_XMIT),
							step(0, Context.TASK, Function.ENQUEUE_TO_BACKLOG, 9)),
					packet(1, Direction.REVERSE, step(Function.UDP_RCV))),
			30_000, 600_000);

	final Results bpfnet = run("bpfnet",
			List.of(packet(0, Direction.FORWARD, step(Function.NETKIT_XMIT)),
					packet(0, Direction.FORWARD, step(Function.NETKIT_XMIT), step(Function.SKB_DO_REDIRECT))),
			20_000, 50_000);

	final Map<String, LabRun> runs = Map.of("veth", this.veth, "bpfnet", this.bpfnet);

	@Test
	void pathContainsNeedsEveryPacketOrTheShareAndAtLeastOnePacket() {
		Check.Selection flow0 = new Check.Selection(0, null);
		CheckResult all = new Check.PathContains("t", "bpfnet", flow0, Function.SKB_DO_REDIRECT, 1.0)
			.evaluate(this.runs, 3);
		assertThat(all).isEqualTo(new CheckResult(3, "path-contains", "t", false,
				"bpfnet: 1 of 2 packets of flow stream ran skb_do_redirect (needed all)"));
		assertThat(new Check.PathContains("t", "bpfnet", flow0, Function.SKB_DO_REDIRECT, 0.5).evaluate(this.runs, 0)
			.passed()).isTrue();
		CheckResult none = new Check.PathContains("t", "bpfnet", new Check.Selection(1, Direction.REVERSE),
				Function.UDP_RCV, 1.0)
			.evaluate(this.runs, 0);
		assertThat(none.passed()).as("no packet at all is not a pass").isFalse();
		assertThat(none.message()).isEqualTo("bpfnet: 0 of 0 packets of flow rr (reverse) ran udp_rcv (needed all)");
		assertThat(new Check.PathContains("t", "veth", new Check.Selection(-1, Direction.REVERSE), Function.UDP_RCV, 1)
			.evaluate(this.runs, 0)
			.passed()).isTrue();
	}

	@Test
	void pathExcludes() {
		CheckResult r = new Check.PathExcludes("t", "veth", new Check.Selection(-1, null), Function.ENQUEUE_TO_BACKLOG)
			.evaluate(this.runs, 0);
		assertThat(r.passed()).isFalse();
		assertThat(r.message()).isEqualTo("veth: 2 of 3 packets ran enqueue_to_backlog (needed none)");
		assertThat(new Check.PathExcludes("t", "bpfnet", new Check.Selection(0, null), Function.ENQUEUE_TO_BACKLOG)
			.evaluate(this.runs, 0)
			.passed()).isTrue();
	}

	@Test
	void dropsCpuAndMetricBounds() {
		assertThat(new Check.Drops("t", "veth", DropReason.CPU_BACKLOG, 1, Double.NaN).evaluate(this.runs, 0).passed())
			.isTrue();
		CheckResult d = new Check.Drops("t", "veth", DropReason.CPU_BACKLOG, Double.NaN, 0).evaluate(this.runs, 0);
		assertThat(d.passed()).isFalse();
		assertThat(d.message()).isEqualTo("veth: 3 CPU_BACKLOG drops (needed at most 0; all drops {CPU_BACKLOG=3})");
		assertThat(new Check.Drops("t", "veth", DropReason.QDISC_DROP, Double.NaN, 0).evaluate(this.runs, 0).passed())
			.isTrue();
		CheckResult c = new Check.CpuTime("t", "bpfnet", Context.SOFTIRQ, null, Double.NaN, 40_000).evaluate(this.runs,
				0);
		assertThat(c.passed()).isFalse();
		assertThat(c.message()).isEqualTo("bpfnet: 50.00 µs in softirq (needed at most 40.00 µs)");
		CheckResult m = new Check.MetricBound("t", "veth", Metric.BACKLOG_MAX, 0, null, 10, 20).evaluate(this.runs, 0);
		assertThat(m.passed()).isFalse();
		assertThat(m.message()).isEqualTo("veth: backlog.max of flow stream = 9 (needed between 10 and 20)");
	}

	@Test
	void compareWithAndWithoutFactor() {
		CheckResult r = new Check.Compare("t", Metric.LATENCY_P50, 0, null, "bpfnet", "veth", 1).evaluate(this.runs, 0);
		assertThat(r.passed()).isTrue();
		assertThat(r.message())
			.isEqualTo("latency.p50 of flow stream: bpfnet 20.00 µs, veth 30.00 µs (needed bpfnet below veth)");
		assertThat(new Check.Compare("t", Metric.LATENCY_P50, 0, null, "bpfnet", "veth", 0.5).evaluate(this.runs, 0)
			.passed()).isFalse();
		assertThat(new Check.Compare("t", Metric.LATENCY_P50, 0, null, "veth", "bpfnet", 1).evaluate(this.runs, 0)
			.passed()).isFalse();
		assertThat(new Check.Compare("t", Metric.CPU_SOFTIRQ, -1, null, "bpfnet", "veth", 0.1).evaluate(this.runs, 0)
			.passed()).as("50 µs < 0.1 x 600 µs").isTrue();
	}

	@Test
	void pathMetrics() {
		assertThat(Metric.BACKLOG_PACKETS.value(this.veth, -1, null)).isEqualTo(2);
		assertThat(Metric.BACKLOG_MAX.value(this.veth, 1, null)).isZero();
		assertThat(Metric.PATH_STEPS.value(this.veth, -1, null)).isEqualTo(1.7);
		assertThat(Metric.PACKETS_DROPPED.value(this.veth, -1, null)).isEqualTo(3);
		assertThat(Metric.LATENCY_P99.value(this.bpfnet, -1, null)).isEqualTo(40_000);
	}

	@Test
	void stackDepthCountsNestedXmitsUntilTheChainBreaks() {
		List<Step> direct = new ArrayList<>(List.of(step(Function.UDP_SENDMSG), step(Function.DEV_QUEUE_XMIT),
				step(Function.VETH_XMIT), step(Function.NETIF_RECEIVE_SKB), step(Function.SKB_DO_REDIRECT),
				step(Function.DEV_QUEUE_XMIT), step(Function.VETH_XMIT)));
		assertThat(Metric.stackDepth(direct)).isEqualTo(2);
		List<Step> backlog = List.of(step(Function.DEV_QUEUE_XMIT), step(Function.ENQUEUE_TO_BACKLOG),
				step(0, Context.SOFTIRQ, Function.PROCESS_BACKLOG, TraceSink.NO_ID),
				step(0, Context.SOFTIRQ, Function.DEV_QUEUE_XMIT, TraceSink.NO_ID),
				step(0, Context.SOFTIRQ, Function.ENQUEUE_TO_BACKLOG, TraceSink.NO_ID),
				step(0, Context.SOFTIRQ, Function.DEV_QUEUE_XMIT, TraceSink.NO_ID));
		assertThat(Metric.stackDepth(backlog)).as("the backlog ends each chain").isEqualTo(1);
		List<Step> otherCpu = List.of(step(Function.DEV_QUEUE_XMIT),
				step(1, Context.TASK, Function.DEV_QUEUE_XMIT, TraceSink.NO_ID));
		assertThat(Metric.stackDepth(otherCpu)).isEqualTo(1);
	}

}
