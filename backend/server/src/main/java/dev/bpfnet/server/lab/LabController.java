package dev.bpfnet.server.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import dev.bpfnet.engine.lab.Check;
import dev.bpfnet.engine.lab.CheckResult;
import dev.bpfnet.engine.lab.EngineLabRun;
import dev.bpfnet.engine.lab.Lab;
import dev.bpfnet.engine.lab.LabException;
import dev.bpfnet.engine.lab.LabRun;
import dev.bpfnet.engine.lab.LabRunner;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.topology.Namespace;
import dev.bpfnet.engine.topology.Node;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.config.BpfnetProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/labs}: the catalog, one lab with its steps, runs (topology YAML) and
 * checks, and {@code POST /api/labs/{id}/check}, which runs every topology of the lab and
 * evaluates its checks. Public: labs can be tried without an account. Checking runs on
 * the bounded-elastic scheduler, never on the event loop, and at most
 * {@code bpfnet.limits.concurrent-runs} lab checks run at once (429 beyond).
 */
@RestController
@RequestMapping("/api/labs")
@Tag(name = "labs", description = "Guided, checkable exercises (labs/ folders)")
class LabController {

	private final LabCatalog catalog;

	private final Semaphore running;

	private static final List<String> KINDS = List.of("bpfnet", "veth", "nic");

	private static final Comparator<String> KIND_ORDER = Comparator
		.comparingInt((String k) -> KINDS.contains(k) ? KINDS.indexOf(k) : KINDS.size())
		.thenComparing(Comparator.naturalOrder());

	private final Map<String, Map<String, List<String>>> devices = new ConcurrentHashMap<>();

	LabController(LabCatalog catalog, BpfnetProperties properties) {
		this.catalog = catalog;
		this.running = new Semaphore(Math.max(1, properties.limits().concurrentRuns()));
	}

	/**
	 * A lab in the catalog; {@code devices} gives, per run, the device kinds of its
	 * topology ({@code bpfnet}, {@code nic}, {@code veth}), so the catalog can say what
	 * the lab compares.
	 */
	record LabSummary(String id, String title, String summary, String question, int steps, List<String> runs,
			Map<String, List<String>> devices, int checks) {
	}

	/** One run of a lab with its topology document. */
	record LabRunView(String name, String topology, String description, String yaml) {
	}

	/** A check as declared. */
	record CheckView(int index, String kind, String title, List<String> runs) {
	}

	/** A lab in full. */
	record LabView(String id, String title, String summary, String question, long durationNs, List<Lab.LabStep> steps,
			List<LabRunView> runs, Map<String, List<String>> devices, List<CheckView> checks) {
	}

	/** The outcome of checking a lab. */
	record CheckReport(String lab, boolean passed, long passedCount, List<CheckResult> results,
			Map<String, RunReport> runs) {
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List the labs")
	List<LabSummary> list() {
		return this.catalog.all()
			.stream()
			.map((l) -> new LabSummary(l.id(), l.title(), l.summary(), l.question(), l.steps().size(),
					l.runs().stream().map(Lab.RunSpec::name).toList(), devices(l), l.checks().size()))
			.toList();
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "One lab: steps, runs with their topology documents, checks")
	LabView get(@PathVariable String id) {
		Lab lab = lab(id);
		List<LabRunView> runs = new ArrayList<>();
		for (Lab.RunSpec r : lab.runs()) {
			runs.add(new LabRunView(r.name(), r.topology(), r.description(), yaml(lab, r)));
		}
		List<CheckView> checks = new ArrayList<>();
		for (int i = 0; i < lab.checks().size(); i++) {
			Check c = lab.checks().get(i);
			checks.add(new CheckView(i, c.kind(), c.title(), c.runs()));
		}
		return new LabView(lab.id(), lab.title(), lab.summary(), lab.question(), lab.durationNs(), lab.steps(), runs,
				devices(lab), checks);
	}

	@PostMapping(path = "/{id}/check", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Run every topology of the lab and evaluate its checks",
			description = "Answers 429 when the server is already checking as many labs as bpfnet.limits.concurrent-runs.")
	Mono<CheckReport> check(@PathVariable String id) {
		Lab lab = lab(id);
		if (!this.running.tryAcquire()) {
			return Mono.error(new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too-many-runs", "Too many runs",
					"the server is already running " + this.running.availablePermits()
							+ " more lab checks than it allows; try again when one has finished",
					List.of()));
		}
		return Mono.fromCallable(() -> report(lab))
			.subscribeOn(Schedulers.boundedElastic())
			.doFinally((s) -> this.running.release());
	}

	private static CheckReport report(Lab lab) {
		LabRunner.Report r;
		try {
			r = LabRunner.check(lab);
		}
		catch (LabException ex) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-lab", "The lab does not run",
					ex.getMessage(), List.of());
		}
		Map<String, RunReport> runs = new java.util.LinkedHashMap<>();
		for (Map.Entry<String, LabRun> e : r.runs().entrySet()) {
			if (e.getValue() instanceof EngineLabRun run) {
				runs.put(e.getKey(), run.report());
			}
		}
		return new CheckReport(lab.id(), r.passed(), r.passedCount(), r.results(), runs);
	}

	private Lab lab(String id) {
		return this.catalog.find(id).orElseThrow(() -> ApiException.notFound("lab", id));
	}

	/**
	 * The device kinds of each run's topology, in the order {@code bpfnet}, {@code veth},
	 * {@code nic}; a topology that does not parse (the lab parser reports it) has none.
	 * Labs are read once at start-up, so this is computed once per lab.
	 */
	private Map<String, List<String>> devices(Lab lab) {
		return this.devices.computeIfAbsent(lab.id(), (id) -> {
			Map<String, List<String>> out = new LinkedHashMap<>();
			for (Lab.RunSpec r : lab.runs()) {
				Set<String> kinds = new TreeSet<>(KIND_ORDER);
				try {
					TopologyDocument doc = TopologyParser.parse(lab.dir().resolve(r.topology()));
					for (Node node : doc.nodes()) {
						for (Namespace ns : node.namespaces()) {
							ns.devices().forEach((d) -> kinds.add(d.kind()));
						}
					}
				}
				catch (TopologyException ex) {
					// reported by LabParser under runs[i].topology
				}
				out.put(r.name(), List.copyOf(kinds));
			}
			return out;
		});
	}

	private static String yaml(Lab lab, Lab.RunSpec run) {
		try {
			return Files.readString(lab.dir().resolve(run.topology()), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

}
