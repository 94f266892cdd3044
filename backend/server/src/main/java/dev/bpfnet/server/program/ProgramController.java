package dev.bpfnet.server.program;

import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Bodies;
import dev.bpfnet.server.config.BpfnetProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code /api/programs}: eBPF programs uploaded as an ELF object (multipart
 * {@code file}), as assembly ({@code text/plain}, or JSON {@code kind: "asm"}) or as C
 * (JSON {@code kind: "c"}, compiled in the {@link ClangSandbox}). Bodies are read with
 * the {@code bpfnet.limits.max-upload-bytes} cap: past it the answer is 413 and nothing
 * is stored.
 */
@RestController
@RequestMapping("/api/programs")
@Tag(name = "programs", description = "eBPF programs: ELF objects, assembly, C")
public class ProgramController {

	/** Room for the multipart boundaries and part headers around the file. */
	static final long MULTIPART_OVERHEAD = 16 * 1024;

	private final ProgramService programs;

	private final JsonMapper json;

	private final long maxUpload;

	ProgramController(ProgramService programs, JsonMapper json, BpfnetProperties properties) {
		this.programs = programs;
		this.json = json;
		this.maxUpload = properties.limits().maxUploadBytes();
	}

	/**
	 * The JSON upload form.
	 *
	 * @param name the program's name (required for C)
	 * @param kind {@code asm} or {@code c}
	 * @param source the text
	 * @param section for assembly: the libbpf section (default {@code tc})
	 * @param fileName for C: the file name diagnostics use (default from the name)
	 */
	public record SourceUpload(String name, String kind, String source, String section, String fileName) {
	}

	@PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Upload a BPF ELF object (multipart part 'file', optional part 'name')")
	@ApiResponse(responseCode = "201",
			description = "stored (check 'verified': a rejected program is stored with its verifier log)")
	@ApiResponse(responseCode = "413", description = "larger than bpfnet.limits.max-upload-bytes",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "422",
			description = "malformed ELF (names the section/offset), no program, or a program over bpfnet.limits.max-program-insns",
			content = @Content(mediaType = "application/problem+json"))
	Mono<ResponseEntity<ProgramView>> uploadObject(ServerWebExchange exchange) {
		return owner(exchange).flatMap((owner) -> {
			checkLength(exchange, this.maxUpload + MULTIPART_OVERHEAD);
			return exchange.getMultipartData()
				.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge())
				.flatMap((parts) -> {
					Part file = parts.getFirst("file");
					if (file == null) {
						return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-program",
								"Invalid program", "file", "the multipart part 'file' (the ELF object) is missing"));
					}
					Part namePart = parts.getFirst("name");
					String name = (namePart instanceof FormFieldPart f) ? f.value() : null;
					String fileName = (file instanceof FilePart fp) ? fp.filename() : null;
					return read(file.content(), this.maxUpload)
						.flatMap((bytes) -> this.programs.uploadObject(owner, name, fileName, bytes));
				});
		}).map(ProgramController::created);
	}

	@PostMapping(consumes = MediaType.TEXT_PLAIN_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Upload eBPF assembly (llvm-objdump/kernel or uBPF syntax) as text/plain")
	@ApiResponse(responseCode = "201", description = "stored as a minimal ELF object with one program")
	@ApiResponse(responseCode = "413", description = "larger than bpfnet.limits.max-upload-bytes",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "422",
			description = "assembly error (line and column), unknown section, map reference, too many instructions",
			content = @Content(mediaType = "application/problem+json"))
	Mono<ResponseEntity<ProgramView>> uploadAsmText(ServerWebExchange exchange,
			@Parameter(description = "the program's name") @RequestParam(required = false) String name,
			@Parameter(description = "libbpf section, default tc") @RequestParam(required = false) String section) {
		return owner(exchange).flatMap((owner) -> {
			checkLength(exchange, this.maxUpload);
			return read(exchange.getRequest().getBody(), this.maxUpload)
				.flatMap((bytes) -> this.programs.uploadAsm(owner, name, utf8(bytes, "source"), section));
		}).map(ProgramController::created);
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(
			summary = "Upload assembly ({kind: \"asm\", name, source, section?}) or C ({kind: \"c\", name, source, fileName?})")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(
			content = @Content(schema = @Schema(implementation = SourceUpload.class)))
	@ApiResponse(responseCode = "201", description = "compiled/assembled, verified and stored")
	@ApiResponse(responseCode = "400", description = "not JSON (line and column)",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "413", description = "larger than bpfnet.limits.max-upload-bytes",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "422",
			description = "assembly or compile errors (line, column), forbidden include, compile timeout or output limit",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "503", description = "C upload without clang installed",
			content = @Content(mediaType = "application/problem+json"))
	Mono<ResponseEntity<ProgramView>> uploadSource(ServerWebExchange exchange) {
		return owner(exchange).flatMap((owner) -> {
			checkLength(exchange, this.maxUpload);
			return read(exchange.getRequest().getBody(), this.maxUpload).flatMap((bytes) -> {
				SourceUpload u = parse(bytes);
				String kind = (u.kind() == null) ? "" : u.kind();
				return switch (kind) {
					case "asm" -> this.programs.uploadAsm(owner, u.name(), u.source(), u.section());
					case "c" -> this.programs.uploadC(owner, u.name(), u.fileName(), u.source());
					default -> Mono.error(
							ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-program", "Invalid program",
									"kind", "must be \"asm\" or \"c\" (upload objects as multipart 'file')"));
				};
			});
		}).map(ProgramController::created);
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List your programs, newest first")
	Flux<ProgramSummary> list(ServerWebExchange exchange) {
		return owner(exchange).flatMapMany(this.programs::list);
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "A program: sections, maps, verifier results and logs, disassembly, source")
	@ApiResponse(responseCode = "404", description = "no such program of yours",
			content = @Content(mediaType = "application/problem+json"))
	Mono<ProgramView> get(ServerWebExchange exchange, @PathVariable String id) {
		return owner(exchange).flatMap((owner) -> this.programs.get(owner, id));
	}

	@GetMapping(path = "/{id}/object")
	@Operation(summary = "Download the program's ELF object (.o)")
	@ApiResponse(responseCode = "200", content = @Content(mediaType = "application/octet-stream"))
	@ApiResponse(responseCode = "404", description = "no such program of yours",
			content = @Content(mediaType = "application/problem+json"))
	Mono<ResponseEntity<byte[]>> object(ServerWebExchange exchange, @PathVariable String id) {
		return owner(exchange).flatMap((owner) -> this.programs.find(owner, id)).map((p) -> {
			String base = p.fileName().replaceAll("\\.(c|s|o)$", "");
			HttpHeaders h = new HttpHeaders();
			h.setContentType(MediaType.APPLICATION_OCTET_STREAM);
			h.setContentDisposition(ContentDisposition.attachment().filename(base + ".o").build());
			return ResponseEntity.ok().headers(h).body(p.object());
		});
	}

	@DeleteMapping(path = "/{id}")
	@Operation(summary = "Delete a program")
	@ApiResponse(responseCode = "204", description = "deleted")
	@ApiResponse(responseCode = "404", description = "no such program of yours",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "409", description = "a stored topology version names the program (listed)",
			content = @Content(mediaType = "application/problem+json"))
	Mono<ResponseEntity<Void>> delete(ServerWebExchange exchange, @PathVariable String id) {
		return owner(exchange).flatMap((owner) -> this.programs.delete(owner, id))
			.then(Mono.just(ResponseEntity.noContent().build()));
	}

	private static ResponseEntity<ProgramView> created(ProgramView v) {
		return ResponseEntity.created(URI.create("/api/programs/" + v.id())).body(v);
	}

	/** The authenticated user's name, or 401. */
	static Mono<String> owner(ServerWebExchange exchange) {
		return exchange.getPrincipal()
			.filter((p) -> !(p instanceof AnonymousAuthenticationToken))
			.map((p) -> p.getName())
			.switchIfEmpty(Mono
				.error(() -> new ApiException(HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required",
						"programs belong to a user: log in, or use HTTP Basic or an API token", List.of())));
	}

	private void checkLength(ServerWebExchange exchange, long max) {
		long length = exchange.getRequest().getHeaders().getContentLength();
		if (length > max) {
			throw Bodies.tooLarge("the upload", length, this.maxUpload);
		}
	}

	/** 413 for a streamed upload past bpfnet.limits.max-upload-bytes. */
	private ApiException tooLarge() {
		return Bodies.tooLarge("the upload", -1, this.maxUpload);
	}

	private Mono<byte[]> read(Flux<DataBuffer> body, long max) {
		int cap = (int) Math.min(Integer.MAX_VALUE - 8, max);
		return DataBufferUtils.join(body, cap).map((buf) -> {
			byte[] b = new byte[buf.readableByteCount()];
			buf.read(b);
			DataBufferUtils.release(buf);
			return b;
		}).onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge()).defaultIfEmpty(new byte[0]);
	}

	private SourceUpload parse(byte[] body) {
		try {
			SourceUpload u = this.json.readValue(body, SourceUpload.class);
			if (u == null) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-json", "Invalid JSON", "body",
						"expected an object {name, kind, source}");
			}
			return u;
		}
		catch (JacksonException ex) {
			Map<String, Object> err = new LinkedHashMap<>();
			TokenStreamLocation loc = ex.getLocation();
			if (loc != null && loc.getLineNr() > 0) {
				err.put("line", loc.getLineNr());
				err.put("column", loc.getColumnNr());
			}
			String path = ex.getPathReference();
			if (path != null && !path.isEmpty()) {
				err.put("path", path);
			}
			err.put("message", ex.getOriginalMessage());
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid-json", "Invalid JSON",
					"the body is not a valid upload document: " + ex.getOriginalMessage(), List.of(err));
		}
	}

	private static String utf8(byte[] bytes, String path) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-program", "Invalid program", path,
					"not UTF-8 text");
		}
	}

}
