package dev.bpfnet.server.live;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.bpfnet.server.api.ApiException;

/**
 * {@code GET /api/runs/{id}/events}: the live trace of a run as Server-Sent Events,
 * written as pre-encoded batches ({@link SseResponses}).
 */
@RestController
public class LiveController {

	private final LiveStreams streams;

	public LiveController(LiveStreams streams) {
		this.streams = streams;
	}

	@Operation(summary = "Live trace events of a run (SSE)",
			description = "Events `status` (first, the run as GET /api/runs/{id} shows it), `trace` (id = index in the run's trace), `sampled` (the client fell behind: how many "
					+ "events were not sent, counted per function and device) and `end` (final status). Resume with "
					+ "`Last-Event-ID` (or `?lastEventId=`): recorded events after it are replayed first.")
	@ApiResponse(responseCode = "200", description = "text/event-stream")
	@ApiResponse(responseCode = "404", description = "no such run for the caller")
	@GetMapping(path = "/api/runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Mono<Void> events(@PathVariable String id,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
			@RequestParam(name = "lastEventId", required = false) String lastEventIdParam, Principal principal,
			ServerHttpResponse response) {
		if (principal == null) {
			return Mono.error(new ApiException(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated",
					"log in or send an API token", List.of()));
		}
		String raw = (lastEventIdHeader != null) ? lastEventIdHeader : lastEventIdParam;
		Long last = null;
		if (raw != null && !raw.isBlank()) {
			try {
				last = Long.parseLong(raw.trim());
			}
			catch (NumberFormatException ex) {
				return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
						"Last-Event-ID: not an event id: " + raw,
						List.of(Map.of("path", "Last-Event-ID", "message", "not an event id: " + raw))));
			}
		}
		return SseResponses.write(response, this.streams.events(principal.getName(), id, last));
	}

}
