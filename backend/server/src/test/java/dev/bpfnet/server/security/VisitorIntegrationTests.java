package dev.bpfnet.server.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.bpfnet.server.RunPolling;
import dev.bpfnet.server.ServerIntegrationTest;
import dev.bpfnet.server.TestUsers;
import dev.bpfnet.server.run.RunService;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lab visitors, end to end on the real server and H2 file database: a visitor cookie, a
 * lab run started and read with it, everything else refused, other people's view of the
 * run (404), the CSRF rule for the cookie, and expiry deleting the run and its trace.
 */
class VisitorIntegrationTests extends ServerIntegrationTest {

	@Autowired
	WebTestClient client;

	@Autowired
	RunService expiry;

	/** A visitor cookie and the XSRF-TOKEN cookie a page would have set. */
	record Visitor(String cookie, String xsrf, String name) {
	}

	Visitor visitor() {
		var created = this.client.post()
			.uri("/api/visitors")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult();
		ResponseCookie cookie = created.getResponseCookies().getFirst(Visitors.COOKIE);
		assertThat(cookie).isNotNull();
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofHours(1));
		String name = created.getResponseBody().get("name").asString();
		assertThat(name).startsWith(Visitors.PREFIX);
		ResponseCookie xsrf = this.client.get()
			.uri("/labs")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseCookies()
			.getFirst("XSRF-TOKEN");
		assertThat(xsrf).isNotNull();
		return new Visitor(cookie.getValue(), xsrf.getValue(), name);
	}

	WebTestClient.ResponseSpec startLab(Visitor v, Map<String, Object> body) {
		return this.client.post()
			.uri("/api/runs")
			.cookie(Visitors.COOKIE, v.cookie())
			.cookie("XSRF-TOKEN", v.xsrf())
			.header("X-XSRF-TOKEN", v.xsrf())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	JsonNode get(Visitor v, String uri, int status) {
		return this.client.get()
			.uri(uri)
			.cookie(Visitors.COOKIE, v.cookie())
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	String finishedLabRun(Visitor v) {
		JsonNode started = startLab(v, Map.of("lab", "01-pod-egress", "labRun", "bpfnet", "duration", "1ms"))
			.expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String id = started.get("id").asString();
		JsonNode r = RunPolling.untilEnded(id, () -> get(v, "/api/runs/" + id, 200));
		assertThat(r.get("status").asString()).isEqualTo("finished");
		return id;
	}

	@Test
	void aVisitorRunsALabAndReadsItsOwnRunOnly() {
		Visitor v = visitor();
		String id = finishedLabRun(v);
		JsonNode path = get(v, "/api/runs/" + id + "/packets/0", 200);
		assertThat(path.toString()).contains("netkit_xmit");
		assertThat(get(v, "/api/runs", 200).toString()).contains(id);

		// another visitor, a user and nobody: the run does not exist for them
		get(visitor(), "/api/runs/" + id, 404);
		String token = TestUsers.registerWithToken(this.client, "visitor-peer");
		this.client.get()
			.uri("/api/runs/" + id)
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get().uri("/api/runs/" + id).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void aVisitorCanOnlyStartLabsAndReachesNothingElse() {
		Visitor v = visitor();
		JsonNode refused = startLab(v, Map.of("yaml", "nodes: []")).expectStatus()
			.isForbidden()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(refused.get("errors").get(0).get("path").asString()).isEqualTo("lab");
		JsonNode topologies = get(v, "/api/topologies", 403);
		assertThat(topologies.get("detail").asString()).contains("lab visitor");
		get(v, "/api/programs", 403);
		get(v, "/api/tokens", 403);
	}

	@Test
	void aVisitorsWritesNeedTheCsrfToken() {
		Visitor v = visitor();
		this.client.post()
			.uri("/api/runs")
			.cookie(Visitors.COOKIE, v.cookie())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("lab", "01-pod-egress", "labRun", "bpfnet"))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void forgedAndStaleCookiesAreNobody() {
		Visitors visitors = new Visitors(Duration.ofHours(1), java.time.Clock.systemUTC());
		long now = Instant.now().getEpochSecond();
		assertThat(visitors.visitor(now + ".AAAAAAAAAAAAAAAAAAAAAA")).startsWith(Visitors.PREFIX);
		assertThat(visitors.visitor((now - 3601) + ".AAAAAAAAAAAAAAAAAAAAAA")).isNull();
		assertThat(visitors.visitor((now + 3600) + ".AAAAAAAAAAAAAAAAAAAAAA")).isNull();
		assertThat(visitors.visitor("x.AAAAAAAAAAAAAAAAAAAAAA")).isNull();
		assertThat(visitors.visitor(now + ".short")).isNull();
		assertThat(visitors.visitor(null)).isNull();
		this.client.get()
			.uri("/api/runs")
			.cookie(Visitors.COOKIE, (now - 7200) + ".AAAAAAAAAAAAAAAAAAAAAA")
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void visitorsTogetherHoldABoundedNumberOfRuns() {
		try {
			this.expiry.deleteVisitorRunsBefore(Instant.now().plusSeconds(1));
			for (int i = 0; i < 3; i++) {
				finishedLabRun(visitor());
			}
			JsonNode full = startLab(visitor(), Map.of("lab", "01-pod-egress", "labRun", "bpfnet")).expectStatus()
				.isEqualTo(429)
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody();
			assertThat(full.get("detail").asString()).contains("max-visitor-runs");
		}
		finally {
			this.expiry.deleteVisitorRunsBefore(Instant.now().plusSeconds(1));
		}
	}

	@Test
	void expiryDeletesVisitorRunsAndTheirTracesButNotAccountRuns() throws Exception {
		Visitor v = visitor();
		String id = finishedLabRun(v);
		Path runs = DATA_DIR.resolve("runs");
		assertThat(Files.list(runs).map(Path::getFileName).map(Path::toString)).anyMatch((f) -> f.startsWith(id));

		String token = TestUsers.registerWithToken(this.client, "visitor-keeper");
		JsonNode mine = this.client.post()
			.uri("/api/runs")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("lab", "01-pod-egress", "labRun", "bpfnet", "duration", "1ms"))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();

		// as if the TTL had passed for every run created until a second from now
		assertThat(this.expiry.deleteVisitorRunsBefore(Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(1);
		get(v, "/api/runs/" + id, 404);
		assertThat(Files.list(runs).map(Path::getFileName).map(Path::toString)).noneMatch((f) -> f.startsWith(id));
		this.client.get()
			.uri("/api/runs/" + mine.get("id").asString())
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk();
	}

}
