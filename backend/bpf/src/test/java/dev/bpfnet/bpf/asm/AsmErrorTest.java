package dev.bpfnet.bpf.asm;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Error texts and their 1-based line and column, pinned. */
class AsmErrorTest {

	static Stream<Arguments> errors() {
		String far = "goto far\n" + "r0 = 0\n".repeat(40000) + "far: exit\n";
		return Stream.of(Arguments.of("mov %r0, 1\nfoo %r1, 2\n", 2, 1, "Invalid mnemonic: foo"),
				Arguments.of("  r0 = r11", 1, 8, "Invalid register: r11"),
				Arguments.of("exit\n\tadd %r0, %r1x", 2, 11, "Invalid register: %r1x"),
				Arguments.of("mov32 %r0, 2147483648", 1, 12,
						"Immediate out of range: 2147483648 (32-bit: decimal -2147483648..2147483647, hex up to 0xffffffff)"),
				Arguments.of("w1 += 0x100000000", 1, 7,
						"Immediate out of range: 0x100000000 (32-bit: decimal -2147483648..2147483647, hex up to 0xffffffff)"),
				Arguments.of("r0 = 1\nja nowhere\nexit", 2, 4, "Invalid label: nowhere"),
				Arguments.of("call no_such_thing", 1, 6,
						"Invalid label: no_such_thing (neither a label nor a known helper)"),
				Arguments.of("ldxb %r0, [%r1+0x10000]", 1, 15,
						"Offset out of range: 0x10000 (16-bit signed: -32768..32767)"),
				Arguments.of("*(u32 *)(r10 - 40000) = r1", 1, 14,
						"Offset out of range: -40000 (16-bit signed: -32768..32767)"),
				Arguments.of("if r1 > r2 goto +32768", 1, 17,
						"Offset out of range: 32768 (16-bit signed: -32768..32767)"),
				Arguments.of(far, 1, 6,
						"Jump offset out of range: far is 40000 slots away (16-bit signed offset; use gotol)"),
				Arguments.of("r1 = *(u128 *)(r2 + 0)", 1, 8,
						"Invalid size: expected u8, u16, u32, u64, s8, s16 or s32 but found 'u128'"),
				Arguments.of("x:\nexit\n x :", 3, 2, "Duplicate label: x (first defined at line 1)"),
				Arguments.of("lock", 1, 1, "Invalid number of operands for lock"),
				Arguments.of("lock fetch add [%r1+0]", 1, 1, "Invalid number of operands for lock"),
				Arguments.of("ldxb %r0, %r1", 1, 11, "Invalid memory operand: %r1 (expected [%rN+offset])"),
				Arguments.of("if r1 => r2 goto +1", 1, 7, "Invalid condition: '='"),
				Arguments.of("r1 = 5 ll extra", 1, 11, "Unexpected 'extra' after the instruction"),
				Arguments.of("w1 += r2", 1, 7, "Invalid register: r2 (mixes 32-bit and 64-bit registers with w1)"),
				Arguments.of("r1 = 12x", 1, 6, "Invalid number: 12x"),
				Arguments.of("r1 = @", 1, 6, "Unexpected character '@'"),
				Arguments.of("if r1 > r2 goto", 1, 16,
						"Expected a jump target (+N, -N or a label) but found end of line"),
				Arguments.of("w1 = 1 ll", 1, 1, "Invalid register: w1 (lddw loads a 64-bit register)"),
				Arguments.of("r1 = (s32)r2\nw1 = (s32)w2", 2, 7,
						"Invalid sign extension: 's32' (w registers take s8 or s16)"),
				Arguments.of("r1 = atomic_fetch_add((u64 *)(r2 + 0), r3)", 1, 40,
						"Invalid register: r3 (the fetched value goes to the source, r1)"),
				Arguments.of("lock *(u8 *)(r1 + 0) += r2", 1, 6, "Invalid size: atomic operations take u32 or u64"),
				Arguments.of("r0 = *(u64 *)skb[12]", 1, 7, "Invalid size: packet loads take u8, u16 or u32"),
				Arguments.of("mov %r0, 1, 2", 1, 1, "Invalid number of operands for mnemonic: mov"),
				Arguments.of("movsx3232 %r0, %r1", 1, 1, "Invalid mnemonic: movsx3232"),
				Arguments.of("lock nand [%r1+0], %r2", 1, 6, "Invalid mnemonic: lock nand"),
				Arguments.of("r1:", 1, 1, "Invalid label name: r1"),
				Arguments.of(".insn -1", 1, 7, "Invalid raw slot: -1 (expected 0x<16 hex digits>)"),
				Arguments.of("r1 = 18446744073709551616 ll", 1, 6, "Invalid number: 18446744073709551616"));
	}

	@ParameterizedTest
	@MethodSource("errors")
	void errorsNameTheProblemAndItsPosition(String text, int line, int column, String reason) {
		AsmException ex = catchThrowableOfType(AsmException.class, () -> Assembler.assemble(text));
		assertThat(ex).as("assembling must fail: %s", text.lines().findFirst().orElse("")).isNotNull();
		assertThat(ex.reason()).isEqualTo(reason);
		assertThat(ex.line()).as("line").isEqualTo(line);
		assertThat(ex.column()).as("column").isEqualTo(column);
		assertThat(ex.getMessage()).isEqualTo("line " + line + ", column " + column + ": " + reason);
	}

}
