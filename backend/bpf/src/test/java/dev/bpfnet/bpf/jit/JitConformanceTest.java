package dev.bpfnet.bpf.jit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.bpfnet.bpf.conformance.ConformanceFile;
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

/**
 * The bpf_conformance suite ({@code tests/*.data}, programs from
 * {@code bytecode/NAME.hex} or {@code -- raw}) on the JIT: every program must compile,
 * give the stated r0, and behave exactly as the interpreter (same r0, same fault pc and
 * text, same instruction count).
 */
class JitConformanceTest {

	static Path suite() {
		return ConformanceFile.suite();
	}

	static List<Path> files(Path dir) throws IOException {
		return ConformanceFile.dataFiles(dir);
	}

	@Test
	void allThreeHundredThirteenTestsAreThere() throws IOException {
		assertThat(files(suite().resolve("tests"))).hasSize(313);
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
				LoadedProgram prog = LoadedProgram.of(insns);
				JitProgram jit = JitCompiler.compile(prog);
				Vm ivm = new Vm(HelperTable.conformance());
				Outcome interp = Outcome.of(ivm, () -> ivm.runRaw(prog, t.mem()));
				Vm vm = new Vm(HelperTable.conformance());
				Outcome jitted = Outcome.of(vm, () -> jit.runRaw(vm, t.mem()));
				assertThat(jitted).as("JIT vs interpreter").isEqualTo(interp);
				if (t.result() == null) {
					assertThat(t.error()).as("test has a result or an error").isNotNull();
					assertThat(ProgramCheck.check(insns) != null || jitted.fault() != null).as("expected an error")
						.isTrue();
					return;
				}
				assertThat(jitted.fault()).as("fault").isNull();
				assertThat(Long.toHexString(jitted.r0())).as("r0").isEqualTo(Long.toHexString(t.result()));
			}));
	}

	/** r0 or the fault message of one run, and the instructions it executed. */
	record Outcome(long r0, String fault, long executed) {

		interface Run {

			long run() throws BpfFault;

		}

		static Outcome of(Vm vm, Run run) {
			try {
				long r0 = run.run();
				return new Outcome(r0, null, vm.instructionsExecuted());
			}
			catch (BpfFault fault) {
				return new Outcome(0, fault.getMessage(), vm.instructionsExecuted());
			}
		}

	}

}
