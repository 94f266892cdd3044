package dev.bpfnet.server.topology;

import java.util.List;
import java.util.Map;

import dev.bpfnet.server.TestUsers;
import dev.bpfnet.server.api.ApiException;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What may be stored: size, the engine's validation, and program object references. */
class TopologyChecksTests {

	static final String VETH = TestUsers.resource("topologies/pod-egress-veth.yaml");

	static ApiException refused(String yaml, long limit) {
		return org.assertj.core.api.Assertions.catchThrowableOfType(ApiException.class,
				() -> TopologyChecks.check(yaml, limit));
	}

	static String withObject(String object) {
		return VETH.replace("""
				  - name: to-nic
				    asm: |
				      r1 = 2
				      r2 = 0
				      call 23
				      exit
				""", "  - name: to-nic\n    object: \"" + object + "\"\n    section: tc\n");
	}

	@Test
	void aValidDocumentPasses() {
		assertThat(TopologyChecks.check(VETH, 262144).name()).isEqualTo("pod-egress-veth");
		assertThat(TopologyChecks.check(withObject("program:AAAAAAAAAAAAAAAAAAAAAA"), 262144).programs())
			.singleElement()
			.satisfies((p) -> assertThat(p.object()).contains("program:AAAAAAAAAAAAAAAAAAAAAA"));
	}

	@Test
	void everyFilePathIsRefusedAtItsPath() {
		for (String object : List.of("/etc/passwd", "programs/to_nic.o", "../../secret.o", "program:", "program:../x",
				"program:short", "file:///etc/passwd")) {
			ApiException ex = refused(withObject(object), 262144);
			assertThat(ex).as(object).isNotNull();
			assertThat(ex.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
			assertThat(ex.errors()).singleElement().satisfies((Map<String, Object> e) -> {
				assertThat(e).containsEntry("path", "programs[0].object");
				assertThat((String) e.get("message")).contains("program:<id>");
			});
		}
	}

	@Test
	void theLimitCountsUtf8Bytes() {
		String doc = VETH + "# " + "é".repeat(100) + "\n";
		int bytes = doc.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		assertThat(TopologyChecks.check(doc, bytes).name()).isEqualTo("pod-egress-veth");
		ApiException ex = refused(doc, bytes - 1);
		assertThat(ex.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(ex.getMessage())
			.isEqualTo("the topology document is " + bytes + " bytes; the limit is " + (bytes - 1) + " bytes");
	}

	@Test
	void theColumnCapsAConfiguredLimit() {
		assertThat(TopologyChecks.limit(10_000_000)).isEqualTo(TopologyChecks.COLUMN_CHARS);
		assertThat(TopologyChecks.limit(5)).isEqualTo(5);
	}

	@Test
	void aliasBombsAndDeepNestingAreRefusedNotExpanded() {
		StringBuilder bomb = new StringBuilder("name: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
		for (int i = 1; i < 10; i++) {
			bomb.append("a").append(i).append(": &a").append(i).append(" [");
			for (int j = 0; j < 10; j++) {
				bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
			}
			bomb.append("]\n");
		}
		ApiException ex = refused(bomb.toString(), 262144);
		assertThat(ex.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		assertThat(ex.errors()).isNotEmpty();

		String deep = "name: deep\nnodes: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
		assertThat(refused(deep, 262144).status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
	}

	@Test
	void blankAndNonMappingDocumentsAreNamed() {
		assertThat(refused("   \n", 100).errors()).singleElement()
			.satisfies((e) -> assertThat(e).containsEntry("path", "yaml"));
		ApiException ex = refused("- just\n- a list\n", 100);
		assertThat(ex.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> TopologyChecks.check("name: [", 100));
	}

}
