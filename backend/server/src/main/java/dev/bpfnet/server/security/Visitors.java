package dev.bpfnet.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import dev.bpfnet.server.api.Ids;
import dev.bpfnet.server.config.BpfnetProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

/**
 * Lab visitors: people trying a lab without an account.
 *
 * <p>
 * {@code POST /api/visitors} hands out a visitor cookie ({@value #COOKIE}: the issue time
 * and 128 random bits, {@code HttpOnly}, {@code SameSite=Lax}, {@code Max-Age} = the
 * {@code bpfnet.limits.anonymous-run-ttl}). Nothing is stored: the visitor's name is
 * {@code ~visitor-} and the first 128 bits of the cookie's SHA-256, so only the holder of
 * the cookie acts as that visitor, and {@code ~} never starts an account name
 * ({@link UserAccounts#USERNAME}). A cookie older than the TTL is ignored.
 *
 * <p>
 * A visitor may start runs of labs ({@code POST /api/runs} with {@code lab}) and read,
 * control and export its own runs; everything else under {@code /api} answers 403
 * ({@link SecurityConfig}). Visitors' runs are deleted when they are older than the TTL
 * ({@code run.VisitorRunExpiry}).
 */
@RestController
public class Visitors {

	/** The cookie that carries a visitor's identity. */
	public static final String COOKIE = "BPFNET_VISITOR";

	/** Every visitor name starts with this; no account name can. */
	public static final String PREFIX = "~visitor-";

	static final String ROLE = "ROLE_VISITOR";

	private final Duration ttl;

	private final Clock clock;

	@Autowired
	public Visitors(BpfnetProperties properties) {
		this(properties.limits().anonymousRunTtl(), Clock.systemUTC());
	}

	Visitors(Duration ttl, Clock clock) {
		this.ttl = ttl;
		this.clock = clock;
	}

	/** Whether {@code owner} names a visitor rather than an account. */
	public static boolean isVisitor(String owner) {
		return owner != null && owner.startsWith(PREFIX);
	}

	/** The new visitor's name and when its cookie and runs expire. */
	public record Visitor(String name, Instant expiresAt) {
	}

	@Operation(summary = "Become a lab visitor (no account): sets the visitor cookie",
			description = "A visitor may start lab runs (POST /api/runs with `lab`) and read its own runs; they "
					+ "and the cookie expire after `bpfnet.limits.anonymous-run-ttl` (default 1 h).")
	@ApiResponse(responseCode = "201", description = "the visitor; the cookie is in Set-Cookie")
	@PostMapping("/api/visitors")
	public ResponseEntity<Visitor> create() {
		long issued = this.clock.instant().getEpochSecond();
		String token = issued + "." + Ids.random(16);
		ResponseCookie cookie = ResponseCookie.from(COOKIE, token)
			.httpOnly(true)
			.sameSite("Lax")
			.path("/")
			.maxAge(this.ttl)
			.build();
		return ResponseEntity.status(HttpStatus.CREATED)
			.header("Set-Cookie", cookie.toString())
			.body(new Visitor(name(token), Instant.ofEpochSecond(issued).plus(this.ttl)));
	}

	/**
	 * The visitor {@code token} stands for, or {@code null} when it is malformed or older
	 * than the TTL.
	 */
	String visitor(String token) {
		if (token == null || token.length() > 80) {
			return null;
		}
		int dot = token.indexOf('.');
		if (dot <= 0 || !Ids.looksValid(token.substring(dot + 1))) {
			return null;
		}
		long issued;
		try {
			issued = Long.parseLong(token.substring(0, dot));
		}
		catch (NumberFormatException ex) {
			return null;
		}
		long now = this.clock.instant().getEpochSecond();
		if (issued > now + 60 || now - issued > this.ttl.toSeconds()) {
			return null;
		}
		return name(token);
	}

	static String name(String token) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
			return PREFIX + HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Authenticates a request that carries a valid visitor cookie and no other
	 * credentials (no {@code Authorization} header and no signed-in session) as that
	 * visitor, with the single authority {@value #ROLE}.
	 */
	WebFilter filter() {
		return (exchange, chain) -> {
			String name = visitorOf(exchange);
			if (name == null) {
				return chain.filter(exchange);
			}
			return ReactiveSecurityContextHolder.getContext()
				.map(SecurityContext::getAuthentication)
				.filter(Authentication::isAuthenticated)
				.hasElement()
				.flatMap(
						(signedIn) -> signedIn ? chain.filter(exchange)
								: chain.filter(exchange)
									.contextWrite(ReactiveSecurityContextHolder
										.withAuthentication(UsernamePasswordAuthenticationToken.authenticated(name,
												null, List.of(new SimpleGrantedAuthority(ROLE))))));
		};
	}

	private String visitorOf(ServerWebExchange exchange) {
		if (exchange.getRequest().getHeaders().containsHeader("Authorization")) {
			return null;
		}
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(COOKIE);
		return (cookie != null) ? visitor(cookie.getValue()) : null;
	}

	/** Whether the request carries a visitor cookie (for the CSRF rule). */
	static boolean hasCookie(ServerWebExchange exchange) {
		return exchange.getRequest().getCookies().containsKey(COOKIE);
	}

}
