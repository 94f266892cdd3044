package dev.bpfnet.server.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.lab.Lab;
import dev.bpfnet.server.lab.LabCatalog;
import dev.bpfnet.engine.hook.ProgramLoadException;
import dev.bpfnet.engine.run.Pace;
import dev.bpfnet.engine.run.RunLimits;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunState;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.run.TraceFile;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyValidator;
import dev.bpfnet.engine.topology.Units;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Ids;
import dev.bpfnet.server.config.BpfnetProperties;
import dev.bpfnet.server.live.LiveClient;
import dev.bpfnet.server.live.LiveHub;
import dev.bpfnet.server.live.LiveStreams;
import dev.bpfnet.server.live.SseEncoder;
import dev.bpfnet.server.live.NameTable;
import dev.bpfnet.server.live.TraceEventView;
import dev.bpfnet.server.program.ProgramObjects;
import dev.bpfnet.server.topology.TopologyChecks;
import dev.bpfnet.server.topology.StoredTopology;
import dev.bpfnet.server.topology.TopologyVersions;

/**
 * Runs topologies off the event loop: a bounded executor of {@code limits.concurrentRuns}
 * threads with a bounded queue, at most {@code limits.runsPerUser} queued or running runs
 * per user, each a {@link RunSession} whose trace goes to a gzip'd {@link TraceFile}
 * under {@code ${bpfnet.data-dir}/runs/} (the newest {@code limits.keepRunTraces} per
 * user are kept) and to the run's {@link LiveHub}. Rows in table {@code runs} survive
 * restarts; runs left unfinished by a previous process are marked {@code interrupted} at
 * start-up.
 */
@Service
public class RunService implements LiveStreams, ApplicationRunner {

	/** Default simulated duration. */
	static final long DEFAULT_DURATION_NS = 10_000_000L;

	static final int REPLAY_PAGE = 512;

	/** Replayed events per SSE write. */
	static final int REPLAY_CHUNK = 64;

	static final int RESULTS_CACHE = 4;

	/** Suffix of the kept document of an inline run ({@code <id>.yaml}). */
	static final String INLINE_YAML = ".yaml";

	private final RunStore store;

	private final BpfnetProperties.Limits limits;

	private final Path runsDir;

	private final ObjectProvider<TopologyVersions> topologies;

	private final ObjectProvider<ProgramObjects> programs;

	private final ObjectProvider<LabCatalog> labs;

	private final JsonMapper json = JsonMapper.builder().build();

	private final ThreadPoolExecutor executor;

	private final Scheduler liveScheduler = Schedulers.parallel();

	private final Map<String, Active> active = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

	private final Map<String, Recorded> results = new LinkedHashMap<>(16, 0.75f, true);

	private final AtomicLong sampled = new AtomicLong();

	private final AtomicLong finishedEvents = new AtomicLong();

	private final MeterRegistry meters;

	private final SseEncoder sse;

	/** A run of this process: its hub from the start, its session once built. */
	static final class Active {

		final String id;

		final String owner;

		final LiveHub hub;

		final CompletableFuture<RunSession> session = new CompletableFuture<>();

		/** Completes with the final view once the run's row is updated. */
		final CompletableFuture<RunView> done = new CompletableFuture<>();

		final boolean paced;

		Active(String id, String owner, LiveHub hub, boolean paced) {
			this.id = id;
			this.owner = owner;
			this.hub = hub;
			this.paced = paced;
		}

		RunSession sessionNow() {
			return this.session.getNow(null);
		}

	}

	public RunService(RunStore store, BpfnetProperties props, ObjectProvider<TopologyVersions> topologies,
			ObjectProvider<ProgramObjects> programs, ObjectProvider<LabCatalog> labs, MeterRegistry meters,
			SseEncoder sse) {
		this.store = store;
		this.sse = sse;
		this.labs = labs;
		this.limits = props.limits();
		this.runsDir = props.dataDir().resolve("runs");
		this.topologies = topologies;
		this.programs = programs;
		this.meters = meters;
		int n = Math.max(1, this.limits.concurrentRuns());
		AtomicInteger threads = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(n * 4), (r) -> {
			Thread t = new Thread(r, "bpfnet-run-" + threads.incrementAndGet());
			t.setDaemon(true);
			return t;
		}, new ThreadPoolExecutor.AbortPolicy());
		Gauge.builder("bpfnet.runs.active", this.active, Map::size)
			.description("runs queued or running in this process")
			.register(meters);
		Gauge.builder("bpfnet.sse.clients", this, RunService::sseClients)
			.description("connected live-stream clients")
			.register(meters);
		FunctionCounter.builder("bpfnet.sse.sampled", this.sampled, AtomicLong::get)
			.description("trace events sampled away from slow live-stream clients")
			.register(meters);
		FunctionCounter.builder("bpfnet.run.events", this, RunService::traceEventsTotal)
			.description("trace events emitted by runs (rate = events/s)")
			.register(meters);
	}

	private double sseClients() {
		int n = 0;
		for (Active a : this.active.values()) {
			n += a.hub.clients();
		}
		return n;
	}

	private double traceEventsTotal() {
		long n = this.finishedEvents.get();
		for (Active a : this.active.values()) {
			n += a.hub.position();
		}
		return n;
	}

	@Override
	public void run(ApplicationArguments args) {
		markInterrupted();
	}

	/** Marks runs a previous process left unfinished as interrupted. */
	long markInterrupted() {
		Long n = this.store.markInterrupted(Instant.now()).block();
		return (n != null) ? n : 0;
	}

	// =====================================================================
	// start

	/** Starts a run: 202 with its view, or 4xx with precise errors. */
	public Mono<RunView> start(String owner, RunRequest req) {
		if (req == null) {
			return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "",
					"expected a JSON body"));
		}
		long durationNs;
		RunOptions options;
		try {
			durationNs = duration(req);
			options = RunOptions.of(durationNs)
				.withSeed(req.seed())
				.withLimits(
						new RunLimits(this.limits.maxEventsPerRun(), Math.max(1, this.limits.maxWallTime().toNanos())));
			if (req.pace() != null) {
				if (req.pace().simNsPerWallMs() != null) {
					if (!(req.pace().simNsPerWallMs() > 0) || req.pace().simNsPerWallMs().isInfinite()) {
						throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-run", "Invalid run",
								"pace.simNsPerWallMs", "must be positive, got " + req.pace().simNsPerWallMs());
					}
					options = options.withPace(new Pace(req.pace().simNsPerWallMs()));
				}
				options = options.withStartPaused(Boolean.TRUE.equals(req.pace().paused()));
			}
		}
		catch (ApiException ex) {
			return Mono.error(ex);
		}
		boolean inline = req.yaml() != null;
		int given = (inline ? 1 : 0) + ((req.topologyId() != null) ? 1 : 0) + ((req.lab() != null) ? 1 : 0);
		if (given != 1) {
			return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					"topologyId", "give exactly one of topologyId, yaml and lab"));
		}
		if (req.lab() != null) {
			boolean defaultDuration = req.durationNs() == null && req.duration() == null;
			RunOptions labOptions = options;
			return Mono.defer(() -> labRun(owner, req, labOptions, defaultDuration))
				.subscribeOn(Schedulers.boundedElastic());
		}
		RunOptions opts = options;
		Mono<StoredTopology> topology = inline ? Mono.just(new StoredTopology(null, 0, owner, null, req.yaml()))
				: storedTopology(owner, req.topologyId(), req.version());
		return topology.flatMap((t) -> {
			TopologyDocument doc = parse(t.yaml(), inline);
			return objects(owner, doc).flatMap((objects) -> submit(owner, t, inline, doc, objects, opts, req));
		});
	}

	/**
	 * A run of a lab's topology: the document and its program objects come from the lab
	 * folder (objects outside it are refused); the duration defaults to the lab's.
	 */
	private Mono<RunView> labRun(String owner, RunRequest req, RunOptions options, boolean defaultDuration) {
		LabInputs in = labInputs(req.lab(), req.labRun());
		RunOptions opts = defaultDuration ? options.withDuration(in.lab().durationNs()) : options;
		StoredTopology t = new StoredTopology(null, 0, owner, in.lab().id() + "/" + in.spec().name(), in.yaml());
		return submit(owner, t, true, in.doc(), in.objects(), opts, req);
	}

	/** A lab run's document and the program objects from the lab folder. */
	private record LabInputs(Lab lab, Lab.RunSpec spec, String yaml, TopologyDocument doc,
			Map<String, byte[]> objects) {
	}

	private LabInputs labInputs(String labId, String labRun) {
		LabCatalog catalog = this.labs.getIfAvailable();
		if (catalog == null) {
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Unavailable",
					"labs are not available on this server", List.of());
		}
		Lab lab = catalog.find(labId).orElseThrow(() -> ApiException.notFound("lab", labId));
		Lab.RunSpec spec = (labRun != null) ? lab.run(labRun) : lab.runs().get(0);
		if (spec == null) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-run", "Invalid run", "labRun",
					"no run '" + labRun + "' in lab " + lab.id() + " (runs: "
							+ String.join(", ", lab.runs().stream().map(Lab.RunSpec::name).toList()) + ")");
		}
		Path dir = lab.dir().toAbsolutePath().normalize();
		Path file = dir.resolve(spec.topology()).normalize();
		String yaml;
		try {
			yaml = Files.readString(file);
		}
		catch (IOException ex) {
			throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "lab-unreadable", "Lab unreadable",
					"cannot read " + lab.id() + "/" + spec.topology() + ": " + ex.getMessage(), List.of());
		}
		TopologyDocument doc = parse(yaml, true);
		Map<String, byte[]> objects = new LinkedHashMap<>();
		for (int k = 0; k < doc.programs().size(); k++) {
			ProgramRef p = doc.programs().get(k);
			if (p.object().isEmpty()) {
				continue;
			}
			Path object = file.getParent().resolve(p.object().get()).normalize();
			if (!object.startsWith(dir)) {
				throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology",
						"programs[" + k + "].object", "outside the lab folder");
			}
			try {
				objects.put(p.object().get(), Files.readAllBytes(object));
			}
			catch (IOException ex) {
				throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology",
						"programs[" + k + "].object", "cannot read " + p.object().get() + ": " + ex.getMessage());
			}
		}
		return new LabInputs(lab, spec, yaml, doc, objects);
	}

	private long duration(RunRequest req) {
		long ns;
		String path;
		if (req.durationNs() != null && req.duration() != null) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "duration",
					"give durationNs or duration, not both");
		}
		if (req.durationNs() != null) {
			ns = req.durationNs();
			path = "durationNs";
		}
		else if (req.duration() != null) {
			path = "duration";
			ns = Units.parseDuration(req.duration());
			if (ns < 0) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", path,
						"not a duration such as 10ms, 500us or 1s: '" + req.duration() + "'");
			}
		}
		else {
			return DEFAULT_DURATION_NS;
		}
		if (ns <= 0) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-run", "Invalid run", path,
					"must be positive, got " + ns + " ns");
		}
		if (ns > this.limits.maxSimulatedNs()) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "limit-exceeded", "Limit exceeded", path,
					ns + " ns of simulated time exceeds the limit of " + this.limits.maxSimulatedNs()
							+ " ns (bpfnet.limits.max-simulated-ns)");
		}
		return ns;
	}

	private Mono<StoredTopology> storedTopology(String owner, String id, Integer version) {
		TopologyVersions tv = this.topologies.getIfAvailable();
		if (tv == null) {
			return Mono.error(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Unavailable",
					"stored topologies are not available on this server; send the document as yaml", List.of()));
		}
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("topology", id));
		}
		Mono<StoredTopology> m = (version != null) ? tv.find(owner, id, version) : tv.latest(owner, id);
		return m.switchIfEmpty(Mono
			.error(() -> ApiException.notFound("topology", id + ((version != null) ? "' version '" + version : ""))));
	}

	private static TopologyDocument parse(String yaml, boolean inline) {
		try {
			TopologyDocument doc = TopologyParser.parse(yaml, Format.YAML);
			List<Problem> problems = TopologyValidator.validate(doc);
			if (!problems.isEmpty()) {
				throw new TopologyException(problems);
			}
			List<Map<String, Object>> serverOnly = TopologyChecks.serverProblems(doc);
			if (!serverOnly.isEmpty()) {
				throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology",
						(String) serverOnly.get(0).get("path"), (String) serverOnly.get(0).get("message"));
			}
			return doc;
		}
		catch (TopologyException ex) {
			List<Map<String, Object>> errors = new ArrayList<>();
			for (Problem p : ex.problems()) {
				Map<String, Object> e = new LinkedHashMap<>();
				e.put("path", p.path());
				p.line().ifPresent((l) -> e.put("line", l));
				p.column().ifPresent((c) -> e.put("column", c));
				e.put("message", p.message());
				errors.add(e);
			}
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology",
					(inline ? "yaml: " : "") + ex.problems().size() + " problem(s) in the topology document, first: "
							+ ex.problems().get(0),
					errors);
		}
	}

	/**
	 * Loads every {@code program:<id>} object of the document; other paths are refused.
	 */
	private Mono<Map<String, byte[]>> objects(String owner, TopologyDocument doc) {
		List<String> ids = new ArrayList<>();
		List<String> paths = new ArrayList<>();
		for (int k = 0; k < doc.programs().size(); k++) {
			ProgramRef p = doc.programs().get(k);
			if (p.object().isEmpty()) {
				continue;
			}
			String ref = p.object().get();
			String path = "programs[" + k + "].object";
			if (!ref.startsWith("program:") || !Ids.looksValid(ref.substring("program:".length()))) {
				return Mono.error(ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology",
						"Invalid topology", path,
						"'" + ref + "' is not a stored program: user topologies name objects as program:<id>"));
			}
			ids.add(ref.substring("program:".length()));
			paths.add(path);
		}
		if (ids.isEmpty()) {
			return Mono.just(Map.of());
		}
		ProgramObjects po = this.programs.getIfAvailable();
		if (po == null) {
			return Mono.error(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Unavailable",
					"stored programs are not available on this server", List.of()));
		}
		return Flux.range(0, ids.size())
			.concatMap((i) -> po.object(owner, ids.get(i))
				.switchIfEmpty(Mono.error(() -> ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT,
						"invalid-topology", "Invalid topology", paths.get(i), "no program '" + ids.get(i) + "'")))
				.map((bytes) -> Map.entry("program:" + ids.get(i), bytes)))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

	private Mono<RunView> submit(String owner, StoredTopology t, boolean inline, TopologyDocument doc,
			Map<String, byte[]> objects, RunOptions options, RunRequest req) {
		AtomicInteger mine = this.perUser.computeIfAbsent(owner, (k) -> new AtomicInteger());
		if (mine.incrementAndGet() > this.limits.runsPerUser()) {
			mine.decrementAndGet();
			return Mono.error(tooMany("you have " + this.limits.runsPerUser()
					+ " runs queued or running, the most a user may have (bpfnet.limits.runs-per-user)"));
		}
		String id = Ids.newId();
		long seed = (options.seed() != null) ? options.seed() : doc.seed();
		Instant now = Instant.now();
		String params;
		try {
			params = this.json.writeValueAsString(new RunRequest(t.id(), inline ? null : t.version(), req.seed(),
					options.durationNs(), null, req.pace(), null, req.lab(), req.labRun()));
		}
		catch (RuntimeException ex) {
			params = "{}";
		}
		RunRow row = new RunRow(id, owner, t.id(), inline ? null : t.version(), doc.name(), seed, options.durationNs(),
				params, "queued", null, null, 0, 0, 0, now, null, null, null, null, null);
		LiveHub hub = new LiveHub(this.limits.sseClientBuffer(), new NameTable(Map.of()), this.liveScheduler,
				this.sampled, this.sse);
		Active a = new Active(id, owner, hub, options.pace() != null);
		ObjectSource source = source(objects);
		boolean keepYaml = inline && req.lab() == null;
		return this.store.insert(row).then(Mono.fromCallable(() -> {
			if (keepYaml) {
				// an inline document is kept beside the trace so that exports can re-run
				// it
				Files.createDirectories(this.runsDir);
				Files.writeString(this.runsDir.resolve(id + INLINE_YAML), t.yaml());
			}
			this.active.put(id, a);
			try {
				this.executor.execute(() -> execute(a, doc, source, options));
			}
			catch (RejectedExecutionException ex) {
				this.active.remove(id);
				release(owner);
				throw tooMany("the server runs " + this.limits.concurrentRuns()
						+ " runs at a time and its queue is full (bpfnet.limits.concurrent-runs); try again later");
			}
			return view(row, null);
		})).onErrorResume((ex) -> {
			if (!(ex instanceof ApiException)) {
				release(owner);
			}
			if (ex instanceof ApiException api && api.status() == HttpStatus.TOO_MANY_REQUESTS) {
				return this.store.delete(id).then(Mono.error(ex));
			}
			return Mono.error(ex);
		});
	}

	private static ObjectSource source(Map<String, byte[]> objects) {
		return (ref) -> {
			byte[] b = objects.get(ref);
			if (b == null) {
				throw new java.nio.file.NoSuchFileException(ref);
			}
			return b;
		};
	}

	private static ApiException tooMany(String detail) {
		return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too-many-runs", "Too many runs", detail, List.of());
	}

	private void release(String owner) {
		AtomicInteger n = this.perUser.get(owner);
		if (n != null) {
			n.decrementAndGet();
		}
	}

	// =====================================================================
	// the run, on an executor thread

	private void execute(Active a, TopologyDocument doc, ObjectSource source, RunOptions options) {
		Path file = this.runsDir.resolve(a.id + ".trace.gz");
		RunSession session = null;
		String status;
		String reason;
		String limit = null;
		RunStatus end = null;
		String summary = null;
		String traceFile = null;
		try {
			Files.createDirectories(this.runsDir);
			try (TraceFile.Writer writer = TraceFile.write(file)) {
				traceFile = file.getFileName().toString();
				try {
					session = RunSession.create(doc, source, options.withLive(Tee.of(writer, a.hub)));
				}
				catch (ProgramLoadException ex) {
					throw new BuildFailure(ex.getMessage());
				}
				catch (IllegalArgumentException ex) {
					throw new BuildFailure(ex.getMessage());
				}
				NameTable names = NameTable.of(session.engine().names());
				a.hub.names(names);
				this.store.started(a.id, Instant.now(), this.json.writeValueAsString(names)).block();
				a.session.complete(session);
				end = session.run();
			}
			status = end.state().name().toLowerCase(java.util.Locale.ROOT);
			reason = end.reason();
			if (end.limit() != null) {
				limit = (end.limit() == RunLimits.Limit.MAX_EVENTS) ? "maxEventsPerRun" : "maxWallTime";
				reason = reason + " (bpfnet.limits."
						+ (end.limit() == RunLimits.Limit.MAX_EVENTS ? "max-events-per-run" : "max-wall-time") + ")";
			}
			RunReport report = session.report();
			if (report != null) {
				summary = summaryJson(report);
			}
		}
		catch (BuildFailure ex) {
			status = "failed";
			reason = "the topology cannot be built: " + ex.getMessage();
		}
		catch (IOException | RuntimeException ex) {
			status = "failed";
			reason = ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
		a.session.complete(session);
		long sim = (end != null) ? end.simulatedNs() : 0;
		long events = (end != null) ? end.events() : 0;
		long traceEvents = (end != null) ? end.traceEvents() : 0;
		RunView finalView = null;
		try {
			this.store.ended(a.id, status, reason, limit, sim, events, traceEvents, Instant.now(), summary, traceFile)
				.block();
			RunRow row = this.store.find(a.id).block();
			finalView = view(row, null);
			if (session != null && session.options().recordPaths()) {
				cache(a.id, new Recorded(session.paths(), session.queues(), a.hub.names()));
			}
			retention(a.owner);
		}
		catch (RuntimeException ex) {
			// the row stays as it was; a restart marks it interrupted
		}
		finally {
			this.finishedEvents.addAndGet(traceEvents);
			this.active.remove(a.id);
			release(a.owner);
			Counter.builder("bpfnet.runs.finished").tag("status", status).register(this.meters).increment();
			a.hub.end((finalView != null) ? finalView : Map.of("id", a.id, "status", status));
			if (finalView != null) {
				a.done.complete(finalView);
			}
			else {
				a.done.completeExceptionally(new IllegalStateException("run '" + a.id + "' could not be saved"));
			}
		}
	}

	private static final class BuildFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BuildFailure(String message) {
			super(message);
		}

	}

	/** The report as JSON, without map entries if it would not fit the column. */
	private String summaryJson(RunReport report) {
		String s = this.json.writeValueAsString(report);
		if (s.length() <= 1_000_000) {
			return s;
		}
		List<RunReport.MapDump> maps = new ArrayList<>();
		for (RunReport.MapDump m : report.maps()) {
			maps.add(new RunReport.MapDump(m.node(), m.object(), m.name(), m.type(), m.keySize(), m.valueSize(),
					m.maxEntries(), m.size(), List.of(), !m.entries().isEmpty()));
		}
		return this.json.writeValueAsString(
				new RunReport(report.topology(), report.seed(), report.simulatedNs(), report.packets(), report.flows(),
						report.accountedNs(), report.cpus(), report.traceEvents(), report.traceSha256(), maps));
	}

	/** Deletes the owner's trace files beyond the newest {@code keepRunTraces}. */
	void retention(String owner) {
		List<RunRow> rows = this.store.withTraces(owner).collectList().block();
		if (rows == null) {
			return;
		}
		for (int i = this.limits.keepRunTraces(); i < rows.size(); i++) {
			RunRow r = rows.get(i);
			if (this.active.containsKey(r.id())) {
				continue;
			}
			try {
				Files.deleteIfExists(this.runsDir.resolve(r.traceFile()));
				Files.deleteIfExists(this.runsDir.resolve(r.id() + INLINE_YAML));
			}
			catch (IOException ex) {
				continue;
			}
			synchronized (this.results) {
				this.results.remove(r.id());
			}
			this.store.traceDeleted(r.id()).block();
		}
	}

	private void cache(String id, Recorded r) {
		synchronized (this.results) {
			this.results.put(id, r);
			while (this.results.size() > RESULTS_CACHE) {
				String eldest = this.results.keySet().iterator().next();
				this.results.remove(eldest);
			}
		}
	}

	/**
	 * Deletes every run of a lab visitor ({@code ~visitor-*}) created before
	 * {@code before}: its trace file, inline document, cached results and row. A run
	 * still active is left for the next sweep (it ends within
	 * {@code limits.maxWallTime}).
	 * @param before the cut-off
	 * @return how many runs were deleted
	 */
	public int deleteVisitorRunsBefore(Instant before) {
		List<RunRow> rows = this.store.visitorRunsBefore(before).collectList().block();
		int n = 0;
		for (RunRow r : (rows != null) ? rows : List.<RunRow>of()) {
			if (this.active.containsKey(r.id())) {
				continue;
			}
			try {
				if (r.traceFile() != null) {
					Files.deleteIfExists(this.runsDir.resolve(r.traceFile()));
				}
				Files.deleteIfExists(this.runsDir.resolve(r.id() + INLINE_YAML));
			}
			catch (IOException ex) {
				continue;
			}
			evict(r.id());
			this.store.delete(r.id()).block();
			n++;
		}
		return n;
	}

	/**
	 * 429 when the lab visitors together hold {@code limits.maxVisitorRuns} runs (visitor
	 * identities cost nothing, so their total is bounded, not only each one's).
	 */
	public Mono<Void> checkVisitorRoom() {
		return this.store.visitorRuns()
			.flatMap((n) -> (n >= this.limits.maxVisitorRuns()) ? Mono.error(tooMany("lab visitors hold " + n
					+ " runs, the most this server keeps (" + "bpfnet.limits.max-visitor-runs); they expire after "
					+ this.limits.anonymousRunTtl() + ": log in, or try again later")) : Mono.empty());
	}

	/** Forgets the cached results of a run (they are read from its trace file again). */
	void evict(String id) {
		synchronized (this.results) {
			this.results.remove(id);
		}
	}

	// =====================================================================
	// reading

	private Mono<RunRow> row(String owner, String id) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("run", id));
		}
		return this.store.find(id)
			.filter((r) -> r.owner().equals(owner))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("run", id)));
	}

	/** One run of the owner. */
	public Mono<RunView> get(String owner, String id) {
		return row(owner, id).map((r) -> view(r, this.active.get(r.id())));
	}

	/** The owner's runs, newest first. */
	public Flux<RunView> list(String owner) {
		return this.store.byOwner(owner).map((r) -> view(r, this.active.get(r.id())));
	}

	private RunView view(RunRow r, Active a) {
		RunSession s = (a != null) ? a.sessionNow() : null;
		if (s != null && !s.status().state().ended()) {
			RunStatus st = s.status();
			String status = switch (st.state()) {
				case CREATED -> "queued";
				case PAUSED -> "paused";
				default -> "running";
			};
			return new RunView(r.id(), r.topologyId(), r.topologyVersion(), r.topologyName(), r.seed(), r.durationNs(),
					status, null, null, st.simulatedNs(), st.events(), st.traceEvents(), st.paced(), r.createdAt(),
					r.startedAt(), null);
		}
		return new RunView(r.id(), r.topologyId(), r.topologyVersion(), r.topologyName(), r.seed(), r.durationNs(),
				r.status(), r.reason(), r.limit(), r.simulatedNs(), r.events(), r.traceEvents(),
				(a != null) ? a.paced : r.params() != null && r.params().contains("\"simNsPerWallMs\":"), r.createdAt(),
				r.startedAt(), r.endedAt());
	}

	/** The report of an ended run. */
	public Mono<RunReport> summary(String owner, String id) {
		return row(owner, id).map((r) -> {
			if (r.summary() == null) {
				throw new ApiException(HttpStatus.CONFLICT, "no-results", "No results yet",
						"run '" + id + "' is " + r.status() + ": its summary exists once it has ended", List.of());
			}
			return this.json.readValue(r.summary(), RunReport.class);
		});
	}

	/**
	 * A query on the recorded trace: on the run's thread while it runs, else from its
	 * file.
	 */
	<T> Mono<T> recorded(String owner, String id, Function<Recorded, T> query) {
		return row(owner, id).flatMap((r) -> {
			Active a = this.active.get(r.id());
			if (a != null) {
				return Mono.fromFuture(a.session.thenCompose((s) -> {
					if (s == null) {
						return CompletableFuture.completedFuture(Optional.<T>empty());
					}
					return s.inspect((x) -> Optional
						.ofNullable(query.apply(new Recorded(x.paths(), x.queues(), a.hub.names()))));
				})).flatMap((o) -> o.map(Mono::just).orElseGet(() -> recordedEnded(r, query)));
			}
			return recordedEnded(r, query);
		});
	}

	private <T> Mono<T> recordedEnded(RunRow r, Function<Recorded, T> query) {
		Recorded cached;
		synchronized (this.results) {
			cached = this.results.get(r.id());
		}
		if (cached != null) {
			return Mono.fromCallable(() -> query.apply(cached));
		}
		if (r.traceFile() == null) {
			return Mono
				.error(new ApiException(HttpStatus.GONE, "trace-deleted", "Trace deleted",
						"the recorded trace of run '" + r.id() + "' "
								+ ("failed".equals(r.status()) ? "does not exist (the run failed to start)"
										: "was deleted: only the newest " + this.limits.keepRunTraces()
												+ " traces per user are kept (bpfnet.limits.keep-run-traces)"),
						List.of()));
		}
		return Mono.fromCallable(() -> {
			NameTable names = (r.names() != null) ? this.json.readValue(r.names(), NameTable.class)
					: new NameTable(Map.of());
			Recorded rec = Recorded.load(this.runsDir.resolve(r.traceFile()), names);
			cache(r.id(), rec);
			return query.apply(rec);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	// =====================================================================
	// re-runs (exports)

	/**
	 * What an export adds to a re-run of a finished run: called on the run executor's
	 * thread, in order {@link #options}, {@link #attach}, then (once the re-run has
	 * finished with the stored trace hash) {@link #finish}.
	 *
	 * @param <T> the export's result
	 */
	public interface Rerun<T> {

		/** The re-run's options (e.g. with a live sink or paths recorded). */
		RunOptions options(RunOptions base);

		/**
		 * Before the re-run starts: attach taps to the engine; may throw ApiException.
		 */
		void attach(RunSession session);

		/** After the re-run, its trace hash verified. */
		T finish(RunSession session) throws IOException;

	}

	/**
	 * Runs a finished run again with the same inputs (topology version or lab folder or
	 * kept inline document, program objects, seed, duration) on the bounded run executor,
	 * with the run limits, and checks that the re-run's trace hash equals the stored one
	 * (a 500 problem detail otherwise: runs are deterministic). Only the owner's
	 * {@code finished} runs can be re-run: a stopped run ended at a point that depended
	 * on the wall clock or a request.
	 */
	public <T> Mono<T> rerun(String owner, String id, Rerun<T> hook) {
		return row(owner, id).flatMap((r) -> {
			if (!"finished".equals(r.status()) || r.summary() == null) {
				return Mono.error(new ApiException(HttpStatus.CONFLICT, "run-not-finished", "Run not finished",
						"run '" + id + "' is " + r.status()
								+ ": outputs are made by running it again, which only a finished run allows",
						List.of()));
			}
			RunReport stored = this.json.readValue(r.summary(), RunReport.class);
			RunRequest params = this.json.readValue(r.params(), RunRequest.class);
			return rerunInputs(owner, r, params).flatMap(
					(in) -> Mono.fromFuture(() -> rerunOnExecutor(owner, r, stored, in.getKey(), in.getValue(), hook)))
				.onErrorMap(java.util.concurrent.CompletionException.class, Throwable::getCause);
		});
	}

	/**
	 * What an export does with a finished run's stored trace file, given the run's engine
	 * built again from the same inputs but not run (for its nodes, CPUs and names).
	 *
	 * @param <T> the export's result
	 */
	public interface TraceUse<T> {

		T use(RunSession built, Path traceFile) throws IOException;

	}

	/**
	 * Uses a finished run's stored trace file on the bounded run executor; empty if the
	 * file was deleted by retention (the caller may {@link #rerun} instead).
	 */
	public <T> Mono<T> fromTrace(String owner, String id, TraceUse<T> use) {
		return row(owner, id).flatMap((r) -> {
			if (!"finished".equals(r.status())) {
				return Mono.error(new ApiException(HttpStatus.CONFLICT, "run-not-finished", "Run not finished",
						"run '" + id + "' is " + r.status() + ": its outputs exist once it has finished", List.of()));
			}
			if (r.traceFile() == null) {
				return Mono.empty();
			}
			Path file = this.runsDir.resolve(r.traceFile());
			RunRequest params = this.json.readValue(r.params(), RunRequest.class);
			return rerunInputs(owner, r, params).flatMap((in) -> Mono.fromFuture(() -> onExecutor(owner, r, (base) -> {
				RunSession built;
				try {
					built = RunSession.create(in.getKey(), source(in.getValue()), base);
				}
				catch (ProgramLoadException | IllegalArgumentException ex) {
					throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "rerun-failed", "Re-run failed",
							"run '" + r.id() + "' cannot be built again: " + ex.getMessage(), List.of());
				}
				try {
					return use.use(built, file);
				}
				catch (java.nio.file.NoSuchFileException ex) {
					return null;
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}))).onErrorMap(java.util.concurrent.CompletionException.class, Throwable::getCause);
		});
	}

	private Mono<Map.Entry<TopologyDocument, Map<String, byte[]>>> rerunInputs(String owner, RunRow r,
			RunRequest params) {
		if (params.lab() != null) {
			return Mono.fromCallable(() -> {
				LabInputs in = labInputs(params.lab(), params.labRun());
				return Map.entry(in.doc(), in.objects());
			}).subscribeOn(Schedulers.boundedElastic());
		}
		Mono<String> yaml;
		if (r.topologyId() != null) {
			yaml = storedTopology(owner, r.topologyId(), r.topologyVersion()).map(StoredTopology::yaml);
		}
		else {
			Path file = this.runsDir.resolve(r.id() + INLINE_YAML);
			yaml = Mono.fromCallable(() -> {
				if (!Files.exists(file)) {
					throw new ApiException(HttpStatus.GONE, "topology-not-kept", "Topology not kept",
							"the inline topology document of run '" + r.id()
									+ "' was not kept (older runs and runs past bpfnet.limits.keep-run-traces)",
							List.of());
				}
				return Files.readString(file);
			}).subscribeOn(Schedulers.boundedElastic());
		}
		return yaml.flatMap((y) -> {
			TopologyDocument doc = parse(y, r.topologyId() == null);
			return objects(owner, doc).map((o) -> Map.entry(doc, o));
		});
	}

	private <T> CompletableFuture<T> rerunOnExecutor(String owner, RunRow r, RunReport stored, TopologyDocument doc,
			Map<String, byte[]> objects, Rerun<T> hook) {
		return onExecutor(owner, r, (base) -> rerunNow(r, stored, doc, objects, hook.options(base), hook));
	}

	private <T> CompletableFuture<T> onExecutor(String owner, RunRow r, Function<RunOptions, T> task) {
		AtomicInteger mine = this.perUser.computeIfAbsent(owner, (k) -> new AtomicInteger());
		if (mine.incrementAndGet() > this.limits.runsPerUser()) {
			mine.decrementAndGet();
			return CompletableFuture.failedFuture(tooMany("you have " + this.limits.runsPerUser()
					+ " runs or re-runs queued or running, the most a user may have (bpfnet.limits.runs-per-user)"));
		}
		RunOptions base = RunOptions.of(r.durationNs())
			.withSeed(r.seed())
			.withLimits(new RunLimits(this.limits.maxEventsPerRun(), Math.max(1, this.limits.maxWallTime().toNanos())))
			.withRecordPaths(false);
		try {
			return CompletableFuture.supplyAsync(() -> {
				try {
					return task.apply(base);
				}
				finally {
					release(owner);
				}
			}, this.executor);
		}
		catch (RejectedExecutionException ex) {
			release(owner);
			return CompletableFuture.failedFuture(tooMany("the server runs " + this.limits.concurrentRuns()
					+ " runs at a time and its queue is full (bpfnet.limits.concurrent-runs); try again later"));
		}
	}

	private <T> T rerunNow(RunRow r, RunReport stored, TopologyDocument doc, Map<String, byte[]> objects,
			RunOptions options, Rerun<T> hook) {
		RunSession session;
		try {
			session = RunSession.create(doc, source(objects), options);
		}
		catch (ProgramLoadException | IllegalArgumentException ex) {
			throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "rerun-failed", "Re-run failed",
					"run '" + r.id() + "' cannot be built again: " + ex.getMessage(), List.of());
		}
		hook.attach(session);
		RunStatus end = session.run();
		if (end.state() != RunState.FINISHED) {
			HttpStatus status = (end.limit() != null) ? HttpStatus.UNPROCESSABLE_CONTENT
					: HttpStatus.INTERNAL_SERVER_ERROR;
			throw new ApiException(status, (end.limit() != null) ? "limit-exceeded" : "rerun-failed",
					(end.limit() != null) ? "Limit exceeded" : "Re-run failed", "the re-run of run '" + r.id()
							+ "' ended " + end.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + end.reason(),
					List.of());
		}
		String sha = (session.report() != null) ? session.report().traceSha256() : null;
		if (sha == null || !sha.equals(stored.traceSha256())) {
			throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "not-deterministic", "Re-run differs",
					"the re-run of run '" + r.id() + "' gave trace hash " + sha + " where the run recorded "
							+ stored.traceSha256() + ": its outputs would not be those of the run",
					List.of());
		}
		try {
			return hook.finish(session);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	// =====================================================================
	// controls

	/** A control on a live run. */
	public Mono<RunView> control(String owner, String id, Function<RunSession, CompletableFuture<RunStatus>> action) {
		return row(owner, id).flatMap((r) -> {
			Active a = this.active.get(r.id());
			RunSession s = (a != null) ? a.sessionNow() : null;
			if (s == null || s.status().state().ended()) {
				String state = (a != null) ? "queued" : r.status();
				return Mono.error(new ApiException(HttpStatus.CONFLICT, "run-not-running", "Run not running",
						"run '" + id + "' is " + state + ": only a running or paused run takes controls", List.of()));
			}
			return Mono.fromFuture(action.apply(s))
				.onErrorMap(java.util.concurrent.CompletionException.class, Throwable::getCause)
				.onErrorMap(IllegalArgumentException.class,
						(ex) -> ApiException.invalid(HttpStatus.CONFLICT, "invalid-step", "Invalid step", "skb",
								ex.getMessage()))
				.then(Mono.defer(() -> s.status().state().ended() ? Mono.fromFuture(a.done)
						: this.store.find(id).map((row) -> view(row, a))));
		});
	}

	// =====================================================================
	// live

	@Override
	public Flux<byte[]> events(String owner, String runId, Long lastEventId) {
		return row(owner, runId).flatMapMany((r) -> {
			Active a = this.active.get(r.id());
			long from = (lastEventId != null) ? Math.max(0, lastEventId + 1) : -1;
			if (a != null) {
				CompletableFuture<LiveClient> reg = a.session.thenCompose((s) -> (s == null)
						? CompletableFuture.completedFuture(a.hub.register()) : s.inspect((x) -> a.hub.register()));
				// a status event first: the response starts even while the run is queued
				byte[] status = this.sse.message(null, "status", view(r, a));
				return Flux.concat(Flux.just(status), Mono.fromFuture(reg).flatMapMany((client) -> {
					Flux<byte[]> replay = (from >= 0 && from < client.firstId())
							? replay(owner, runId, from, client.firstId()) : Flux.empty();
					return Flux.concat(replay, client.flux());
				}));
			}
			long start = (from >= 0) ? from : 0;
			byte[] end = this.sse.message(null, "end", view(r, null));
			return Flux.concat(replay(owner, runId, start, r.traceEvents()), Flux.just(end));
		});
	}

	/** Recorded events {@code from..to-1}, in SSE chunks of {@value #REPLAY_CHUNK}. */
	private Flux<byte[]> replay(String owner, String id, long from, long to) {
		if (to <= from) {
			return Flux.empty();
		}
		long pages = (to - from + REPLAY_PAGE - 1) / REPLAY_PAGE;
		return Flux.range(0, (int) pages)
			.concatMap((k) -> recorded(owner, id,
					(rec) -> rec.events(from + (long) k * REPLAY_PAGE,
							(int) Math.min(REPLAY_PAGE, to - from - (long) k * REPLAY_PAGE))),
					1)
			.concatMapIterable((List<TraceEventView> list) -> SseEncoder.join(
					list.stream().map((e) -> this.sse.message(Long.toString(e.id()), "trace", e)).toList(),
					REPLAY_CHUNK));
	}

	/** The hub of a live run (tests and metrics). */
	LiveHub hub(String id) {
		Active a = this.active.get(id);
		return (a != null) ? a.hub : null;
	}

	/** Stops every run (shutdown). */
	@jakarta.annotation.PreDestroy
	void shutdown() {
		for (Active a : this.active.values()) {
			RunSession s = a.sessionNow();
			if (s != null) {
				s.stop();
			}
		}
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
