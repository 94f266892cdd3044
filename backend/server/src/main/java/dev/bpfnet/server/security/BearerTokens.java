package dev.bpfnet.server.security;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;

/**
 * {@code Authorization: Bearer <token>} authentication with personal API tokens
 * ({@link ApiTokens}). Stateless: nothing is stored in a session. A wrong token is a 401,
 * never a fall-through to anonymous.
 */
final class BearerTokens {

	private BearerTokens() {
	}

	/** An unauthenticated bearer credential as presented. */
	static final class Presented extends AbstractAuthenticationToken {

		private static final long serialVersionUID = 1L;

		private final String token;

		Presented(String token) {
			super(List.of());
			this.token = token;
		}

		@Override
		public Object getCredentials() {
			return this.token;
		}

		@Override
		public Object getPrincipal() {
			return "bearer";
		}

	}

	/**
	 * The filter.
	 * @param tokens the tokens
	 * @param problems answers a failure (401 problem detail)
	 * @param where the requests on which a Bearer header is looked at
	 * @return the filter
	 */
	static AuthenticationWebFilter filter(ApiTokens tokens, ApiProblems problems, ServerWebExchangeMatcher where) {
		ReactiveAuthenticationManager manager = (Authentication auth) -> tokens
			.authenticate((String) auth.getCredentials())
			.switchIfEmpty(Mono.error(new BadCredentialsException("unknown or deleted API token")))
			.map((owner) -> UsernamePasswordAuthenticationToken.authenticated(owner, null,
					List.of(new SimpleGrantedAuthority("ROLE_USER"))));
		AuthenticationWebFilter filter = new AuthenticationWebFilter(manager);
		ServerWebExchangeMatcher header = (exchange) -> {
			String h = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
			return (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) ? MatchResult.match()
					: MatchResult.notMatch();
		};
		ServerWebExchangeMatcher bearer = new AndServerWebExchangeMatcher(where, header);
		filter.setRequiresAuthenticationMatcher(bearer);
		filter.setServerAuthenticationConverter((exchange) -> {
			String h = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
			return Mono.just(new Presented(h.substring(7).strip()));
		});
		filter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(problems));
		filter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		return filter;
	}

}
