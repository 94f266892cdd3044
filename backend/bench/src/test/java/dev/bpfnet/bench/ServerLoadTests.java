package dev.bpfnet.bench;

import java.net.URI;
import java.time.Duration;

import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The load generator's own parts that can be checked without a server. */
class ServerLoadTests {

	@Test
	void theDocumentItWritesIsAValidTopologyWithoutPrograms() {
		String yaml = ServerLoad.topology("load-7-2", 1234);
		assertThat(TopologyValidator.validate(TopologyParser.parse(yaml, Format.YAML))).isEmpty();
		assertThat(yaml).contains("name: load-7-2", "count: 1234").doesNotContain("programs:");
	}

	@Test
	void optionsHaveTheIssuesDefaults() {
		ServerLoad.Options o = ServerLoad.Options.parse(new String[0]);
		assertThat(o.clients()).isEqualTo(200);
		assertThat(o.sse()).isEqualTo(50);
		assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
		assertThat(o.runDurationNs()).isEqualTo(10_000_000L);
		assertThat(o.pace()).isZero();
	}

	@Test
	void optionsAreRead() {
		ServerLoad.Options o = ServerLoad.Options.parse(new String[] { "--url", "http://localhost:18474", "--clients",
				"7", "--think", "500ms", "--duration", "2m", "--run-duration", "250us", "--pace", "14" });
		assertThat(o.url()).isEqualTo(URI.create("http://localhost:18474"));
		assertThat(o.clients()).isEqualTo(7);
		assertThat(o.think()).isEqualTo(Duration.ofMillis(500));
		assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
		assertThat(o.runDurationNs()).isEqualTo(250_000L);
		assertThat(o.pace()).isEqualTo(14.0);
	}

	@Test
	void badOptionsAreNamed() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServerLoad.Options.parse(new String[] { "--threads", "4" }))
			.withMessage("unknown option --threads");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServerLoad.Options.parse(new String[] { "--duration", "60" }))
			.withMessageContaining("duration needs a unit")
			.withMessageContaining("'60'");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerLoad.Options.parse(new String[] { "--clients" }))
			.withMessageContaining("argument 0");
	}

}
