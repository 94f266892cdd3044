package dev.bpfnet.server.views;

import java.security.Principal;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;

/**
 * What every page's header needs: the signed-in user's name (absent when anonymous) and
 * the CSRF token, written into a {@code <meta>} tag so that the pages' {@code fetch}
 * calls can send it in the {@code X-CSRF-TOKEN} header.
 */
@ControllerAdvice(basePackages = { "dev.bpfnet.server.views", "dev.bpfnet.server.system" })
class PageModelAdvice {

	@ModelAttribute("userName")
	Mono<String> userName(ServerWebExchange exchange) {
		return exchange.getPrincipal().map(Principal::getName);
	}

	@ModelAttribute("csrf")
	Mono<CsrfToken> csrf(ServerWebExchange exchange) {
		Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
		return (token != null) ? token : Mono.empty();
	}

}
