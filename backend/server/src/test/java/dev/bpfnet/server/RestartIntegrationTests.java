package dev.bpfnet.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything survives a restart: write through the API, close the application context
 * (which closes the H2 file database), start a new one on the same data directory, given
 * as a relative path, and read everything back.
 */
class RestartIntegrationTests {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	static ConfigurableApplicationContext start(Path dataDir) {
		return new SpringApplicationBuilder(BpfnetServerApplication.class).run("--server.port=0",
				"--bpfnet.data-dir=" + dataDir, "--spring.main.banner-mode=off");
	}

	static WebTestClient client(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofMinutes(2))
			.build();
	}

	/**
	 * H2 holds a file lock on an open database; in this JVM a second lock attempt on a
	 * file still locked throws, so getting the lock proves the database was really
	 * closed.
	 */
	static void assertClosed(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
				FileLock lock = channel.tryLock()) {
			assertThat(lock).as("the database file is no longer locked").isNotNull();
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void writeStopStartReadBack() throws IOException {
		Path absolute = TestUsers.newDataDir();
		// a relative data directory must be resolved once, the same way by R2DBC and
		// Flyway
		Path relative = Path.of("").toAbsolutePath().relativize(absolute);
		assertThat(relative.isAbsolute()).isFalse();
		String veth = TestUsers.resource("topologies/pod-egress-veth.yaml");
		String v2 = veth.replace("seed: 42", "seed: 7");

		String token;
		String id;
		String share;
		try (ConfigurableApplicationContext first = start(relative)) {
			WebTestClient client = client(first);
			token = TestUsers.registerWithToken(client, "r-user");
			Map<String, Object> created = client.post()
				.uri("/api/topologies")
				.headers((h) -> h.setBearerAuth(token))
				.contentType(YAML)
				.bodyValue(veth)
				.exchange()
				.expectStatus()
				.isCreated()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			id = (String) created.get("id");
			client.put()
				.uri("/api/topologies/{id}", id)
				.headers((h) -> h.setBearerAuth(token))
				.contentType(YAML)
				.bodyValue(v2)
				.exchange()
				.expectStatus()
				.isOk();
			share = (String) client.post()
				.uri("/api/topologies/{id}/shares", id)
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isCreated()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody()
				.get("token");
		}
		assertThat(absolute.resolve("bpfnet.mv.db")).isNotEmptyFile();
		assertClosed(absolute.resolve("bpfnet.mv.db"));

		try (ConfigurableApplicationContext second = start(absolute)) {
			WebTestClient client = client(second);
			// the password and the API token still work
			client.get()
				.uri("/api/users/me")
				.headers((h) -> h.setBasicAuth("r-user", TestUsers.PASSWORD))
				.exchange()
				.expectStatus()
				.isOk();
			client.get()
				.uri("/api/topologies/{id}?version=1", id)
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.yaml")
				.isEqualTo(veth)
				.jsonPath("$.latestVersion")
				.isEqualTo(2);
			client.get()
				.uri("/api/topologies/{id}.yaml", id)
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectBody(String.class)
				.isEqualTo(v2);
			client.get()
				.uri("/api/topologies/{id}/versions", id)
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectBody()
				.jsonPath("$.length()")
				.isEqualTo(2);
			client.get()
				.uri("/api/shares/{t}", share)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.version")
				.isEqualTo(2)
				.jsonPath("$.yaml")
				.isEqualTo(v2);
			// and writing goes on from where it stopped
			client.put()
				.uri("/api/topologies/{id}", id)
				.headers((h) -> h.setBearerAuth(token))
				.contentType(YAML)
				.bodyValue(veth)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.version")
				.isEqualTo(3);
		}
	}

}
