package dev.bpfnet.server.views;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * YAML to the editor's JSON tree and back: nothing added, nothing lost, hostile input
 * refused.
 */
@SpringBootTest
@AutoConfigureWebTestClient
class TopologyTextControllerTests {

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void props(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.data-dir", () -> dataDir.toString());
	}

	@Autowired
	WebTestClient client;

	static final String DOC = """
			name: t
			seed: 7
			nodes:
			  - name: n1
			    cpus: 2
			    sysctl: { rps: true, softirq_time_limit: 2ms }
			    namespaces:
			      - name: host
			        devices:
			          - { name: eth0, kind: nic, rate: 25Gbit, mtu: 9000, addresses: [192.0.2.1/24] }
			wires: []
			""";

	WebTestClient csrf() {
		return this.client.mutateWith(SecurityMockServerConfigurers.mockUser())
			.mutateWith(SecurityMockServerConfigurers.csrf());
	}

	@Test
	void yamlToJsonKeepsOrderTypesAndEmptyLists() {
		String json = csrf().post()
			.uri("/ui/topology-json")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue(DOC)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(json).startsWith("{\"name\":\"t\",\"seed\":7,\"nodes\":[{\"name\":\"n1\",\"cpus\":2,");
		JsonNode tree = JsonMapper.builder().build().readTree(json);
		assertThat(tree.at("/nodes/0/sysctl/rps").isBoolean()).isTrue();
		assertThat(tree.at("/nodes/0/namespaces/0/devices/0/rate").asString()).isEqualTo("25Gbit");
		assertThat(tree.at("/nodes/0/namespaces/0/devices/0/mtu").isInt()).isTrue();
		assertThat(tree.get("wires").isArray()).isTrue();
	}

	@Test
	void jsonToYamlAndBackIsTheSameTree() {
		YAMLMapper yaml = YAMLMapper.builder().build();
		JsonNode original = yaml.readTree(DOC);
		String text = csrf().post()
			.uri("/ui/topology-yaml")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(original.toString())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(text).doesNotStartWith("---").contains("rate: 25Gbit");
		assertThat(yaml.readTree(text)).isEqualTo(original);
	}

	@Test
	void yamlAliasesAreRefusedWithALine() {
		csrf().post()
			.uri("/ui/topology-json")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("a: &x [1, 2]\nname: t\nnodes: *x\n")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].line")
			.isEqualTo(3);
	}

	@Test
	void syntaxErrorNamesTheLine() {
		csrf().post()
			.uri("/ui/topology-json")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("name: t\nnodes: [\n  {a: 1\n")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].line")
			.exists()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/invalid-topology");
	}

	@Test
	void aScalarIsNotADocument() {
		csrf().post()
			.uri("/ui/topology-json")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("just text\n")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].message")
			.value((m) -> assertThat((String) m).contains("expected a topology document"));
	}

	@Test
	void oversizeIsRefusedWith413() {
		csrf().post()
			.uri("/ui/topology-json")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("name: " + "x".repeat(TopologyTextController.MAX_CHARS))
			.exchange()
			.expectStatus()
			.isEqualTo(413);
	}

}
