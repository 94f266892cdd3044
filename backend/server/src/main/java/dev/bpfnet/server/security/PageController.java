package dev.bpfnet.server.security;

import java.util.List;
import java.util.Map;

import dev.bpfnet.server.api.ApiException;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * The login and registration pages (templates {@code login.html} and
 * {@code register.html} in the frontend module). {@code POST /login} and
 * {@code POST /logout} are handled by Spring Security; {@code POST /register} is here.
 * Both forms carry the CSRF token.
 */
@Controller
class PageController {

	private final UserAccounts users;

	PageController(UserAccounts users) {
		this.users = users;
	}

	@GetMapping("/login")
	String login() {
		return "login";
	}

	@GetMapping("/register")
	String register() {
		return "register";
	}

	@PostMapping("/register")
	Mono<String> registerSubmit(ServerWebExchange exchange, Model model) {
		return exchange.getFormData().flatMap((MultiValueMap<String, String> form) -> {
			String username = form.getFirst("username");
			String password = form.getFirst("password");
			model.addAttribute("username", username == null ? "" : username);
			return this.users.register(username, password)
				.thenReturn("redirect:/login?registered")
				.onErrorResume(ApiException.class, (ex) -> {
					exchange.getResponse()
						.setStatusCode(
								ex.status() == HttpStatus.CONFLICT ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST);
					List<Map<String, Object>> errors = ex.errors();
					model.addAttribute("errors",
							errors.stream().map((e) -> e.get("path") + ": " + e.get("message")).toList());
					return Mono.just("register");
				});
		});
	}

	/**
	 * The CSRF token for page forms, as {@code _csrf} ({@code parameterName},
	 * {@code token}).
	 */
	@ModelAttribute("_csrf")
	Mono<org.springframework.security.web.server.csrf.CsrfToken> csrf(ServerWebExchange exchange) {
		Mono<org.springframework.security.web.server.csrf.CsrfToken> token = exchange
			.getAttribute(org.springframework.security.web.server.csrf.CsrfToken.class.getName());
		return token != null ? token : Mono.empty();
	}

}
