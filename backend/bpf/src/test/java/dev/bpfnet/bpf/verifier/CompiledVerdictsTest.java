package dev.bpfnet.bpf.verifier;

import java.io.InputStream;

import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.elf.ProgramSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clang output of {@code src/test/c/verifier/stress.c} (variable IP header length,
 * bounded packet loop, bpf-to-bpf call, ringbuf behind a .rodata switch, helpers that
 * change packet data), correct and with one bug each, with the verdict and message the
 * verifier must give.
 */
class CompiledVerdictsTest {

	@ParameterizedTest(name = "{0}:{1}")
	@CsvSource(delimiter = '|', textBlock = """
			stress_v1.o                | parse_udp | -1 |
			stress_v1.o                | rewrite   | -1 |
			stress_v3.o                | parse_udp | -1 |
			stress_v3.o                | rewrite   | -1 |
			rodata_prunes_no_submit.o  | parse_udp | -1 |
			bug_no_udp_check.o         | parse_udp | 28 | R7 offset is outside of the packet
			bug_no_null_check.o        | parse_udp | 82 | R1 invalid mem access 'scalar'
			bug_no_submit.o            | parse_udp | 82 | Unreleased reference id=5 alloc_insn=53
			""")
	void verdict(String file, String program, int insn, String lastLine) throws Exception {
		byte[] bytes;
		try (InputStream in = CompiledVerdictsTest.class.getResourceAsStream("/verifier/objects/" + file)) {
			bytes = in.readAllBytes();
		}
		BpfObject obj = ElfLoader.load(bytes, file);
		ProgramSpec p = obj.program(program);
		VerifierResult r = Verifier.verify(p.insns(), p.type(), obj.maps());
		if (lastLine == null) {
			assertThat(r.accepted()).as("rejected at %d: %s", r.errorInsn(), r.error()).isTrue();
		}
		else {
			assertThat(r.accepted()).isFalse();
			assertThat(r.lastErrorLine()).isEqualTo(lastLine);
			assertThat(r.errorInsn()).isEqualTo(insn);
		}
	}

}
