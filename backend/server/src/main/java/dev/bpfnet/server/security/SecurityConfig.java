package dev.bpfnet.server.security;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UserDetailsRepositoryReactiveAuthenticationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.WebFilter;

/**
 * Web security, in two filter chains.
 *
 * <p>
 * <b>{@code /api/**}</b>: HTTP Basic (account password), {@code Authorization: Bearer}
 * personal API tokens ({@link ApiTokens}), or the browser's login session. Basic and
 * Bearer are stateless. CSRF is checked only where it can matter: on unsafe methods that
 * carry the {@code SESSION} cookie and no {@code Authorization} header (the browser UI
 * sends the {@code XSRF-TOKEN} cookie's value as {@code X-XSRF-TOKEN}). Failures are
 * problem details (401, 403), never a redirect. Public: {@code POST /api/users}
 * (registration), {@code POST /api/visitors} and {@code GET} of {@code /api/labs/**} and
 * {@code /api/shares/**}. A lab visitor ({@link Visitors}, a cookie, no account) reaches
 * {@code /api/runs/**} only (the run service lets it start lab runs only); elsewhere it
 * gets 403.
 *
 * <p>
 * <b>Everything else</b> (pages): the login form ({@code /login}), logout
 * ({@code POST /logout}), registration form ({@code /register}), CSRF on every form POST
 * (token in the {@code XSRF-TOKEN} cookie, masked in the form's {@code _csrf} field).
 * Public: {@code /}, static resources, {@code /actuator/health}, {@code /actuator/info},
 * the OpenAPI document and Swagger UI, the lab pages, shared-topology pages
 * ({@code /shared/{token}}) and the editor's YAML/JSON converters under {@code /ui}.
 * Actuator metrics need an account: the login session, Basic, or, as for the API, a
 * Bearer token (accepted on {@code /actuator/**} only).
 *
 * <p>
 * Passwords: see {@link PasswordConfig}.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE);

	/** Session cookie name of Spring WebFlux's default WebSession. */
	static final String SESSION_COOKIE = "SESSION";

	@Bean
	ReactiveAuthenticationManager passwordAuthenticationManager(UserAccounts users, PasswordEncoder encoder) {
		UserDetailsRepositoryReactiveAuthenticationManager manager = new UserDetailsRepositoryReactiveAuthenticationManager(
				users);
		manager.setPasswordEncoder(encoder);
		return manager;
	}

	@Bean
	ServerCsrfTokenRepository csrfTokenRepository() {
		return CookieServerCsrfTokenRepository.withHttpOnlyFalse();
	}

	@Bean
	@Order(1)
	SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveAuthenticationManager passwords,
			ApiTokens tokens, ServerCsrfTokenRepository csrf, Visitors visitors) {
		ApiProblems problems = new ApiProblems();
		ServerWebExchangeMatcher sessionWrite = (exchange) -> {
			var request = exchange.getRequest();
			boolean unsafe = !SAFE.contains(request.getMethod());
			boolean credentials = request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
			boolean session = request.getCookies().containsKey(SESSION_COOKIE) || Visitors.hasCookie(exchange);
			return (unsafe && !credentials && session) ? MatchResult.match() : MatchResult.notMatch();
		};
		return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/**"))
			.authorizeExchange(
					(ex) -> ex.pathMatchers(HttpMethod.POST, "/api/users", "/api/labs/*/check", "/api/visitors")
						.permitAll()
						.pathMatchers(HttpMethod.GET, "/api/labs", "/api/labs/**", "/api/shares/**")
						.permitAll()
						.pathMatchers(HttpMethod.HEAD, "/api/labs", "/api/labs/**", "/api/shares/**")
						.permitAll()
						// lab visitors (no account) have runs, and nothing else
						.pathMatchers("/api/runs", "/api/runs/**")
						.authenticated()
						.anyExchange()
						.access(SecurityConfig::accountsOnly))
			.authenticationManager(passwords)
			.httpBasic((basic) -> basic.authenticationEntryPoint(problems))
			.addFilterAt(BearerTokens.filter(tokens, problems, ServerWebExchangeMatchers.anyExchange()),
					SecurityWebFiltersOrder.HTTP_BASIC)
			.addFilterAt(visitors.filter(), SecurityWebFiltersOrder.ANONYMOUS_AUTHENTICATION)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.csrf((c) -> c.csrfTokenRepository(csrf)
				.csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
				.requireCsrfProtectionMatcher(sessionWrite)
				.accessDeniedHandler(problems))
			.exceptionHandling((e) -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.build();
	}

	@Bean
	@Order(2)
	SecurityWebFilterChain pageSecurity(ServerHttpSecurity http, ReactiveAuthenticationManager passwords,
			ApiTokens tokens, ServerCsrfTokenRepository csrf) {
		return http
			.authorizeExchange((ex) -> ex
				.pathMatchers("/", "/login", "/register", "/error", "/favicon.ico", "/css/**", "/js/**", "/img/**",
						"/webjars/**", "/actuator/health", "/actuator/health/**", "/actuator/info", "/v3/api-docs",
						"/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**")
				.permitAll()
				// labs can be tried and shares read without an account; the editor those
				// pages
				// show converts YAML <-> JSON through /ui (stateless, CSRF-checked)
				.pathMatchers(HttpMethod.GET, "/labs", "/labs/**", "/shared/**")
				.permitAll()
				// a run's page holds no data (its script asks the API, which checks the
				// owner): lab visitors watch their runs there
				.pathMatchers(HttpMethod.GET, "/runs/*")
				.permitAll()
				.pathMatchers(HttpMethod.POST, "/ui/topology-json", "/ui/topology-yaml")
				.permitAll()
				.anyExchange()
				.authenticated())
			.authenticationManager(passwords)
			.formLogin((form) -> form.loginPage("/login"))
			.httpBasic((basic) -> {
			})
			.addFilterAt(BearerTokens.filter(tokens, new ApiProblems(),
					ServerWebExchangeMatchers.pathMatchers("/actuator/**")), SecurityWebFiltersOrder.HTTP_BASIC)
			.logout((logout) -> logout.logoutUrl("/logout"))
			.csrf((c) -> c.csrfTokenRepository(csrf))
			.addFilterAfter(subscribeCsrfToken(), SecurityWebFiltersOrder.CSRF)
			.build();
	}

	/** Authenticated, and with an account: a lab visitor gets 403. */
	private static Mono<AuthorizationResult> accountsOnly(Mono<Authentication> authentication,
			AuthorizationContext context) {
		return authentication.filter(Authentication::isAuthenticated)
			.<AuthorizationResult>map((auth) -> new AuthorizationDecision(
					auth.getAuthorities().stream().noneMatch((a) -> Visitors.ROLE.equals(a.getAuthority()))))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

	/**
	 * Makes sure every page response carries the {@code XSRF-TOKEN} cookie (WebFlux
	 * creates the token lazily), so browser scripts can send it to the API.
	 */
	private static WebFilter subscribeCsrfToken() {
		return (exchange, chain) -> {
			Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
			return (token != null) ? token.then(chain.filter(exchange)) : chain.filter(exchange);
		};
	}

}
