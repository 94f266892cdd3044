package dev.bpfnet.engine.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every lab under {@code labs/}: it parses, each of its runs builds and runs, and all of
 * its checks pass.
 */
class LabsTest {

	static Stream<Path> labs() throws IOException {
		return LabParser.labDirs(LabsDir.find()).stream();
	}

	@Test
	void theFiveLabsOfTheIssueArePresent() throws IOException {
		List<String> ids = LabParser.labDirs(LabsDir.find()).stream().map(p -> p.getFileName().toString()).toList();
		assertThat(ids).containsExactly("01-pod-egress", "02-netif-rx", "03-redirect-peer", "04-backlog-overflow",
				"05-default-drop");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("labs")
	void everyCheckPasses(Path dir) {
		Lab lab = LabParser.parse(dir);
		assertThat(lab.title()).isNotBlank();
		assertThat(lab.steps()).hasSizeGreaterThanOrEqualTo(3);
		assertThat(lab.runs()).hasSizeGreaterThanOrEqualTo(2);
		assertThat(lab.checks()).hasSizeGreaterThanOrEqualTo(5);
		LabRunner.Report report = LabRunner.check(lab);
		String failures = report.results()
			.stream()
			.filter(r -> !r.passed())
			.map(r -> "[" + r.index() + "] " + r.title() + ": " + r.message())
			.collect(Collectors.joining("\n"));
		assertThat(failures).as("failed checks of " + lab.id()).isEmpty();
		assertThat(report.results()).hasSize(lab.checks().size());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("labs")
	void everyProgramHasItsSourceAndTheObjectIsBuilt(Path dir) throws IOException {
		Path programs = dir.resolve("programs");
		assertThat(programs).isDirectory();
		try (Stream<Path> files = Files.list(programs)) {
			List<Path> sources = files.filter(f -> f.toString().endsWith(".c")).toList();
			assertThat(sources).isNotEmpty();
			for (Path c : sources) {
				Path o = Path.of(c.toString().replaceAll("\\.c$", ".o"));
				assertThat(o).as("built object of " + c).isRegularFile();
			}
		}
	}

}
