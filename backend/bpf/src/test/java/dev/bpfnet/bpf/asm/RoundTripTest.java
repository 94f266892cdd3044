package dev.bpfnet.bpf.asm;

import java.nio.file.Path;
import java.util.stream.Stream;

import dev.bpfnet.bpf.asm.Disassembler.Syntax;
import dev.bpfnet.bpf.isa.Insn;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code assemble(disassemble(p)) == p} for the 313 reference programs, in both syntaxes,
 * with numeric offsets and with labels; and none of them needs the {@code .insn} escape.
 */
class RoundTripTest {

	@TestFactory
	Stream<DynamicContainer> everyReferenceProgramRoundTrips() {
		Path suite = SuiteFiles.suite();
		return SuiteFiles.list(suite.resolve("bytecode"), ".hex").stream().map((file) -> {
			Insn[] prog = SuiteFiles.hex(file);
			return DynamicContainer.dynamicContainer(SuiteFiles.baseName(file), Stream.of(
					check(prog, Syntax.LLVM, false), check(prog, Syntax.LLVM, true), check(prog, Syntax.UBPF, false),
					check(prog, Syntax.UBPF, true),
					DynamicTest.dynamicTest("listing",
							() -> assertThat(SuiteFiles.hexLines(Assembler.assembleInsns(Disassembler.listing(prog))))
								.isEqualTo(SuiteFiles.hexLines(prog)))));
		});
	}

	private static DynamicTest check(Insn[] prog, Syntax syntax, boolean labels) {
		return DynamicTest.dynamicTest(syntax + (labels ? " with labels" : ""), () -> {
			String text = Disassembler.disassemble(prog, syntax, labels);
			assertThat(text).as("every reference instruction is valid").doesNotContain(".insn");
			Insn[] back = Assembler.assembleInsns(text);
			assertThat(SuiteFiles.hexLines(back)).as(text).isEqualTo(SuiteFiles.hexLines(prog));
		});
	}

}
