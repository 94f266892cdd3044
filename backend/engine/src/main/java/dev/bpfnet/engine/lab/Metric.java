package dev.bpfnet.engine.lab;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.bpfnet.engine.lab.LabRun.PacketPath;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * The numbers a check can bound or compare, by the name used in {@code lab.yaml}. Metrics
 * marked "per flow" read the check's {@code flow} (default: every flow for path metrics,
 * flow 0 for latencies).
 */
public enum Metric {

	/** Median latency of the flow, ns (per flow). */
	LATENCY_P50("latency.p50", Unit.NS),

	/** 90th percentile latency, ns (per flow). */
	LATENCY_P90("latency.p90", Unit.NS),

	/** 99th percentile latency, ns (per flow). */
	LATENCY_P99("latency.p99", Unit.NS),

	/** Largest latency, ns (per flow). */
	LATENCY_MAX("latency.max", Unit.NS),

	/**
	 * Number of latency samples (datagrams received or transactions completed, per flow).
	 */
	LATENCY_COUNT("latency.count", Unit.COUNT),

	/** Datagrams sent by every source. */
	PACKETS_SENT("packets.sent", Unit.COUNT),

	/** Packets delivered to sockets. */
	PACKETS_DELIVERED("packets.delivered", Unit.COUNT),

	/** Packets dropped, any reason. */
	PACKETS_DROPPED("packets.dropped", Unit.COUNT),

	/** CPU time in process context (tasks), ns. */
	CPU_PROCESS("cpu.process", Unit.NS),

	/** CPU time in hard IRQ, ns. */
	CPU_HARDIRQ("cpu.hardirq", Unit.NS),

	/** CPU time in softirq (inline, under the interrupted task), ns. */
	CPU_SOFTIRQ("cpu.softirq", Unit.NS),

	/** CPU time in ksoftirqd, ns. */
	CPU_KSOFTIRQD("cpu.ksoftirqd", Unit.NS),

	/** Packets that went through {@code enqueue_to_backlog} (per flow). */
	BACKLOG_PACKETS("backlog.packets", Unit.COUNT),

	/**
	 * Deepest per-CPU backlog seen right after an {@code enqueue_to_backlog} (per flow):
	 * how many packets one {@code process_backlog} batch can find waiting.
	 */
	BACKLOG_MAX("backlog.max", Unit.COUNT),

	/**
	 * Most {@code __dev_queue_xmit} calls one packet makes in a single synchronous call
	 * chain (per flow), the nesting that {@code dev_xmit_recursion} limits to
	 * {@code XMIT_RECURSION_LIMIT}. A chain ends where the packet waits in a queue that
	 * another context drains: the per-CPU backlog, the wire, or a switch of CPU or
	 * context. Read from the trace, not from the engine's counter.
	 */
	STACK_DEPTH("stack.depth", Unit.COUNT),

	/** Mean number of trace steps per packet (per flow). */
	PATH_STEPS("path.steps", Unit.COUNT);

	/** How a value is printed. */
	enum Unit {

		NS, COUNT

	}

	private final String label;

	private final Unit unit;

	Metric(String label, Unit unit) {
		this.label = label;
		this.unit = unit;
	}

	/** The name used in {@code lab.yaml}. */
	public String label() {
		return this.label;
	}

	/** Whether the metric reads the check's {@code flow}. */
	public boolean perFlow() {
		return this.label.startsWith("latency.") || this.label.startsWith("backlog.") || this == STACK_DEPTH
				|| this == PATH_STEPS;
	}

	/** The metric with this label, or null. */
	public static Metric ofLabel(String label) {
		for (Metric m : values()) {
			if (m.label.equals(label)) {
				return m;
			}
		}
		return null;
	}

	/** Every label, for error messages. */
	public static String labels() {
		return Arrays.stream(values()).map(Metric::label).collect(Collectors.joining(", "));
	}

	/**
	 * The metric's value on a run.
	 * @param run the run
	 * @param flow the flow id, or -1 for every flow (latencies then read flow 0)
	 * @param node a node name for the CPU metrics, or null for every node
	 * @return the value
	 */
	public double value(LabRun run, int flow, String node) {
		switch (this) {
			case LATENCY_P50:
			case LATENCY_P90:
			case LATENCY_P99:
			case LATENCY_MAX:
			case LATENCY_COUNT: {
				LatencySummary s = run.latency(Math.max(flow, 0));
				return switch (this) {
					case LATENCY_P50 -> s.p50Ns();
					case LATENCY_P90 -> s.p90Ns();
					case LATENCY_P99 -> s.p99Ns();
					case LATENCY_MAX -> s.maxNs();
					default -> s.count();
				};
			}
			case PACKETS_SENT:
				return run.sent();
			case PACKETS_DELIVERED:
				return run.delivered();
			case PACKETS_DROPPED:
				return run.drops().values().stream().mapToLong(Long::longValue).sum();
			case CPU_PROCESS:
				return run.cpuNs(Context.TASK, node);
			case CPU_HARDIRQ:
				return run.cpuNs(Context.HARDIRQ, node);
			case CPU_SOFTIRQ:
				return run.cpuNs(Context.SOFTIRQ, node);
			case CPU_KSOFTIRQD:
				return run.cpuNs(Context.KSOFTIRQD, node);
			default:
				return pathValue(packets(run, flow, null));
		}
	}

	private double pathValue(List<PacketPath> packets) {
		switch (this) {
			case BACKLOG_PACKETS:
				return packets.stream().filter(p -> p.contains(Function.ENQUEUE_TO_BACKLOG)).count();
			case BACKLOG_MAX: {
				int max = 0;
				for (PacketPath p : packets) {
					for (Step s : p.steps()) {
						if (s.fn() == Function.ENQUEUE_TO_BACKLOG && s.queueDepth() != TraceSink.NO_ID) {
							max = Math.max(max, s.queueDepth());
						}
					}
				}
				return max;
			}
			case STACK_DEPTH: {
				int max = 0;
				for (PacketPath p : packets) {
					max = Math.max(max, stackDepth(p.steps()));
				}
				return max;
			}
			case PATH_STEPS:
				return packets.isEmpty() ? 0
						: Math.round(10.0 * packets.stream().mapToInt(p -> p.steps().size()).sum() / packets.size())
								/ 10.0;
			default:
				throw new IllegalStateException(this.label);
		}
	}

	/** {@link #STACK_DEPTH} of one path. */
	static int stackDepth(List<Step> steps) {
		int max = 0;
		int depth = 0;
		Step previous = null;
		for (Step s : steps) {
			if (previous != null && (previous.cpu() != s.cpu() || previous.ctx() != s.ctx()
					|| previous.fn() == Function.ENQUEUE_TO_BACKLOG || previous.fn() == Function.PHY_TX)) {
				depth = 0;
			}
			if (s.fn() == Function.DEV_QUEUE_XMIT) {
				depth++;
				max = Math.max(max, depth);
			}
			previous = s;
		}
		return max;
	}

	/**
	 * The packets of a flow (every packet when {@code flow < 0}), of one direction when
	 * {@code direction} is not null.
	 */
	static List<PacketPath> packets(LabRun run, int flow, LabRun.Direction direction) {
		return run.packets()
			.stream()
			.filter(p -> flow < 0 || p.flow() == flow)
			.filter(p -> direction == null || p.direction() == direction)
			.toList();
	}

	/** The value with its unit, for messages: {@code 12.4 µs}, {@code 3 packets}. */
	public String format(double value) {
		if (this.unit == Unit.NS) {
			return formatNs(value);
		}
		return (value == Math.rint(value)) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
	}

	static String formatNs(double ns) {
		if (Math.abs(ns) >= 1_000_000) {
			return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
		}
		if (Math.abs(ns) >= 1_000) {
			return String.format(Locale.ROOT, "%.2f µs", ns / 1e3);
		}
		return String.format(Locale.ROOT, "%.0f ns", ns);
	}

}
