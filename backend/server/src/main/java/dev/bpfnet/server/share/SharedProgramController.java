package dev.bpfnet.server.share;

import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.program.ProgramObjects;
import dev.bpfnet.server.program.ProgramService;
import dev.bpfnet.server.program.ProgramView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The programs of a shared topology, read-only: a program is readable through the share
 * exactly when the shared version names it ({@code program:<id>}); any other id answers
 * 404, as do revoked and unknown tokens.
 */
@RestController
@Tag(name = "shares")
class SharedProgramController {

	private final ShareService shares;

	private final ProgramService programs;

	SharedProgramController(ShareService shares, ProgramService programs) {
		this.shares = shares;
		this.programs = programs;
	}

	@GetMapping(path = "/api/shares/{token}/programs/{programId}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "A program the shared topology names: verifier log, disassembly, maps (public)")
	Mono<ProgramView> program(@PathVariable String token, @PathVariable String programId) {
		return this.shares.resolve(token)
			.flatMap((s) -> this.shares.topology(token)
				.filter((t) -> t.yaml().contains(ProgramObjects.PREFIX + programId))
				.flatMap((t) -> this.programs.get(s.owner(), programId)))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("program", programId)));
	}

}
