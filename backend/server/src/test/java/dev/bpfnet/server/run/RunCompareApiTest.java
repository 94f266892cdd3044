package dev.bpfnet.server.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.bpfnet.server.RunPolling;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.BeforeEach;
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
 * {@code GET /api/runs/{a}/compare/{b}}: lab 1's veth and bpfnet runs (same traffic and
 * seed) compared packet by packet on the real H2 file database.
 */
@SpringBootTest
class RunCompareApiTest {

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry r) {
		r.add("bpfnet.data-dir", () -> dataDir.toString());
		r.add("bpfnet.labs-dir", () -> System.getProperty("bpfnet.labs.dir", "../../labs"));
	}

	@Autowired
	ApplicationContext context;

	WebTestClient client;

	final JsonMapper json = JsonMapper.builder().build();

	@BeforeEach
	void client() {
		this.client = TestUsers.secured(this.context, Duration.ofSeconds(120)).build();
	}

	JsonNode exchange(String user, String method, String uri, Object body, int status) {
		WebTestClient.RequestBodySpec spec = this.client.mutateWith(mockUser(user))
			.mutateWith(csrf())
			.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON);
		byte[] out = ((body != null) ? spec.bodyValue(body) : spec).exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(out);
	}

	String finishedLabRun(String user, String labRun) throws InterruptedException {
		String id = exchange(user, "POST", "/api/runs",
				Map.of("lab", "01-pod-egress", "labRun", labRun, "duration", "1ms"), 202)
			.get("id")
			.asString();
		JsonNode r = RunPolling.untilEnded(id, () -> exchange(user, "GET", "/api/runs/" + id, null, 200));
		assertThat(r.get("status").asString()).isEqualTo("finished");
		return id;
	}

	static List<String> strings(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach((n) -> out.add(n.asString()));
		return out;
	}

	static JsonNode function(JsonNode comparison, String name) {
		for (JsonNode f : comparison.get("functions")) {
			if (f.get("function").asString().equals(name)) {
				return f;
			}
		}
		throw new AssertionError(name + " is not among the differing functions: " + comparison.get("functions"));
	}

	@Test
	void vethAndBpfnetPathsDifferInTheBacklogHopAndTheNetkitHop() throws Exception {
		String veth = finishedLabRun("dora", "veth");
		String bpfnet = finishedLabRun("dora", "bpfnet");
		JsonNode c = exchange("dora", "GET", "/api/runs/" + veth + "/compare/" + bpfnet + "?limit=5", null, 200);
		assertThat(c.get("a").asString()).isEqualTo(veth);
		int matched = c.get("matched").asInt();
		assertThat(matched).isPositive();
		assertThat(c.get("pairs")).hasSize(5);
		// veth delivers through netif_rx: the backlog hop exists on the veth side only
		assertThat(function(c, "enqueue_to_backlog").get("onlyA").asInt()).isPositive();
		assertThat(function(c, "enqueue_to_backlog").get("onlyB").asInt()).isZero();
		assertThat(function(c, "process_backlog").get("onlyA").asInt()).isPositive();
		// bpfnet runs the program in the device's transmit routine
		assertThat(function(c, "netkit_xmit").get("onlyB").asInt()).isPositive();
		assertThat(function(c, "netkit_xmit").get("onlyA").asInt()).isZero();
		JsonNode first = c.get("pairs").get(0);
		assertThat(strings(first.get("onlyA"))).contains("veth_xmit");
		assertThat(strings(first.get("onlyB"))).contains("netkit_xmit").doesNotContain("veth_xmit");
		assertThat(first.get("latencyA").asLong()).isPositive();

		// a run against itself: every packet matched, no differences
		JsonNode self = exchange("dora", "GET", "/api/runs/" + veth + "/compare/" + veth, null, 200);
		assertThat(self.get("matched").asLong()).isEqualTo(self.get("packetsA").asLong());
		assertThat(self.get("functions")).isEmpty();
		assertThat(self.get("pairs")).hasSize(50);

		// bad limit names the parameter; another user's run is not found
		assertThat(exchange("dora", "GET", "/api/runs/" + veth + "/compare/" + bpfnet + "?limit=501", null, 400)
			.get("errors")
			.get(0)
			.get("path")
			.asString()).isEqualTo("limit");
		exchange("eve", "GET", "/api/runs/" + veth + "/compare/" + bpfnet, null, 404);
	}

	@Test
	void aRunThatHasNotEndedCannotBeCompared() throws Exception {
		String done = finishedLabRun("fred", "veth");
		String paused = exchange("fred", "POST", "/api/runs", Map.of("lab", "01-pod-egress", "labRun", "bpfnet",
				"duration", "1ms", "pace", Map.of("simNsPerWallMs", 1000, "paused", true)), 202)
			.get("id")
			.asString();
		RunPolling.untilStatus(paused, () -> exchange("fred", "GET", "/api/runs/" + paused, null, 200), "paused");
		JsonNode problem = exchange("fred", "GET", "/api/runs/" + done + "/compare/" + paused, null, 409);
		assertThat(problem.get("detail").asString()).contains(paused).contains("ended");
		exchange("fred", "POST", "/api/runs/" + paused + "/stop", null, 200);
	}

}
