package dev.bpfnet.bpf.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfException;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.elf.ProgramSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every program of the clang-compiled test objects ({@code src/test/resources/bpf/*.o},
 * built from {@code src/test/c}) is accepted: real clang output exercises the packet
 * range and null-check patterns.
 */
class CompiledObjectsTest {

	static Stream<String> objects() throws IOException, URISyntaxException {
		URL dir = CompiledObjectsTest.class.getResource("/bpf");
		Assumptions.assumeTrue(dir != null, "no compiled test objects in src/test/resources/bpf");
		try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
			List<String> names = files.map(p -> p.getFileName().toString())
				.filter(n -> n.endsWith(".o"))
				.sorted()
				.toList();
			Assumptions.assumeFalse(names.isEmpty(), "no compiled test objects in src/test/resources/bpf");
			return names.stream();
		}
	}

	@ParameterizedTest
	@MethodSource("objects")
	void everyProgramIsAccepted(String file) throws Exception {
		byte[] bytes;
		try (InputStream in = CompiledObjectsTest.class.getResourceAsStream("/bpf/" + file)) {
			bytes = in.readAllBytes();
		}
		BpfObject obj;
		try {
			obj = ElfLoader.load(bytes, file);
		}
		catch (ElfException e) {
			// some objects are the ELF loader's negative fixtures (e.g. BTF maps without
			// BTF)
			Assumptions.abort(file + " does not load: " + e.getMessage());
			return;
		}
		assertThat(obj.programs()).isNotEmpty();
		for (ProgramSpec p : obj.programs()) {
			VerifierResult r = Verifier.verify(p.insns(), p.type(), obj.maps());
			assertThat(r.accepted())
				.as("%s:%s (%s) rejected at insn %d: %s%n%s", file, p.name(), p.type(), r.errorInsn(), r.error(),
						tail(r.log()))
				.isTrue();
			assertThat(r.processedInsns()).isPositive();
		}
	}

	private static String tail(String log) {
		String[] lines = log.split("\n");
		int from = Math.max(0, lines.length - 40);
		return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
	}

}
