package dev.bpfnet.engine.lab;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.bpfnet.engine.lab.LabRun.Direction;
import dev.bpfnet.engine.lab.LabRun.PacketPath;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;

/**
 * A predicate on the results of a lab's runs, from the {@code checks} list of
 * {@code lab.yaml}. The kinds form a closed set:
 * <ul>
 * <li>{@link PathContains} {@code path-contains}: (a share of) the packets of a run (a
 * flow, a direction) ran a kernel function;</li>
 * <li>{@link PathExcludes} {@code path-excludes}: none of them did;</li>
 * <li>{@link Drops} {@code drops}: the number of drops (of one reason) is within
 * bounds;</li>
 * <li>{@link CpuTime} {@code cpu}: the CPU time of one context is within bounds;</li>
 * <li>{@link MetricBound} {@code metric}: any {@link Metric} is within bounds;</li>
 * <li>{@link Compare} {@code compare}: a metric is lower on one run than on another.</li>
 * </ul>
 * Each evaluates to pass or fail with a message that gives the observed values.
 */
public sealed interface Check {

	/** The kind as written in {@code lab.yaml}. */
	String kind();

	/** What the check asserts, in words (the {@code title} field, or generated). */
	String title();

	/** The names of the runs the check reads. */
	List<String> runs();

	/**
	 * Evaluates the check.
	 * @param runs the lab's finished runs by name (every name of {@link #runs()} present)
	 * @param index the check's position, copied to the result
	 * @return pass or fail with the observed values
	 */
	CheckResult evaluate(Map<String, LabRun> runs, int index);

	/**
	 * Which packets a path check looks at: a flow (or all: -1) and a direction (or both).
	 */
	record Selection(int flow, Direction direction) {

		List<PacketPath> of(LabRun run) {
			return Metric.packets(run, this.flow, this.direction);
		}

		String describe(LabRun run) {
			return describe(run.flows());
		}

		String describeShort(LabParser parser, String run) {
			return describe(parser.flowNames(run));
		}

		private String describe(List<String> flows) {
			String what = (this.flow < 0) ? "packets"
					: "packets of flow " + ((this.flow < flows.size()) ? flows.get(this.flow) : "#" + this.flow);
			return (this.direction == null) ? what : what + " (" + this.direction.name().toLowerCase(Locale.ROOT) + ")";
		}

	}

	/** The name of flow {@code id} of a run, or {@code #id} when it has no such flow. */
	static String flowName(LabRun run, int id) {
		return (id >= 0 && id < run.flows().size()) ? run.flows().get(id) : "#" + id;
	}

	/** {@code min <= value <= max} with absent bounds (NaN) ignored. */
	static boolean within(double value, double min, double max) {
		return !(value < min) && !(value > max);
	}

	static String bounds(Metric metric, double min, double max) {
		if (!Double.isNaN(min) && !Double.isNaN(max)) {
			return "between " + metric.format(min) + " and " + metric.format(max);
		}
		return !Double.isNaN(min) ? "at least " + metric.format(min) : "at most " + metric.format(max);
	}

	/**
	 * At least {@code share} (0..1] of the selected packets of {@code run} ran
	 * {@code function}; fails when there is no such packet.
	 */
	record PathContains(String title, String run, Selection selection, Function function,
			double share) implements Check {

		@Override
		public String kind() {
			return "path-contains";
		}

		@Override
		public List<String> runs() {
			return List.of(this.run);
		}

		@Override
		public CheckResult evaluate(Map<String, LabRun> runs, int index) {
			LabRun r = runs.get(this.run);
			List<PacketPath> packets = this.selection.of(r);
			long hit = packets.stream().filter(p -> p.contains(this.function)).count();
			boolean pass = !packets.isEmpty() && hit >= Math.ceil(this.share * packets.size());
			String msg = this.run + ": " + hit + " of " + packets.size() + " " + this.selection.describe(r) + " ran "
					+ this.function.kernelName()
					+ ((this.share < 1) ? " (needed " + Math.round(this.share * 100) + "%)" : " (needed all)");
			return new CheckResult(index, kind(), this.title, pass, msg);
		}

	}

	/**
	 * No selected packet of {@code run} ran {@code function}; fails when there is no
	 * packet.
	 */
	record PathExcludes(String title, String run, Selection selection, Function function) implements Check {

		@Override
		public String kind() {
			return "path-excludes";
		}

		@Override
		public List<String> runs() {
			return List.of(this.run);
		}

		@Override
		public CheckResult evaluate(Map<String, LabRun> runs, int index) {
			LabRun r = runs.get(this.run);
			List<PacketPath> packets = this.selection.of(r);
			long hit = packets.stream().filter(p -> p.contains(this.function)).count();
			boolean pass = !packets.isEmpty() && hit == 0;
			String msg = this.run + ": " + hit + " of " + packets.size() + " " + this.selection.describe(r) + " ran "
					+ this.function.kernelName() + " (needed none)";
			return new CheckResult(index, kind(), this.title, pass, msg);
		}

	}

	/** The drops of {@code run} (with {@code reason}, or any) are within [min, max]. */
	record Drops(String title, String run, DropReason reason, double min, double max) implements Check {

		@Override
		public String kind() {
			return "drops";
		}

		@Override
		public List<String> runs() {
			return List.of(this.run);
		}

		@Override
		public CheckResult evaluate(Map<String, LabRun> runs, int index) {
			Map<DropReason, Long> drops = runs.get(this.run).drops();
			long n = (this.reason == null) ? drops.values().stream().mapToLong(Long::longValue).sum()
					: drops.getOrDefault(this.reason, 0L);
			boolean pass = within(n, this.min, this.max);
			String what = (this.reason == null) ? "drops" : this.reason.name() + " drops";
			String msg = this.run + ": " + n + " " + what + " (needed "
					+ bounds(Metric.PACKETS_DROPPED, this.min, this.max) + "; all drops " + drops + ")";
			return new CheckResult(index, kind(), this.title, pass, msg);
		}

	}

	/**
	 * The CPU time of {@code context} on {@code run} (one node or all) is within [min,
	 * max].
	 */
	record CpuTime(String title, String run, Context context, String node, double min, double max) implements Check {

		@Override
		public String kind() {
			return "cpu";
		}

		@Override
		public List<String> runs() {
			return List.of(this.run);
		}

		@Override
		public CheckResult evaluate(Map<String, LabRun> runs, int index) {
			long ns = runs.get(this.run).cpuNs(this.context, this.node);
			boolean pass = within(ns, this.min, this.max);
			String where = (this.node == null) ? "" : " on " + this.node;
			String msg = this.run + ": " + Metric.formatNs(ns) + " in " + this.context.name().toLowerCase(Locale.ROOT)
					+ where + " (needed " + bounds(Metric.CPU_SOFTIRQ, this.min, this.max) + ")";
			return new CheckResult(index, kind(), this.title, pass, msg);
		}

	}

	/** A metric of {@code run} is within [min, max]. */
	record MetricBound(String title, String run, Metric metric, int flow, String node, double min,
			double max) implements Check {

		@Override
		public String kind() {
			return "metric";
		}

		@Override
		public List<String> runs() {
			return List.of(this.run);
		}

		@Override
		public CheckResult evaluate(Map<String, LabRun> runs, int index) {
			LabRun r = runs.get(this.run);
			double v = this.metric.value(r, this.flow, this.node);
			boolean pass = within(v, this.min, this.max);
			String msg = this.run + ": " + this.metric.label() + scope(r, this.metric, this.flow, this.node) + " = "
					+ this.metric.format(v) + " (needed " + bounds(this.metric, this.min, this.max) + ")";
			return new CheckResult(index, kind(), this.title, pass, msg);
		}

	}

	/**
	 * {@code metric(less) < factor * metric(than)}: with the default factor 1, strictly
	 * lower; with 0.5, at most half.
	 */
	record Compare(String title, Metric metric, int flow, String node, String less, String than,
			double factor) implements Check {

		@Override
		public String kind() {
			return "compare";
		}

		@Override
		public List<String> runs() {
			return List.of(this.less, this.than);
		}

		@Override
		public CheckResult evaluate(Map<String, LabRun> runs, int index) {
			LabRun a = runs.get(this.less);
			LabRun b = runs.get(this.than);
			double va = this.metric.value(a, this.flow, this.node);
			double vb = this.metric.value(b, this.flow, this.node);
			boolean pass = va < this.factor * vb;
			String rel = (this.factor == 1) ? "below" : "below " + this.factor + " x";
			String msg = this.metric.label() + scope(a, this.metric, this.flow, this.node) + ": " + this.less + " "
					+ this.metric.format(va) + ", " + this.than + " " + this.metric.format(vb) + " (needed " + this.less
					+ " " + rel + " " + this.than + ")";
			return new CheckResult(index, kind(), this.title, pass, msg);
		}

	}

	private static String scope(LabRun run, Metric metric, int flow, String node) {
		StringBuilder s = new StringBuilder();
		if (metric.perFlow()) {
			int f = (flow < 0 && metric.label().startsWith("latency.")) ? 0 : flow;
			if (f >= 0) {
				s.append(" of flow ").append(flowName(run, f));
			}
		}
		if (node != null && metric.label().startsWith("cpu.")) {
			s.append(" on ").append(node);
		}
		return s.toString();
	}

}
