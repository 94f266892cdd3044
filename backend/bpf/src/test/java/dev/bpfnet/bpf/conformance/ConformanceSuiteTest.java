package dev.bpfnet.bpf.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.bpfnet.bpf.interp.HelperTable;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.ProgramCheck;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.mem.BpfFault;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The bpf_conformance suite under the interpreter: every {@code tests/*.data} (program
 * from {@code bytecode/NAME.hex}, or from {@code -- raw}), and the
 * {@code negative/*.data} cases that concern a VM (structural rejection, wrong results).
 * Assembler-error negatives belong to the assembler's tests.
 */
class ConformanceSuiteTest {

	/**
	 * The two asm-only negative cases that concern the VM, hand-encoded so that this test
	 * does not depend on the assembler.
	 */
	static final Map<String, Insn[]> NEGATIVE_ASM = Map.of(
			// or %r0, %r10 ; exit
			"error", new Insn[] { Insn.of(0x4f, 0, 10, 0, 0), Insn.of(0x95, 0, 0, 0, 0) },
			// ldxdw %r0, [%r1+2] ; exit
			"incorrect_return_value_high_bits", new Insn[] { Insn.of(0x79, 0, 1, 2, 0), Insn.of(0x95, 0, 0, 0, 0) });

	static Path suite() {
		return ConformanceFile.suite();
	}

	static List<Path> files(Path dir) throws IOException {
		return ConformanceFile.dataFiles(dir);
	}

	@TestFactory
	Stream<DynamicTest> tests() throws IOException {
		Path suite = suite();
		return files(suite.resolve("tests")).stream()
			.map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
				ConformanceFile t = ConformanceFile.parse(f);
				Assumptions.assumeTrue(t.skipReason() == null, t.skipReason());
				Path hex = suite.resolve("bytecode").resolve(t.name() + ".hex");
				Insn[] insns = Files.exists(hex) ? ConformanceFile.readHex(hex) : t.raw();
				assertThat(insns).as("program of " + t.name()).isNotNull().isNotEmpty();
				if (t.raw() != null && Files.exists(hex)) {
					assertThat(t.raw()).as("-- raw agrees with bytecode/%s.hex", t.name()).containsExactly(insns);
				}
				ProgramCheck.Problem problem = ProgramCheck.check(insns);
				if (t.result() == null) {
					assertThat(t.error()).as("test has a result or an error").isNotNull();
					assertThat(problem != null || faults(insns, t.mem())).as("expected an error").isTrue();
					return;
				}
				assertThat(problem).as("structural check").isNull();
				Vm vm = new Vm(HelperTable.conformance());
				long r0 = vm.runRaw(LoadedProgram.of(insns), t.mem());
				assertThat(Long.toHexString(r0)).as("r0").isEqualTo(Long.toHexString(t.result()));
			}));
	}

	@Test
	void allThreeHundredThirteenTestsAreThere() throws IOException {
		assertThat(files(suite().resolve("tests"))).hasSize(313);
	}

	@TestFactory
	Stream<DynamicTest> negatives() throws IOException {
		Path suite = suite();
		return files(suite.resolve("negative")).stream()
			.map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
				ConformanceFile t = ConformanceFile.parse(f);
				Insn[] insns = t.raw() != null ? t.raw() : NEGATIVE_ASM.get(t.name());
				Assumptions.assumeTrue(t.skipReason() == null, t.skipReason());
				Assumptions.assumeTrue(insns != null || t.asm() == null,
						"assembler negative case: covered by the assembler's tests");
				if (insns == null || insns.length == 0) {
					// the suite skips a test that yields no instructions
					assertThat(t.asm() == null || t.asm().isBlank()).isTrue();
					return;
				}
				ProgramCheck.Problem problem = ProgramCheck.check(insns);
				if (t.error() != null) {
					assertThat(problem).as("must be rejected before running").isNotNull();
					return;
				}
				assertThat(problem).isNull();
				long r0;
				try {
					r0 = new Vm(HelperTable.conformance()).runRaw(LoadedProgram.of(insns), t.mem());
				}
				catch (BpfFault fault) {
					return; // an error is a result different from the stated one
				}
				assertThat(r0).as("must differ from the stated (wrong) result").isNotEqualTo(t.result());
			}));
	}

	@Test
	void errorDotDataIsRejectedWithTheKernelText() {
		assertThat(ProgramCheck.check(NEGATIVE_ASM.get("error")))
			.hasToString("pc 0: R0 bitwise operator |= on pointer prohibited");
	}

	private static boolean faults(Insn[] insns, byte[] mem) {
		try {
			new Vm(HelperTable.conformance()).runRaw(LoadedProgram.of(insns), mem);
			return false;
		}
		catch (BpfFault fault) {
			return true;
		}
		catch (RuntimeException ex) {
			return fail("not a BpfFault", ex);
		}
	}

}
