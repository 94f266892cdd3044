package dev.bpfnet.bpf.interp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin protocol of ebpf.md §1.3, run in-process. */
class ConformancePluginTest {

	record Outcome(int exit, String out, String err) {
	}

	static Outcome run(String program, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = ConformancePlugin.main(args, new ByteArrayInputStream(program.getBytes(StandardCharsets.US_ASCII)),
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void printsR0InHex() {
		// mov32 r0, 0; mov32 r1, 2; add32 r0, 1; add32 r0, r1; exit -> 3
		String add = "b4 00 00 00 00 00 00 00\nb4 01 00 00 02 00 00 00\n04 00 00 00 01 00 00 00\n"
				+ "0c 10 00 00 00 00 00 00\n95 00 00 00 00 00 00 00\n";
		assertThat(run(add)).isEqualTo(new Outcome(0, "3\n", ""));
	}

	@Test
	void memoryComesAsTheFirstArgumentAndOptionsAreIgnored() {
		// ldxdw r0, [r1+0]; exit
		String prog = "7910000000000000 9500000000000000";
		Outcome o = run(prog, "0102030405060708", "--debug", "true");
		assertThat(o).isEqualTo(new Outcome(0, "807060504030201\n", ""));
	}

	@Test
	void faultsExitWithOneAndAMessage() {
		// ldxdw r0, [r1+0] with no memory: r1 = 0
		Outcome o = run("79 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00");
		assertThat(o.exit()).isEqualTo(1);
		assertThat(o.out()).isEmpty();
		assertThat(o.err()).isEqualTo("pc 0: invalid mem access 'scalar'\n");
	}

	@Test
	void structurallyInvalidProgramsAreRejectedBeforeRunning() {
		Outcome o = run("07 00 01 00 01 00 00 00 95 00 00 00 00 00 00 00");
		assertThat(o).isEqualTo(new Outcome(1, "", "pc 0: BPF opcode 07 uses reserved fields (off=1)\n"));
	}

	@Test
	void badInput() {
		assertThat(run("zz").err()).startsWith("invalid program on stdin: 'z' at index 0");
		assertThat(run("95 00 00 00").err()).isEqualTo("program length 4 is not a multiple of 8\n");
		assertThat(run("95 00 00 00 00 00 00 00", "--elf", "true").exit()).isEqualTo(1);
		assertThat(run("95 00 00 00 00 00 00 00", "0g").err()).startsWith("invalid memory argument");
	}

}
