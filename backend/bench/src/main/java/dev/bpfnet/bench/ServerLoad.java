package dev.bpfnet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A load generator for the running server (issue 4): {@code --clients} API clients that
 * read and write topologies with API tokens, plus {@code --sse} clients on the live
 * stream of one paced run, for {@code --duration}. Not a JMH benchmark: it measures the
 * server from outside, over HTTP/1.1 with the JDK {@link HttpClient}.
 * <p>
 * Each API client is a thread in a closed loop: pick an operation (reads: get a topology,
 * export it as YAML, list a page; writes: create a topology, update one = a new version),
 * send it, record its latency in an HdrHistogram of its own (merged at the end), then
 * wait an exponentially distributed think time ({@code --think}, mean; 0 = back to back).
 * A closed loop under-reports latency when the server stalls (coordinated omission): a
 * stalled client sends nothing. With think time the offered load is bounded; the numbers
 * are for that load, not for saturation.
 * <p>
 * The run is created paused ({@code pace.paused}), the SSE clients connect, then it is
 * resumed at a pace that spreads its simulated duration over the warm-up and measured
 * time (or at {@code --pace}; a run still going at the end is stopped). Each SSE client
 * counts {@code trace}, {@code sampled} (and the events they stand for) and {@code end}
 * events; {@code trace + sampled counts} must equal the run's {@code traceEvents}: a
 * client that connected before the first event misses nothing.
 * <p>
 * Operations started during the warm-up ({@code --warmup}) are not recorded. Errors
 * (non-2xx answers by status, exceptions by class) are counted per operation. The seconds
 * in which a request slower than 1 s started are listed, to place stalls.
 */
public final class ServerLoad {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PASSWORD = "load bench passphrase";

	enum Op {

		GET_TOPOLOGY(true), EXPORT_YAML(true), LIST(true), CREATE(false), UPDATE(false);

		final boolean read;

		Op(boolean read) {
			this.read = read;
		}

	}

	record Options(URI url, int clients, int sse, int users, Duration duration, Duration warmup, Duration think,
			double writeFraction, String lab, String labRun, String runDuration, long runDurationNs, double pace) {

		static Options parse(String[] args) {
			Map<String, String> m = new TreeMap<>();
			for (int i = 0; i < args.length; i++) {
				String a = args[i];
				if (!a.startsWith("--") || i + 1 >= args.length) {
					throw new IllegalArgumentException("expected --name value, got '" + a + "' (argument " + i + ")");
				}
				m.put(a.substring(2), args[++i]);
			}
			Options o = new Options(URI.create(m.getOrDefault("url", "http://localhost:8080")),
					Integer.parseInt(m.getOrDefault("clients", "200")), Integer.parseInt(m.getOrDefault("sse", "50")),
					Integer.parseInt(m.getOrDefault("users", "20")), duration(m.getOrDefault("duration", "60s")),
					duration(m.getOrDefault("warmup", "10s")), duration(m.getOrDefault("think", "50ms")),
					Double.parseDouble(m.getOrDefault("write-fraction", "0.1")), m.getOrDefault("lab", "01-pod-egress"),
					m.getOrDefault("lab-run", "veth"), m.getOrDefault("run-duration", "10ms"),
					duration(m.getOrDefault("run-duration", "10ms")).toNanos(),
					Double.parseDouble(m.getOrDefault("pace", "0")));
			for (String k : m.keySet()) {
				if (!List
					.of("url", "clients", "sse", "users", "duration", "warmup", "think", "write-fraction", "lab",
							"lab-run", "run-duration", "pace")
					.contains(k)) {
					throw new IllegalArgumentException("unknown option --" + k);
				}
			}
			if (o.users < 1 || o.clients < 1 || o.sse < 0 || o.writeFraction < 0 || o.writeFraction > 1) {
				throw new IllegalArgumentException(
						"need --users >= 1, --clients >= 1, --sse >= 0, 0 <= --write-fraction <= 1");
			}
			return o;
		}

		/** {@code 60s}, {@code 500ms}, {@code 10ms}, {@code 2m}, {@code 100us}. */
		static Duration duration(String s) {
			String t = s.trim();
			String[][] units = { { "ms", "1000000" }, { "us", "1000" }, { "ns", "1" }, { "s", "1000000000" },
					{ "m", "60000000000" } };
			for (String[] u : units) {
				if (t.endsWith(u[0])) {
					double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()));
					return Duration.ofNanos((long) (v * Long.parseLong(u[1])));
				}
			}
			throw new IllegalArgumentException("duration needs a unit (ns, us, ms, s, m): '" + s + "'");
		}

	}

	private final Options options;

	private final HttpClient http;

	private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

	private volatile long recordFromNanos;

	/**
	 * Per second of the run (by start time): the slowest request, and how many finished.
	 */
	private final java.util.concurrent.atomic.AtomicLongArray slowestBySecond = new java.util.concurrent.atomic.AtomicLongArray(
			3600);

	private final java.util.concurrent.atomic.AtomicLongArray doneBySecond = new java.util.concurrent.atomic.AtomicLongArray(
			3600);

	private volatile long startNanos;

	private volatile long stopAtNanos;

	ServerLoad(Options options) {
		this.options = options;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
	}

	public static void main(String[] args) throws Exception {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("ServerLoad: " + ex.getMessage());
			System.err.println("usage: ServerLoad --url http://localhost:8080 --clients 200 --sse 50 --users 20"
					+ " --duration 60s --warmup 10s --think 50ms --write-fraction 0.1"
					+ " --lab 01-pod-egress --lab-run veth --run-duration 10ms [--pace simNsPerWallMs]");
			System.exit(2);
			return;
		}
		new ServerLoad(options).run();
		System.exit(0);
	}

	void run() throws Exception {
		System.out.printf(Locale.ROOT,
				"ServerLoad %s: %d clients (%d users), %d SSE clients, %s + %s warm-up," + " think %s, writes %.0f%%%n",
				this.options.url, this.options.clients, this.options.users, this.options.sse,
				human(this.options.duration), human(this.options.warmup), human(this.options.think),
				this.options.writeFraction * 100);
		System.out.printf(Locale.ROOT, "date %s, JDK %s, %d CPUs, load average at start %s%n", Instant.now(),
				Runtime.version(), Runtime.getRuntime().availableProcessors(), loadAverage());

		// accounts: register and make one API token each (BCrypt twice per user, so few
		// users)
		String tag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
		long t0 = System.nanoTime();
		List<String> tokens = new ArrayList<>();
		ExecutorService setup = Executors.newFixedThreadPool(4, daemon("setup-"));
		List<Future<String>> made = new ArrayList<>();
		for (int u = 0; u < this.options.users; u++) {
			String name = "load-" + tag + "-" + u;
			made.add(setup.submit(() -> account(name)));
		}
		for (Future<String> f : made) {
			tokens.add(f.get());
		}
		setup.shutdown();
		System.out.printf(Locale.ROOT, "setup: %d users with tokens in %.1f s%n", tokens.size(),
				(System.nanoTime() - t0) / 1e9);

		// the run, paused, and its SSE clients
		String runOwner = tokens.get(0);
		String runId = null;
		List<SseClient> sse = new ArrayList<>();
		long totalNanos = this.options.warmup.toNanos() + this.options.duration.toNanos();
		if (this.options.sse > 0) {
			// by default the run's simulated time is spread over the warm-up and the
			// measured time
			double pace = (this.options.pace > 0) ? this.options.pace : this.options.runDurationNs / (totalNanos / 1e6);
			String body = JSON.writeValueAsString(Map.of("lab", this.options.lab, "labRun", this.options.labRun,
					"duration", this.options.runDuration, "pace", Map.of("paused", true)));
			JsonNode run = expectJson(post("/api/runs", runOwner, "application/json", body), 202, "POST /api/runs");
			runId = run.path("id").asString();
			awaitStatus(runOwner, runId, "paused");
			CountDownLatch connected = new CountDownLatch(this.options.sse);
			for (int i = 0; i < this.options.sse; i++) {
				SseClient c = new SseClient(i, runOwner, runId, connected);
				sse.add(c);
				c.thread.start();
			}
			if (!connected.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("SSE clients did not all get their first event in 30 s");
			}
			expectJson(
					post("/api/runs/" + runId + "/resume", runOwner, "application/json",
							JSON.writeValueAsString(Map.of("simNsPerWallMs", pace))),
					200, "POST /api/runs/{id}/resume");
			System.out.printf(Locale.ROOT, "run %s (%s/%s, %s simulated) resumed at %.1f sim ns per wall ms%n", runId,
					this.options.lab, this.options.labRun, this.options.runDuration, pace);
		}

		// the API clients
		long start = System.nanoTime();
		this.startNanos = start;
		this.recordFromNanos = start + this.options.warmup.toNanos();
		this.stopAtNanos = start + totalNanos;
		List<ApiClient> clients = new ArrayList<>();
		for (int i = 0; i < this.options.clients; i++) {
			ApiClient c = new ApiClient(i, tokens.get(i % tokens.size()));
			clients.add(c);
			c.thread.start();
		}
		for (ApiClient c : clients) {
			c.thread.join();
		}
		long end = System.nanoTime();
		String loadEnd = loadAverage();
		double seconds = (end - this.recordFromNanos) / 1e9;

		// results
		Map<Op, Histogram> merged = new EnumMap<>(Op.class);
		for (Op op : Op.values()) {
			merged.put(op, new Histogram(TimeUnit.MINUTES.toNanos(1), 3));
		}
		Histogram reads = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
		Histogram writes = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
		for (ApiClient c : clients) {
			for (Op op : Op.values()) {
				merged.get(op).add(c.latency.get(op));
				(op.read ? reads : writes).add(c.latency.get(op));
			}
		}
		System.out.printf(Locale.ROOT, "%nAPI, %.1f s measured (after %s warm-up), load average at end %s%n", seconds,
				human(this.options.warmup), loadEnd);
		System.out.printf(Locale.ROOT, "%-13s %9s %9s %8s %8s %8s %8s %8s%n", "operation", "count", "ops/s", "p50 ms",
				"p90 ms", "p99 ms", "p99.9 ms", "max ms");
		for (Op op : Op.values()) {
			line(op.name().toLowerCase(Locale.ROOT), merged.get(op), seconds);
		}
		line("all reads", reads, seconds);
		line("all writes", writes, seconds);
		// seconds (from the start of the warm-up) with a request slower than a second
		StringBuilder stalls = new StringBuilder();
		for (int sec = 0; sec < Math.min(3600, totalNanos / 1_000_000_000L + 1); sec++) {
			long worst = this.slowestBySecond.get(sec);
			if (worst > TimeUnit.SECONDS.toNanos(1)) {
				stalls
					.append(String.format(Locale.ROOT, " %ds:%.1fs/%d", sec, worst / 1e9, this.doneBySecond.get(sec)));
			}
		}
		System.out.println("seconds with a request over 1 s (second: slowest/requests finished in it):"
				+ ((stalls.length() == 0) ? " none" : stalls));
		long errorCount = this.errors.values().stream().mapToLong(LongAdder::sum).sum();
		System.out.printf(Locale.ROOT, "errors: %d%s%n", errorCount,
				errorCount == 0 ? "" : " " + new TreeMap<>(this.errors));

		if (runId != null) {
			JsonNode now = expectJson(get("/api/runs/" + runId, runOwner, "application/json"), 200,
					"GET /api/runs/{id}");
			if (List.of("running", "paused").contains(now.path("status").asString())) {
				// a slower --pace than the default: end it, so that every SSE client gets
				// its end event
				post("/api/runs/" + runId + "/stop", runOwner, "application/json", "");
			}
			for (SseClient c : sse) {
				c.thread.join(TimeUnit.SECONDS.toMillis(30));
			}
			JsonNode run = expectJson(get("/api/runs/" + runId, runOwner, "application/json"), 200,
					"GET /api/runs/{id}");
			long traceEvents = run.path("traceEvents").asLong();
			long trace = 0;
			long sampledNotices = 0;
			long sampledEvents = 0;
			int complete = 0;
			int ended = 0;
			long firstToEnd = 0;
			for (SseClient c : sse) {
				trace += c.trace.get();
				sampledNotices += c.sampled.get();
				sampledEvents += c.sampledCount.get();
				ended += (c.end.get() > 0) ? 1 : 0;
				complete += (c.trace.get() + c.sampledCount.get() == traceEvents) ? 1 : 0;
				firstToEnd = Math.max(firstToEnd, c.lastNanos - c.firstNanos);
			}
			System.out.printf(Locale.ROOT,
					"%nSSE: run %s ended %s (%s), traceEvents %d, simulatedNs %d; %d clients: %d trace events"
							+ " received, %d sampled notices standing for %d events, %d got end,"
							+ " %d with trace + sampled = traceEvents, %d stream errors%n",
					runId, run.path("status").asString(), run.path("reason").asString(""), traceEvents,
					run.path("simulatedNs").asLong(), sse.size(), trace, sampledNotices, sampledEvents, ended, complete,
					sse.stream().filter((c) -> c.failure != null).count());
			sse.stream()
				.filter((c) -> c.failure != null)
				.limit(3)
				.forEach((c) -> System.out.println("  SSE client " + c.index + ": " + c.failure));
		}
	}

	private static void line(String name, Histogram h, double seconds) {
		System.out.printf(Locale.ROOT, "%-13s %9d %9.1f %8.2f %8.2f %8.2f %8.2f %8.2f%n", name, h.getTotalCount(),
				h.getTotalCount() / seconds, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
				ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
	}

	private static String human(Duration d) {
		return (d.toNanos() % 1_000_000_000L == 0) ? d.toSeconds() + "s" : (d.toNanos() / 1e6) + "ms";
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

	private static String loadAverage() {
		try {
			String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
			return f[0] + " " + f[1] + " " + f[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	/** Registers a user and returns a new API token (HTTP Basic once, Bearer after). */
	private String account(String name) throws IOException, InterruptedException {
		String user = JSON.writeValueAsString(Map.of("username", name, "password", PASSWORD));
		expectJson(send(HttpRequest.newBuilder(this.options.url.resolve("/api/users"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(user))), 201, "POST /api/users");
		String basic = Base64.getEncoder().encodeToString((name + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
		JsonNode token = expectJson(send(HttpRequest.newBuilder(this.options.url.resolve("/api/tokens"))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"load\"}"))), 201, "POST /api/tokens");
		return token.path("token").asString();
	}

	private void awaitStatus(String token, String runId, String status) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		String seen = "";
		while (System.nanoTime() < deadline) {
			seen = expectJson(get("/api/runs/" + runId, token, "application/json"), 200, "GET /api/runs/{id}")
				.path("status")
				.asString();
			if (seen.equals(status)) {
				return;
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("run " + runId + " is " + seen + ", not " + status + ", after 30 s");
	}

	private static JsonNode expectJson(HttpResponse<String> r, int status, String what) {
		if (r.statusCode() != status) {
			throw new IllegalStateException(
					what + " answered " + r.statusCode() + " (expected " + status + "): " + r.body());
		}
		return JSON.readTree(r.body());
	}

	private HttpResponse<String> get(String path, String token, String accept)
			throws IOException, InterruptedException {
		return send(request(path, token).header("Accept", accept).GET());
	}

	private HttpResponse<String> post(String path, String token, String type, String body)
			throws IOException, InterruptedException {
		return send(request(path, token).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpRequest.Builder request(String path, String token) {
		return HttpRequest.newBuilder(this.options.url.resolve(path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + token);
	}

	private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
		return this.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static java.util.concurrent.ThreadFactory daemon(String prefix) {
		AtomicLong n = new AtomicLong();
		return (r) -> {
			Thread t = new Thread(r, prefix + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
	}

	/**
	 * A topology document without programs (a stored topology may only name
	 * {@code program:<id>} objects), the bpfnet side of lab 1; {@code count} makes each
	 * version differ.
	 */
	static String topology(String name, int count) {
		return """
				# written by ServerLoad
				name: %s
				seed: 7
				nodes:
				  - name: node1
				    cpus: 2
				    namespaces:
				      - name: host
				        forwarding: true
				        devices:
				          - { name: eth0, kind: nic, mac: "02:00:00:00:00:01", addresses: [192.0.2.1/24], rate: 25Gbit, irq_cpu: 0 }
				          - name: nk0
				            kind: bpfnet
				            mode: l3
				            peer: { namespace: pod1, name: eth0, addresses: [10.244.1.10/32] }
				        routes:
				          - { to: 10.244.1.10/32, dev: nk0 }
				          - { to: 0.0.0.0/0, via: 192.0.2.2, dev: eth0 }
				        neighbours:
				          - { ip: 192.0.2.2, mac: "02:00:00:00:00:02", dev: eth0 }
				      - name: pod1
				        routes: [ { to: 0.0.0.0/0, dev: eth0 } ]
				  - name: remote
				    cpus: 2
				    namespaces:
				      - name: host
				        devices: [ { name: eth0, kind: nic, mac: "02:00:00:00:00:02", addresses: [192.0.2.2/24], rate: 25Gbit } ]
				        routes:
				          - { to: 10.244.0.0/16, via: 192.0.2.1, dev: eth0 }
				        neighbours:
				          - { ip: 192.0.2.1, mac: "02:00:00:00:00:01", dev: eth0 }
				wires:
				  - { a: node1/host/eth0, b: remote/host/eth0, latency: 2us }
				traffic:
				  - { name: stream, kind: constant-rate, from: node1/pod1, to: 192.0.2.2:9000, size: 256, rate: 200kpps, count: %d, cpu: 1 }
				"""
			.formatted(name, count);
	}

	/** One API client: a thread in a closed loop with think time. */
	final class ApiClient {

		final Thread thread;

		final Map<Op, Histogram> latency = new EnumMap<>(Op.class);

		private final int index;

		private final String token;

		private final SplittableRandom random;

		private final List<String> own = new ArrayList<>();

		private int written;

		ApiClient(int index, String token) {
			this.index = index;
			this.token = token;
			this.random = new SplittableRandom(index * 7919L + 1);
			for (Op op : Op.values()) {
				this.latency.put(op, new Histogram(TimeUnit.MINUTES.toNanos(1), 3));
			}
			this.thread = new Thread(this::loop, "api-" + index);
			this.thread.setDaemon(true);
		}

		private void loop() {
			// one topology of its own first, so that reads always have something to read
			while (this.own.isEmpty() && System.nanoTime() < ServerLoad.this.stopAtNanos) {
				execute(Op.CREATE);
			}
			while (System.nanoTime() < ServerLoad.this.stopAtNanos) {
				execute(pick());
				long think = ServerLoad.this.options.think.toNanos();
				if (think > 0) {
					long pause = (long) (-Math.log(1 - this.random.nextDouble()) * think);
					long until = Math.min(System.nanoTime() + pause, ServerLoad.this.stopAtNanos);
					long left;
					while ((left = until - System.nanoTime()) > 0) {
						try {
							TimeUnit.NANOSECONDS.sleep(left);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							return;
						}
					}
				}
			}
		}

		private Op pick() {
			double r = this.random.nextDouble();
			double w = ServerLoad.this.options.writeFraction;
			if (r < w) {
				// writes: a third creates (at most 5 topologies per client), the rest new
				// versions
				return (r < w / 3 && this.own.size() < 5) ? Op.CREATE : Op.UPDATE;
			}
			double read = (r - w) / (1 - w);
			return (read < 0.4) ? Op.GET_TOPOLOGY : (read < 0.7) ? Op.EXPORT_YAML : Op.LIST;
		}

		private void execute(Op op) {
			String id = this.own.isEmpty() ? null : this.own.get(this.random.nextInt(this.own.size()));
			HttpRequest.Builder b = switch (op) {
				case GET_TOPOLOGY ->
					request("/api/topologies/" + id, this.token).header("Accept", "application/json").GET();
				case EXPORT_YAML -> request("/api/topologies/" + id + ".yaml", this.token).GET();
				case LIST ->
					request("/api/topologies?page=0&size=20", this.token).header("Accept", "application/json").GET();
				case CREATE -> request("/api/topologies", this.token).header("Content-Type", "application/yaml")
					.header("Accept", "application/json")
					.POST(HttpRequest.BodyPublishers
						.ofString(topology("load-" + this.index + "-" + this.own.size(), 1000 + this.written++)));
				case UPDATE -> request("/api/topologies/" + id, this.token).header("Content-Type", "application/yaml")
					.header("Accept", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString(topology("load-" + this.index, 1000 + this.written++)));
			};
			HttpRequest req = b.build();
			long t0 = System.nanoTime();
			String error = null;
			HttpResponse<String> r = null;
			try {
				r = ServerLoad.this.http.send(req, HttpResponse.BodyHandlers.ofString());
				if (r.statusCode() / 100 != 2) {
					error = Integer.toString(r.statusCode());
				}
			}
			catch (IOException ex) {
				error = ex.getClass().getSimpleName();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			long t1 = System.nanoTime();
			int startSecond = (int) Math.min(3599, (t0 - ServerLoad.this.startNanos) / 1_000_000_000L);
			int endSecond = (int) Math.min(3599, (t1 - ServerLoad.this.startNanos) / 1_000_000_000L);
			ServerLoad.this.slowestBySecond.accumulateAndGet(startSecond, t1 - t0, Math::max);
			ServerLoad.this.doneBySecond.incrementAndGet(endSecond);
			if (t0 >= ServerLoad.this.recordFromNanos) {
				this.latency.get(op).recordValue(Math.min(t1 - t0, TimeUnit.MINUTES.toNanos(1)));
				if (error != null) {
					ServerLoad.this.errors
						.computeIfAbsent(op.name().toLowerCase(Locale.ROOT) + " " + error, (k) -> new LongAdder())
						.increment();
				}
			}
			if (error == null && op == Op.CREATE) {
				this.own.add(JSON.readTree(r.body()).path("id").asString());
			}
		}

	}

	/** One SSE client of the run's live stream, counting what it receives. */
	final class SseClient {

		final Thread thread;

		final int index;

		final AtomicLong trace = new AtomicLong();

		final AtomicLong sampled = new AtomicLong();

		final AtomicLong sampledCount = new AtomicLong();

		final AtomicLong end = new AtomicLong();

		volatile long firstNanos;

		volatile long lastNanos;

		volatile String failure;

		private final String token;

		private final String runId;

		private final CountDownLatch connected;

		SseClient(int index, String token, String runId, CountDownLatch connected) {
			this.index = index;
			this.token = token;
			this.runId = runId;
			this.connected = connected;
			this.thread = new Thread(this::read, "sse-" + index);
			this.thread.setDaemon(true);
		}

		private void read() {
			HttpRequest req = HttpRequest
				.newBuilder(ServerLoad.this.options.url.resolve("/api/runs/" + this.runId + "/events"))
				.header("Authorization", "Bearer " + this.token)
				.header("Accept", "text/event-stream")
				.GET()
				.build();
			boolean counted = false;
			try {
				HttpResponse<Stream<String>> r = ServerLoad.this.http.send(req, HttpResponse.BodyHandlers.ofLines());
				if (r.statusCode() != 200) {
					this.failure = "status " + r.statusCode();
					return;
				}
				String event = "message";
				StringBuilder data = new StringBuilder();
				try (Stream<String> lines = r.body()) {
					for (String line : (Iterable<String>) lines::iterator) {
						if (line.startsWith("event:")) {
							event = line.substring(6).trim();
						}
						else if (line.startsWith("data:")) {
							data.append(line.substring(5));
						}
						else if (line.isEmpty()) {
							if (!counted) {
								counted = true;
								this.firstNanos = System.nanoTime();
								this.connected.countDown();
							}
							this.lastNanos = System.nanoTime();
							switch (event) {
								case "trace" -> this.trace.incrementAndGet();
								case "sampled" -> {
									this.sampled.incrementAndGet();
									this.sampledCount.addAndGet(JSON.readTree(data.toString()).path("count").asLong());
								}
								case "end" -> this.end.incrementAndGet();
								default -> {
								}
							}
							if (event.equals("end")) {
								return;
							}
							event = "message";
							data.setLength(0);
						}
					}
				}
				if (this.end.get() == 0) {
					this.failure = "stream closed without an end event";
				}
			}
			catch (IOException | RuntimeException ex) {
				this.failure = ex.toString();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				if (!counted) {
					this.connected.countDown();
				}
			}
		}

	}

}
