package dev.bpfnet.server.export;

import java.security.Principal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.bpfnet.server.api.ApiException;

/**
 * Downloads of a finished run's outputs; each re-runs the run with the same inputs and
 * checks the trace hash (see {@link ExportService}). Owner only: another user's run is
 * answered 404 like a missing one.
 */
@RestController
@RequestMapping("/api/runs")
public class ExportController {

	/** {@code application/vnd.tcpdump.pcap}. */
	public static final MediaType PCAP = MediaType.parseMediaType("application/vnd.tcpdump.pcap");

	/** {@code application/x-pcapng}. */
	public static final MediaType PCAPNG = MediaType.parseMediaType("application/x-pcapng");

	static final int CHUNK = 64 * 1024;

	private final ExportService exports;

	public ExportController(ExportService exports) {
		this.exports = exports;
	}

	private static String owner(Principal principal) {
		if (principal == null) {
			throw new ApiException(org.springframework.http.HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
					"log in or send an API token", java.util.List.of());
		}
		return principal.getName();
	}

	@Operation(summary = "A pcap of one device of a finished run (re-runs it; tcpdump -Q in/out/inout)")
	@ApiResponse(responseCode = "200", description = "the capture, application/vnd.tcpdump.pcap")
	@ApiResponse(responseCode = "400", description = "no device, or direction not in, out or both")
	@ApiResponse(responseCode = "404", description = "no such run for the caller")
	@ApiResponse(responseCode = "409", description = "the run has not finished (queued, running, stopped, failed)")
	@ApiResponse(responseCode = "413", description = "the capture is larger than 64 MiB")
	@ApiResponse(responseCode = "422", description = "unknown device (names `device`) or a run limit hit by the re-run")
	@ApiResponse(responseCode = "500", description = "the re-run's trace hash differs from the run's")
	@GetMapping("/{id}/pcap")
	public Mono<ResponseEntity<Flux<DataBuffer>>> pcap(@PathVariable String id,
			@RequestParam(required = false) String device, @RequestParam(required = false) String direction,
			Principal principal) {
		return Mono.defer(() -> this.exports.pcap(owner(principal), id, device, direction))
			.map((e) -> send(e, PCAP, "run-" + id + "-" + device.replace('/', '_') + "-"
					+ ((direction != null) ? direction : "both") + ".pcap"));
	}

	@Operation(summary = "The path capture of a finished run: pcapng, one interface per hop (re-runs it)")
	@ApiResponse(responseCode = "200", description = "the capture, application/x-pcapng")
	@ApiResponse(responseCode = "404", description = "no such run for the caller")
	@ApiResponse(responseCode = "409", description = "the run has not finished")
	@ApiResponse(responseCode = "413", description = "the capture is larger than 64 MiB")
	@GetMapping("/{id}/path.pcapng")
	public Mono<ResponseEntity<Flux<DataBuffer>>> pathCapture(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.exports.pathCapture(owner(principal), id))
			.map((e) -> send(e, PCAPNG, "run-" + id + "-path.pcapng"));
	}

	@Operation(summary = "Per-packet latency of a finished run as CSV (re-runs it)")
	@ApiResponse(responseCode = "200", description = "text/csv, one row per skb")
	@ApiResponse(responseCode = "404", description = "no such run for the caller")
	@ApiResponse(responseCode = "409", description = "the run has not finished")
	@GetMapping("/{id}/latency.csv")
	public Mono<ResponseEntity<Flux<DataBuffer>>> latencyCsv(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.exports.latencyCsv(owner(principal), id))
			.map((e) -> send(e, new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8),
					"run-" + id + "-latency.csv"));
	}

	@Operation(summary = "Chrome/Perfetto trace-event JSON of a finished run (re-runs it; for ui.perfetto.dev)")
	@ApiResponse(responseCode = "200", description = "the trace-event JSON, streamed")
	@ApiResponse(responseCode = "404", description = "no such run for the caller")
	@ApiResponse(responseCode = "409", description = "the run has not finished")
	@ApiResponse(responseCode = "413", description = "the JSON is larger than 64 MiB")
	@GetMapping("/{id}/perfetto.json")
	public Mono<ResponseEntity<Flux<DataBuffer>>> perfetto(@PathVariable String id, Principal principal) {
		return Mono.defer(() -> this.exports.perfetto(owner(principal), id))
			.map((e) -> send(e, MediaType.APPLICATION_JSON, "run-" + id + "-perfetto.json"));
	}

	@Operation(summary = "One packet decoded at each hop, with its path's functions, for the packet inspector")
	@ApiResponse(responseCode = "200",
			description = "steps (functions), hops (layers, fields with byte ranges, "
					+ "changes against the previous hop)")
	@ApiResponse(responseCode = "404", description = "no such run for the caller, or no such skb in it")
	@ApiResponse(responseCode = "409", description = "the run has not finished")
	@GetMapping("/{id}/packets/{skb}/hops")
	public Mono<ExportService.PacketHops> hops(@PathVariable String id, @PathVariable long skb, Principal principal) {
		return Mono.defer(() -> this.exports.hops(owner(principal), id, skb));
	}

	private static ResponseEntity<Flux<DataBuffer>> send(ExportService.Export e, MediaType type, String filename) {
		Flux<DataBuffer> body = DataBufferUtils.read(e.file(), DefaultDataBufferFactory.sharedInstance, CHUNK)
			.doFinally((s) -> e.delete());
		return ResponseEntity.ok()
			.contentType(type)
			.contentLength(e.size())
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename(filename).build().toString())
			.body(body);
	}

}
