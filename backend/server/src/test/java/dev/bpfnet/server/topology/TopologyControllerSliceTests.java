package dev.bpfnet.server.topology;

import java.util.List;
import java.util.Map;

import dev.bpfnet.server.SliceDatabase;
import dev.bpfnet.server.TestUsers;
import dev.bpfnet.server.api.ProblemHandler;
import dev.bpfnet.server.security.ApiTokens;
import dev.bpfnet.server.security.PasswordConfig;
import dev.bpfnet.server.security.SecurityConfig;
import dev.bpfnet.server.security.UserAccounts;
import dev.bpfnet.server.security.Visitors;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

/**
 * The topology controller in a WebFlux slice with the real security configuration, the
 * real service and a real H2 file database ({@link SliceDatabase}); users are mocked
 * principals, so ownership is checked without accounts.
 */
@WebFluxTest(TopologyController.class)
@Import({ SliceDatabase.class, TopologyService.class, SecurityConfig.class, PasswordConfig.class, UserAccounts.class,
		ApiTokens.class, Visitors.class, ProblemHandler.class })
@TestPropertySource(properties = "bpfnet.limits.max-topology-bytes=5000")
class TopologyControllerSliceTests {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	WebTestClient client;

	final String veth = TestUsers.resource("topologies/pod-egress-veth.yaml");

	@Test
	void withoutAnAccountTheApiAnswers401() {
		this.client.get()
			.uri("/api/topologies")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/unauthenticated");
	}

	@Test
	void createReadAndOwnership() {
		String id = this.client.mutateWith(mockUser("ann"))
			.post()
			.uri("/api/topologies")
			.contentType(YAML)
			.bodyValue(this.veth)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.toString();
		this.client.mutateWith(mockUser("ann"))
			.get()
			.uri("/api/topologies/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("pod-egress-veth");
		this.client.mutateWith(mockUser("ben"))
			.get()
			.uri("/api/topologies/{id}", id)
			.exchange()
			.expectStatus()
			.isNotFound();
		this.client.mutateWith(mockUser("ben"))
			.get()
			.uri("/api/topologies/{id}", "not an id at all")
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void validateReportsEveryProblemWithPathAndLine() {
		this.client.mutateWith(mockUser("ann"))
			.post()
			.uri("/api/topologies/validate")
			.contentType(YAML)
			.bodyValue(TestUsers.resource("topologies/invalid.yaml"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[*].path")
			.value((List<String> paths) -> assertThat(paths).hasSizeGreaterThanOrEqualTo(2))
			.jsonPath("$.errors[?(@.path == 'nodes[0].cpus')].line")
			.isEqualTo(List.of(4))
			.jsonPath("$.errors[?(@.path == 'nodes[0].cpus')].column")
			.isNotEmpty();
		this.client.mutateWith(mockUser("ann"))
			.post()
			.uri("/api/topologies/validate")
			.contentType(YAML)
			.bodyValue("name: x\nnodes: [ { name: a\n")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].line")
			.isNotEmpty();
		this.client.mutateWith(mockUser("ann"))
			.post()
			.uri("/api/topologies/validate")
			.contentType(YAML)
			.bodyValue("")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("yaml");
	}

	@Test
	void theDocumentLimitIsEnforcedBeforeParsing() {
		String big = "name: big\n" + "#".repeat(6000) + "\n";
		this.client.mutateWith(mockUser("ann"))
			.post()
			.uri("/api/topologies/validate")
			.contentType(YAML)
			.bodyValue(big)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("the topology document is 6011 bytes; the limit is 5000 bytes");
	}

	@Test
	void unsupportedMediaTypesAre415() {
		this.client.mutateWith(mockUser("ann"))
			.post()
			.uri("/api/topologies")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.bodyValue(new byte[] { 1, 2, 3 })
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.expectBody()
			.jsonPath("$.detail")
			.value((String d) -> assertThat(d).contains("application/yaml").contains("application/json"));
	}

}
