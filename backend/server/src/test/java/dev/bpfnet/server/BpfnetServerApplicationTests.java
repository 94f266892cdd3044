package dev.bpfnet.server;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class BpfnetServerApplicationTests {

	/** The H2 file database goes to a temp directory, never under the source tree. */
	@org.junit.jupiter.api.io.TempDir
	static java.nio.file.Path dataDir;

	@org.springframework.test.context.DynamicPropertySource
	static void dataDir(org.springframework.test.context.DynamicPropertyRegistry r) {
		r.add("bpfnet.data-dir", () -> dataDir.toString());
	}

	@Autowired
	WebTestClient client;

	@Test
	void healthIsUp() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void startPageRendersFromTheFrontendJar() {
		String body = this.client.get()
			.uri("/")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).contains("bpfnet-lab").contains("<span>512</span>-byte stack frames");
	}

	@Test
	void stylesheetIsServed() {
		this.client.get().uri("/css/site.css").exchange().expectStatus().isOk();
	}

}
