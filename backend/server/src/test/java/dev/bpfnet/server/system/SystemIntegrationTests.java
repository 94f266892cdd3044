package dev.bpfnet.server.system;

import java.util.List;

import dev.bpfnet.server.ServerIntegrationTest;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document, Swagger UI, Actuator info and the metrics of this area. */
class SystemIntegrationTests extends ServerIntegrationTest {

	@Autowired
	WebTestClient client;

	@Test
	void openApiDocumentListsTheEndpoints() {
		this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.info.title")
			.isEqualTo("bpfnet-lab API")
			.jsonPath("$.components.securitySchemes.token.scheme")
			.isEqualTo("bearer")
			.jsonPath("$.paths")
			.value((java.util.Map<String, Object> paths) -> assertThat(paths.keySet()).contains("/api/users",
					"/api/users/me", "/api/tokens", "/api/tokens/{id}", "/api/topologies", "/api/topologies/validate",
					"/api/topologies/{id}", "/api/topologies/{id}.yaml", "/api/topologies/{id}/versions",
					"/api/topologies/{id}/fork", "/api/topologies/{id}/shares", "/api/shares/{token}",
					"/api/shares/{token}.yaml", "/api/shares/{token}/fork"))
			.jsonPath("$.paths['/api/topologies'].post.responses['422'].description")
			.value((String d) -> assertThat(d).contains("path, line, column"));
	}

	@Test
	void swaggerUiIsReachable() {
		this.client.get()
			.uri("/swagger-ui.html")
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.expectHeader()
			.value("Location", (loc) -> assertThat(loc).contains("swagger-ui/index.html"));
		this.client.get()
			.uri("/swagger-ui/index.html")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML);
	}

	@Test
	void infoIsPublic() {
		this.client.get()
			.uri("/actuator/info")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.app.name")
			.isEqualTo("bpfnet-lab");
	}

	@Test
	void metricsCountWhatHappened() {
		String token = TestUsers.registerWithToken(this.client, "m-user");
		this.client.post()
			.uri("/api/topologies")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue(TestUsers.resource("topologies/pod-egress-veth.yaml"))
			.exchange()
			.expectStatus()
			.isCreated();
		this.client.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
		this.client.get()
			.uri("/actuator/metrics")
			.headers((h) -> h.setBasicAuth("m-user", TestUsers.PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.names")
			.value((List<String> names) -> assertThat(names).contains("bpfnet.users.registered",
					"bpfnet.topologies.created", "bpfnet.topology.versions.created", "bpfnet.topology.checks"));
		this.client.get()
			.uri("/actuator/metrics/bpfnet.topologies.created?tag=how:import")
			.headers((h) -> h.setBasicAuth("m-user", TestUsers.PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.measurements[0].value")
			.value((Double v) -> assertThat(v).isGreaterThanOrEqualTo(1.0));
	}

	@Test
	void metricsTakeABearerTokenAndHaveTheRunAndLiveStreamMeters() {
		String token = TestUsers.registerWithToken(this.client, "m-bearer");
		this.client.get()
			.uri("/actuator/metrics")
			.headers((h) -> h.setBearerAuth(token + "x"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.get()
			.uri("/actuator/metrics")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.names")
			.value((List<String> names) -> assertThat(names).contains("bpfnet.runs.active", "bpfnet.run.events",
					"bpfnet.sse.clients", "bpfnet.sse.sampled"));
		for (String meter : List.of("bpfnet.runs.active", "bpfnet.run.events", "bpfnet.sse.clients",
				"bpfnet.sse.sampled")) {
			this.client.get()
				.uri("/actuator/metrics/" + meter)
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.measurements[0].value")
				.value((Double v) -> assertThat(v).as(meter).isGreaterThanOrEqualTo(0.0));
		}
	}

}
