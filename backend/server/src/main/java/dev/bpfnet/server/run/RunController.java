package dev.bpfnet.server.run;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.bpfnet.engine.run.Pace;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.security.Visitors;
import dev.bpfnet.server.live.TraceEventView;

/** The runs API: start, status, controls and results of the caller's runs. */
@RestController
@RequestMapping("/api/runs")
public class RunController {

	static final int MAX_PAGE_SIZE = 500;

	private final RunService runs;

	public RunController(RunService runs) {
		this.runs = runs;
	}

	static String owner(Principal principal) {
		if (principal == null) {
			throw new ApiException(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated",
					"log in or send an API token", List.of());
		}
		return principal.getName();
	}

	@Operation(summary = "Start a run of a stored topology or an inline YAML document")
	@ApiResponse(responseCode = "202", description = "queued; poll GET /api/runs/{id} or follow /events")
	@ApiResponse(responseCode = "400", description = "malformed request (names the field)")
	@ApiResponse(responseCode = "422", description = "invalid topology or duration above the limit (names the path)")
	@ApiResponse(responseCode = "429", description = "the user or the server runs as many runs as allowed")
	@PostMapping
	public Mono<ResponseEntity<RunView>> start(@RequestBody(required = false) RunRequest request, Principal principal) {
		return Mono.defer(() -> {
			String owner = owner(principal);
			if (Visitors.isVisitor(owner) && (request == null || request.lab() == null)) {
				throw new ApiException(HttpStatus.FORBIDDEN, "visitor-lab-only", "Labs only",
						"a lab visitor (no account) can start runs of labs only: send `lab` and `labRun`, or register",
						List.of(Map.of("path", "lab", "message", "required for a visitor")));
			}
			return Visitors.isVisitor(owner)
					? this.runs.checkVisitorRoom().then(Mono.defer(() -> this.runs.start(owner, request)))
					: this.runs.start(owner, request);
		}).map((v) -> ResponseEntity.status(HttpStatus.ACCEPTED).header("Location", "/api/runs/" + v.id()).body(v));
	}

	@Operation(summary = "The caller's runs, newest first")
	@GetMapping
	public Flux<RunView> list(Principal principal) {
		return Flux.defer(() -> this.runs.list(owner(principal)));
	}

	@Operation(summary = "A run's status and progress")
	@ApiResponse(responseCode = "404", description = "no such run for the caller")
	@GetMapping("/{id}")
	public Mono<RunView> get(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.get(owner(principal), id));
	}

	@Operation(summary = "Pause a running run after the current event")
	@ApiResponse(responseCode = "409", description = "the run is queued or has ended")
	@PostMapping("/{id}/pause")
	public Mono<RunView> pause(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.control(owner(principal), id, (s) -> s.pause()));
	}

	@Operation(summary = "Resume a paused run, optionally at another pace or as fast as possible")
	@ApiResponse(responseCode = "409", description = "the run is queued or has ended")
	@PostMapping("/{id}/resume")
	public Mono<RunView> resume(@PathVariable String id, @RequestBody(required = false) RunRequest.ResumeRequest body,
			Principal principal) {
		return Mono.defer(() -> {
			String owner = owner(principal);
			if (body != null && body.simNsPerWallMs() != null
					&& (!(body.simNsPerWallMs() > 0) || body.simNsPerWallMs().isInfinite())) {
				throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-run", "Invalid run",
						"simNsPerWallMs", "must be positive, got " + body.simNsPerWallMs());
			}
			return this.runs.control(owner, id, (s) -> {
				if (body != null && Boolean.TRUE.equals(body.batch())) {
					s.setPace(null);
				}
				else if (body != null && body.simNsPerWallMs() != null) {
					s.setPace(new Pace(body.simNsPerWallMs()));
				}
				return s.resume();
			});
		});
	}

	@Operation(summary = "Step a run: one simulator event, or to the next hop of an skb (any skb without one)")
	@ApiResponse(responseCode = "409", description = "the run is queued or has ended, or the skb has finished")
	@PostMapping("/{id}/step")
	public Mono<RunView> step(@PathVariable String id, @RequestBody(required = false) RunRequest.StepRequest body,
			Principal principal) {
		return Mono.defer(() -> {
			String owner = owner(principal);
			String unit = (body != null && body.unit() != null) ? body.unit() : "event";
			if (!unit.equals("event") && !unit.equals("hop")) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "unit",
						"must be event or hop, got '" + unit + "'");
			}
			if (unit.equals("event") && body != null && body.skb() != null) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "skb",
						"only a hop step takes an skb");
			}
			long skb = (body != null && body.skb() != null) ? body.skb() : -1;
			return this.runs.control(owner, id, (s) -> unit.equals("hop") ? s.stepHop(skb) : s.step());
		});
	}

	@Operation(summary = "Stop a run; it ends as stopped")
	@ApiResponse(responseCode = "409", description = "the run is queued or has ended")
	@PostMapping("/{id}/stop")
	public Mono<RunView> stop(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.control(owner(principal), id, (s) -> s.stop()));
	}

	@Operation(summary = "The run's report (what `bpfnet run --json` prints, plus map contents)")
	@ApiResponse(responseCode = "409", description = "the run has not ended yet")
	@GetMapping("/{id}/summary")
	public Mono<RunReport> summary(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.summary(owner(principal), id));
	}

	@Operation(summary = "CPU time per context and task, per CPU")
	@GetMapping("/{id}/cpus")
	public Mono<List<RunReport.CpuTime>> cpus(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.summary(owner(principal), id)).map(RunReport::cpus);
	}

	@Operation(summary = "Latency percentiles and rates per flow")
	@GetMapping("/{id}/latency")
	public Mono<List<RunReport.Flow>> latency(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.summary(owner(principal), id)).map(RunReport::flows);
	}

	@Operation(summary = "The maps of every loaded object at the end of the run")
	@GetMapping("/{id}/maps")
	public Mono<List<RunReport.MapDump>> maps(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.summary(owner(principal), id)).map(RunReport::maps);
	}

	@Operation(summary = "Packets (skbs) with their paths summarised, filtered and paged",
			description = "device: a device name (node/ns/dev) the packet passed; verdict: a raw program verdict it "
					+ "got; dropped: true, false or a drop reason; page from 0; size up to 500. Works while the run "
					+ "runs (read between two events) and after it, from the recorded trace.")
	@ApiResponse(responseCode = "400", description = "a bad filter (names the parameter)")
	@ApiResponse(responseCode = "410", description = "the trace was deleted by the retention limit")
	@GetMapping("/{id}/packets")
	public Mono<Recorded.Page> packets(@PathVariable String id, @RequestParam(required = false) String flow,
			@RequestParam(required = false) String device, @RequestParam(required = false) Integer verdict,
			@RequestParam(required = false) String dropped, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "50") int size, Principal principal) {
		return Mono.defer(() -> {
			String owner = owner(principal);
			if (flow != null) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "flow",
						"filtering by flow is not supported: the trace does not carry flow ids; use device");
			}
			if (page < 0) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "page",
						"must be >= 0, got " + page);
			}
			if (size < 1 || size > MAX_PAGE_SIZE) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "size",
						"must be in [1, " + MAX_PAGE_SIZE + "], got " + size);
			}
			Predicate<PacketSummary> filter = droppedFilter(dropped);
			if (device != null) {
				filter = filter.and((p) -> p.devices().contains(device));
			}
			if (verdict != null) {
				filter = filter.and((p) -> p.verdicts().contains(verdict));
			}
			Predicate<PacketSummary> f = filter;
			return this.runs.recorded(owner, id, (rec) -> rec.packets(f, page, size));
		});
	}

	static Predicate<PacketSummary> droppedFilter(String dropped) {
		if (dropped == null) {
			return (p) -> true;
		}
		if (dropped.equals("true")) {
			return (p) -> p.drop() != null;
		}
		if (dropped.equals("false")) {
			return (p) -> p.drop() == null;
		}
		List<String> reasons = new ArrayList<>();
		for (DropReason r : DropReason.values()) {
			reasons.add(r.name());
		}
		if (!reasons.contains(dropped)) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "dropped",
					"must be true, false or a drop reason such as CPU_BACKLOG, got '" + dropped + "'");
		}
		return (p) -> dropped.equals(p.drop());
	}

	@Operation(summary = "The full path of one packet (skb), step by step")
	@ApiResponse(responseCode = "404", description = "no such run, or no such skb in it")
	@GetMapping("/{id}/packets/{skb}")
	public Mono<List<TraceEventView>> packet(@PathVariable String id, @PathVariable long skb, Principal principal) {
		return Mono.defer(() -> this.runs.recorded(owner(principal), id, (rec) -> rec.path(skb))).map((steps) -> {
			if (steps.isEmpty()) {
				throw ApiException.notFound("skb", Long.toString(skb));
			}
			return steps;
		});
	}

	@Operation(summary = "Per-packet path differences between two ended runs (the compare view)",
			description = "Packets are matched by their first function, then by order of their first step (the trace "
					+ "has no flow ids): for two runs of the same traffic and seed that is the same datagram. "
					+ "functions: per kernel function, in how many matched pairs it is on one path only; pairs: the "
					+ "first `limit` pairs (up to 500) with their own differences.")
	@ApiResponse(responseCode = "400", description = "limit out of range")
	@ApiResponse(responseCode = "404", description = "either run is not the caller's")
	@ApiResponse(responseCode = "409", description = "either run has not ended")
	@ApiResponse(responseCode = "410", description = "either trace was deleted by the retention limit")
	@GetMapping("/{id}/compare/{other}")
	public Mono<PathComparison> compare(@PathVariable String id, @PathVariable String other,
			@RequestParam(defaultValue = "50") int limit, Principal principal) {
		return Mono.defer(() -> {
			String owner = owner(principal);
			if (limit < 0 || limit > PathComparison.MAX_LIMIT) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "limit",
						"must be in [0, " + PathComparison.MAX_LIMIT + "], got " + limit);
			}
			// both must have ended (409 otherwise): their recorders no longer change
			return Mono.zip(this.runs.summary(owner, id), this.runs.summary(owner, other))
				.then(Mono.zip(this.runs.recorded(owner, id, (r) -> r), this.runs.recorded(owner, other, (r) -> r)))
				.publishOn(Schedulers.boundedElastic())
				.map((t) -> PathComparison.of(id, t.getT1(), other, t.getT2(), limit));
		});
	}

	@Operation(summary = "Every queue's depth over simulated time")
	@GetMapping("/{id}/queues")
	public Mono<List<Recorded.QueueSeries>> queues(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.runs.recorded(owner(principal), id, Recorded::queueSeries));
	}

}
