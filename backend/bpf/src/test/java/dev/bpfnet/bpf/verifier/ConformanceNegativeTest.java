package dev.bpfnet.bpf.verifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.prog.ProgramType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bpf_conformance suite's {@code negative/unused-*.data} programs set a field their
 * opcode does not use; the verifier rejects each, with the kernel's
 * {@code ... uses reserved fields} unless an earlier check of the kernel fires first.
 * Read in place from {@code bpfnet.shared.dir}.
 */
class ConformanceNegativeTest {

	@TestFactory
	Stream<DynamicTest> unusedFieldsAreRejected() throws IOException {
		String dir = System.getProperty("bpfnet.shared.dir");
		Path negative = (dir != null) ? Path.of(dir, "bpf_conformance", "negative") : null;
		Assumptions.assumeTrue(negative != null && Files.isDirectory(negative),
				"bpf_conformance suite not found under bpfnet.shared.dir");
		List<Path> files;
		try (Stream<Path> s = Files.list(negative)) {
			files = s.filter(p -> p.getFileName().toString().startsWith("unused-")).sorted().toList();
		}
		assertThat(files).hasSizeGreaterThan(40);
		return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
			Insn[] prog = raw(Files.readAllLines(f));
			VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, List.of());
			assertThat(r.accepted()).isFalse();
			String name = f.getFileName().toString();
			if (name.startsWith("unused-exit-")) {
				// the first exit ends the program: check_cfg() finds the second one first
				assertThat(r.error()).isEqualTo("unreachable insn 1");
				assertThat(r.errorInsn()).isEqualTo(1);
			}
			else if (name.startsWith("unused-j") && !name.startsWith("unused-ja-")) {
				// the compared register r0 is read (and found uninitialised) before the
				// fields are checked, as in check_cond_jmp_op()
				assertThat(r.error()).isEqualTo("R0 !read_ok");
				assertThat(r.errorInsn()).isZero();
			}
			else {
				assertThat(r.error()).endsWith(" uses reserved fields");
				assertThat(r.errorInsn()).isZero();
			}
		}));
	}

	/** The {@code -- raw} section: one instruction of 8 hex bytes per line. */
	private static Insn[] raw(List<String> lines) {
		List<Insn> out = new ArrayList<>();
		boolean in = false;
		for (String line : lines) {
			if (line.startsWith("--")) {
				in = line.strip().equals("-- raw");
				continue;
			}
			if (!in || line.isBlank() || line.startsWith("#")) {
				continue;
			}
			String[] hex = line.strip().split("\\s+");
			byte[] b = new byte[hex.length];
			for (int i = 0; i < hex.length; i++) {
				b[i] = (byte) Integer.parseInt(hex[i], 16);
			}
			for (Insn i : Insn.decode(b)) {
				out.add(i);
			}
		}
		return out.toArray(new Insn[0]);
	}

}
