package dev.bpfnet.bpf.interp;

import java.util.Arrays;
import java.util.List;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.RawContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants over generated programs: whatever the bytes, the interpreter answers with r0
 * or a {@link BpfFault}, never another exception; ALU programs never fault; 32-bit ALU
 * results are zero-extended.
 */
class InterpreterPropertyTest {

	static final int[] ALU_CODES = { Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_DIV, Opcodes.ALU_OR,
			Opcodes.ALU_AND, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_NEG, Opcodes.ALU_MOD, Opcodes.ALU_XOR,
			Opcodes.ALU_MOV, Opcodes.ALU_ARSH };

	/** Any slot at all: opcodes from the whole byte, registers from the whole nibble. */
	@Provide
	Arbitrary<Insn[]> anySlots() {
		Arbitrary<Insn> insn = Combinators
			.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 15),
					Arbitraries.integers().between(0, 15), Arbitraries.shorts().between((short) -8, (short) 8),
					Arbitraries.oneOf(Arbitraries.integers().between(-16, 16), Arbitraries.integers(),
							Arbitraries.of(5, 12, 9999, 16, 32, 64)))
			.as((op, d, s, off, imm) -> Insn.of(op, d, s, off, imm));
		return insn.array(Insn[].class).ofMinSize(1).ofMaxSize(24);
	}

	/**
	 * Valid opcodes only, plausible registers and small offsets: reaches deeper paths.
	 */
	@Provide
	Arbitrary<Insn[]> validSlots() {
		Arbitrary<Integer> opcode = Arbitraries.integers().between(0, 255).filter(ProgramCheck::validOpcode);
		Arbitrary<Insn> insn = Combinators
			.combine(opcode, Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 10),
					Arbitraries.of(-8, -4, -1, 0, 1, 2, 8, 16, 32),
					Arbitraries.oneOf(Arbitraries.integers().between(-16, 16), Arbitraries.integers(),
							Arbitraries.of(0x01, 0x41, 0xe1, 0xf1, 5, 12, 16, 32, 64)))
			.as((op, d, s, off, imm) -> Insn.of(op, d, s, off, imm));
		return insn.list().ofMinSize(1).ofMaxSize(32).map(l -> {
			Insn[] p = l.toArray(new Insn[l.size() + 1]);
			p[l.size()] = Insn.of(Opcodes.EXIT, 0, 0, 0, 0);
			return p;
		});
	}

	/** ALU and ALU64 instructions with valid offsets, then exit. */
	@Provide
	Arbitrary<Insn[]> aluPrograms() {
		return aluInsn(Arbitraries.of(Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64)).list()
			.ofMinSize(1)
			.ofMaxSize(40)
			.map(InterpreterPropertyTest::withExit);
	}

	@Provide
	Arbitrary<Insn[]> alu32Programs() {
		return aluInsn(Arbitraries.just(Opcodes.CLASS_ALU)).list()
			.ofMinSize(1)
			.ofMaxSize(40)
			.map(InterpreterPropertyTest::withExit);
	}

	static Arbitrary<Insn> aluInsn(Arbitrary<Integer> cls) {
		return Combinators
			.combine(cls, Arbitraries.of(Arrays.stream(ALU_CODES).boxed().toList()),
					Arbitraries.of(Opcodes.SRC_K, Opcodes.SRC_X), Arbitraries.integers().between(0, 9),
					Arbitraries.integers().between(0, 9),
					Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-2, 70)),
					Arbitraries.integers().between(0, 1))
			.as((c, code, src, d, s, imm, signed) -> {
				int srcBit = code == Opcodes.ALU_NEG ? Opcodes.SRC_K : src;
				int off = (code == Opcodes.ALU_DIV || code == Opcodes.ALU_MOD) ? signed : 0;
				return Insn.of(c | code | srcBit, d, srcBit == Opcodes.SRC_X ? s : 0, off,
						srcBit == Opcodes.SRC_X || code == Opcodes.ALU_NEG ? 0 : imm);
			});
	}

	static Insn[] withExit(List<Insn> body) {
		Insn[] p = body.toArray(new Insn[body.size() + 1]);
		p[body.size()] = Insn.of(Opcodes.EXIT, 0, 0, 0, 0);
		return p;
	}

	static Vm vm() {
		Vm vm = new Vm(HelperTable.conformance().enableTailCalls());
		vm.setInstructionBudget(5_000);
		vm.memory().setPacket(new byte[64], 14, 64);
		return vm;
	}

	@Property(tries = 2000)
	void anyBytesGiveAResultOrAFault(@ForAll("anySlots") Insn[] program) {
		runExpectingOnlyFaults(program);
	}

	@Property(tries = 2000)
	void validOpcodesGiveAResultOrAFault(@ForAll("validSlots") Insn[] program) {
		runExpectingOnlyFaults(program);
	}

	private static void runExpectingOnlyFaults(Insn[] program) {
		LoadedProgram p = LoadedProgram.of(program);
		Vm vm = vm();
		try {
			vm.runRaw(p, new byte[32]);
		}
		catch (BpfFault expected) {
			assertThat(expected.getMessage()).startsWith("pc ");
		}
		try {
			vm.run(p, new RawContext(new byte[24]));
		}
		catch (BpfFault expected) {
			assertThat(expected.pc()).isBetween(0, program.length);
		}
	}

	@Property(tries = 1000)
	void aluProgramsNeverFault(@ForAll("aluPrograms") Insn[] program) throws BpfFault {
		assertThat(ProgramCheck.check(program)).isNull();
		new Vm().runRaw(LoadedProgram.of(program), null);
	}

	@Property(tries = 1000)
	void alu32ResultsAreZeroExtended(@ForAll("alu32Programs") Insn[] program) throws BpfFault {
		Vm vm = new Vm();
		vm.runRaw(LoadedProgram.of(program), null);
		for (int r = 0; r <= 9; r++) {
			assertThat(vm.register(r) >>> 32).as("r%d", r).isZero();
		}
	}

}
