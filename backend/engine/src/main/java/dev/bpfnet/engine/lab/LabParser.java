package dev.bpfnet.engine.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

import dev.bpfnet.engine.lab.Lab.LabStep;
import dev.bpfnet.engine.lab.Lab.RunSpec;
import dev.bpfnet.engine.lab.LabRun.Direction;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.Units;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads a lab folder: {@code lab.yaml} (format in labs/README.md) and the topology
 * documents it names. Every problem is collected and reported at once, each as
 * {@code PATH: MESSAGE (line L, column C)} like the topology parser's, for example
 * {@code checks[3].function: unknown kernel function "netkit_xmt", known: ...}. Cross
 * references are checked against the topologies: run names, flow names, node names.
 */
public final class LabParser {

	/** The file in a lab folder that makes it a lab. */
	public static final String LAB_FILE = "lab.yaml";

	/** Largest accepted {@code lab.yaml}, in characters. */
	static final int MAX_CHARS = 256 * 1024;

	/** Default simulated time of a run. */
	static final long DEFAULT_DURATION_NS = 10_000_000L;

	private static final YAMLFactory YAML = YAMLFactory.builder()
		.streamReadConstraints(StreamReadConstraints.builder()
			.maxNestingDepth(16)
			.maxStringLength(MAX_CHARS)
			.maxDocumentLength(4L * MAX_CHARS)
			.build())
		.loadSettings(LoadSettings.builder()
			.setMaxAliasesForCollections(0)
			.setAllowDuplicateKeys(true) // reported with a path below
			.setCodePointLimit(MAX_CHARS + 1)
			.build())
		.build();

	private static final Set<String> LAB_KEYS = Set.of("id", "title", "summary", "question", "duration", "runs",
			"steps", "checks");

	private final List<Problem> problems = new ArrayList<>();

	private final Map<String, TopologyDocument> topologies = new LinkedHashMap<>();

	private LabParser() {
	}

	/**
	 * Reads the lab in {@code dir}.
	 * @param dir a folder with a {@code lab.yaml}
	 * @return the lab
	 * @throws LabException with every problem found
	 */
	public static Lab parse(Path dir) {
		Path file = dir.resolve(LAB_FILE);
		String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new LabException(file.toString(), List.of(Problem.at("", "cannot read " + file + ": " + ex)));
		}
		return parse(dir, text);
	}

	/**
	 * Reads a lab from its {@code lab.yaml} text; topologies are read from {@code dir}.
	 * @param dir the lab folder
	 * @param text the {@code lab.yaml} text
	 * @return the lab
	 * @throws LabException with every problem found
	 */
	public static Lab parse(Path dir, String text) {
		LabParser p = new LabParser();
		Lab lab = p.lab(dir, text);
		if (!p.problems.isEmpty()) {
			throw new LabException(dir.resolve(LAB_FILE).toString(), p.problems);
		}
		return lab;
	}

	/**
	 * Every lab under {@code root}: its sub-folders with a {@code lab.yaml}, by name.
	 * @param root the labs folder
	 * @return the lab folders, sorted
	 * @throws IOException if {@code root} cannot be listed
	 */
	public static List<Path> labDirs(Path root) throws IOException {
		try (var s = Files.list(root)) {
			return s.filter(d -> Files.isRegularFile(d.resolve(LAB_FILE))).sorted().toList();
		}
	}

	private Lab lab(Path dir, String text) {
		Node root = read(text);
		if (root == null) {
			return null;
		}
		if (!(root instanceof MapNode m)) {
			problem("", root, "expected a mapping with id, title, summary, runs, steps and checks");
			return null;
		}
		unknownKeys(m, "", LAB_KEYS);
		String folder = dir.toAbsolutePath().normalize().getFileName().toString();
		String id = string(m, "", "id", folder);
		if (id != null && !id.equals(folder)) {
			problem("id", m.get("id"), "must be the folder name \"" + folder + "\", got \"" + id + "\"");
		}
		String title = string(m, "", "title", null);
		String summary = string(m, "", "summary", null);
		String question = optString(m, "", "question");
		long duration = DEFAULT_DURATION_NS;
		Node d = m.get("duration");
		if (d != null) {
			if (d instanceof Scalar s) {
				long parsed = parseDuration(s.text());
				if (parsed < 0) {
					problem("duration", d, "expected a duration like 10ms, got \"" + s.text() + "\"");
				}
				else if (parsed == 0 || parsed > 1_000_000_000L) {
					problem("duration", d, "must be more than 0 and at most 1s, got " + s.text());
				}
				else {
					duration = parsed;
				}
			}
			else {
				problem("duration", d, "expected a duration like 10ms");
			}
		}
		List<RunSpec> runs = runs(dir, m);
		List<LabStep> steps = steps(m);
		List<Check> checks = checks(m, runs);
		return new Lab(dir, folder, title, summary, question, duration, steps, runs, checks);
	}

	private List<RunSpec> runs(Path dir, MapNode m) {
		List<RunSpec> out = new ArrayList<>();
		ListNode list = list(m, "", "runs", true);
		if (list == null) {
			return out;
		}
		if (list.items().isEmpty()) {
			problem("runs", list, "a lab needs at least one run");
		}
		for (int i = 0; i < list.items().size(); i++) {
			String path = "runs[" + i + "]";
			if (!(list.items().get(i) instanceof MapNode r)) {
				problem(path, list.items().get(i), "expected a mapping with name and topology");
				continue;
			}
			unknownKeys(r, path, Set.of("name", "topology", "description"));
			String name = string(r, path, "name", null);
			String topo = string(r, path, "topology", null);
			String desc = string(r, path, "description", "");
			if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
				problem(path + ".name", r.get("name"),
						"expected letters, digits, '_', '.' or '-' (at most 63), got \"" + name + "\"");
			}
			if (name != null && out.stream().anyMatch(x -> x.name().equals(name))) {
				problem(path + ".name", r.get("name"), "duplicate run name \"" + name + "\"");
			}
			if (topo != null) {
				Path file = dir.resolve(topo).normalize();
				if (topo.startsWith("/") || !file.startsWith(dir.normalize())) {
					problem(path + ".topology", r.get("topology"), "must be a file inside the lab folder, got " + topo);
				}
				else if (!Files.isRegularFile(file)) {
					problem(path + ".topology", r.get("topology"), "no such file " + file);
				}
				else {
					try {
						this.topologies.put(name, TopologyParser.parse(file));
					}
					catch (TopologyException ex) {
						for (Problem tp : ex.problems()) {
							String where = tp.line().isPresent() ? " (" + topo + " line " + tp.line().getAsInt()
									+ ", column " + tp.column().orElse(0) + ")" : "";
							problem(path + ".topology", r.get("topology"), topo + ": " + tp.text() + where);
						}
					}
				}
			}
			if (name != null && topo != null) {
				out.add(new RunSpec(name, topo, desc));
			}
		}
		return out;
	}

	private List<LabStep> steps(MapNode m) {
		List<LabStep> out = new ArrayList<>();
		ListNode list = list(m, "", "steps", true);
		if (list == null) {
			return out;
		}
		for (int i = 0; i < list.items().size(); i++) {
			String path = "steps[" + i + "]";
			if (!(list.items().get(i) instanceof MapNode s)) {
				problem(path, list.items().get(i), "expected a mapping with title and text");
				continue;
			}
			unknownKeys(s, path, Set.of("title", "text"));
			String title = string(s, path, "title", null);
			String text = string(s, path, "text", null);
			if (title != null && text != null) {
				out.add(new LabStep(title, text));
			}
		}
		return out;
	}

	private List<Check> checks(MapNode m, List<RunSpec> runs) {
		List<Check> out = new ArrayList<>();
		ListNode list = list(m, "", "checks", true);
		if (list == null) {
			return out;
		}
		for (int i = 0; i < list.items().size(); i++) {
			String path = "checks[" + i + "]";
			if (!(list.items().get(i) instanceof MapNode c)) {
				problem(path, list.items().get(i), "expected a mapping with kind and its fields");
				continue;
			}
			int before = this.problems.size();
			Check check = check(c, path);
			if (check != null && this.problems.size() == before) {
				out.add(check);
			}
		}
		return out;
	}

	private Check check(MapNode c, String path) {
		String kind = string(c, path, "kind", null);
		if (kind == null) {
			return null;
		}
		String title = optString(c, path, "title");
		switch (kind) {
			case "path-contains": {
				unknownKeys(c, path, Set.of("kind", "title", "run", "flow", "direction", "function", "share"));
				String run = run(c, path, "run");
				Check.Selection sel = selection(c, path, run);
				Function fn = function(c, path);
				double share = number(c, path, "share", 1.0);
				if (share <= 0 || share > 1) {
					problem(path + ".share", c.get("share"), "must be more than 0 and at most 1, got " + share);
				}
				if (run == null || sel == null || fn == null) {
					return null;
				}
				return new Check.PathContains(
						orDefault(title, run + ": " + sel.describeShort(this, run) + " ran " + fn.kernelName()), run,
						sel, fn, share);
			}
			case "path-excludes": {
				unknownKeys(c, path, Set.of("kind", "title", "run", "flow", "direction", "function"));
				String run = run(c, path, "run");
				Check.Selection sel = selection(c, path, run);
				Function fn = function(c, path);
				if (run == null || sel == null || fn == null) {
					return null;
				}
				return new Check.PathExcludes(
						orDefault(title, run + ": no " + sel.describeShort(this, run) + " ran " + fn.kernelName()), run,
						sel, fn);
			}
			case "drops": {
				unknownKeys(c, path, Set.of("kind", "title", "run", "reason", "min", "max"));
				String run = run(c, path, "run");
				DropReason reason = null;
				if (c.get("reason") != null) {
					String r = optString(c, path, "reason");
					reason = dropReason(r);
					if (r != null && reason == null) {
						problem(path + ".reason", c.get("reason"),
								"unknown drop reason \"" + r + "\", known: "
										+ Arrays.stream(DropReason.values())
											.filter(DropReason::isDrop)
											.map(Enum::name)
											.collect(Collectors.joining(", ")));
						return null;
					}
				}
				double[] b = bounds(c, path);
				if (run == null || b == null) {
					return null;
				}
				String what = (reason == null) ? "drops" : reason.name() + " drops";
				return new Check.Drops(orDefault(title, run + ": " + what + " " + describe(b)), run, reason, b[0],
						b[1]);
			}
			case "cpu": {
				unknownKeys(c, path, Set.of("kind", "title", "run", "context", "node", "min", "max"));
				String run = run(c, path, "run");
				String ctxName = string(c, path, "context", null);
				Context ctx = null;
				if (ctxName != null) {
					ctx = switch (ctxName) {
						case "process", "task" -> Context.TASK;
						case "hardirq" -> Context.HARDIRQ;
						case "softirq" -> Context.SOFTIRQ;
						case "ksoftirqd" -> Context.KSOFTIRQD;
						default -> null;
					};
					if (ctx == null) {
						problem(path + ".context", c.get("context"),
								"expected process, hardirq, softirq or ksoftirqd, got \"" + ctxName + "\"");
					}
				}
				String node = node(c, path, run);
				double[] b = bounds(c, path);
				if (run == null || ctx == null || b == null) {
					return null;
				}
				return new Check.CpuTime(orDefault(title, run + ": " + ctxName + " time " + describeNs(b)), run, ctx,
						node, b[0], b[1]);
			}
			case "metric": {
				unknownKeys(c, path, Set.of("kind", "title", "run", "metric", "flow", "node", "min", "max"));
				String run = run(c, path, "run");
				Metric metric = metric(c, path);
				int flow = flow(c, path, run == null ? List.of() : List.of(run));
				String node = node(c, path, run);
				double[] b = bounds(c, path);
				if (run == null || metric == null || flow == Integer.MIN_VALUE || b == null) {
					return null;
				}
				return new Check.MetricBound(orDefault(title, run + ": " + metric.label() + " " + describe(b)), run,
						metric, flow, node, b[0], b[1]);
			}
			case "compare": {
				unknownKeys(c, path, Set.of("kind", "title", "metric", "flow", "node", "less", "than", "factor"));
				Metric metric = metric(c, path);
				String less = run(c, path, "less");
				String than = run(c, path, "than");
				List<String> both = new ArrayList<>();
				if (less != null) {
					both.add(less);
				}
				if (than != null) {
					both.add(than);
				}
				int flow = flow(c, path, both);
				String node = node(c, path, less);
				if (node != null) {
					node(c, path, than);
				}
				double factor = number(c, path, "factor", 1.0);
				if (!(factor > 0)) {
					problem(path + ".factor", c.get("factor"), "must be more than 0, got " + factor);
				}
				if (less != null && less.equals(than)) {
					problem(path + ".than", c.get("than"), "compares run \"" + less + "\" with itself");
				}
				if (metric == null || less == null || than == null || flow == Integer.MIN_VALUE) {
					return null;
				}
				String rel = (factor == 1.0) ? "below" : "below " + factor + " x";
				return new Check.Compare(orDefault(title, metric.label() + ": " + less + " " + rel + " " + than),
						metric, flow, node, less, than, factor);
			}
			default:
				problem(path + ".kind", c.get("kind"), "unknown check kind \"" + kind
						+ "\", known: path-contains, path-excludes, drops, cpu, metric, compare");
				return null;
		}
	}

	// ---- fields of checks

	private String run(MapNode c, String path, String key) {
		String run = string(c, path, key, null);
		if (run != null && !this.topologies.containsKey(run)) {
			problem(path + "." + key, c.get(key),
					"unknown run \"" + run + "\", the lab's runs are " + this.topologies.keySet());
			return null;
		}
		return run;
	}

	/** The selection of a path check; null after a problem. */
	private Check.Selection selection(MapNode c, String path, String run) {
		int flow = flow(c, path, run == null ? List.of() : List.of(run));
		Direction dir = null;
		String d = optString(c, path, "direction");
		if (d != null) {
			dir = switch (d) {
				case "forward" -> Direction.FORWARD;
				case "reverse" -> Direction.REVERSE;
				default -> null;
			};
			if (dir == null) {
				problem(path + ".direction", c.get("direction"), "expected forward or reverse, got \"" + d + "\"");
				return null;
			}
		}
		return (flow == Integer.MIN_VALUE) ? null : new Check.Selection(flow, dir);
	}

	/**
	 * The {@code flow} field: a traffic name or index, the same flow id in every run; -1
	 * when absent, {@code Integer.MIN_VALUE} after a problem.
	 */
	private int flow(MapNode c, String path, List<String> runs) {
		Node n = c.get("flow");
		if (n == null) {
			return -1;
		}
		if (!(n instanceof Scalar s)) {
			problem(path + ".flow", n, "expected a traffic name or index");
			return Integer.MIN_VALUE;
		}
		int id = Integer.MIN_VALUE;
		for (String run : runs) {
			TopologyDocument doc = this.topologies.get(run);
			int found = -1;
			for (int k = 0; k < doc.traffic().size(); k++) {
				if (doc.traffic().get(k).name().equals(s.text()) || String.valueOf(k).equals(s.text())) {
					found = k;
				}
			}
			if (found < 0) {
				problem(path + ".flow", n, "run \"" + run + "\" has no traffic \"" + s.text() + "\", it has "
						+ doc.traffic().stream().map(t -> t.name()).toList());
				return Integer.MIN_VALUE;
			}
			if (id != Integer.MIN_VALUE && id != found) {
				problem(path + ".flow", n, "traffic \"" + s.text() + "\" is flow " + id + " in one run and " + found
						+ " in run \"" + run + "\": list the traffic in the same order");
				return Integer.MIN_VALUE;
			}
			id = found;
		}
		return id;
	}

	private String node(MapNode c, String path, String run) {
		String node = optString(c, path, "node");
		if (node != null && run != null) {
			TopologyDocument doc = this.topologies.get(run);
			if (doc.nodes().stream().noneMatch(n -> n.name().equals(node))) {
				problem(path + ".node", c.get("node"), "run \"" + run + "\" has no node \"" + node + "\", it has "
						+ doc.nodes().stream().map(n -> n.name()).toList());
				return null;
			}
		}
		return node;
	}

	private Function function(MapNode c, String path) {
		String name = string(c, path, "function", null);
		if (name == null) {
			return null;
		}
		for (Function f : Function.values()) {
			if (f.kernelName().equals(name)) {
				return f;
			}
		}
		int limit = Math.max(2, name.length() / 3);
		List<String> near = Arrays.stream(Function.values())
			.map(Function::kernelName)
			.filter(k -> distance(k, name) <= limit)
			.sorted(java.util.Comparator.comparingInt((String k) -> distance(k, name)))
			.limit(3)
			.toList();
		problem(path + ".function", c.get("function"),
				"unknown kernel function \"" + name + "\"" + (near.isEmpty() ? "" : ", did you mean " + near + "?")
						+ " (see docs/engine.md for the traced functions)");
		return null;
	}

	/** Levenshtein distance, for "did you mean". */
	static int distance(String a, String b) {
		int[] prev = new int[b.length() + 1];
		int[] cur = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			prev[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			cur[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int sub = prev[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
			}
			int[] t = prev;
			prev = cur;
			cur = t;
		}
		return prev[b.length()];
	}

	private Metric metric(MapNode c, String path) {
		String name = string(c, path, "metric", null);
		if (name == null) {
			return null;
		}
		Metric m = Metric.ofLabel(name);
		if (m == null) {
			problem(path + ".metric", c.get("metric"), "unknown metric \"" + name + "\", known: " + Metric.labels());
		}
		return m;
	}

	private static DropReason dropReason(String r) {
		if (r == null) {
			return null;
		}
		for (DropReason d : DropReason.values()) {
			if (d.isDrop() && (d.name().equals(r) || d.kernelName().equals(r))) {
				return d;
			}
		}
		return null;
	}

	/** {min, max} with NaN for an absent bound; null after a problem. */
	private double[] bounds(MapNode c, String path) {
		double min = number(c, path, "min", Double.NaN);
		double max = number(c, path, "max", Double.NaN);
		if (c.get("min") == null && c.get("max") == null) {
			problem(path, c, "needs min, max or both");
			return null;
		}
		if (min > max) {
			problem(path + ".min", c.get("min"), "is above max (" + min + " > " + max + ")");
			return null;
		}
		return new double[] { min, max };
	}

	private static String describe(double[] b) {
		return Check.bounds(Metric.PACKETS_DROPPED, b[0], b[1]);
	}

	private static String describeNs(double[] b) {
		return Check.bounds(Metric.CPU_SOFTIRQ, b[0], b[1]);
	}

	private static String orDefault(String title, String generated) {
		return (title != null) ? title : generated;
	}

	/** A number, or a duration like {@code 20us} (as ns); {@code dflt} when absent. */
	private double number(MapNode c, String path, String key, double dflt) {
		Node n = c.get(key);
		if (n == null) {
			return dflt;
		}
		if (n instanceof Scalar s && !s.text().isEmpty()) {
			try {
				return Double.parseDouble(s.text());
			}
			catch (NumberFormatException ex) {
				long ns = parseDuration(s.text());
				if (ns >= 0) {
					return ns;
				}
			}
		}
		problem(path + "." + key, n, "expected a number or a duration like 20us, got "
				+ ((n instanceof Scalar s) ? "\"" + s.text() + "\"" : "a " + n.what()));
		return dflt;
	}

	/** {@link Units#parseDuration}, -1 when the text is not a duration. */
	private static long parseDuration(String text) {
		try {
			return Units.parseDuration(text);
		}
		catch (IllegalArgumentException ex) {
			return -1;
		}
	}

	// ---- generic fields

	private String string(MapNode m, String path, String key, String dflt) {
		Node n = m.get(key);
		String p = path.isEmpty() ? key : path + "." + key;
		if (n == null) {
			if (dflt == null) {
				problem(p, m, "missing (required)");
			}
			return dflt;
		}
		if (n instanceof Scalar s && s.string()) {
			if (s.text().isBlank()) {
				problem(p, n, "must not be empty");
				return dflt;
			}
			return s.text();
		}
		problem(p, n, "expected a string, got a " + n.what());
		return dflt;
	}

	/** An optional string field: null when absent. */
	private String optString(MapNode m, String path, String key) {
		return (m.get(key) == null) ? null : string(m, path, key, null);
	}

	private ListNode list(MapNode m, String path, String key, boolean required) {
		Node n = m.get(key);
		String p = path.isEmpty() ? key : path + "." + key;
		if (n == null) {
			if (required) {
				problem(p, m, "missing (required)");
			}
			return null;
		}
		if (n instanceof ListNode l) {
			return l;
		}
		problem(p, n, "expected a list, got a " + n.what());
		return null;
	}

	private void unknownKeys(MapNode m, String path, Set<String> known) {
		for (String k : m.fields().keySet()) {
			if (!known.contains(k)) {
				problem(path.isEmpty() ? k : path + "." + k, m.fields().get(k),
						"unknown field, expected one of " + known.stream().sorted().toList());
			}
		}
	}

	private void problem(String path, Node at, String message) {
		this.problems.add((at == null || at.line() <= 0) ? Problem.at(path, message)
				: new Problem(path, message, OptionalInt.of(at.line()), OptionalInt.of(Math.max(1, at.column()))));
	}

	// ---- the located tree

	/** The flow names of a run, for titles. */
	List<String> flowNames(String run) {
		TopologyDocument doc = this.topologies.get(run);
		return (doc == null) ? List.of() : doc.traffic().stream().map(t -> t.name()).toList();
	}

	sealed interface Node permits MapNode, ListNode, Scalar {

		int line();

		int column();

		default String what() {
			return (this instanceof MapNode) ? "mapping" : (this instanceof ListNode) ? "list" : "scalar";
		}

	}

	record MapNode(Map<String, Node> fields, int line, int column) implements Node {

		Node get(String key) {
			return this.fields.get(key);
		}

	}

	record ListNode(List<Node> items, int line, int column) implements Node {
	}

	/**
	 * A scalar; {@code string} for quoted or plain strings, false for numbers, booleans,
	 * null.
	 */
	record Scalar(String text, boolean string, int line, int column) implements Node {
	}

	private Node read(String text) {
		if (text.length() > MAX_CHARS) {
			this.problems
				.add(Problem.at("", "lab.yaml too large: " + text.length() + " characters, at most " + MAX_CHARS));
			return null;
		}
		try (JsonParser parser = YAML.createParser(ObjectReadContext.empty(), text)) {
			if (parser.nextToken() == null) {
				this.problems.add(Problem.at("",
						"empty lab.yaml: expected a mapping with id, title, summary, runs, steps and checks"));
				return null;
			}
			Node root = value(parser, "");
			if (parser.nextToken() != null) {
				this.problems.add(Problem.at("", "expected a single YAML document"));
			}
			return root;
		}
		catch (JacksonException ex) {
			TokenStreamLocation loc = ex.getLocation();
			this.problems.add((loc == null || loc.getLineNr() <= 0)
					? Problem.at("", "cannot read YAML: " + ex.getOriginalMessage())
					: new Problem("", "cannot read YAML: " + ex.getOriginalMessage(), OptionalInt.of(loc.getLineNr()),
							OptionalInt.of(Math.max(1, loc.getColumnNr()))));
			return null;
		}
	}

	private Node value(JsonParser parser, String path) {
		TokenStreamLocation loc = parser.currentTokenLocation();
		int line = Math.max(0, loc.getLineNr());
		int column = Math.max(0, loc.getColumnNr());
		if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
			problemAt(path, line, column, "YAML aliases are not supported (write the value out)");
			return new Scalar("", false, line, column);
		}
		JsonToken t = parser.currentToken();
		switch (t) {
			case START_OBJECT: {
				Map<String, Node> fields = new LinkedHashMap<>();
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String key = parser.currentName();
					TokenStreamLocation kl = parser.currentTokenLocation();
					String child = path.isEmpty() ? key : path + "." + key;
					parser.nextToken();
					Node v = value(parser, child);
					if (fields.containsKey(key)) {
						problemAt(child, kl.getLineNr(), kl.getColumnNr(), "duplicate key \"" + key + "\"");
					}
					else {
						fields.put(key, v);
					}
				}
				return new MapNode(fields, line, column);
			}
			case START_ARRAY: {
				List<Node> items = new ArrayList<>();
				while (parser.nextToken() != JsonToken.END_ARRAY) {
					items.add(value(parser, path + "[" + items.size() + "]"));
				}
				return new ListNode(items, line, column);
			}
			case VALUE_STRING:
				return new Scalar(parser.getString(), true, line, column);
			case VALUE_NULL:
				return new Scalar("", false, line, column);
			default:
				return new Scalar(parser.getString(), false, line, column);
		}
	}

	private void problemAt(String path, int line, int column, String message) {
		this.problems.add((line <= 0) ? Problem.at(path, message)
				: new Problem(path, message, OptionalInt.of(line), OptionalInt.of(Math.max(1, column))));
	}

	static String lower(Enum<?> e) {
		return e.name().toLowerCase(Locale.ROOT);
	}

}
