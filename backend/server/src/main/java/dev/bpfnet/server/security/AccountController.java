package dev.bpfnet.server.security;

import java.net.URI;
import java.security.Principal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Accounts and personal API tokens over JSON. */
@RestController
@Tag(name = "accounts", description = "Registration and personal API tokens")
class AccountController {

	private final UserAccounts users;

	private final ApiTokens tokens;

	AccountController(UserAccounts users, ApiTokens tokens) {
		this.users = users;
		this.tokens = tokens;
	}

	record Registration(String username, String password) {
	}

	record Account(String username) {
	}

	record TokenRequest(String name) {
	}

	@PostMapping("/api/users")
	@Operation(summary = "Register an account (public)",
			responses = { @ApiResponse(responseCode = "201", description = "created"),
					@ApiResponse(responseCode = "400", description = "invalid user name or password (errors[].path)"),
					@ApiResponse(responseCode = "409", description = "user name taken") })
	Mono<ResponseEntity<Account>> register(@RequestBody Registration body) {
		return this.users.register(body.username(), body.password())
			.map((name) -> ResponseEntity.created(URI.create("/api/users/me")).body(new Account(name)));
	}

	@GetMapping("/api/users/me")
	@Operation(summary = "The authenticated account",
			responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "401") })
	Mono<Account> me(Principal principal) {
		return Mono.just(new Account(principal.getName()));
	}

	@PostMapping("/api/tokens")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Create a personal API token; the token is shown in this response only",
			responses = { @ApiResponse(responseCode = "201"), @ApiResponse(responseCode = "401"),
					@ApiResponse(responseCode = "422", description = "too many tokens") })
	Mono<ApiTokens.NewToken> createToken(Principal principal, @RequestBody(required = false) TokenRequest body) {
		return this.tokens.create(principal.getName(), body == null ? null : body.name());
	}

	@GetMapping("/api/tokens")
	@Operation(summary = "List your API tokens (without their secrets)")
	Flux<ApiTokens.TokenInfo> listTokens(Principal principal) {
		return this.tokens.list(principal.getName());
	}

	@DeleteMapping("/api/tokens/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete (revoke) one of your API tokens",
			responses = { @ApiResponse(responseCode = "204"), @ApiResponse(responseCode = "404") })
	Mono<Void> deleteToken(Principal principal, @PathVariable String id) {
		return this.tokens.delete(principal.getName(), id);
	}

}
