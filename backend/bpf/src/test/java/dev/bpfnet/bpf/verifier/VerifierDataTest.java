package dev.bpfnet.bpf.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.prog.ProgramType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests as data: {@code verifier/rejected.data} (each program with the kernel's exact
 * message and instruction index) and {@code verifier/accepted.data}.
 */
class VerifierDataTest {

	/** The maps every test program sees, by index ({@code map[idx:N]}). */
	static final List<MapSpec> MAPS = List.of(MapSpec.of("counts", MapType.HASH, 4, 8, 16),
			MapSpec.of("events", MapType.RINGBUF, 0, 0, 4096), MapSpec.of("jmp_table", MapType.PROG_ARRAY, 4, 4, 4),
			MapSpec.of("tx_ports", MapType.DEVMAP, 4, 4, 8),
			new MapSpec(".rodata", MapType.ARRAY, 4, 8, 1, 0x80, new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 }, true),
			MapSpec.of("vals", MapType.ARRAY, 4, 8, 1));

	record Case(String name, ProgramType type, String asm, String error, Integer insn, Integer errno,
			boolean accepted) {
	}

	static List<Case> load(String resource) throws IOException {
		String text;
		try (InputStream in = VerifierDataTest.class.getResourceAsStream(resource)) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		List<Case> out = new ArrayList<>();
		String name = null;
		ProgramType type = ProgramType.SCHED_CLS;
		StringBuilder asm = new StringBuilder();
		StringBuilder error = new StringBuilder();
		Integer insn = null;
		Integer errno = null;
		boolean accepted = false;
		String section = "";
		for (String line : (text + "\n== end").split("\n")) {
			if (line.startsWith("== ")) {
				if (name != null) {
					out.add(new Case(name, type, asm.toString(), error.isEmpty() ? null : error.toString().strip(),
							insn, errno, accepted));
				}
				name = line.substring(3).strip();
				type = ProgramType.SCHED_CLS;
				asm.setLength(0);
				error.setLength(0);
				insn = null;
				errno = null;
				accepted = false;
				section = "";
			}
			else if (line.startsWith("-- ")) {
				String[] kv = line.substring(3).strip().split("\\s+", 2);
				switch (kv[0]) {
					case "type" -> type = ProgramType.valueOf(kv[1]);
					case "insn" -> insn = Integer.parseInt(kv[1]);
					case "errno" -> errno = Integer.parseInt(kv[1]);
					case "accepted" -> accepted = true;
					default -> section = kv[0];
				}
			}
			else if (name != null && section.equals("asm")) {
				asm.append(line).append('\n');
			}
			else if (name != null && section.equals("error") && !line.startsWith("#")) {
				error.append(line).append('\n');
			}
		}
		return out;
	}

	static VerifierResult verify(Case c) throws Exception {
		Insn[] insns = Assembler.assembleInsns(c.asm());
		return Verifier.verify(insns, c.type(), MAPS);
	}

	@TestFactory
	Stream<DynamicTest> rejectedWithTheKernelsMessage() throws IOException {
		List<Case> cases = load("/verifier/rejected.data");
		assertThat(cases).hasSizeGreaterThan(60);
		return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
			assertThat(c.error()).as("case needs an -- error").isNotNull();
			assertThat(c.insn()).as("case needs an -- insn").isNotNull();
			VerifierResult r = verify(c);
			assertThat(r.accepted()).as("accepted; log:%n%s", r.log()).isFalse();
			assertThat(r.error()).as("log:%n%s", r.log()).isEqualTo(c.error());
			assertThat(r.errorInsn()).isEqualTo(c.insn());
			if (c.errno() != null) {
				assertThat(r.errno()).isEqualTo(c.errno());
			}
			assertThat(r.log()).contains(c.error());
			assertThat(r.lastErrorLine()).isEqualTo(c.error().substring(c.error().lastIndexOf('\n') + 1));
		}));
	}

	@TestFactory
	Stream<DynamicTest> accepted() throws IOException {
		List<Case> cases = load("/verifier/accepted.data");
		assertThat(cases).hasSizeGreaterThan(30);
		return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
			assertThat(c.accepted()).as("case needs -- accepted").isTrue();
			VerifierResult r = verify(c);
			assertThat(r.accepted()).as("rejected at %d: %s%n%s", r.errorInsn(), r.error(), r.log()).isTrue();
			assertThat(r.error()).isNull();
			assertThat(r.processedInsns()).isPositive();
			assertThat(r.log()).contains("processed " + r.processedInsns() + " insns");
		}));
	}

	/**
	 * Every rejection message of the table in §5.4 of the eBPF reference is pinned by a
	 * case of {@code rejected.data}.
	 */
	@Test
	void everyMessageOfTheReferenceTableIsPinned() throws IOException {
		String dir = System.getProperty("bpfnet.shared.dir");
		Path ref = (dir != null) ? Path.of(dir, "reference", "ebpf.md") : null;
		Assumptions.assumeTrue(ref != null && Files.isRegularFile(ref), "shared reference ebpf.md not available");
		String md = Files.readString(ref);
		int start = md.indexOf("### 5.4");
		int end = md.indexOf("Other frequent messages", start);
		Set<String> messages = new LinkedHashSet<>();
		Pattern code = Pattern.compile("`([^`]+)`");
		for (String row : md.substring(start, end).split("\n")) {
			String[] cols = row.split("\\|");
			if (cols.length < 4 || cols[2].contains("accepted") || cols[2].contains("Kernel verdict")) {
				continue;
			}
			Matcher m = code.matcher(cols[3]);
			while (m.find()) {
				String msg = m.group(1);
				if (!msg.endsWith("state:")) {
					messages.add(msg);
				}
			}
		}
		assertThat(messages).hasSizeGreaterThan(20);
		List<String> pinned = load("/verifier/rejected.data").stream().map(Case::error).toList();
		for (String msg : messages) {
			assertThat(pinned).as("no case pins `%s`", msg).anyMatch(e -> e.lines().anyMatch(msg::equals));
		}
	}

}
