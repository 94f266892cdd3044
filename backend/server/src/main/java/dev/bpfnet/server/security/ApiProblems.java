package dev.bpfnet.server.security;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.server.api.ApiException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * The API's answers when security stops a request, as problem details: 401 (no or bad
 * credentials; never a redirect to the login page) and 403 (e.g. a missing CSRF token on
 * a cookie-authenticated call). The 401 challenges with {@code Bearer} only, so that a
 * browser never pops up a Basic login box and never caches Basic credentials (curl's
 * {@code -u} sends Basic without being asked).
 */
final class ApiProblems implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"bpfnet\"");
		boolean presented = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
		return write(exchange, new ApiException(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated",
				presented ? "the credentials are not valid (HTTP Basic user name and password, or a Bearer API token)"
						: "this needs an account: HTTP Basic (-u user:password) or Authorization: Bearer <API token>",
				List.of()));
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException ex) {
		String message = ex.getMessage() != null && ex.getMessage().toLowerCase(java.util.Locale.ROOT).contains("csrf")
				? "missing or wrong CSRF token: a call authenticated by the session cookie must send the XSRF-TOKEN cookie's value in an X-XSRF-TOKEN header (or use a Bearer token)"
				: "access denied";
		return exchange.getPrincipal()
			.filter((p) -> Visitors.isVisitor(p.getName()))
			.map((p) -> "a lab visitor (no account) can run labs and read its own runs only: register (POST /api/users) for the rest")
			.defaultIfEmpty(message)
			.flatMap((m) -> write(exchange,
					new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", m, List.of())));
	}

	static Mono<Void> write(ServerWebExchange exchange, ApiException ex) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", ex.type().toString());
		body.put("title", ex.title());
		body.put("status", ex.status().value());
		body.put("detail", ex.getMessage());
		body.put("instance", exchange.getRequest().getPath().value());
		if (!ex.errors().isEmpty()) {
			body.put("errors", ex.errors());
		}
		byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		var response = exchange.getResponse();
		response.setStatusCode(ex.status());
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		DataBuffer buffer = response.bufferFactory().wrap(bytes);
		return response.writeWith(Mono.just(buffer));
	}

}
