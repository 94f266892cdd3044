package dev.bpfnet.server.topology;

import java.util.List;
import java.util.Map;

import dev.bpfnet.server.ServerIntegrationTest;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology API end to end: real security, real H2 file database in a temporary
 * directory, real engine parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopologyApiIntegrationTests extends ServerIntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	String alice;

	String bob;

	final String veth = TestUsers.resource("topologies/pod-egress-veth.yaml");

	@BeforeAll
	void users() {
		this.alice = TestUsers.registerWithToken(this.client, "t-alice");
		this.bob = TestUsers.registerWithToken(this.client, "t-bob");
	}

	long rows(String table) {
		return this.db.sql("SELECT COUNT(*) AS n FROM " + table).map((r) -> r.get("n", Long.class)).one().block();
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> importAs(String token, String yaml) {
		return this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(YAML)
			.bodyValue(yaml)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	@Test
	void importReadUpdateVersionsExportDelete() {
		Map<String, Object> created = importAs(this.alice, this.veth);
		String id = (String) created.get("id");
		assertThat(created).containsEntry("name", "pod-egress-veth").containsEntry("version", 1);
		assertThat(created.get("yaml")).isEqualTo(this.veth);

		String v2 = this.veth.replace("transactions: 300", "transactions: 400");
		this.client.put()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "veth, more transactions", "yaml", v2))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.version")
			.isEqualTo(2)
			.jsonPath("$.name")
			.isEqualTo("veth, more transactions");

		// version 1 is unchanged and still readable
		this.client.get()
			.uri("/api/topologies/{id}?version=1", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.yaml")
			.isEqualTo(this.veth)
			.jsonPath("$.latestVersion")
			.isEqualTo(2);
		this.client.get()
			.uri("/api/topologies/{id}?version=3", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("version");
		this.client.get()
			.uri("/api/topologies/{id}/versions", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[0].version")
			.isEqualTo(1)
			.jsonPath("$[1].version")
			.isEqualTo(2)
			.jsonPath("$[1].characters")
			.isEqualTo(v2.length());

		// export, by suffix and by Accept, exactly as stored (comments kept)
		String exported = this.client.get()
			.uri("/api/topologies/{id}.yaml", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(YAML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(exported).isEqualTo(v2).contains("# Copy of topology/pod-egress-veth.yaml");
		this.client.get()
			.uri("/api/topologies/{id}?version=1", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.accept(YAML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Topology-Version", "1")
			.expectBody(String.class)
			.isEqualTo(this.veth);

		this.client.delete()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isNoContent();
		this.client.get()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM topology_versions WHERE topology_id = :id")
			.bind("id", id)
			.map((r) -> r.get("n", Long.class))
			.one()
			.block()).isZero();
	}

	@Test
	void createFromJsonUsesTheGivenName() {
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "my experiment", "yaml", this.veth))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.value("Location", (loc) -> assertThat(loc).startsWith("/api/topologies/"))
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("my experiment");
	}

	@Test
	void listIsPagedAndOnlyShowsTheCallersTopologies() {
		String carol = TestUsers.registerWithToken(this.client, "t-carol");
		for (int i = 0; i < 3; i++) {
			importAs(carol, this.veth.replace("name: pod-egress-veth", "name: t" + i));
		}
		importAs(this.bob, this.veth);
		this.client.get()
			.uri("/api/topologies?page=0&size=2")
			.headers((h) -> h.setBearerAuth(carol))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.total")
			.isEqualTo(3)
			.jsonPath("$.items.length()")
			.isEqualTo(2)
			.jsonPath("$.items[0].name")
			.isEqualTo("t2");
		this.client.get()
			.uri("/api/topologies?page=1&size=2")
			.headers((h) -> h.setBearerAuth(carol))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items.length()")
			.isEqualTo(1)
			.jsonPath("$.items[0].name")
			.isEqualTo("t0");
		this.client.get()
			.uri("/api/topologies?size=1000")
			.headers((h) -> h.setBearerAuth(carol))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("size");
	}

	@Test
	void invalidTopologyIs422WithEveryPathAndNothingIsStored() {
		long before = rows("topology_versions");
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(TestUsers.resource("topologies/invalid.yaml"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/invalid-topology")
			.jsonPath("$.errors[*].path")
			.value((List<String> paths) -> assertThat(paths).contains("nodes[0].cpus",
					"nodes[0].namespaces[0].devices[0].rate"))
			.jsonPath("$.errors[0].line")
			.isEqualTo(4);
		assertThat(rows("topology_versions")).isEqualTo(before);
	}

	@Test
	void programObjectsMustBeStoredPrograms() {
		long before = rows("topologies");
		this.client.post()
			.uri("/api/topologies/validate")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(TestUsers.resource("topologies/file-object.yaml"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].path")
			.isEqualTo("programs[1].object");
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(TestUsers.resource("topologies/file-object.yaml"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		assertThat(rows("topologies")).isEqualTo(before);
	}

	@Test
	void replayTrafficIsRefusedBecauseTheServerStoresNoCaptures() {
		long before = rows("topologies");
		String replay = this.veth.stripTrailing()
				+ "\n  - { name: rp, kind: replay, file: captures/mine.pcap, device: node1/host/eth0 }\n";
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(replay)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.value((String path) -> assertThat(path).matches("traffic\\[\\d+]\\.file"))
			.jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).contains("captures/mine.pcap").contains("kind: packet"));
		assertThat(rows("topologies")).isEqualTo(before);
	}

	@Test
	void validateAValidDocument() {
		this.client.post()
			.uri("/api/topologies/validate")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(this.veth)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(true)
			.jsonPath("$.nodes")
			.isEqualTo(2)
			.jsonPath("$.traffic")
			.isEqualTo(2);
	}

	@Test
	void oversizeDocumentsAre413AndNothingIsStored() {
		long before = rows("topology_versions");
		String big = this.veth + "#".repeat(25_000) + "\n";
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(big)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
			.expectBody()
			.jsonPath("$.detail")
			.value((String d) -> assertThat(d).contains("20000"));
		// inside JSON the limit applies to the document itself
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("yaml", big))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		Map<String, Object> created = importAs(this.alice, this.veth);
		this.client.put()
			.uri("/api/topologies/{id}", created.get("id"))
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(YAML)
			.bodyValue(big)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(rows("topology_versions")).isEqualTo(before + 1);
	}

	@Test
	void badRequestsAreNamed() {
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"yaml\": 1, \"nmae\": \"x\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("nmae");
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"yaml\": \n\"x\"")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].line")
			.isEqualTo(2);
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(this.alice))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("a=b")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void anotherUsersTopologyIsNotFoundForEveryOperation() {
		String id = (String) importAs(this.alice, this.veth).get("id");
		this.client.get()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("topology '" + id + "' does not exist");
		this.client.get()
			.uri("/api/topologies/{id}.yaml", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get()
			.uri("/api/topologies/{id}/versions", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.put()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.contentType(YAML)
			.bodyValue(this.veth)
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.delete()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.post()
			.uri("/api/topologies/{id}/fork", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.post()
			.uri("/api/topologies/{id}/shares", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.get()
			.uri("/api/topologies/{id}/shares", id)
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound();
		// a missing id answers the same
		this.client.get()
			.uri("/api/topologies/{id}", "AAAAAAAAAAAAAAAAAAAAAA")
			.headers((h) -> h.setBearerAuth(this.bob))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("topology 'AAAAAAAAAAAAAAAAAAAAAA' does not exist");
		// and alice still has it, at version 1
		this.client.get()
			.uri("/api/topologies/{id}", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.latestVersion")
			.isEqualTo(1);
	}

	@Test
	void forkCopiesIntoTheCallersAccount() {
		String id = (String) importAs(this.alice, this.veth).get("id");
		this.client.post()
			.uri("/api/topologies/{id}/fork?name=copy", id)
			.headers((h) -> h.setBearerAuth(this.alice))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("copy")
			.jsonPath("$.forkedFrom")
			.isEqualTo(id)
			.jsonPath("$.forkedFromVersion")
			.isEqualTo(1)
			.jsonPath("$.yaml")
			.isEqualTo(this.veth);
	}

	@Test
	void unauthenticatedApiCallsAre401ProblemsNotRedirects() {
		this.client.get()
			.uri("/api/topologies")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals("WWW-Authenticate", "Bearer realm=\"bpfnet\"")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401);
		this.client.get()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth("bpfnet_" + "x".repeat(43)))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.get()
			.uri("/api/topologies")
			.headers((h) -> h.setBasicAuth("t-alice", "wrong password"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void basicAuthWorksForTheApi() {
		this.client.get()
			.uri("/api/users/me")
			.headers((h) -> h.setBasicAuth("t-alice", TestUsers.PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.username")
			.isEqualTo("t-alice");
	}

}
