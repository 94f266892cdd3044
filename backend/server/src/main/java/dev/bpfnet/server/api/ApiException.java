package dev.bpfnet.server.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * An error the API answers as an RFC 9457 problem detail ({@link ProblemHandler}). The
 * {@code type} is a stable URI under {@code https://bpfnet.dev/problems/}; {@code errors}
 * names each offending field path, line, section or instruction so that a client (and the
 * UI) can point at it.
 */
public class ApiException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	private final String type;

	private final String title;

	private final List<Map<String, Object>> errors;

	/**
	 * @param status HTTP status
	 * @param type short problem type name, e.g. {@code invalid-topology}
	 * @param title short, human summary
	 * @param detail the precise explanation
	 * @param errors one map per error ({@code path}, {@code line}, {@code column},
	 * {@code section}, {@code instruction}, {@code message}, ...); may be empty
	 */
	public ApiException(HttpStatus status, String type, String title, String detail, List<Map<String, Object>> errors) {
		super(detail);
		this.status = status;
		this.type = type;
		this.title = title;
		this.errors = List.copyOf(errors);
	}

	/**
	 * 404 for a resource that does not exist for the caller (also: owned by someone
	 * else).
	 */
	public static ApiException notFound(String what, String id) {
		return new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " '" + id + "' does not exist",
				List.of());
	}

	/** 400 or 422 with one error at a path. */
	public static ApiException invalid(HttpStatus status, String type, String title, String path, String message) {
		return new ApiException(status, type, title, path + ": " + message,
				List.of(Map.of("path", path, "message", message)));
	}

	public HttpStatus status() {
		return this.status;
	}

	public URI type() {
		return URI.create("https://bpfnet.dev/problems/" + this.type);
	}

	public String title() {
		return this.title;
	}

	public List<Map<String, Object>> errors() {
		return this.errors;
	}

}
