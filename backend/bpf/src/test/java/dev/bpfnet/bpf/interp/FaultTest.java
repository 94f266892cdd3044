package dev.bpfnet.bpf.interp;

import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.Maps;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.RawContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every way a program can go wrong at run time, pinned with the instruction index and the
 * kernel's text. Helpers 100 and 101 hand out {@code skb->data} / {@code data_end};
 * helper 102 replaces the packet mid-run as {@code bpf_skb_pull_data} may.
 */
class FaultTest {

	static final BpfMap VALUE8 = Maps.create(MapSpec.of("v8", MapType.ARRAY, 4, 8, 1), 1);

	static final BpfMap RODATA = Maps.create(new MapSpec(".rodata", MapType.ARRAY, 4, 8, 1, 0, null, true), 1);

	static HelperTable helpers() {
		return HelperTable.conformance()
			.register(100, "pkt_data", (vm, r1, r2, r3, r4, r5) -> vm.memory().packetData())
			.register(101, "pkt_end", (vm, r1, r2, r3, r4, r5) -> vm.memory().packetDataEnd())
			.register(102, "pull", (vm, r1, r2, r3, r4, r5) -> {
				vm.memory().setPacket(new byte[64], 0, 64);
				return 0;
			})
			.register(103, "broken", (vm, r1, r2, r3, r4, r5) -> {
				throw new ArrayIndexOutOfBoundsException("bug");
			});
	}

	static Stream<Arguments> faults() {
		return Stream.of(
				arguments("stack write above r10", new ProgramBuilder().st(8, 10, 0, 1).exit(),
						"pc 0: invalid write to stack off=0 size=8"),
				arguments("stack read below the frame", new ProgramBuilder().ldx(8, 0, 10, -520).exit(),
						"pc 0: invalid read from stack off=-520 size=8"),
				arguments("stack straddling the top", new ProgramBuilder().ldx(8, 0, 10, -4).exit(),
						"pc 0: invalid read from stack off=-4 size=8"),
				arguments("pointer wrapped below zero",
						new ProgramBuilder().movReg(1, 10).addImm(1, -513).ldx(1, 0, 1, 0).exit(),
						"pc 2: invalid read from stack off=-513 size=1"),
				arguments("scalar dereference", new ProgramBuilder().movImm(1, 0).ldx(4, 0, 1, 0).exit(),
						"pc 1: invalid mem access 'scalar'"),
				arguments("scalar above 2^32",
						new ProgramBuilder().lddw(1, 0x7fff_0000_0000_0000L).st(4, 1, 0, 0).exit(),
						"pc 2: invalid mem access 'scalar'"),
				arguments("packet past data_end", new ProgramBuilder().call(100).ldx(1, 0, 0, 12).exit(),
						"pc 1: invalid access to packet, off=12 size=1"),
				arguments("packet read at data_end", new ProgramBuilder().call(101).ldx(1, 0, 0, 0).exit(),
						"pc 1: invalid access to packet, off=12 size=1"),
				arguments("packet before data", new ProgramBuilder().call(100).ldx(2, 0, 0, -2).exit(),
						"pc 1: invalid access to packet, off=-2 size=2"),
				arguments("stale packet pointer",
						new ProgramBuilder().call(100).movReg(6, 0).call(102).ldx(1, 0, 6, 0).exit(),
						"pc 3: invalid mem access 'scalar'"),
				arguments("map value past its size",
						new ProgramBuilder().ldMapValue(1, VALUE8, 0).ldx(8, 0, 1, 8).exit(),
						"pc 2: invalid access to map value, value_size=8 off=8 size=8"),
				arguments("map value straddling", new ProgramBuilder().ldMapValue(1, VALUE8, 4).st(8, 1, 0, 0).exit(),
						"pc 2: invalid access to map value, value_size=8 off=4 size=8"),
				arguments("read-only map value", new ProgramBuilder().ldMapValue(1, RODATA, 0).st(4, 1, 0, 1).exit(),
						"pc 2: write into map forbidden, value_size=8 off=0 size=4"),
				arguments("map pointer dereference", new ProgramBuilder().ldMap(1, VALUE8).ldx(8, 0, 1, 0).exit(),
						"pc 2: invalid mem access 'map_ptr'"),
				arguments("ctx out of range", new ProgramBuilder().ldx(4, 0, 1, 16).exit(),
						"pc 0: invalid bpf_context access off=16 size=4"),
				arguments("ctx negative", new ProgramBuilder().ldx(1, 0, 1, -1).exit(),
						"pc 0: invalid bpf_context access off=-1 size=1"),
				arguments("atomic on ctx",
						new ProgramBuilder().movImm(2, 1).atomic(4, Opcodes.ATOMIC_ADD, 1, 2, 0).exit(),
						"pc 1: BPF_ATOMIC stores into ctx is not allowed"),
				arguments("misaligned atomic",
						new ProgramBuilder().movImm(2, 1).atomic(8, Opcodes.ATOMIC_ADD, 10, 2, -12).exit(),
						"pc 1: misaligned access off=500 size=8"),
				arguments("frame pointer write", new ProgramBuilder().movImm(10, 0).exit(),
						"pc 0: frame pointer is read only"),
				arguments("frame pointer load", new ProgramBuilder().ldx(8, 10, 10, -8).exit(),
						"pc 0: frame pointer is read only"),
				arguments("budget", new ProgramBuilder().ja(-1), "pc 0: instruction budget exhausted after 1000 insns"),
				arguments("unknown helper", new ProgramBuilder().call(9999).exit(), "pc 0: unknown helper 9999"),
				arguments("callx to an unknown helper", new ProgramBuilder().movImm(1, 77).callx(1).exit(),
						"pc 1: unknown helper 77"),
				arguments("tail call without support", new ProgramBuilder().call(HelperTable.TAIL_CALL).exit(),
						"pc 0: unknown helper 12"),
				arguments("helper bug", new ProgramBuilder().call(103).exit(),
						"pc 0: helper broken failed: java.lang.ArrayIndexOutOfBoundsException: bug"),
				arguments("unknown opcode", new ProgramBuilder().movImm(0, 0).insn(0xff, 0, 0, 0, 0).exit(),
						"pc 1: unknown opcode ff"),
				arguments("falls off the end", new ProgramBuilder().movImm(0, 0),
						"pc 1: last insn is not an exit or jump"),
				arguments("jump out of range", new ProgramBuilder().ja(5).exit(),
						"pc 0: jump out of range from insn 0 to 6"),
				arguments("jump into lddw", new ProgramBuilder().ja(1).lddw(0, 1).exit(),
						"pc 2: jump into the middle of ldimm64 insn 1"),
				arguments("truncated lddw", new ProgramBuilder().insn(Opcodes.LDDW, 0, 0, 0, 0),
						"pc 0: invalid bpf_ld_imm64 insn"),
				arguments("lddw of a missing map",
						new ProgramBuilder().insn(Opcodes.LDDW, 1, 5, 0, 3).insn(0, 0, 0, 0, 0).exit(),
						"pc 0: fd 3 is not pointing to valid bpf_map"),
				arguments("bad END width", new ProgramBuilder().insn(0xdc, 0, 0, 0, 8).exit(),
						"pc 0: BPF_END uses reserved fields (imm=8)"),
				arguments("bad atomic op", new ProgramBuilder().atomic(8, 0x10, 10, 1, -8).exit(),
						"pc 0: BPF_ATOMIC uses invalid atomic opcode 10"),
				arguments("register 11", new ProgramBuilder().movImm(11, 0).exit(), "pc 0: R11 is invalid"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void faults(String name, ProgramBuilder program, String message) {
		Vm vm = new Vm(helpers());
		vm.setInstructionBudget(1000);
		vm.memory().setPacket(new byte[32], 8, 20);
		assertThatThrownBy(() -> vm.run(program.build(), new RawContext(new byte[16]))).isInstanceOf(BpfFault.class)
			.hasMessage(message);
	}

	@Test
	void callDepthNineFaults() {
		// each function calls the next: main + 8 = 9 frames
		ProgramBuilder p = new ProgramBuilder().callLocal("f1").exit();
		for (int i = 1; i <= 8; i++) {
			p.label("f" + i);
			if (i < 8) {
				p.callLocal("f" + (i + 1));
			}
			p.exit();
		}
		// f7 (the 8th frame, at pc 14) calls f8
		assertThatThrownBy(() -> new Vm().runRaw(p.build(), null)).isInstanceOf(BpfFault.class)
			.hasMessage("pc 14: call stack too deep");
	}

	@Test
	void faultCarriesPcAndTextSeparately() {
		BpfFault fault = org.junit.jupiter.api.Assertions.assertThrows(BpfFault.class,
				() -> new Vm().runRaw(new ProgramBuilder().movImm(1, 8).ldx(8, 0, 1, 0).exit().build(), null));
		assertThat(fault.pc()).isEqualTo(1);
		assertThat(fault.text()).isEqualTo("invalid mem access 'scalar'");
	}

	@Test
	void budgetCountsTheFaultingRun() {
		Vm vm = new Vm();
		vm.setInstructionBudget(50);
		assertThatThrownBy(() -> vm.runRaw(LoadedProgram.of(Insn.of(0x05, 0, 0, -1, 0)), null))
			.isInstanceOf(BpfFault.class);
		assertThat(vm.instructionsExecuted()).isEqualTo(50);
	}

	@Test
	void divisionByZeroIsNotAFault() throws BpfFault {
		LoadedProgram p = new ProgramBuilder().movImm(0, 9)
			.alu64Imm(Opcodes.ALU_DIV, 0, 0)
			.movImm(1, 9)
			.alu32Imm(Opcodes.ALU_MOD, 1, 0)
			.addReg(0, 1)
			.exit()
			.build();
		assertThat(new Vm().runRaw(p, null)).isEqualTo(9L);
	}

}
