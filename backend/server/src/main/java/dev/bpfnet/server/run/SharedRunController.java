package dev.bpfnet.server.run;

import java.util.List;
import java.util.Objects;

import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.live.SseResponses;
import dev.bpfnet.server.live.TraceEventView;
import dev.bpfnet.server.share.ShareService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The recorded runs of a shared topology, read-only and public to anyone holding the
 * share token: {@code /api/shares/{token}/runs/...}. A run belongs to the share when its
 * owner shared the topology and it ran exactly the shared version; any other run answers
 * 404, as does a revoked or unknown token. Writes below a share answer 403
 * ({@code ShareController}).
 */
@RestController
@Tag(name = "shares", description = "Read-only access to a shared topology, its programs and its runs")
class SharedRunController {

	private final ShareService shares;

	private final RunService runs;

	SharedRunController(ShareService shares, RunService runs) {
		this.shares = shares;
		this.runs = runs;
	}

	/** The owner of the shared run, once the run is known to belong to the share. */
	private Mono<String> owner(String token, String runId) {
		return this.shares.resolve(token)
			.flatMap((s) -> this.runs.get(s.owner(), runId)
				.filter((r) -> Objects.equals(r.topologyId(), s.topologyId())
						&& Objects.equals(r.topologyVersion(), s.version()))
				.map((r) -> s.owner()))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("run", runId)));
	}

	@GetMapping(path = "/api/shares/{token}/runs", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The runs of the shared topology version, newest first (public)")
	Flux<RunView> list(@PathVariable String token) {
		return this.shares.resolve(token)
			.flatMapMany((s) -> this.runs.list(s.owner())
				.filter((r) -> Objects.equals(r.topologyId(), s.topologyId())
						&& Objects.equals(r.topologyVersion(), s.version())));
	}

	@GetMapping(path = "/api/shares/{token}/runs/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "One run of the shared topology (public)")
	Mono<RunView> get(@PathVariable String token, @PathVariable String id) {
		return owner(token, id).flatMap((owner) -> this.runs.get(owner, id));
	}

	@GetMapping(path = "/api/shares/{token}/runs/{id}/summary", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The report of a shared run (public)")
	Mono<RunReport> summary(@PathVariable String token, @PathVariable String id) {
		return owner(token, id).flatMap((owner) -> this.runs.summary(owner, id));
	}

	@GetMapping(path = "/api/shares/{token}/runs/{id}/packets", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The packets of a shared run, paged (public; filters as /api/runs/{id}/packets)")
	Mono<Recorded.Page> packets(@PathVariable String token, @PathVariable String id,
			@RequestParam(required = false) String dropped, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "50") int size) {
		if (page < 0 || size < 1 || size > RunController.MAX_PAGE_SIZE) {
			return Mono.error(ApiException.invalid(org.springframework.http.HttpStatus.BAD_REQUEST, "invalid-request",
					"Invalid request", (page < 0) ? "page" : "size", "page >= 0 and size in [1, "
							+ RunController.MAX_PAGE_SIZE + "], got page " + page + ", size " + size));
		}
		return owner(token, id).flatMap((owner) -> {
			var filter = RunController.droppedFilter(dropped);
			return this.runs.recorded(owner, id, (rec) -> rec.packets(filter, page, size));
		});
	}

	@GetMapping(path = "/api/shares/{token}/runs/{id}/packets/{skb}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "The path of one packet of a shared run (public)")
	Mono<List<TraceEventView>> packet(@PathVariable String token, @PathVariable String id, @PathVariable long skb) {
		return owner(token, id).flatMap((owner) -> this.runs.recorded(owner, id, (rec) -> rec.path(skb)))
			.map((steps) -> {
				if (steps.isEmpty()) {
					throw ApiException.notFound("skb", Long.toString(skb));
				}
				return steps;
			});
	}

	@GetMapping(path = "/api/shares/{token}/runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(summary = "Replay a shared run's trace as Server-Sent Events (public; resumable with Last-Event-ID)")
	Mono<Void> events(@PathVariable String token, @PathVariable String id,
			@RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId, ServerHttpResponse response) {
		return SseResponses.write(response,
				owner(token, id).flatMapMany((owner) -> this.runs.events(owner, id, lastEventId)));
	}

}
