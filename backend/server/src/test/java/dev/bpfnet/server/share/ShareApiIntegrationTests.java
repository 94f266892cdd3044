package dev.bpfnet.server.share;

import java.util.Map;

import dev.bpfnet.server.ServerIntegrationTest;
import dev.bpfnet.server.TestUsers;
import dev.bpfnet.server.api.Ids;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Shares end to end: read-only for anyone with the token, revocable, forkable. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShareApiIntegrationTests extends ServerIntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	String owner;

	String other;

	final String veth = TestUsers.resource("topologies/pod-egress-veth.yaml");

	@BeforeAll
	void users() {
		this.owner = TestUsers.registerWithToken(this.client, "s-owner");
		this.other = TestUsers.registerWithToken(this.client, "s-other");
	}

	@SuppressWarnings("unchecked")
	String topology() {
		Map<String, Object> created = this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.owner))
			.contentType(YAML)
			.bodyValue(this.veth)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (String) created.get("id");
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> share(String id) {
		return this.client.post()
			.uri("/api/topologies/{id}/shares", id)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	@Test
	void anyoneWithTheTokenReadsThePinnedVersion() {
		String id = topology();
		Map<String, Object> share = share(id);
		String token = (String) share.get("token");
		// 256 random bits, base64url
		assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
		assertThat(share).containsEntry("version", 1).containsEntry("url", "/api/shares/" + token);
		// only the hash is stored
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM shares WHERE token_hash = :t")
			.bind("t", token)
			.map((r) -> r.get("n", Long.class))
			.one()
			.block()).isZero();

		// the owner updates: the share still shows version 1
		this.client.put()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.owner))
			.contentType(YAML)
			.bodyValue(this.veth.replace("seed: 42", "seed: 43"))
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/shares/{t}", token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.version")
			.isEqualTo(1)
			.jsonPath("$.owner")
			.isEqualTo("s-owner")
			.jsonPath("$.yaml")
			.isEqualTo(this.veth);
		this.client.get()
			.uri("/api/shares/{t}.yaml", token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(YAML)
			.expectBody(String.class)
			.isEqualTo(this.veth);
		this.client.get()
			.uri("/api/shares/{t}", token)
			.accept(YAML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo(this.veth);
	}

	@Test
	void writesThroughAShareAre403() {
		String id = topology();
		String token = (String) share(id).get("token");
		this.client.put()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.contentType(YAML)
			.bodyValue(this.veth)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/share-read-only");
		this.client.post()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.patch()
			.uri("/api/shares/{t}/topology", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.delete()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isForbidden();
		// anonymous writes are not even authenticated
		this.client.delete().uri("/api/shares/{t}", token).exchange().expectStatus().isUnauthorized();
		// still live and unchanged
		this.client.get().uri("/api/shares/{t}", token).exchange().expectStatus().isOk();
		this.client.get()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectBody()
			.jsonPath("$.latestVersion")
			.isEqualTo(1);
	}

	@Test
	void revokedAndRandomTokensAre404() {
		String id = topology();
		String token = (String) share(id).get("token");
		this.client.delete()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get().uri("/api/shares/{t}", token).exchange().expectStatus().isNotFound();
		this.client.get().uri("/api/shares/{t}.yaml", token).exchange().expectStatus().isNotFound();
		this.client.post()
			.uri("/api/shares/{t}/fork", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.delete()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.put()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.contentType(YAML)
			.bodyValue(this.veth)
			.exchange()
			.expectStatus()
			.isNotFound();
		for (int i = 0; i < 20; i++) {
			this.client.get().uri("/api/shares/{t}", Ids.random(32)).exchange().expectStatus().isNotFound();
		}
		this.client.get().uri("/api/shares/{t}", "not-a-token").exchange().expectStatus().isNotFound();
		// the owner still sees it, marked revoked
		this.client.get()
			.uri("/api/topologies/{id}/shares", id)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[0].revokedAt")
			.isNotEmpty();
	}

	@Test
	void revokeByShareId() {
		String id = topology();
		Map<String, Object> share = share(id);
		this.client.delete()
			.uri("/api/topologies/{id}/shares/{s}", id, share.get("id"))
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.delete()
			.uri("/api/topologies/{id}/shares/{s}", id, share.get("id"))
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get().uri("/api/shares/{t}", share.get("token")).exchange().expectStatus().isNotFound();
	}

	@Test
	void forkThroughAShareCopiesIntoTheCallersAccount() {
		String id = topology();
		String token = (String) share(id).get("token");
		this.client.post().uri("/api/shares/{t}/fork", token).exchange().expectStatus().isUnauthorized();
		@SuppressWarnings("unchecked")
		Map<String, Object> forked = this.client.post()
			.uri("/api/shares/{t}/fork?name=mine", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(forked).containsEntry("name", "mine").containsEntry("forkedFrom", id);
		this.client.get()
			.uri("/api/topologies/{id}.yaml", forked.get("id"))
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo(this.veth);
		// the copy is the other user's; the owner cannot see it
		this.client.get()
			.uri("/api/topologies/{id}", forked.get("id"))
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void deletingTheTopologyEndsItsShares() {
		String id = topology();
		String token = (String) share(id).get("token");
		this.client.delete()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get().uri("/api/shares/{t}", token).exchange().expectStatus().isNotFound();
	}

	@SuppressWarnings("unchecked")
	String finishedRun(String topologyId) throws InterruptedException {
		Map<String, Object> run = this.client.post()
			.uri("/api/runs")
			.headers((h) -> h.setBearerAuth(this.owner))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("topologyId", topologyId, "duration", "1ms"))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String runId = (String) run.get("id");
		for (int i = 0; i < 2400; i++) {
			Map<String, Object> r = this.client.get()
				.uri("/api/runs/{id}", runId)
				.headers((h) -> h.setBearerAuth(this.owner))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			if ("finished".equals(r.get("status"))) {
				return runId;
			}
			assertThat(r.get("status")).isIn("queued", "running");
			Thread.sleep(50);
		}
		throw new AssertionError("run " + runId + " did not finish");
	}

	@Test
	void theRecordedRunsOfTheSharedVersionAreReadableThroughTheTokenOnly() throws Exception {
		String id = topology();
		String runId = finishedRun(id);
		String otherTopology = topology();
		String otherRun = finishedRun(otherTopology);
		String token = (String) share(id).get("token");
		this.client.get()
			.uri("/api/shares/{t}/runs", token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1)
			.jsonPath("$[0].id")
			.isEqualTo(runId);
		this.client.get()
			.uri("/api/shares/{t}/runs/{r}/summary", token, runId)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.traceSha256")
			.exists();
		this.client.get()
			.uri("/api/shares/{t}/runs/{r}/packets?size=1", token, runId)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items[0].skb")
			.exists();
		// a run of another topology of the same owner is not part of the share
		this.client.get()
			.uri("/api/shares/{t}/runs/{r}/summary", token, otherRun)
			.exchange()
			.expectStatus()
			.isNotFound();
		// read-only (without credentials a write is 401 first)
		this.client.post()
			.uri("/api/shares/{t}/runs", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isForbidden();
		// revoked: gone
		this.client.delete()
			.uri("/api/shares/{t}", token)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get().uri("/api/shares/{t}/runs/{r}/summary", token, runId).exchange().expectStatus().isNotFound();
	}

	@Test
	@SuppressWarnings("unchecked")
	void forkingThroughAShareCopiesTheProgramsTheTopologyNamesAndAUsedProgramStays() {
		Map<String, Object> program = this.client.post()
			.uri("/api/programs?name=to-nic&section=tcx/ingress")
			.headers((h) -> h.setBearerAuth(this.owner))
			.contentType(org.springframework.http.MediaType.TEXT_PLAIN)
			.bodyValue("r1 = 2\nr2 = 0\ncall 23\nexit\n")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String programId = (String) program.get("id");
		String yaml = this.veth.replace("    asm: |\n      r1 = 2\n      r2 = 0\n      call 23\n      exit\n",
				"    object: \"program:" + programId + "\"\n");
		assertThat(yaml).contains("program:" + programId);
		Map<String, Object> created = this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.owner))
			.contentType(YAML)
			.bodyValue(yaml)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String token = (String) share((String) created.get("id")).get("token");
		// the shared program is readable through the token; the other user cannot read it
		// directly
		this.client.get().uri("/api/shares/{t}/programs/{p}", token, programId).exchange().expectStatus().isOk();
		this.client.get()
			.uri("/api/programs/{p}", programId)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isNotFound();
		Map<String, Object> fork = this.client.post()
			.uri("/api/shares/{t}/fork", token)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String forkedYaml = this.client.get()
			.uri("/api/topologies/{id}.yaml", fork.get("id"))
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("program:([A-Za-z0-9_-]+)").matcher(forkedYaml);
		assertThat(m.find()).isTrue();
		String copyId = m.group(1);
		assertThat(copyId).isNotEqualTo(programId);
		// the copy belongs to the forker
		this.client.get()
			.uri("/api/programs/{p}", copyId)
			.headers((h) -> h.setBearerAuth(this.other))
			.exchange()
			.expectStatus()
			.isOk();

		// a program a stored topology names cannot be deleted (409 naming the topology);
		// once the topology is gone it can
		Map<String, Object> conflict = this.client.delete()
			.uri("/api/programs/{p}", programId)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat((String) conflict.get("detail")).contains((String) created.get("id")).contains("version 1");
		this.client.delete()
			.uri("/api/topologies/{id}", created.get("id"))
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.delete()
			.uri("/api/programs/{p}", programId)
			.headers((h) -> h.setBearerAuth(this.owner))
			.exchange()
			.expectStatus()
			.isNoContent();
	}

}
