package dev.bpfnet.server;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

class BpfnetServerApplicationTests extends ServerIntegrationTest {

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

	@Test
	void theDatabaseIsAFileInTheDataDirectory() {
		assertThat(DATA_DIR.resolve("bpfnet.mv.db")).exists();
	}

}
