package dev.bpfnet.server.share;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;

import dev.bpfnet.server.topology.StoredTopology;
import dev.bpfnet.server.topology.TopologyService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shares: made and listed by the owner under {@code /api/topologies/{id}/shares}, read by
 * anyone with the token under {@code /api/shares/{token}}, forked by any signed-in user.
 */
@RestController
@Tag(name = "shares", description = "Read-only links to one topology version")
class ShareController {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private final ShareService shares;

	private final TopologyService topologies;

	ShareController(ShareService shares, TopologyService topologies) {
		this.shares = shares;
		this.topologies = topologies;
	}

	record ShareRequest(Integer version) {
	}

	/** What a share shows. */
	record SharedTopology(String topologyId, String name, int version, String owner, Instant sharedAt, String yaml) {
	}

	/** A fork's result: the new topology in the caller's account. */
	record Forked(String id, String name, int version, String forkedFrom, int forkedFromVersion) {
	}

	@PostMapping("/api/topologies/{id}/shares")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Share a topology version read-only (latest, or {\"version\": N}); the token is shown once",
			responses = { @ApiResponse(responseCode = "201"), @ApiResponse(responseCode = "404") })
	Mono<ShareService.NewShare> create(Principal principal, @PathVariable String id,
			@RequestBody(required = false) ShareRequest body) {
		return this.shares.create(principal.getName(), id, body == null ? null : body.version());
	}

	@GetMapping("/api/topologies/{id}/shares")
	@Operation(summary = "List the shares of your topology (without tokens)")
	Flux<ShareService.ShareInfo> list(Principal principal, @PathVariable String id) {
		return this.shares.list(principal.getName(), id);
	}

	@DeleteMapping("/api/topologies/{id}/shares/{shareId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Revoke a share by its id",
			responses = { @ApiResponse(responseCode = "204"), @ApiResponse(responseCode = "404") })
	Mono<Void> revokeById(Principal principal, @PathVariable String id, @PathVariable String shareId) {
		return this.shares.revoke(principal.getName(), id, shareId);
	}

	@GetMapping(path = "/api/shares/{token}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Read a shared topology (public; Accept: application/yaml gives the document)",
			responses = { @ApiResponse(responseCode = "200"),
					@ApiResponse(responseCode = "404", description = "unknown or revoked token") })
	Mono<SharedTopology> read(@PathVariable String token) {
		return this.shares.resolve(token)
			.flatMap((s) -> this.shares.topology(token)
				.map((t) -> new SharedTopology(t.id(), t.name(), t.version(), s.owner(), s.createdAt(), t.yaml())));
	}

	@GetMapping(path = "/api/shares/{token}", produces = { "application/yaml", "application/x-yaml", "text/yaml" })
	@Operation(summary = "Export a shared topology as YAML (content negotiation)")
	Mono<ResponseEntity<byte[]>> readYaml(@PathVariable String token) {
		return export(token);
	}

	@GetMapping("/api/shares/{token}.yaml")
	@Operation(summary = "Export a shared topology as YAML (public)")
	Mono<ResponseEntity<byte[]>> export(@PathVariable String token) {
		return this.shares.topology(token).map(ShareController::yaml);
	}

	static ResponseEntity<byte[]> yaml(StoredTopology t) {
		return ResponseEntity.ok()
			.contentType(YAML)
			.header("X-Topology-Version", Integer.toString(t.version()))
			.body(t.yaml().getBytes(StandardCharsets.UTF_8));
	}

	@PostMapping("/api/shares/{token}/fork")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Copy a shared topology into your account", responses = { @ApiResponse(responseCode = "201"),
			@ApiResponse(responseCode = "401"), @ApiResponse(responseCode = "404") })
	Mono<ResponseEntity<Forked>> fork(Principal principal, @PathVariable String token,
			@RequestParam(required = false) String name) {
		return this.shares.topology(token)
			.flatMap((t) -> this.topologies.fork(principal.getName(), t, name))
			.map((m) -> ResponseEntity.created(URI.create("/api/topologies/" + m.id()))
				.body(new Forked(m.id(), m.name(), m.latestVersion(), m.forkedFrom(), m.forkedFromVersion())));
	}

	@DeleteMapping("/api/shares/{token}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Revoke a share (its owner only; anyone else gets 403, unknown or revoked tokens 404)",
			responses = { @ApiResponse(responseCode = "204"), @ApiResponse(responseCode = "403"),
					@ApiResponse(responseCode = "404") })
	Mono<Void> revoke(Principal principal, @PathVariable String token) {
		return this.shares.revoke(principal.getName(), token);
	}

	@RequestMapping(path = "/api/shares/{token}",
			method = { RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.POST })
	@Operation(summary = "Writes through a share: 403 (404 for unknown or revoked tokens)",
			responses = { @ApiResponse(responseCode = "403"), @ApiResponse(responseCode = "404") })
	Mono<Void> writeThroughShare(@PathVariable String token) {
		return this.shares.resolve(token).then(Mono.error(ShareService.readOnly()));
	}

	@RequestMapping(path = "/api/shares/{token}/**",
			method = { RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.POST, RequestMethod.DELETE })
	@Operation(summary = "Writes below a share: 403 (404 for unknown or revoked tokens)",
			responses = { @ApiResponse(responseCode = "403"), @ApiResponse(responseCode = "404") })
	Mono<Void> writeBelowShare(@PathVariable String token) {
		return writeThroughShare(token);
	}

}
