package dev.bpfnet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bpfnet lab list} and {@code bpfnet lab check}, in-process, on the repository's
 * labs.
 */
class LabCommandTest extends CapturedStdio {

	static final Path LABS = Path.of(System.getProperty("bpfnet.labs.dir", "../../labs"));

	@TempDir
	Path tmp;

	private String out() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	@Test
	void listShowsTheFiveLabs() {
		int status = BpfnetCli.execute("lab", "list", "--dir", LABS.toString(), "--json");
		assertThat(status).as(this.err.toString(StandardCharsets.UTF_8)).isZero();
		JsonNode labs = JsonMapper.builder().build().readTree(out());
		assertThat(labs.size()).isEqualTo(5);
		assertThat(labs.get(0).get("id").asString()).isEqualTo("01-pod-egress");
		assertThat(labs.get(0).get("runs").toString()).isEqualTo("[\"veth\",\"bpfnet\"]");
		labs.forEach((lab) -> assertThat(lab.get("question").asString()).as(lab.get("id").asString()).endsWith("?"));
	}

	@Test
	void checkPrintsEveryCheckAndExitsZeroWhenAllPass() {
		int status = BpfnetCli.execute("lab", "check", LABS.resolve("05-default-drop").toString());
		assertThat(status).as(out()).isZero();
		assertThat(out()).contains("05-default-drop: Default drop")
			.contains("PASS [1] default-drop: every packet the pod sends is dropped")
			.contains("default-drop: 400 NOT_SPECIFIED drops")
			.contains("10 of 10 checks passed")
			.doesNotContain("FAIL");
	}

	@Test
	void checkByIdWithJson() {
		int status = BpfnetCli.execute("lab", "check", "--dir", LABS.toString(), "--json", "03-redirect-peer");
		assertThat(status).isZero();
		JsonNode r = JsonMapper.builder().build().readTree(out());
		assertThat(r.get("passed").asBoolean()).isTrue();
		assertThat(r.get("runs").size()).isEqualTo(2);
		assertThat(r.get("runs").get(1).get("traceSha256").asString()).hasSize(64);
		assertThat(r.get("checks").get(0).get("message").asString())
			.isEqualTo("peer: 400 of 400 packets of flow inbound ran skb_get_peer_dev (needed all)");
	}

	@Test
	void aFailingCheckExitsOneAndSaysWhatWasObserved() throws IOException {
		Path lab = copy("05-default-drop");
		Path yaml = lab.resolve("lab.yaml");
		Files.writeString(yaml,
				Files.readString(yaml)
					.replace("title: \"open: both flows reach the remote (400 datagrams)\"",
							"title: \"open: both flows reach the remote (400 datagrams)\" }\n"
									+ "  - { kind: drops, run: open, min: 1, title: \"open: something is dropped\""));
		int status = BpfnetCli.execute("lab", "check", lab.toString());
		assertThat(status).isEqualTo(1);
		assertThat(out())
			.contains("FAIL [1] open: something is dropped\n       open: 0 drops (needed at least 1; all drops {})")
			.contains("10 of 11 checks passed");
	}

	@Test
	void aBadLabPrintsItsProblems() throws IOException {
		Path lab = copy("05-default-drop");
		Path yaml = lab.resolve("lab.yaml");
		Files.writeString(yaml, Files.readString(yaml).replace("function: __netif_rx", "function: netif_rx_ni"));
		int status = BpfnetCli.execute("lab", "check", lab.toString());
		assertThat(status).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8))
			.startsWith("checks[7].function: unknown kernel function \"netif_rx_ni\", did you mean [netif_rx]? ");
	}

	@Test
	void anUnknownLabIsAnError() {
		int status = BpfnetCli.execute("lab", "check", "--dir", LABS.toString(), "99-nope");
		assertThat(status).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).startsWith("bpfnet: no lab 99-nope");
	}

	private Path copy(String id) throws IOException {
		Path from = LABS.resolve(id);
		Path to = this.tmp.resolve(id);
		try (Stream<Path> files = Files.walk(from)) {
			for (Path f : files.toList()) {
				Path t = to.resolve(from.relativize(f).toString());
				if (Files.isDirectory(f)) {
					Files.createDirectories(t);
				}
				else {
					Files.copy(f, t);
				}
			}
		}
		// the programs include ../../include, not needed to run: objects are built
		return to;
	}

}
