package dev.bpfnet.bpf.interp;

import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The structural checks of conformance mode, one row per rule. */
class ProgramCheckTest {

	static Insn exit() {
		return Insn.of(Opcodes.EXIT, 0, 0, 0, 0);
	}

	static Stream<Arguments> rejected() {
		return Stream.of(arguments(new Insn[0], "pc 0: program has no instructions"),
				arguments(new Insn[] { Insn.of(0x07, 0, 0, 1, 1), exit() },
						"pc 0: BPF opcode 07 uses reserved fields (off=1)"),
				arguments(new Insn[] { Insn.of(0x0f, 0, 1, 0, 5), exit() },
						"pc 0: BPF opcode 0f uses reserved fields (imm=5)"),
				arguments(new Insn[] { Insn.of(0x95, 1, 0, 0, 0) },
						"pc 0: BPF opcode 95 uses reserved fields (dst_reg=1)"),
				arguments(new Insn[] { Insn.of(0x05, 0, 0, 0, 1), exit() },
						"pc 0: BPF opcode 05 uses reserved fields (imm=1)"),
				arguments(new Insn[] { Insn.of(0x61, 0, 1, 0, 1), exit() },
						"pc 0: BPF opcode 61 uses reserved fields (imm=1)"),
				arguments(new Insn[] { Insn.of(0x62, 1, 2, 0, 1), exit() },
						"pc 0: BPF opcode 62 uses reserved fields (src_reg=2)"),
				arguments(new Insn[] { Insn.of(0x8f, 0, 1, 0, 0), exit() }, "pc 0: unknown opcode 8f"),
				arguments(new Insn[] { Insn.of(0x07, 0, 0, 0, 0) }, "pc 0: last insn is not an exit or jump"),
				arguments(new Insn[] { Insn.of(0x05, 0, 0, 1, 0), exit() }, "pc 0: jump out of range from insn 0 to 2"),
				arguments(Insn.concat(new Insn[] { Insn.of(0x05, 0, 0, 1, 0) }, Insn.lddw(0, 0, 1),
						new Insn[] { exit() }), "pc 0: jump into the middle of ldimm64 insn 1"),
				arguments(new Insn[] { exit(), Insn.of(Opcodes.LDDW, 0, 0, 0, 0) }, "pc 1: invalid bpf_ld_imm64 insn"),
				arguments(new Insn[] { Insn.of(Opcodes.LDDW, 0, 0, 0, 0), Insn.of(0x07, 0, 0, 0, 0), exit() },
						"pc 0: invalid bpf_ld_imm64 insn"),
				arguments(new Insn[] { Insn.of(0xb7, 10, 0, 0, 0), exit() }, "pc 0: frame pointer is read only"),
				arguments(new Insn[] { Insn.of(0xdb, 10, 10, -8, 0xe1), exit() }, "pc 0: frame pointer is read only"),
				arguments(new Insn[] { Insn.of(0xbf, 12, 0, 0, 0), exit() }, "pc 0: R12 is invalid"),
				arguments(new Insn[] { Insn.of(0x4f, 0, 10, 0, 0), exit() },
						"pc 0: R0 bitwise operator |= on pointer prohibited"),
				arguments(new Insn[] { Insn.of(0x2f, 0, 10, 0, 0), exit() },
						"pc 0: R0 pointer arithmetic with *= operator prohibited"),
				arguments(new Insn[] { Insn.of(0x0c, 0, 10, 0, 0), exit() },
						"pc 0: R0 32-bit pointer arithmetic prohibited"),
				arguments(new Insn[] { Insn.of(0x3f, 0, 1, 2, 0), exit() },
						"pc 0: BPF_ALU uses reserved fields (off=2)"),
				arguments(new Insn[] { Insn.of(0xbc, 0, 1, 32, 0), exit() },
						"pc 0: BPF_MOV uses reserved fields (off=32)"),
				arguments(new Insn[] { Insn.of(0xc3, 10, 1, -8, 0xe0), exit() },
						"pc 0: BPF_ATOMIC uses invalid atomic opcode e0"),
				arguments(new Insn[] { Insn.of(0x85, 0, 1, 0, -5), exit() },
						"pc 0: jump out of range from insn 0 to -4"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource
	void rejected(Insn[] program, String message) {
		assertThat(ProgramCheck.check(program)).hasToString(message);
	}

	@Test
	void acceptsPointerArithmeticOnTheFramePointer() {
		Insn[] p = { Insn.of(0xbf, 2, 10, 0, 0), Insn.of(0x0f, 2, 10, 0, 0), Insn.of(0x1f, 2, 10, 0, 0),
				Insn.of(0x07, 2, 0, 0, -8), Insn.of(0x05, 0, 0, -1, 0) };
		assertThat(ProgramCheck.check(p)).isNull();
	}

	@Test
	void opcodeTable() {
		int[] valid = { 0x07, 0x0f, 0x87, 0xd4, 0xdc, 0xd7, 0x05, 0x06, 0x85, 0x8d, 0x95, 0x1e, 0xde, 0x18, 0x20, 0x50,
				0x61, 0x79, 0x81, 0x91, 0x62, 0x7a, 0x63, 0x7b, 0xc3, 0xdb };
		int[] invalid = { 0x00, 0x8f, 0x8c, 0xdf, 0xe7, 0x0d, 0x9d, 0x0e, 0x86, 0x8e, 0x96, 0x38, 0x58, 0x60, 0x99,
				0x82, 0xc2, 0xcb, 0xd3, 0xff };
		for (int op : valid) {
			assertThat(ProgramCheck.validOpcode(op)).as("%02x", op).isTrue();
		}
		for (int op : invalid) {
			assertThat(ProgramCheck.validOpcode(op)).as("%02x", op).isFalse();
		}
		int n = 0;
		for (int op = 0; op < 256; op++) {
			n += ProgramCheck.validOpcode(op) ? 1 : 0;
		}
		// ALU and ALU64: 13 codes x K/X minus NEG X = 25 each, + le/be/bswap; JMP: 11
		// conditions
		// x K/X + ja, call, callx, exit; JMP32: 11 x 2 + ja; LD: lddw + 3 ABS + 3 IND;
		// LDX: 4 MEM + 3 MEMSX; ST: 4; STX: 4 MEM + 2 ATOMIC
		assertThat(n).isEqualTo(25 + 25 + 3 + 26 + 23 + 7 + 7 + 4 + 6);
	}

}
