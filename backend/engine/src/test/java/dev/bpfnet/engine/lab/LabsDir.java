package dev.bpfnet.engine.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code labs/} folder: the {@code bpfnet.labs.dir} system property the
 * build passes ({@code ${maven.multiModuleProjectDirectory}/labs}), else found upwards
 * from the working directory (an IDE run).
 */
final class LabsDir {

	private LabsDir() {
	}

	static Path find() {
		String prop = System.getProperty("bpfnet.labs.dir");
		if (prop != null && Files.isDirectory(Path.of(prop))) {
			return Path.of(prop);
		}
		for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
			if (Files.isRegularFile(d.resolve("labs/README.md")) && Files.isRegularFile(d.resolve("pom.xml"))) {
				return d.resolve("labs");
			}
		}
		throw new IllegalStateException("no labs folder: set -Dbpfnet.labs.dir or run inside the repository");
	}

}
