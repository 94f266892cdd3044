package dev.bpfnet.server.lab;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bpfnet.server.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/labs} on the whole application with the repository's {@code labs/}: the
 * catalog, one lab with its topology documents, and a check run without an account.
 */
class LabApiIntegrationTests extends ServerIntegrationTest {

	@Autowired
	WebTestClient client;

	@Test
	void catalogListsTheFiveLabsWithoutAnAccount() {
		List<Map<String, Object>> labs = this.client.get()
			.uri("/api/labs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(labs).extracting((l) -> l.get("id"))
			.containsExactly("01-pod-egress", "02-netif-rx", "03-redirect-peer", "04-backlog-overflow",
					"05-default-drop");
		assertThat(labs).allSatisfy((l) -> assertThat((Integer) l.get("checks")).isPositive());
	}

	@Test
	void aLabCarriesStepsTopologiesAndChecks() {
		this.client.get()
			.uri("/api/labs/01-pod-egress")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.steps.length()")
			.value((Integer n) -> assertThat(n).isPositive())
			.jsonPath("$.runs[?(@.name == 'bpfnet')].yaml")
			.value((List<String> yaml) -> assertThat(yaml.get(0)).contains("kind: bpfnet"))
			.jsonPath("$.checks[0].kind")
			.exists();
	}

	@Test
	void unknownLabIsAProblemDetail404() {
		this.client.get()
			.uri("/api/labs/99-nope")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("lab '99-nope' does not exist");
	}

	@Test
	void checkingALabRunsItsTopologiesAndEveryCheckPasses() {
		this.client.post()
			.uri("/api/labs/05-default-drop/check")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.lab")
			.isEqualTo("05-default-drop")
			.jsonPath("$.passed")
			.isEqualTo(true)
			.jsonPath("$.results.length()")
			.value((Integer n) -> assertThat(n).isPositive())
			.jsonPath("$.results[?(@.passed == false)]")
			.isEmpty()
			.jsonPath("$.runs.allowlist.traceSha256")
			.exists();
	}

	@Test
	void catalogSaysWhatEachLabAsksAndWhichDevicesItsRunsUse() {
		this.client.get()
			.uri("/api/labs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[0].question")
			.value((String q) -> assertThat(q).contains("bpfnet").endsWith("?"))
			.jsonPath("$[0].devices.veth")
			.isEqualTo(List.of("veth", "nic"))
			.jsonPath("$[0].devices.bpfnet")
			.isEqualTo(List.of("bpfnet", "nic"))
			.jsonPath("$[1].devices.backlog")
			.isEqualTo(List.of("veth"))
			.jsonPath("$[?(@.question == '')]")
			.isEmpty();
		this.client.get()
			.uri("/api/labs/03-redirect-peer")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.question")
			.value((String q) -> assertThat(q).contains("bpf_redirect_peer"))
			.jsonPath("$.devices.peer")
			.isEqualTo(List.of("bpfnet", "nic"));
	}

	/**
	 * Starting a lab's run needs an account or a lab visitor's cookie: without either the
	 * answer is 401, upon which the lab page asks {@code POST /api/visitors} for a cookie
	 * and tries again.
	 */
	@Test
	void startingALabRunWithoutAnAccountOrVisitorCookieIs401() {
		this.client.post()
			.uri("/api/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("lab", "01-pod-egress", "labRun", "bpfnet"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

}
