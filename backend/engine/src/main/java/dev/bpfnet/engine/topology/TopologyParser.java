package dev.bpfnet.engine.topology;

import dev.bpfnet.engine.cost.CostModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.bpfnet.engine.topology.SourceTree.Arr;
import dev.bpfnet.engine.topology.SourceTree.Kind;
import dev.bpfnet.engine.topology.SourceTree.Obj;
import dev.bpfnet.engine.topology.SourceTree.Scalar;
import dev.bpfnet.engine.topology.SourceTree.Src;

/**
 * Reads a topology document (YAML or JSON, see {@code docs/topology.md}) into a
 * {@link TopologyDocument}. It reports as many problems as it can find in one pass, each
 * with its path, what was expected and what was found, and the line and column when
 * known; it throws nothing but {@link TopologyException}. Unknown fields, duplicate keys
 * and names, dangling references and impossible hooks are refused; a {@code null} value
 * counts as absent.
 *
 * <p>
 * Thread-safe: all methods are static and share only immutable Jackson factories.
 */
public final class TopologyParser {

	/** The cost table whose function names {@code costs:} may override. */
	private static final CostModel COSTS = CostModel.defaults();

	private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

	private TopologyParser() {
	}

	/** Reads a file; {@code .json} is JSON, anything else YAML. */
	public static TopologyDocument parse(Path file) {
		String text;
		try {
			if (Files.size(file) > 4L * SourceTree.MAX_CHARS) {
				throw new TopologyException(List.of(Problem.at("", "document too large: " + Files.size(file)
						+ " bytes, at most " + SourceTree.MAX_CHARS + " characters")));
			}
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof TopologyException te) {
				throw te;
			}
			String why = (ex instanceof java.nio.file.NoSuchFileException) ? "no such file"
					: (ex instanceof java.nio.file.AccessDeniedException) ? "permission denied" : ex.getMessage();
			throw new TopologyException(List.of(Problem.at("", "cannot read " + file + ": " + why)));
		}
		String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
		return parse(text, lower.endsWith(".json") ? Format.JSON : Format.YAML);
	}

	/** Reads a document from text in the given format. */
	public static TopologyDocument parse(String text, Format format) {
		if (text == null || format == null) {
			throw new TopologyException(List.of(Problem.at("", "expected a document text and a format, got null")));
		}
		List<Problem> problems = new ArrayList<>();
		Src root = SourceTree.read(text, format, problems);
		if (root == null) {
			throw new TopologyException(problems);
		}
		Binder binder = new Binder(root);
		TopologyDocument doc;
		try {
			doc = binder.document(root);
		}
		catch (RuntimeException ex) {
			// A bug in the binder must still surface as a TopologyException.
			binder.problems.add(Problem.at("", "internal error while reading the document: " + ex));
			doc = null;
		}
		if (doc != null && binder.problems.isEmpty()) {
			for (Problem p : TopologyValidator.validate(doc)) {
				binder.problems.add(binder.locate(p.path(), p.message()));
			}
		}
		if (!binder.problems.isEmpty() || doc == null) {
			List<Problem> sorted = new ArrayList<>(binder.problems);
			sorted.sort(Comparator.comparingInt((Problem p) -> p.line().orElse(Integer.MAX_VALUE))
				.thenComparingInt(p -> p.column().orElse(0)));
			throw new TopologyException(sorted);
		}
		return doc;
	}

	/**
	 * Gives problems found after parsing (when the engine builds the document: a program
	 * that does not load, a flow without a route) the line and column of their path in
	 * the document's text, as parse problems have them. Problems whose path is not in the
	 * text, or that already have a line, are returned unchanged.
	 * @param text the document's text
	 * @param format its format
	 * @param problems problems with document paths such as {@code programs[1].section}
	 * @return the problems, in the same order, located where possible
	 */
	public static List<Problem> locate(String text, Format format, List<Problem> problems) {
		List<Problem> readProblems = new ArrayList<>();
		Src root = (text == null || format == null) ? null : SourceTree.read(text, format, readProblems);
		List<Problem> out = new ArrayList<>(problems.size());
		for (Problem p : problems) {
			Src at = (root == null || p.line().isPresent() || p.path().isEmpty()) ? null
					: SourceTree.locate(root, p.path());
			out.add((at == null || at.line() <= 0) ? p : new Problem(p.path(), p.message(), OptionalInt.of(at.line()),
					OptionalInt.of(Math.max(at.column(), 1))));
		}
		return out;
	}

	/**
	 * Binds the source tree to records, collecting problems; returns null parts where
	 * broken.
	 */
	private static final class Binder {

		private final Src root;

		final List<Problem> problems = new ArrayList<>();

		Binder(Src root) {
			this.root = root;
		}

		Problem locate(String path, String message) {
			Src at = SourceTree.locate(this.root, path);
			if (at == null || at.line() <= 0) {
				return Problem.at(path, message);
			}
			return new Problem(path, message, OptionalInt.of(at.line()), OptionalInt.of(Math.max(at.column(), 1)));
		}

		void problem(String path, String message) {
			this.problems.add(locate(path, message));
		}

		// ---- structure helpers -------------------------------------------------------

		static String join(String path, String key) {
			return path.isEmpty() ? key : path + "." + key;
		}

		static String got(Src src) {
			if (src == null) {
				return "nothing";
			}
			if (src instanceof Obj) {
				return "a mapping";
			}
			if (src instanceof Arr) {
				return "a list";
			}
			Scalar s = (Scalar) src;
			return switch (s.kind()) {
				case STRING -> Names.quote(s.text());
				case NULL -> "nothing";
				default -> s.text();
			};
		}

		/**
		 * The mapping at {@code src}, or null (with a problem) if it is something else.
		 */
		Obj obj(Src src, String path, String what) {
			if (src instanceof Obj o) {
				return o;
			}
			problem(path, "expected " + what + ", got " + got(src));
			return null;
		}

		/** Reports fields not in {@code allowed}. */
		void known(Obj o, String path, String what, List<String> allowed) {
			for (String key : o.fields().keySet()) {
				if (!allowed.contains(key)) {
					problem(join(path, key), "unknown field \"" + key + "\" in " + what + " (expected one of: "
							+ String.join(", ", allowed) + ")");
				}
			}
		}

		/** The field's value, or null when absent or explicitly null. */
		static Src field(Obj o, String key) {
			Src v = o.fields().get(key);
			return (v instanceof Scalar s && s.kind() == Kind.NULL) ? null : v;
		}

		/** A list field (absent = empty); each item bound with {@code item}. */
		<T> List<T> list(Obj o, String key, String path, boolean required, ItemBinder<T> item) {
			Src v = field(o, key);
			String p = join(path, key);
			if (v == null) {
				if (required) {
					problem(p, "missing, expected a list");
				}
				return List.of();
			}
			if (!(v instanceof Arr arr)) {
				problem(p, "expected a list, got " + got(v));
				return List.of();
			}
			if (required && arr.items().isEmpty()) {
				problem(p, "expected at least one entry, got an empty list");
			}
			List<T> out = new ArrayList<>();
			for (int i = 0; i < arr.items().size(); i++) {
				T t = item.bind(arr.items().get(i), p + "[" + i + "]");
				if (t != null) {
					out.add(t);
				}
			}
			return out;
		}

		interface ItemBinder<T> {

			T bind(Src src, String path);

		}

		/** A scalar field converted by {@code convert} (null result = malformed). */
		<T> T scalar(Obj o, String key, String path, String expected, T dflt, boolean required,
				Function<String, T> convert) {
			Src v = field(o, key);
			String p = join(path, key);
			if (v == null) {
				if (required) {
					problem(p, "missing, expected " + expected);
				}
				return dflt;
			}
			if (!(v instanceof Scalar s)) {
				problem(p, "expected " + expected + ", got " + got(v));
				return dflt;
			}
			T value = convert.apply(s.text());
			if (value == null) {
				problem(p, "expected " + expected + ", got " + got(v));
				return dflt;
			}
			return value;
		}

		String name(Obj o, String path, String what) {
			return scalar(o, "name", path, what, null, true, t -> Names.valid(t) ? t : null);
		}

		String deviceName(Obj o, String key, String path) {
			return scalar(o, key, path, "a device name like eth0 (letters, digits, _ . -; at most 15 characters)", null,
					true, t -> Names.validDevice(t) ? t : null);
		}

		long longIn(Obj o, String key, String path, long min, long max, long dflt, boolean required) {
			String expected = min == Long.MIN_VALUE + 1 ? "an integer"
					: max == Long.MAX_VALUE ? "an integer >= " + min : "an integer " + min + ".." + max;
			return scalar(o, key, path, expected, dflt, required, t -> {
				long v = parseLong(t);
				return (v == Long.MIN_VALUE || v < min || v > max) ? null : v;
			});
		}

		int intIn(Obj o, String key, String path, int min, int max, int dflt, boolean required) {
			return (int) longIn(o, key, path, min, max, dflt, required);
		}

		static long parseLong(String t) {
			if (t.isEmpty() || t.length() > 20) {
				return Long.MIN_VALUE;
			}
			try {
				return Long.parseLong(t);
			}
			catch (NumberFormatException ex) {
				return Long.MIN_VALUE;
			}
		}

		boolean bool(Obj o, String key, String path, boolean dflt) {
			return scalar(o, key, path, "true or false", dflt, false,
					t -> t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null);
		}

		<E extends Enum<E> & Keyed> E keyed(Obj o, String key, String path, Class<E> type, E dflt, boolean required) {
			return scalar(o, key, path, "one of " + Keyed.keys(type), dflt, required,
					t -> Keyed.fromKey(type, t).orElse(null));
		}

		long duration(Obj o, String key, String path, long dflt, boolean required) {
			return scalar(o, key, path, "a duration like 2us, 10ms or 1.5s (plain number = ns)", dflt, required, t -> {
				long v = Units.parseDuration(t);
				return v < 0 ? null : v;
			});
		}

		long rate(Obj o, String key, String path, long dflt, boolean required) {
			return scalar(o, key, path, "a rate like 25Gbit or 100Mbit (bit/s)", dflt, required, t -> {
				long v = Units.parseRate(t);
				return v < 1 ? null : v;
			});
		}

		long size(Obj o, String key, String path, long min, long max, long dflt, boolean required) {
			return scalar(o, key, path, "a size like 1500 or 9k, " + min + ".." + max + " bytes", dflt, required, t -> {
				long v = Units.parseSize(t);
				return (v < min || v > max) ? null : v;
			});
		}

		List<IpPrefix> addresses(Obj o, String path) {
			return list(o, "addresses", path, false, (src, p) -> {
				if (src instanceof Scalar s && s.kind() == Kind.STRING) {
					Optional<IpPrefix> prefix = IpPrefix.parse(s.text());
					if (prefix.isPresent()) {
						return prefix.get();
					}
				}
				problem(p, "expected an address with prefix like 192.0.2.1/24 or 2001:db8::1/64, got " + got(src));
				return null;
			});
		}

		Optional<MacAddress> mac(Obj o, String path) {
			return Optional.ofNullable(scalar(o, "mac", path, "a MAC address like 02:00:00:00:00:01", null, false,
					t -> MacAddress.parse(t).orElse(null)));
		}

		/**
		 * Runs a record constructor, turning its {@link IllegalArgumentException} into a
		 * problem.
		 */
		<T> T build(String path, java.util.function.Supplier<T> constructor) {
			try {
				return constructor.get();
			}
			catch (IllegalArgumentException ex) {
				problem(path, ex.getMessage());
				return null;
			}
		}

		// ---- the document -------------------------------------------------------------

		TopologyDocument document(Src src) {
			Obj o = obj(src, "", "a topology document (a mapping with name and nodes)");
			if (o == null) {
				return null;
			}
			known(o, "", "the document",
					List.of("name", "seed", "nodes", "wires", "programs", "attach", "traffic", "costs"));
			String name = name(o, "", "a topology name (letters, digits, _ . -)");
			long seed = longIn(o, "seed", "", Long.MIN_VALUE + 1, Long.MAX_VALUE, TopologyDocument.DEFAULT_SEED, false);
			List<Node> nodes = list(o, "nodes", "", true, this::node);
			List<Wire> wires = list(o, "wires", "", false, this::wire);
			List<ProgramRef> programs = list(o, "programs", "", false, this::program);
			List<Attach> attach = list(o, "attach", "", false, this::attach);
			List<Traffic> traffic = list(o, "traffic", "", false, this::traffic);
			Map<String, CostOverride> costs = costs(o);
			if (!this.problems.isEmpty()) {
				return null;
			}
			return build("", () -> TopologyDocument.of(name, seed, nodes, wires, programs, attach, traffic, costs));
		}

		Node node(Src src, String path) {
			Obj o = obj(src, path, "a node (a mapping with name, cpus and namespaces)");
			if (o == null) {
				return null;
			}
			known(o, path, "a node", List.of("name", "cpus", "sysctl", "namespaces"));
			String name = name(o, path, "a node name (letters, digits, _ . -)");
			int cpus = intIn(o, "cpus", path, 1, Node.MAX_CPUS, 1, true);
			Sysctl sysctl = sysctl(o, path);
			List<Namespace> namespaces = list(o, "namespaces", path, true, this::namespace);
			if (name == null || sysctl == null) {
				return null;
			}
			return build(path, () -> new Node(name, cpus, sysctl, namespaces));
		}

		Sysctl sysctl(Obj parent, String parentPath) {
			Src src = field(parent, "sysctl");
			if (src == null) {
				return Sysctl.DEFAULTS;
			}
			String path = join(parentPath, "sysctl");
			Obj o = obj(src, path, "a mapping of sysctls");
			if (o == null) {
				return null;
			}
			if (o.fields().containsKey("rps")) {
				problem(join(path, "rps"), "RPS is set per receive queue, not per node: give the receiving device "
						+ "rps_cpus (a list of CPUs or a quoted hex mask, as /sys/class/net/DEV/queues/rx-0/rps_cpus)");
			}
			List<String> allowed = List.of("netdev_max_backlog", "netdev_budget", "netdev_budget_usecs", "dev_weight",
					"softirq_restart_limit", "softirq_time_limit", "softirq_policy");
			for (String key : o.fields().keySet()) {
				if (!key.equals("rps") && !allowed.contains(key)) {
					problem(join(path, key), "unknown field \"" + key + "\" in sysctl (expected one of: "
							+ String.join(", ", allowed) + ")");
				}
			}
			Sysctl d = Sysctl.DEFAULTS;
			int maxInt = Integer.MAX_VALUE;
			return build(path,
					() -> new Sysctl(intIn(o, "netdev_max_backlog", path, 1, maxInt, d.netdevMaxBacklog(), false),
							intIn(o, "netdev_budget", path, 1, maxInt, d.netdevBudget(), false),
							intIn(o, "netdev_budget_usecs", path, 1, maxInt, d.netdevBudgetUsecs(), false),
							intIn(o, "dev_weight", path, 1, maxInt, d.devWeight(), false),
							intIn(o, "softirq_restart_limit", path, 1, maxInt, d.softirqRestartLimit(), false),
							positive(duration(o, "softirq_time_limit", path, d.softirqTimeLimitNs(), false), path,
									"softirq_time_limit"),
							keyed(o, "softirq_policy", path, Sysctl.SoftirqPolicy.class, d.softirqPolicy(), false)));
		}

		long positive(long value, String path, String key) {
			if (value == 0) {
				problem(join(path, key), "expected a duration > 0, got 0");
				return 1;
			}
			return value;
		}

		Namespace namespace(Src src, String path) {
			Obj o = obj(src, path, "a namespace (a mapping with name, devices, routes)");
			if (o == null) {
				return null;
			}
			known(o, path, "a namespace", List.of("name", "forwarding", "devices", "routes", "neighbours"));
			String name = name(o, path, "a namespace name (letters, digits, _ . -)");
			boolean forwarding = bool(o, "forwarding", path, false);
			List<Device> devices = list(o, "devices", path, false, this::device);
			List<Route> routes = list(o, "routes", path, false, this::route);
			List<Neighbour> neighbours = list(o, "neighbours", path, false, this::neighbour);
			if (name == null) {
				return null;
			}
			return build(path, () -> new Namespace(name, forwarding, devices, routes, neighbours));
		}

		private static final List<String> COMMON = List.of("kind", "name", "addresses", "mac", "mtu");

		private static List<String> with(List<String> more) {
			List<String> all = new ArrayList<>(COMMON);
			all.addAll(more);
			return all;
		}

		Device device(Src src, String path) {
			Obj o = obj(src, path, "a device (a mapping with kind and name)");
			if (o == null) {
				return null;
			}
			String kind = scalar(o, "kind", path, "a device kind: nic, veth or bpfnet", null, true,
					t -> List.of("nic", "veth", "bpfnet").contains(t) ? t : null);
			if (kind == null) {
				return null;
			}
			String name = deviceName(o, "name", path);
			List<IpPrefix> addresses = addresses(o, path);
			Optional<MacAddress> mac = mac(o, path);
			int mtu = intIn(o, "mtu", path, 68, 65535, Device.DEFAULT_MTU, false);
			switch (kind) {
				case "nic": {
					known(o, path, "a nic device", with(List.of("qdisc", "txqueuelen", "tx_ring", "bql", "rate",
							"rx_ring", "irq_cpu", "rps_cpus")));
					NicDevice.Qdisc qdisc = keyed(o, "qdisc", path, NicDevice.Qdisc.class, NicDevice.Qdisc.PFIFO_FAST,
							false);
					int txqueuelen = intIn(o, "txqueuelen", path, 1, 1 << 20, NicDevice.DEFAULT_TXQUEUELEN, false);
					int txRing = intIn(o, "tx_ring", path, 1, 1 << 16, NicDevice.DEFAULT_TX_RING, false);
					long bql = size(o, "bql", path, 1, 1L << 32, -1, false);
					long rate = rate(o, "rate", path, NicDevice.DEFAULT_RATE, false);
					int rxRing = intIn(o, "rx_ring", path, 1, 1 << 16, NicDevice.DEFAULT_RX_RING, false);
					int irqCpu = intIn(o, "irq_cpu", path, 0, Node.MAX_CPUS - 1, 0, false);
					CpuMask rps = cpuMask(o, "rps_cpus", path);
					return (name == null || rps == null) ? null
							: build(path, () -> new NicDevice(name, addresses, mac, mtu, qdisc, txqueuelen, txRing,
									bql < 0 ? OptionalLong.empty() : OptionalLong.of(bql), rate, rxRing, irqCpu, rps));
				}
				case "veth": {
					known(o, path, "a veth device", with(List.of("rx_delivery", "gro", "rps_cpus", "peer")));
					VethDevice.RxDelivery rx = keyed(o, "rx_delivery", path, VethDevice.RxDelivery.class,
							VethDevice.RxDelivery.BACKLOG, false);
					boolean gro = bool(o, "gro", path, false);
					boolean napiClash = napiAndDirect(path, rx, gro);
					CpuMask rps = cpuMask(o, "rps_cpus", path);
					VethDevice.Peer peer = vethPeer(o, path);
					return (name == null || peer == null || napiClash || rps == null) ? null
							: build(path, () -> new VethDevice(name, addresses, mac, mtu, rx, gro, rps, peer));
				}
				default: {
					known(o, path, "a bpfnet device", with(List.of("mode", "policy", "peer_policy", "scrub",
							"peer_scrub", "headroom", "tailroom", "rps_cpus", "peer")));
					BpfnetDevice.Mode mode = keyed(o, "mode", path, BpfnetDevice.Mode.class, BpfnetDevice.Mode.L3,
							false);
					BpfnetDevice.Policy policy = keyed(o, "policy", path, BpfnetDevice.Policy.class,
							BpfnetDevice.Policy.PASS, false);
					BpfnetDevice.Policy peerPolicy = keyed(o, "peer_policy", path, BpfnetDevice.Policy.class,
							BpfnetDevice.Policy.PASS, false);
					BpfnetDevice.Scrub scrub = keyed(o, "scrub", path, BpfnetDevice.Scrub.class,
							BpfnetDevice.Scrub.DEFAULT, false);
					BpfnetDevice.Scrub peerScrub = keyed(o, "peer_scrub", path, BpfnetDevice.Scrub.class,
							BpfnetDevice.Scrub.DEFAULT, false);
					int headroom = intIn(o, "headroom", path, 0, 65535, 0, false);
					int tailroom = intIn(o, "tailroom", path, 0, 65535, 0, false);
					CpuMask rps = cpuMask(o, "rps_cpus", path);
					BpfnetDevice.Peer peer = bpfnetPeer(o, path);
					if (mode == BpfnetDevice.Mode.L3) {
						String why = "not allowed in mode l3 (netkit_set_macaddr returns -EOPNOTSUPP; use mode: l2)";
						if (mac.isPresent()) {
							problem(join(path, "mac"), why);
						}
						if (peer != null && peer.mac().isPresent()) {
							problem(join(path, "peer.mac"), why);
						}
						if (mac.isPresent() || (peer != null && peer.mac().isPresent())) {
							return null;
						}
					}
					return (name == null || peer == null || rps == null) ? null
							: build(path, () -> new BpfnetDevice(name, addresses, mac, mtu, mode, policy, peerPolicy,
									scrub, peerScrub, headroom, tailroom, rps, peer));
				}
			}
		}

		Obj peerObj(Obj device, String path, List<String> allowed) {
			Src src = field(device, "peer");
			String p = join(path, "peer");
			if (src == null) {
				problem(p, "missing, expected a mapping with namespace and name");
				return null;
			}
			Obj o = obj(src, p, "a mapping with namespace and name");
			if (o != null) {
				known(o, p, "a peer", allowed);
			}
			return o;
		}

		VethDevice.Peer vethPeer(Obj device, String path) {
			Obj o = peerObj(device, path,
					List.of("namespace", "name", "addresses", "mac", "rx_delivery", "gro", "rps_cpus"));
			if (o == null) {
				return null;
			}
			String p = join(path, "peer");
			String ns = scalar(o, "namespace", p, "a namespace name", null, true, t -> Names.valid(t) ? t : null);
			String name = deviceName(o, "name", p);
			List<IpPrefix> addresses = addresses(o, p);
			Optional<MacAddress> mac = mac(o, p);
			VethDevice.RxDelivery rx = keyed(o, "rx_delivery", p, VethDevice.RxDelivery.class,
					VethDevice.RxDelivery.BACKLOG, false);
			boolean gro = bool(o, "gro", p, false);
			boolean napiClash = napiAndDirect(p, rx, gro);
			CpuMask rps = cpuMask(o, "rps_cpus", p);
			return (ns == null || name == null || napiClash || rps == null) ? null
					: build(p, () -> new VethDevice.Peer(ns, name, addresses, mac, rx, gro, rps));
		}

		/**
		 * An RPS mask ({@code rps_cpus}): a list of CPU numbers, or a quoted hexadecimal
		 * bitmap as sysfs takes it. A bare number is refused: YAML reads {@code 10} as
		 * ten, sysfs as CPU 4.
		 * @return the mask ({@link CpuMask#NONE} when absent), or {@code null} after a
		 * problem
		 */
		CpuMask cpuMask(Obj o, String key, String path) {
			Src src = field(o, key);
			String p = join(path, key);
			if (src == null) {
				return CpuMask.NONE;
			}
			String expected = "a list of CPUs like [1, 2, 3] or a quoted hex mask as in "
					+ "/sys/class/net/DEV/queues/rx-0/rps_cpus like \"e\"";
			if (src instanceof Scalar s && s.kind() == Kind.STRING) {
				Optional<CpuMask> m = CpuMask.parseHex(s.text());
				if (m.isEmpty()) {
					problem(p, "expected " + expected + ", got " + got(src));
					return null;
				}
				return m.get();
			}
			if (src instanceof Scalar s && s.kind() == Kind.NUMBER) {
				problem(p, "expected " + expected + ", got " + got(src)
						+ " (a bare number is ambiguous: quote a hex mask or write a list)");
				return null;
			}
			if (!(src instanceof Arr)) {
				problem(p, "expected " + expected + ", got " + got(src));
				return null;
			}
			int before = this.problems.size();
			List<Integer> cpus = list(o, key, path, false, (item, ip) -> {
				if (item instanceof Scalar s && s.kind() == Kind.NUMBER) {
					long v = parseLong(s.text());
					if (v >= 0 && v < Node.MAX_CPUS) {
						return (int) v;
					}
				}
				problem(ip, "expected a CPU number 0.." + (Node.MAX_CPUS - 1) + ", got " + got(item));
				return null;
			});
			if (this.problems.size() != before) {
				return null;
			}
			return build(p, () -> new CpuMask(cpus));
		}

		/**
		 * A veth end receives either through its NAPI ring ({@code gro: true}) or as
		 * {@code rx_delivery} says; {@code direct} with {@code gro} is refused.
		 * @return whether the two clash (a problem was reported)
		 */
		boolean napiAndDirect(String path, VethDevice.RxDelivery rx, boolean gro) {
			if (gro && rx == VethDevice.RxDelivery.DIRECT) {
				problem(join(path, "gro"),
						"cannot be true together with rx_delivery: direct (NAPI mode receives through "
								+ "veth_xdp_rx into the 256-entry ptr_ring and veth_poll); choose one way for this end to receive");
				return true;
			}
			return false;
		}

		BpfnetDevice.Peer bpfnetPeer(Obj device, String path) {
			Obj o = peerObj(device, path, List.of("namespace", "name", "addresses", "mac", "rps_cpus"));
			if (o == null) {
				return null;
			}
			String p = join(path, "peer");
			String ns = scalar(o, "namespace", p, "a namespace name", null, true, t -> Names.valid(t) ? t : null);
			String name = deviceName(o, "name", p);
			List<IpPrefix> addresses = addresses(o, p);
			Optional<MacAddress> mac = mac(o, p);
			CpuMask rps = cpuMask(o, "rps_cpus", p);
			return (ns == null || name == null || rps == null) ? null
					: build(p, () -> new BpfnetDevice.Peer(ns, name, addresses, mac, rps));
		}

		Route route(Src src, String path) {
			Obj o = obj(src, path, "a route (a mapping with to, via, dev)");
			if (o == null) {
				return null;
			}
			known(o, path, "a route", List.of("to", "via", "dev"));
			IpPrefix to = scalar(o, "to", path, "a prefix like 10.0.0.0/8, 0.0.0.0/0 or ::/0", null, true,
					t -> IpPrefix.parse(t).orElse(null));
			IpAddress via = scalar(o, "via", path, "a gateway address like 192.0.2.254", null, false,
					t -> IpAddress.parse(t).orElse(null));
			String dev = deviceName(o, "dev", path);
			if (to == null || dev == null) {
				return null;
			}
			if (!to.isNetwork()) {
				problem(join(path, "to"), "host bits set in " + to + ", expected " + to.network() + "/" + to.length());
				return null;
			}
			if (via != null && via.family() != to.family()) {
				problem(join(path, "via"), "expected an " + to.family() + " gateway for " + to + ", got " + via.family()
						+ " \"" + via + "\"");
				return null;
			}
			return build(path, () -> new Route(to, Optional.ofNullable(via), dev));
		}

		Neighbour neighbour(Src src, String path) {
			Obj o = obj(src, path, "a neighbour (a mapping with ip, mac, dev)");
			if (o == null) {
				return null;
			}
			known(o, path, "a neighbour", List.of("ip", "mac", "dev"));
			IpAddress ip = scalar(o, "ip", path, "an IP address like 192.0.2.2", null, true,
					t -> IpAddress.parse(t).orElse(null));
			MacAddress mac = scalar(o, "mac", path, "a MAC address like 02:00:00:00:00:01", null, true,
					t -> MacAddress.parse(t).orElse(null));
			String dev = deviceName(o, "dev", path);
			return (ip == null || mac == null || dev == null) ? null : build(path, () -> new Neighbour(ip, mac, dev));
		}

		DeviceRef deviceRef(Obj o, String key, String path) {
			return scalar(o, key, path, "a device reference like node1/host/eth0", null, true,
					t -> DeviceRef.parse(t).orElse(null));
		}

		Wire wire(Src src, String path) {
			Obj o = obj(src, path, "a wire (a mapping with a, b, latency)");
			if (o == null) {
				return null;
			}
			known(o, path, "a wire", List.of("a", "b", "latency", "rate"));
			DeviceRef a = deviceRef(o, "a", path);
			DeviceRef b = deviceRef(o, "b", path);
			long latency = duration(o, "latency", path, 0, false);
			long rate = rate(o, "rate", path, -1, false);
			return (a == null || b == null) ? null : build(path,
					() -> new Wire(a, b, latency, rate < 0 ? OptionalLong.empty() : OptionalLong.of(rate)));
		}

		ProgramRef program(Src src, String path) {
			Obj o = obj(src, path, "a program (a mapping with name and object or asm)");
			if (o == null) {
				return null;
			}
			known(o, path, "a program", List.of("name", "object", "asm", "section", "rodata"));
			String name = name(o, path, "a program name (letters, digits, _ . -)");
			String object = scalar(o, "object", path, "a path to an ELF object", null, false,
					t -> t.isEmpty() ? null : t);
			String asm = scalar(o, "asm", path, "assembly text", null, false, t -> t.isEmpty() ? null : t);
			String section = scalar(o, "section", path, "an ELF section name like netkit/peer", null, false,
					t -> t.isEmpty() ? null : t);
			boolean hasObject = field(o, "object") != null;
			boolean hasAsm = field(o, "asm") != null;
			if (hasObject == hasAsm) {
				problem(path, hasObject ? "both object and asm given, expected exactly one of them"
						: "missing object or asm, expected exactly one of them");
				return null;
			}
			TreeMap<String, RodataValue> rodata = new TreeMap<>();
			Src r = field(o, "rodata");
			if (r != null) {
				Obj ro = obj(r, join(path, "rodata"), "a mapping of .rodata global names to values");
				if (ro != null) {
					for (String key : ro.fields().keySet()) {
						String p = join(path, "rodata." + key);
						if (!IDENT.matcher(key).matches()) {
							problem(p, "expected a C identifier as a .rodata global name, got " + Names.quote(key));
							continue;
						}
						RodataValue value = scalar(ro, key, join(path, "rodata"),
								"an integer or \"ifindex:node/namespace/device\"", null, true,
								TopologyParser::rodataValue);
						if (value != null) {
							rodata.put(key, value);
						}
					}
				}
			}
			if (name == null || (object == null && asm == null)) {
				return null;
			}
			return build(path, () -> new ProgramRef(name, Optional.ofNullable(object), Optional.ofNullable(asm),
					Optional.ofNullable(section), rodata));
		}

		Attach attach(Src src, String path) {
			Obj o = obj(src, path, "an attachment (a mapping with program, device, hook)");
			if (o == null) {
				return null;
			}
			known(o, path, "an attachment", List.of("program", "device", "hook", "order"));
			String program = scalar(o, "program", path, "a program name", null, true, t -> Names.valid(t) ? t : null);
			DeviceRef device = deviceRef(o, "device", path);
			Attach.Hook hook = keyed(o, "hook", path, Attach.Hook.class, null, true);
			int order = intIn(o, "order", path, 0, 1 << 16, -1, false);
			return (program == null || device == null || hook == null) ? null : build(path,
					() -> new Attach(program, device, hook, order < 0 ? OptionalInt.empty() : OptionalInt.of(order)));
		}

		private static final List<String> TRAFFIC_COMMON = List.of("kind", "name", "from", "to", "size", "cpu",
				"start");

		Traffic traffic(Src src, String path) {
			Obj o = obj(src, path, "a traffic source (a mapping with kind, name, from, to)");
			if (o == null) {
				return null;
			}
			String kind = scalar(o, "kind", path,
					"a traffic kind: constant-rate, poisson, burst, request-response, replay or packet", null, true,
					t -> List.of("constant-rate", "poisson", "burst", "request-response", "replay", "packet")
						.contains(t) ? t : null);
			if (kind == null) {
				return null;
			}
			if (kind.equals("replay")) {
				return replay(o, path);
			}
			if (kind.equals("packet")) {
				return packets(o, path);
			}
			List<String> allowed = new ArrayList<>(TRAFFIC_COMMON);
			allowed.addAll(switch (kind) {
				case "constant-rate", "poisson" -> List.of("rate", "count");
				case "burst" -> List.of("burst", "interval", "count");
				default -> List.of("response_size", "transactions", "server_cpu");
			});
			known(o, path, "a " + kind + " traffic source", allowed);
			String name = name(o, path, "a traffic name (letters, digits, _ . -)");
			NamespaceRef from = scalar(o, "from", path, "a namespace reference like node1/pod1", null, true,
					t -> NamespaceRef.parse(t).orElse(null));
			IpEndpoint to = scalar(o, "to", path, "an address and port like 192.0.2.2:7000", null, true,
					t -> IpEndpoint.parse(t).orElse(null));
			int size = (int) size(o, "size", path, 0, Traffic.MAX_SIZE, 64, false);
			int cpu = intIn(o, "cpu", path, 0, Node.MAX_CPUS - 1, 0, false);
			long start = duration(o, "start", path, 0, false);
			boolean ok = name != null && from != null && to != null;
			switch (kind) {
				case "constant-rate", "poisson": {
					Traffic.Rate rate = scalar(o, "rate", path, "a rate like 100kpps or 1Gbit", null, true,
							TopologyParser::trafficRate);
					long count = longIn(o, "count", path, 1, Long.MAX_VALUE, -1, false);
					OptionalLong c = count < 0 ? OptionalLong.empty() : OptionalLong.of(count);
					return rate == null ? null
							: build(path,
									() -> kind.equals("poisson")
											? new Traffic.Poisson(name, from, to, size, rate, c, cpu, start)
											: new Traffic.ConstantRate(name, from, to, size, rate, c, cpu, start));
				}
				case "burst": {
					int burst = intIn(o, "burst", path, 1, 1 << 20, 1, true);
					long interval = duration(o, "interval", path, 0, true);
					long count = longIn(o, "count", path, 1, Long.MAX_VALUE, -1, false);
					if (interval == 0 && field(o, "interval") != null) {
						problem(join(path, "interval"), "expected a duration > 0, got 0");
					}
					return (!ok || interval == 0) ? null : build(path, () -> new Traffic.Burst(name, from, to, size,
							burst, interval, count < 0 ? OptionalLong.empty() : OptionalLong.of(count), cpu, start));
				}
				default: {
					int responseSize = (int) size(o, "response_size", path, 0, Traffic.MAX_SIZE, size, false);
					long transactions = longIn(o, "transactions", path, 1, Long.MAX_VALUE, 1, true);
					int serverCpu = intIn(o, "server_cpu", path, 0, Node.MAX_CPUS - 1, 0, false);
					return !ok ? null : build(path, () -> new Traffic.RequestResponse(name, from, to, size,
							responseSize, transactions, cpu, serverCpu, start));
				}
			}
		}

		private Traffic packets(Obj o, String path) {
			known(o, path, "a packet traffic source",
					List.of("kind", "name", "from", "device", "packet", "count", "rate", "cpu", "start"));
			String name = name(o, path, "a traffic name (letters, digits, _ . -)");
			NamespaceRef from = scalar(o, "from", path, "a namespace reference like node1/pod1", null, false,
					t -> NamespaceRef.parse(t).orElse(null));
			DeviceRef device = scalar(o, "device", path, "a device reference like node1/host/eth0", null, false,
					t -> DeviceRef.parse(t).orElse(null));
			if ((field(o, "from") == null) == (field(o, "device") == null)) {
				problem(path, "expected exactly one of from (a namespace) and device");
			}
			long count = longIn(o, "count", path, 1, Traffic.Packets.MAX_COUNT, 1, false);
			Traffic.Rate rate = scalar(o, "rate", path, "a packet rate like 10kpps", null, count > 1, t -> {
				Traffic.Rate r = trafficRate(t);
				return (r != null && r.unit() == Traffic.Rate.Unit.PACKETS) ? r : null;
			});
			int cpu = intIn(o, "cpu", path, 0, Node.MAX_CPUS - 1, 0, false);
			long start = duration(o, "start", path, 0, false);
			Src packetSrc = field(o, "packet");
			dev.bpfnet.engine.packet.PacketSpec packet = null;
			String pp = join(path, "packet");
			if (packetSrc == null) {
				problem(pp, "missing, expected a packet (ethernet, ipv4, udp, payload, ...)");
			}
			else if (!(plain(packetSrc) instanceof Map<?, ?> map)) {
				problem(pp, "expected a packet (a mapping with ethernet, ipv4, udp, ...), got " + got(packetSrc));
			}
			else {
				try {
					@SuppressWarnings("unchecked")
					Map<String, ?> m = (Map<String, ?>) map;
					packet = dev.bpfnet.engine.packet.PacketSpec.fromMap(m, pp);
				}
				catch (dev.bpfnet.engine.packet.PacketSpecException ex) {
					problem(ex.path(), ex.getMessage()
						.substring(
								Math.min(ex.getMessage().length(), ex.path().isEmpty() ? 0 : ex.path().length() + 2)));
				}
			}
			dev.bpfnet.engine.packet.PacketSpec spec = packet;
			if (name == null || spec == null || (from == null && device == null) || (count > 1 && rate == null)) {
				return null;
			}
			return build(path, () -> new Traffic.Packets(name, from, device, spec, count, rate, cpu, start));
		}

		/**
		 * A source tree as plain values: maps, lists, strings, numbers, booleans, null.
		 */
		static Object plain(Src src) {
			if (src instanceof Obj o) {
				Map<String, Object> m = new java.util.LinkedHashMap<>();
				o.fields().forEach((k, v) -> m.put(k, plain(v)));
				return m;
			}
			if (src instanceof SourceTree.Arr a) {
				List<Object> l = new ArrayList<>();
				a.items().forEach(i -> l.add(plain(i)));
				return l;
			}
			Scalar s = (Scalar) src;
			return switch (s.kind()) {
				case NULL -> null;
				case BOOLEAN -> Boolean.parseBoolean(s.text());
				// an integer as a Long, unless it has leading zeros (hex digits such as
				// "00000001" written unquoted): those keep their text, as other numbers
				// do
				case NUMBER ->
					s.text().matches("-?(0|[1-9][0-9]{0,17})") ? (Object) Long.parseLong(s.text()) : s.text();
				default -> s.text();
			};
		}

		private Traffic replay(Obj o, String path) {
			known(o, path, "a replay traffic source",
					List.of("kind", "name", "file", "device", "timing", "factor", "rate", "truncate", "cpu", "start"));
			String name = name(o, path, "a traffic name (letters, digits, _ . -)");
			DeviceRef device = scalar(o, "device", path, "a device reference like node1/host/eth0", null, true,
					t -> DeviceRef.parse(t).orElse(null));
			String file = scalar(o, "file", path, "a pcap or pcapng file name", null, true,
					t -> t.isBlank() ? null : t);
			String timing = scalar(o, "timing", path, "original, scale or rate", "original", false,
					t -> Traffic.Replay.TIMINGS.contains(t) ? t : null);
			Double factor = scalar(o, "factor", path, "a number > 0", 1.0, timing != null && timing.equals("scale"),
					t -> {
						try {
							double v = Double.parseDouble(t);
							return (v > 0 && v < 1e6) ? v : null;
						}
						catch (NumberFormatException ex) {
							return null;
						}
					});
			Traffic.Rate rate = scalar(o, "rate", path, "a packet rate like 10kpps", null,
					timing != null && timing.equals("rate"), t -> {
						Traffic.Rate r = trafficRate(t);
						return (r != null && r.unit() == Traffic.Rate.Unit.PACKETS) ? r : null;
					});
			boolean truncate = bool(o, "truncate", path, false);
			int cpu = intIn(o, "cpu", path, 0, Node.MAX_CPUS - 1, 0, false);
			long start = duration(o, "start", path, 0, false);
			if (name == null || device == null || file == null || timing == null || factor == null
					|| (timing.equals("rate") && rate == null)) {
				return null;
			}
			return build(path,
					() -> new Traffic.Replay(name, device, file, timing, factor, rate, truncate, cpu, start));
		}

		Map<String, CostOverride> costs(Obj root) {
			Map<String, CostOverride> out = new TreeMap<>();
			Src src = field(root, "costs");
			if (src == null) {
				return out;
			}
			Obj o = obj(src, "costs", "a mapping of function names to costs");
			if (o == null) {
				return out;
			}
			for (Map.Entry<String, Src> e : o.fields().entrySet()) {
				String p = "costs." + e.getKey();
				if (!IDENT.matcher(e.getKey()).matches()) {
					problem(p, "expected a function name like enqueue_to_backlog, got " + Names.quote(e.getKey()));
					continue;
				}
				if (!COSTS.contains(e.getKey())) {
					problem(p, COSTS.unknownFunctionMessage(e.getKey()));
					continue;
				}
				Src v = e.getValue();
				if (v instanceof Obj c) {
					known(c, p, "a cost", List.of("ns", "ns_per_byte"));
					long ns = duration(c, "ns", p, -1, false);
					Double perByte = scalar(c, "ns_per_byte", p, "a number of ns per byte like 0.1", null, false,
							TopologyParser::perByte);
					if (ns < 0 && perByte == null) {
						if (field(c, "ns") == null && field(c, "ns_per_byte") == null) {
							problem(p, "expected ns or ns_per_byte, got neither");
						}
						continue;
					}
					CostOverride cost = build(p,
							() -> new CostOverride(ns < 0 ? OptionalLong.empty() : OptionalLong.of(ns),
									perByte == null ? OptionalDouble.empty() : OptionalDouble.of(perByte)));
					if (cost != null) {
						out.put(e.getKey(), cost);
					}
				}
				else {
					long ns = duration(o, e.getKey(), "costs", -1, true);
					if (ns >= 0) {
						out.put(e.getKey(), CostOverride.ofNs(ns));
					}
				}
			}
			return out;
		}

	}

	static RodataValue rodataValue(String text) {
		if (text.startsWith("ifindex:")) {
			return DeviceRef.parse(text.substring("ifindex:".length())).map(RodataValue.Ifindex::new).orElse(null);
		}
		long v = Binder.parseLong(text);
		if (v == Long.MIN_VALUE) {
			if (text.startsWith("0x") && text.length() > 2 && text.length() <= 18) {
				try {
					return new RodataValue.Number(Long.parseUnsignedLong(text.substring(2), 16));
				}
				catch (NumberFormatException ex) {
					return null;
				}
			}
			return null;
		}
		return new RodataValue.Number(v);
	}

	static Traffic.Rate trafficRate(String text) {
		long pps = Units.parsePacketRate(text);
		if (pps >= 1) {
			return Traffic.Rate.pps(pps);
		}
		long bits = Units.parseRate(text);
		return bits >= 1 ? Traffic.Rate.bits(bits) : null;
	}

	static Double perByte(String text) {
		if (!text.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
			return null;
		}
		return Double.valueOf(text);
	}

}
