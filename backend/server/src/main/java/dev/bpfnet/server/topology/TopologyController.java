package dev.bpfnet.server.topology;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.List;

import dev.bpfnet.engine.topology.TopologyDocument;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/topologies}: the caller's topologies, their versions, validation, export.
 */
@RestController
@RequestMapping("/api/topologies")
@Tag(name = "topologies", description = "Topology documents with immutable versions")
class TopologyController {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private final TopologyService topologies;

	TopologyController(TopologyService topologies) {
		this.topologies = topologies;
	}

	/** A topology version with its metadata. */
	record TopologyView(String id, String name, int version, int latestVersion, Instant createdAt, Instant updatedAt,
			String forkedFrom, Integer forkedFromVersion, String yaml) {
	}

	/** What {@code validate} says about a valid document. */
	record Validation(boolean valid, String name, int nodes, int programs, int attachments, int traffic,
			List<Object> errors) {
	}

	static TopologyView view(TopologyService.Meta m, StoredTopology t) {
		return new TopologyView(m.id(), m.name(), t.version(), m.latestVersion(), m.createdAt(), m.updatedAt(),
				m.forkedFrom(), m.forkedFromVersion(), t.yaml());
	}

	private Mono<TopologyView> viewOf(String owner, String id, Integer version) {
		return this.topologies.meta(owner, id)
			.flatMap((m) -> this.topologies.read(owner, id, version).map((t) -> view(m, t)));
	}

	@PostMapping(consumes = { "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
			"text/plain" })
	@Operation(summary = "Create a topology from JSON {name, yaml} or import a YAML document (application/yaml)",
			responses = { @ApiResponse(responseCode = "201", description = "created as version 1"),
					@ApiResponse(responseCode = "400", description = "unreadable request (errors[].path)"),
					@ApiResponse(responseCode = "401"),
					@ApiResponse(responseCode = "413", description = "document over bpfnet.limits.max-topology-bytes"),
					@ApiResponse(responseCode = "415", description = "neither JSON nor YAML"),
					@ApiResponse(responseCode = "422",
							description = "invalid topology: errors[] with path, line, column, message") })
	Mono<ResponseEntity<TopologyView>> create(Principal principal, ServerHttpRequest request) {
		String owner = principal.getName();
		String how = Submissions.isRaw(request) ? "import" : "create";
		return Submissions.read(request, this.topologies.maxBytes())
			.flatMap((s) -> this.topologies.create(owner, s.name(), s.yaml(), how))
			.flatMap((m) -> viewOf(owner, m.id(), 1))
			.map((v) -> ResponseEntity.created(URI.create("/api/topologies/" + v.id())).body(v));
	}

	@PostMapping(path = "/validate",
			consumes = { "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
					"text/plain" })
	@Operation(summary = "Validate a topology document without storing it",
			responses = { @ApiResponse(responseCode = "200", description = "valid"), @ApiResponse(responseCode = "413"),
					@ApiResponse(responseCode = "422",
							description = "invalid: every problem with path, line, column, message") })
	Mono<Validation> validate(ServerHttpRequest request) {
		return Submissions.read(request, this.topologies.maxBytes()).map((s) -> {
			TopologyDocument doc = this.topologies.check(s.yaml());
			return new Validation(true, doc.name(), doc.nodes().size(), doc.programs().size(), doc.attach().size(),
					doc.traffic().size(), List.of());
		});
	}

	@GetMapping
	@Operation(summary = "List your topologies, most recently changed first (paged)")
	Mono<TopologyService.Page> list(Principal principal, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "20") int size) {
		return this.topologies.list(principal.getName(), page, size);
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(
			summary = "Read a topology: the latest version or ?version=N (Accept: application/yaml gives the document)",
			responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "404",
					description = "no such topology or version (another user's topology is not found either)") })
	Mono<TopologyView> read(Principal principal, @PathVariable String id,
			@RequestParam(required = false) Integer version) {
		return viewOf(principal.getName(), id, version);
	}

	@GetMapping(path = "/{id}", produces = { "application/yaml", "application/x-yaml", "text/yaml" })
	@Operation(summary = "Export a topology version as YAML (content negotiation)")
	Mono<ResponseEntity<byte[]>> readYaml(Principal principal, @PathVariable String id,
			@RequestParam(required = false) Integer version) {
		return export(principal, id, version);
	}

	@GetMapping(path = "/{id}.yaml")
	@Operation(summary = "Export a topology version as YAML, exactly as stored",
			responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "404") })
	Mono<ResponseEntity<byte[]>> export(Principal principal, @PathVariable String id,
			@RequestParam(required = false) Integer version) {
		return this.topologies.read(principal.getName(), id, version).map(TopologyController::yaml);
	}

	static ResponseEntity<byte[]> yaml(StoredTopology t) {
		return ResponseEntity.ok()
			.contentType(YAML)
			.header("X-Topology-Version", Integer.toString(t.version()))
			.body(t.yaml().getBytes(StandardCharsets.UTF_8));
	}

	@PutMapping(path = "/{id}",
			consumes = { "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
					"text/plain" })
	@Operation(summary = "Store a new version of a topology (versions are immutable)",
			responses = { @ApiResponse(responseCode = "200", description = "the new version"),
					@ApiResponse(responseCode = "404"),
					@ApiResponse(responseCode = "409", description = "a concurrent update took the version number"),
					@ApiResponse(responseCode = "413"), @ApiResponse(responseCode = "422") })
	Mono<TopologyView> update(Principal principal, @PathVariable String id, ServerHttpRequest request) {
		String owner = principal.getName();
		return this.topologies.meta(owner, id)
			.then(Submissions.read(request, this.topologies.maxBytes()))
			.flatMap((s) -> this.topologies.update(owner, id, s.name(), s.yaml()))
			.flatMap((m) -> viewOf(owner, id, m.latestVersion()));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a topology with all its versions and shares",
			responses = { @ApiResponse(responseCode = "204"), @ApiResponse(responseCode = "404") })
	Mono<Void> delete(Principal principal, @PathVariable String id) {
		return this.topologies.delete(principal.getName(), id);
	}

	@GetMapping("/{id}/versions")
	@Operation(summary = "List the versions of a topology, oldest first",
			responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "404") })
	Flux<TopologyService.VersionInfo> versions(Principal principal, @PathVariable String id) {
		return this.topologies.versions(principal.getName(), id);
	}

	@PostMapping("/{id}/fork")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Copy one of your topologies (latest or ?version=N) into a new topology",
			responses = { @ApiResponse(responseCode = "201"), @ApiResponse(responseCode = "404") })
	Mono<ResponseEntity<TopologyView>> fork(Principal principal, @PathVariable String id,
			@RequestParam(required = false) Integer version, @RequestParam(required = false) String name) {
		String owner = principal.getName();
		return this.topologies.read(owner, id, version)
			.flatMap((source) -> this.topologies.fork(owner, source, name))
			.flatMap((m) -> viewOf(owner, m.id(), 1))
			.map((v) -> ResponseEntity.created(URI.create("/api/topologies/" + v.id())).body(v));
	}

}
