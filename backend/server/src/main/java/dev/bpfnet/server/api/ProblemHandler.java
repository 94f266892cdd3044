package dev.bpfnet.server.api;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns {@link ApiException} into an RFC 9457 problem detail
 * ({@code application/problem+json}) with an {@code errors} extension member.
 */
@RestControllerAdvice
public class ProblemHandler {

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ProblemDetail> api(ApiException ex) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
		pd.setType(ex.type());
		pd.setTitle(ex.title());
		if (!ex.errors().isEmpty()) {
			pd.setProperty("errors", ex.errors());
		}
		return ResponseEntity.status(ex.status()).body(pd);
	}

}
