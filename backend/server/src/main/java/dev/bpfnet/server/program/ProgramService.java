package dev.bpfnet.server.program;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Ids;
import dev.bpfnet.server.program.ClangSandbox.CompileException;
import dev.bpfnet.server.program.ClangSandbox.Diagnostic;
import dev.bpfnet.server.program.ProgramAnalyzer.Analysis;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Uploads, reads and deletes programs. The blocking work (clang, the ELF loader, the
 * verifier) runs on the bounded {@code programScheduler}; when its queue is full the
 * upload is answered 429.
 *
 * <p>
 * A program the verifier rejects is stored anyway, with {@code verified = false} and the
 * verifier's message and log, so that its owner can read why; a run that uses it fails
 * with the same message.
 */
@Service
public class ProgramService implements ProgramObjects {

	/** Longest program name. */
	public static final int MAX_NAME = 128;

	private final ProgramStore store;

	private final ProgramAnalyzer analyzer;

	private final ClangSandbox clang;

	private final Scheduler scheduler;

	private final JsonMapper json;

	ProgramService(ProgramStore store, ProgramAnalyzer analyzer, ClangSandbox clang,
			@Qualifier("programScheduler") Scheduler scheduler, JsonMapper json) {
		this.store = store;
		this.analyzer = analyzer;
		this.clang = clang;
		this.scheduler = scheduler;
		this.json = json;
	}

	/** An ELF object upload. */
	public Mono<ProgramView> uploadObject(String owner, String name, String fileName, byte[] elf) {
		String file = fileName(fileName, "program.o");
		String n = name(name, file.endsWith(".o") ? file.substring(0, file.length() - 2) : file, "name");
		return blocking(() -> prepare(owner, n, "elf", file, null, elf, List.of())).flatMap(this::save);
	}

	/**
	 * An assembly upload, wrapped into an ELF object with one program in {@code section}.
	 */
	public Mono<ProgramView> uploadAsm(String owner, String name, String source, String section) {
		String n = name(name, "program", "name");
		String src = source(source);
		return blocking(() -> {
			byte[] elf = this.analyzer.assemble(src, section, ProgramAnalyzer.symbolFor(n));
			return prepare(owner, n, "asm", ProgramAnalyzer.symbolFor(n) + ".s", src, elf, List.of());
		}).flatMap(this::save);
	}

	/** A C upload, compiled in the {@link ClangSandbox}. */
	public Mono<ProgramView> uploadC(String owner, String name, String fileName, String source) {
		String n = name(name, null, "name");
		String src = source(source);
		String file = ClangSandbox.safeFileName(fileName != null ? fileName : ProgramAnalyzer.symbolFor(n));
		if (!this.clang.available()) {
			return Mono.error(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "compiler-unavailable", "No C compiler",
					"C upload needs clang ('" + this.clang.settings().command()
							+ "'), which is not installed on this server; upload an object or assembly instead",
					List.of(Map.of("path", "kind", "message", "clang is not installed"))));
		}
		return blocking(() -> {
			ClangSandbox.Result r;
			try {
				r = this.clang.compile(file, src);
			}
			catch (CompileException ex) {
				throw compileError(ex);
			}
			return prepare(owner, n, "c", file, src, r.object(), r.diagnostics());
		}).flatMap(this::save);
	}

	public Flux<ProgramSummary> list(String owner) {
		return this.store.list(owner).map((s) -> {
			ProgramDetails d = this.json.readValue(s.analysis(), ProgramDetails.class);
			List<ProgramSummary.Section> sections = new ArrayList<>();
			d.programs()
				.forEach((p) -> sections.add(new ProgramSummary.Section(p.function(), p.section(), p.attachType(),
						p.insns(), p.verifier().accepted())));
			return new ProgramSummary(s.id(), s.name(), s.kind(), s.fileName(), s.verified(), s.objectSize(),
					s.sha256(), s.createdAt(), sections, d.maps().size());
		});
	}

	public Mono<ProgramView> get(String owner, String id) {
		return find(owner, id).map(this::view);
	}

	/** The stored program with its object, or 404. */
	public Mono<StoredProgram> find(String owner, String id) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("program", id));
		}
		return this.store.find(owner, id).switchIfEmpty(Mono.error(() -> ApiException.notFound("program", id)));
	}

	public Mono<Void> delete(String owner, String id) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("program", id));
		}
		// a stored topology naming the program would no longer run: refuse, and say which
		return find(owner, id).then(this.store.usedBy(owner, id).collectList()).flatMap((users) -> {
			if (!users.isEmpty()) {
				return Mono.error(new ApiException(HttpStatus.CONFLICT, "program-in-use", "Program in use",
						"program:" + id + " is named by " + String.join("; ", users)
								+ ": change or delete those topologies first",
						users.stream()
							.map((u) -> Map.<String, Object>of("path", "id", "message", "used by " + u))
							.toList()));
			}
			return this.store.delete(owner, id)
				.flatMap((deleted) -> deleted ? Mono.<Void>empty() : Mono.error(ApiException.notFound("program", id)));
		});
	}

	@Override
	public Mono<byte[]> object(String owner, String programId) {
		if (!Ids.looksValid(programId)) {
			return Mono.empty();
		}
		return this.store.object(owner, programId);
	}

	@Override
	public Mono<String> copy(String fromOwner, String programId, String toOwner) {
		if (!Ids.looksValid(programId)) {
			return Mono.empty();
		}
		return this.store.find(fromOwner, programId).flatMap((p) -> {
			String id = Ids.newId();
			StoredProgram copy = new StoredProgram(id, toOwner, p.name(), p.kind(), p.fileName(), p.source(),
					p.object(), p.sha256(), p.verified(), p.analysis(),
					java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
			return this.store.insert(copy).thenReturn(id);
		});
	}

	/** Rows stored, all owners (for tests and metrics). */
	public Mono<Long> count() {
		return this.store.count();
	}

	private <T> Mono<T> blocking(Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(this.scheduler)
			.onErrorMap(RejectedExecutionException.class,
					(ex) -> new ApiException(HttpStatus.TOO_MANY_REQUESTS, "busy", "Too many uploads",
							"the server is processing too many program uploads; try again shortly", List.of()));
	}

	private StoredProgram prepare(String owner, String name, String kind, String fileName, String source, byte[] elf,
			List<Diagnostic> diagnostics) {
		Analysis a = this.analyzer.analyze(elf, fileName);
		ProgramDetails details = new ProgramDetails(a.license(), a.programs(), a.maps(), diagnostics);
		return new StoredProgram(Ids.newId(), owner, name, kind, fileName, source, elf, sha256(elf), a.verified(),
				this.json.writeValueAsString(details),
				OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
	}

	private Mono<ProgramView> save(StoredProgram p) {
		return this.store.insert(p).thenReturn(p).map(this::view);
	}

	ProgramView view(StoredProgram p) {
		ProgramDetails d = this.json.readValue(p.analysis(), ProgramDetails.class);
		return new ProgramView(p.id(), p.name(), p.kind(), p.fileName(), p.verified(), p.object().length, p.sha256(),
				p.createdAt(), d.license(), d.programs(), d.maps(), d.compilerDiagnostics(), p.source());
	}

	static ApiException compileError(CompileException ex) {
		List<Map<String, Object>> errors = new ArrayList<>();
		for (Diagnostic d : ex.diagnostics()) {
			Map<String, Object> e = new LinkedHashMap<>();
			e.put("line", d.line());
			e.put("column", d.column());
			e.put("severity", d.severity());
			e.put("message", d.message());
			errors.add(e);
		}
		if (ex.hiddenDiagnostics() > 0) {
			errors.add(Map.of("message", ex.hiddenDiagnostics()
					+ " diagnostic line(s) located in files other than your source are not shown"));
		}
		return switch (ex.failure()) {
			case NO_COMPILER ->
				new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "compiler-unavailable", "No C compiler",
						ex.getMessage(), List.of(Map.of("path", "kind", "message", "clang is not installed")));
			case FORBIDDEN_INCLUDE -> new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "forbidden-include",
					"Include not allowed", ex.getMessage(), errors);
			case OUTSIDE_FILE -> new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "forbidden-include",
					"Include not allowed", ex.getMessage(), List.of(Map.of("path", "source", "message",
							"opens a file outside the allowed include directories")));
			case TIMEOUT ->
				new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "compile-timeout", "Compile took too long",
						ex.getMessage(), List.of(Map.of("path", "source", "message", ex.getMessage())));
			case OUTPUT_LIMIT -> new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "compile-output-too-large",
					"Compiler output too large", ex.getMessage(), errors);
			case COMPILE_ERROR -> new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "compile-error",
					"C compile failed", ex.getMessage(), errors);
		};
	}

	private static String name(String name, String fallback, String path) {
		String n = (name == null || name.isBlank()) ? fallback : name.strip();
		if (n == null) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-program", "Invalid program", path,
					"a name is required");
		}
		if (n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-program", "Invalid program", path,
					"at most " + MAX_NAME + " characters, no control characters");
		}
		return n;
	}

	private static String fileName(String fileName, String fallback) {
		if (fileName == null || fileName.isBlank()) {
			return fallback;
		}
		String f = fileName.replace('\\', '/');
		f = f.substring(f.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_.-]", "_");
		if (f.isEmpty() || f.startsWith(".")) {
			f = "_" + f;
		}
		return f.length() > 128 ? f.substring(f.length() - 128) : f;
	}

	private static String source(String source) {
		if (source == null || source.isBlank()) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-program", "Invalid program", "source",
					"the source is empty");
		}
		return source;
	}

	private static String sha256(byte[] b) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
