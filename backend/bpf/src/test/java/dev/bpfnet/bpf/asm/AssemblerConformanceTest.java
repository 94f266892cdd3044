package dev.bpfnet.bpf.asm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The bpf_conformance suite against the assembler: every {@code -- asm} section assembles
 * to the reference assembler's {@code bytecode/NAME.hex}, and every negative case whose
 * asm is malformed is rejected with the suite's error text.
 */
class AssemblerConformanceTest {

	@Test
	void suiteHasOneBytecodeFilePerTest() {
		Path suite = SuiteFiles.suite();
		List<String> tests = SuiteFiles.list(suite.resolve("tests"), ".data")
			.stream()
			.map(SuiteFiles::baseName)
			.toList();
		List<String> hex = SuiteFiles.list(suite.resolve("bytecode"), ".hex")
			.stream()
			.map(SuiteFiles::baseName)
			.toList();
		assertThat(tests).hasSize(313).isEqualTo(hex);
	}

	@TestFactory
	Stream<DynamicTest> everyAsmSectionAssemblesToTheReferenceBytecode() {
		Path suite = SuiteFiles.suite();
		return SuiteFiles.list(suite.resolve("tests"), ".data").stream().map((file) -> {
			String name = SuiteFiles.baseName(file);
			return DynamicTest.dynamicTest(name, () -> {
				String asm = SuiteFiles.sections(file).get("asm");
				assertThat(asm).as("%s has an asm section", name).isNotNull();
				Insn[] expected = SuiteFiles.hex(suite.resolve("bytecode").resolve(name + ".hex"));
				Insn[] actual = Assembler.assembleInsns(asm);
				assertThat(SuiteFiles.hexLines(actual)).as(name).isEqualTo(SuiteFiles.hexLines(expected));
			});
		});
	}

	@Test
	void rawSectionsAgreeWithTheAsmSection() throws AsmException {
		Path suite = SuiteFiles.suite();
		int checked = 0;
		for (Path file : SuiteFiles.list(suite.resolve("tests"), ".data")) {
			Map<String, String> sections = SuiteFiles.sections(file);
			String raw = sections.get("raw");
			if (raw == null) {
				continue;
			}
			StringBuilder asInsn = new StringBuilder();
			for (String tok : raw.replaceAll("#.*", "").trim().split("\\s+")) {
				asInsn.append(".insn ").append(tok).append('\n');
			}
			assertThat(Assembler.assembleInsns(asInsn.toString())).as(file.toString())
				.isEqualTo(Assembler.assembleInsns(sections.get("asm")));
			checked++;
		}
		assertThat(checked).isEqualTo(1);
	}

	/**
	 * {@code negative/invalid_*.data} with a non-empty asm section: the asm itself is
	 * wrong (the VM-side negatives are raw and {@code error.data} assembles; see
	 * {@link #errorDataIsNotAnAssemblerError()}).
	 */
	@TestFactory
	Stream<DynamicTest> malformedNegativeCasesAreRejected() {
		Path suite = SuiteFiles.suite();
		List<Path> cases = SuiteFiles.list(suite.resolve("negative"), ".data")
			.stream()
			.filter((f) -> SuiteFiles.baseName(f).startsWith("invalid_"))
			.filter((f) -> {
				String asm = SuiteFiles.sections(f).get("asm");
				return asm != null && !asm.replaceAll("#.*", "").isBlank();
			})
			.toList();
		assertThat(cases).extracting(SuiteFiles::baseName)
			.containsExactly("invalid_imm32_dec_range", "invalid_imm32_hex_range", "invalid_label", "invalid_lock",
					"invalid_lock2", "invalid_mnemonic", "invalid_offset", "invalid_offset_range",
					"invalid_operand_count", "invalid_register");
		return cases.stream().map((file) -> DynamicTest.dynamicTest(SuiteFiles.baseName(file), () -> {
			Map<String, String> sections = SuiteFiles.sections(file);
			AsmException ex = catchThrowableOfType(AsmException.class, () -> Assembler.assemble(sections.get("asm")));
			assertThat(ex).as("assembling %s must fail", file.getFileName()).isNotNull();
			String expected = sections.get("error");
			if (expected != null) {
				assertThat(ex.reason()).startsWith(expected.trim());
			}
			List<String> lines = sections.get("asm").lines().toList();
			int firstCode = 1;
			while (lines.get(firstCode - 1).replaceAll("#.*", "").isBlank()) {
				firstCode++;
			}
			assertThat(ex.line()).as("line of the first instruction").isEqualTo(firstCode);
		}));
	}

	@Test
	void negativeErrorTextsMatchTheSuite() {
		assertThatThrownBy(() -> Assembler.assemble("lock or [%r10-8]\nexit")).isInstanceOf(AsmException.class)
			.extracting((e) -> ((AsmException) e).reason())
			.isEqualTo("Invalid number of operands for lock");
		assertThatThrownBy(() -> Assembler.assemble("lock\nexit")).extracting((e) -> ((AsmException) e).reason())
			.isEqualTo("Invalid number of operands for lock");
		assertThatThrownBy(() -> Assembler.assemble("or %r0, %r50\nexit"))
			.extracting((e) -> ((AsmException) e).reason())
			.isEqualTo("Invalid register: %r50");
		assertThatThrownBy(() -> Assembler.assemble("ldxq %r0, %r1\nexit"))
			.extracting((e) -> ((AsmException) e).reason())
			.isEqualTo("Invalid mnemonic: ldxq");
		assertThatThrownBy(() -> Assembler.assemble("lddw %r0\nexit")).extracting((e) -> ((AsmException) e).reason())
			.isEqualTo("Invalid number of operands for mnemonic: lddw");
		assertThatThrownBy(() -> Assembler.assemble("ja NOT_A_LABEL\nexit"))
			.extracting((e) -> ((AsmException) e).reason())
			.isEqualTo("Invalid label: NOT_A_LABEL");
	}

	/**
	 * {@code negative/error.data} ({@code or %r0, %r10}, error "Invalid") is valid
	 * assembly: its failure is expected from the plugin under test, not from an
	 * assembler.
	 */
	@Test
	void errorDataIsNotAnAssemblerError() throws AsmException {
		Path file = SuiteFiles.suite().resolve("negative").resolve("error.data");
		assertThat(Assembler.assembleInsns(SuiteFiles.sections(file).get("asm")))
			.containsExactly(Insn.of(0x4f, 0, 10, 0, 0), Insn.of(0x95, 0, 0, 0, 0));
	}

}
