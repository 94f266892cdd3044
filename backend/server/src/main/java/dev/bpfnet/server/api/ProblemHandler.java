package dev.bpfnet.server.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns {@link ApiException} into an RFC 9457 problem detail
 * ({@code application/problem+json}) with an {@code errors} extension member, and does
 * the same for the framework's own errors: bean validation (400 naming each field path),
 * unreadable input (400), bodies over the codec limit (413) and other status errors.
 */
@RestControllerAdvice
public class ProblemHandler {

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ProblemDetail> api(ApiException ex) {
		return respond(ex);
	}

	@ExceptionHandler(WebExchangeBindException.class)
	ResponseEntity<ProblemDetail> validation(WebExchangeBindException ex) {
		List<Map<String, Object>> errors = new ArrayList<>();
		for (FieldError fe : ex.getFieldErrors()) {
			Map<String, Object> e = new LinkedHashMap<>();
			e.put("path", fe.getField());
			e.put("message", String.valueOf(fe.getDefaultMessage()));
			errors.add(e);
		}
		ex.getGlobalErrors()
			.forEach((ge) -> errors.add(Map.of("path", "", "message", String.valueOf(ge.getDefaultMessage()))));
		String detail = errors.isEmpty() ? "invalid request"
				: errors.stream()
					.map((e) -> e.get("path") + ": " + e.get("message"))
					.reduce((a, b) -> a + "; " + b)
					.orElse("");
		return respond(new ApiException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, errors));
	}

	@ExceptionHandler(DataBufferLimitException.class)
	ResponseEntity<ProblemDetail> tooLarge(DataBufferLimitException ex) {
		return respond(new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content too large",
				"the request body is larger than the server accepts: " + ex.getMessage(), List.of()));
	}

	@ExceptionHandler(ServerWebInputException.class)
	ResponseEntity<ProblemDetail> input(ServerWebInputException ex) {
		Throwable cause = ex.getMostSpecificCause();
		if (cause instanceof DataBufferLimitException limit) {
			return tooLarge(limit);
		}
		String detail = ex.getReason() != null ? ex.getReason() : "unreadable request";
		if (cause != null && cause != ex && cause.getMessage() != null) {
			detail = detail + ": " + firstLine(cause.getMessage());
		}
		return respond(
				new ApiException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, List.of()));
	}

	@ExceptionHandler(ResponseStatusException.class)
	ResponseEntity<ProblemDetail> status(ResponseStatusException ex) {
		HttpStatusCode code = ex.getStatusCode();
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(code,
				ex.getReason() != null ? ex.getReason() : ex.getMessage());
		return ResponseEntity.status(code).headers(ex.getHeaders()).body(pd);
	}

	private static String firstLine(String s) {
		int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}

	/** The problem detail of {@code ex}. */
	public static ProblemDetail problem(ApiException ex) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
		pd.setType(ex.type());
		pd.setTitle(ex.title());
		if (!ex.errors().isEmpty()) {
			pd.setProperty("errors", ex.errors());
		}
		return pd;
	}

	private static ResponseEntity<ProblemDetail> respond(ApiException ex) {
		return ResponseEntity.status(ex.status()).body(problem(ex));
	}

}
