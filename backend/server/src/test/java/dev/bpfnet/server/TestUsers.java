package dev.bpfnet.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Registers accounts and makes API tokens through the real API, for tests. */
public final class TestUsers {

	public static final String PASSWORD = "correct horse battery";

	private TestUsers() {
	}

	/**
	 * A client bound to the application context with Spring Security's test support
	 * ({@code mockUser()}, {@code csrf()}) and a generous response timeout (a loaded
	 * two-core machine; nothing asserts on time); add codecs or build it.
	 */
	public static WebTestClient.Builder secured(ApplicationContext context, Duration timeout) {
		return WebTestClient.bindToApplicationContext(context)
			.apply(SecurityMockServerConfigurers.springSecurity())
			.configureClient()
			.responseTimeout(timeout);
	}

	/** Registers {@code name} and returns a fresh Bearer API token of it. */
	public static String registerWithToken(WebTestClient client, String name) {
		client.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", name, "password", PASSWORD))
			.exchange()
			.expectStatus()
			.isCreated();
		return token(client, name);
	}

	/** A new API token of {@code name}, made with HTTP Basic. */
	@SuppressWarnings("unchecked")
	public static String token(WebTestClient client, String name) {
		Map<String, Object> body = client.post()
			.uri("/api/tokens")
			.headers((h) -> h.setBasicAuth(name, PASSWORD))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "test"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CREATED)
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String token = (String) body.get("token");
		assertThat(token).startsWith("bpfnet_").hasSizeGreaterThan(40);
		return token;
	}

	/**
	 * A fresh data directory under {@code target/test-data} (usable in static
	 * initialisers, unlike {@code @TempDir} with a per-class test lifecycle).
	 */
	public static java.nio.file.Path newDataDir() {
		try {
			java.nio.file.Path base = java.nio.file.Files
				.createDirectories(java.nio.file.Path.of("target", "test-data"));
			return java.nio.file.Files.createTempDirectory(base.toAbsolutePath(), "data-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A test resource as text. */
	public static String resource(String path) {
		try {
			return new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
