package dev.bpfnet.server.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.bpfnet.server.RunPolling;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

/**
 * A run stopped by {@code maxEventsPerRun} says so; with {@code keepRunTraces = 1} the
 * older trace is deleted and its packets answer 410 while its summary stays.
 */
@SpringBootTest(properties = { "bpfnet.limits.max-events-per-run=300", "bpfnet.limits.keep-run-traces=1" })
class RunLimitsTest {

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry r) {
		r.add("bpfnet.data-dir", () -> dataDir.toString());
	}

	@Autowired
	ApplicationContext context;

	final JsonMapper json = JsonMapper.builder().build();

	WebTestClient client() {
		return TestUsers.secured(this.context, Duration.ofSeconds(120))
			.build()
			.mutateWith(mockUser("ivy"))
			.mutateWith(csrf());
	}

	JsonNode get(String uri, int status) {
		return this.json.readTree(client().get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody());
	}

	JsonNode run() throws InterruptedException {
		JsonNode started = this.json.readTree(client().post()
			.uri("/api/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("yaml", RunApiTest.YAML, "duration", "1ms"))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.returnResult()
			.getResponseBody());
		String id = started.get("id").asString();
		return RunPolling.untilEnded(id, () -> get("/api/runs/" + id, 200));
	}

	@Test
	void theEventLimitStopsARunAndOldTracesGo() throws Exception {
		JsonNode first = run();
		assertThat(first.get("status").asString()).isEqualTo("stopped");
		assertThat(first.get("limit").asString()).isEqualTo("maxEventsPerRun");
		assertThat(first.get("events").asLong()).isEqualTo(300);
		assertThat(first.get("reason").asString()).startsWith("stopped at the event limit of 300 events, at ")
			.endsWith("(bpfnet.limits.max-events-per-run)");
		String id = first.get("id").asString();
		assertThat(get("/api/runs/" + id + "/summary", 200).get("simulatedNs").asLong())
			.isEqualTo(first.get("simulatedNs").asLong());
		assertThat(get("/api/runs/" + id + "/packets", 200).get("total").asLong()).isPositive();
		run();
		JsonNode gone = get("/api/runs/" + id + "/packets", 410);
		assertThat(gone.get("detail").asString()).contains("keep-run-traces");
		assertThat(dataDir.resolve("runs").resolve(id + ".trace.gz")).doesNotExist();
		assertThat(get("/api/runs/" + id + "/summary", 200).get("traceSha256").asString()).hasSize(64);
	}

}
