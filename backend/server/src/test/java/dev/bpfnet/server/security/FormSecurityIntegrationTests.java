package dev.bpfnet.server.security;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bpfnet.server.ServerIntegrationTest;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser side of security, end to end: registration and login forms with their CSRF
 * tokens, the session cookie, CSRF on cookie-authenticated API writes (and not on Basic
 * or Bearer calls), logout.
 */
class FormSecurityIntegrationTests extends ServerIntegrationTest {

	static final Pattern HIDDEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	@Autowired
	WebTestClient client;

	@Autowired
	ApiTokens tokens;

	/** The page's CSRF field value and the XSRF-TOKEN cookie it came with. */
	record Form(String csrf, String cookie) {
	}

	Form form(String path) {
		EntityExchangeResult<String> page = this.client.get()
			.uri(path)
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult();
		Matcher m = HIDDEN.matcher(page.getResponseBody());
		assertThat(m.find()).as("the form has a _csrf field").isTrue();
		ResponseCookie cookie = page.getResponseCookies().getFirst("XSRF-TOKEN");
		assertThat(cookie).isNotNull();
		return new Form(m.group(1), cookie.getValue());
	}

	static MultiValueMap<String, String> fields(String... kv) {
		MultiValueMap<String, String> map = new LinkedMultiValueMap<>();
		for (int i = 0; i < kv.length; i += 2) {
			map.add(kv[i], kv[i + 1]);
		}
		return map;
	}

	@Test
	void registrationFormNeedsTheCsrfToken() {
		this.client.post()
			.uri("/register")
			.body(BodyInserters.fromFormData(fields("username", "f-nocsrf", "password", TestUsers.PASSWORD)))
			.exchange()
			.expectStatus()
			.isForbidden();
		Form form = form("/register");
		this.client.post()
			.uri("/register")
			.cookie("XSRF-TOKEN", form.cookie())
			.body(BodyInserters
				.fromFormData(fields("username", "f-nocsrf", "password", TestUsers.PASSWORD, "_csrf", "wrong")))
			.exchange()
			.expectStatus()
			.isForbidden();
		// nothing was registered
		this.client.get()
			.uri("/api/users/me")
			.headers((h) -> h.setBasicAuth("f-nocsrf", TestUsers.PASSWORD))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void registerSignInUseTheApiWithTheSessionAndSignOut() {
		Form reg = form("/register");
		this.client.post()
			.uri("/register")
			.cookie("XSRF-TOKEN", reg.cookie())
			.body(BodyInserters
				.fromFormData(fields("username", "f-user", "password", TestUsers.PASSWORD, "_csrf", reg.csrf())))
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.location("/login?registered");

		Form login = form("/login");
		this.client.post()
			.uri("/login")
			.cookie("XSRF-TOKEN", login.cookie())
			.body(BodyInserters
				.fromFormData(fields("username", "f-user", "password", "wrong password!", "_csrf", login.csrf())))
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.location("/login?error");
		EntityExchangeResult<Void> signedIn = this.client.post()
			.uri("/login")
			.cookie("XSRF-TOKEN", login.cookie())
			.body(BodyInserters
				.fromFormData(fields("username", "f-user", "password", TestUsers.PASSWORD, "_csrf", login.csrf())))
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.location("/")
			.expectBody()
			.isEmpty();
		String session = signedIn.getResponseCookies().getFirst("SESSION").getValue();

		// reads with the session need no CSRF token
		this.client.get()
			.uri("/api/users/me")
			.cookie("SESSION", session)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.username")
			.isEqualTo("f-user");
		// writes with the session cookie do
		this.client.post()
			.uri("/api/tokens")
			.cookie("SESSION", session)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "from the browser"))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((String d) -> assertThat(d).contains("X-XSRF-TOKEN"));
		this.client.post()
			.uri("/api/tokens")
			.cookie("SESSION", session)
			.cookie("XSRF-TOKEN", login.cookie())
			.header("X-XSRF-TOKEN", login.cookie())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "from the browser"))
			.exchange()
			.expectStatus()
			.isCreated();

		// the page header's logout form carries the token, and logout needs it
		String home = this.client.get()
			.uri("/")
			.cookie("SESSION", session)
			.cookie("XSRF-TOKEN", login.cookie())
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		Matcher logoutForm = Pattern
			.compile("action=\"/logout\"[^>]*>\\s*<input type=\"hidden\" name=\"_csrf\" value=\"([^\"]+)\"")
			.matcher(home);
		assertThat(logoutForm.find()).as("the logout form has a _csrf field").isTrue();
		this.client.post()
			.uri("/logout")
			.cookie("SESSION", session)
			.cookie("XSRF-TOKEN", login.cookie())
			.body(BodyInserters.fromFormData(fields("_csrf", "forged")))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.post()
			.uri("/logout")
			.cookie("SESSION", session)
			.cookie("XSRF-TOKEN", login.cookie())
			.body(BodyInserters.fromFormData(fields("_csrf", logoutForm.group(1))))
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.location("/login?logout");
		this.client.get().uri("/api/users/me").cookie("SESSION", session).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void bearerAndBasicApiWritesNeedNoCsrfToken() {
		String token = TestUsers.registerWithToken(this.client, "f-api");
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue(TestUsers.resource("topologies/pod-egress-veth.yaml"))
			.exchange()
			.expectStatus()
			.isCreated();
		this.client.get()
			.uri("/api/tokens")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[0].name")
			.isEqualTo("test")
			.jsonPath("$[0].token")
			.doesNotExist();
	}

	@Test
	void registrationErrorsNameTheField() {
		this.client.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "X", "password", "short"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("username")
			.jsonPath("$.errors[1].path")
			.isEqualTo("password");
		TestUsers.registerWithToken(this.client, "f-taken");
		this.client.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "f-taken", "password", TestUsers.PASSWORD))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT);
		Form reg = form("/register");
		String page = this.client.post()
			.uri("/register")
			.cookie("XSRF-TOKEN", reg.cookie())
			.body(BodyInserters.fromFormData(fields("username", "f-ok", "password", "short", "_csrf", reg.csrf())))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(page).contains("password: expected at least 10 characters");
	}

	@Test
	void deletedTokensStopWorking() {
		String token = TestUsers.registerWithToken(this.client, "f-revoker");
		String id = this.client.get()
			.uri("/api/tokens")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectBody(Map[].class)
			.returnResult()
			.getResponseBody()[0].get("id")
			.toString();
		this.client.delete()
			.uri("/api/tokens/{id}", id)
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get()
			.uri("/api/tokens")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void aTokenRevokedWithAnotherTokenIsRefusedAtOnceWhileCached() {
		String first = TestUsers.registerWithToken(this.client, "f-revoker2");
		String second = (String) this.client.post()
			.uri("/api/tokens")
			.headers((h) -> h.setBearerAuth(first))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "second"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("token");
		for (int i = 0; i < 3; i++) {
			// used (and cached) a few times
			this.client.get()
				.uri("/api/users/me")
				.headers((h) -> h.setBearerAuth(first))
				.exchange()
				.expectStatus()
				.isOk();
		}
		assertThat(this.tokens.cached()).isPositive();
		String firstId = java.util.Arrays
			.stream(this.client.get()
				.uri("/api/tokens")
				.headers((h) -> h.setBearerAuth(second))
				.exchange()
				.expectBody(Map[].class)
				.returnResult()
				.getResponseBody())
			.filter((t) -> !"second".equals(t.get("name")))
			.findFirst()
			.orElseThrow()
			.get("id")
			.toString();
		this.client.delete()
			.uri("/api/tokens/{id}", firstId)
			.headers((h) -> h.setBearerAuth(second))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get()
			.uri("/api/users/me")
			.headers((h) -> h.setBearerAuth(first))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.get().uri("/api/users/me").headers((h) -> h.setBearerAuth(second)).exchange().expectStatus().isOk();
	}

	@Test
	void loginPageSaysWhatHappened() {
		for (String[] c : new String[][] { { "/login?error", "Wrong user name or password." },
				{ "/login?logout", "You are signed out." }, { "/login?registered", "Your account is ready" } }) {
			this.client.get()
				.uri(c[0])
				.accept(MediaType.TEXT_HTML)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.value((page) -> assertThat(page).contains(c[1]));
		}
		this.client.get()
			.uri("/login")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectBody(String.class)
			.value((page) -> assertThat(page).doesNotContain("Wrong user name"));
	}

	@Test
	void labAndSharePagesArePublic() {
		for (String path : List.of("/labs", "/shared/" + "A".repeat(43))) {
			this.client.get().uri(path).accept(MediaType.TEXT_HTML).exchange().expectStatus().isOk();
		}
		this.client.get()
			.uri("/topologies")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.location("/login");
	}

	@Test
	void pagesNeedingAnAccountRedirectToTheLoginForm() {
		this.client.get()
			.uri("/actuator/metrics")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.location("/login");
	}

}
