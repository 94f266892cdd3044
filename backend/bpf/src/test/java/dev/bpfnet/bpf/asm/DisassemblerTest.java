package dev.bpfnet.bpf.asm;

import dev.bpfnet.bpf.asm.Disassembler.Syntax;
import dev.bpfnet.bpf.isa.Insn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exact disassembler output, pinned. */
class DisassemblerTest {

	private static final String PROGRAM = """
			r6 = r1
			r1 = 0x1122334455667788 ll
			r2 = map[idx:0] ll
			r3 = map[fd:7][0]+16 ll
			*(u32 *)(r10 - 4) = 0
			w1 = *(u32 *)(r6 + 76)
			r2 = *(s16 *)(r6 + 2)
			if w1 s< 5 goto +2
			call bpf_map_lookup_elem
			call pc+4
			lock *(u64 *)(r0 + 0) += r1
			r1 = atomic_fetch_or((u64 *)(r0 + 8), r1)
			w0 = cmpxchg32_32(r2 - 4, w0, w3)
			w1 s/= w2
			r2 = (s32)r3
			r1 = bswap64 r1
			r1 = be16 r1
			r0 = -r0
			r0 = *(u16 *)skb[r1 + 2]
			gotol -3
			callx r4
			exit
			""";

	@Test
	void llvmSyntax() throws AsmException {
		Insn[] prog = Assembler.assembleInsns(PROGRAM);
		assertThat(Disassembler.disassemble(prog)).isEqualTo("""
				r6 = r1
				r1 = 0x1122334455667788 ll
				r2 = map[idx:0] ll
				r3 = map[fd:7][0]+16 ll
				*(u32 *)(r10 - 4) = 0
				r1 = *(u32 *)(r6 + 76)
				r2 = *(s16 *)(r6 + 2)
				if w1 s< 5 goto +2
				call bpf_map_lookup_elem
				call pc+4
				lock *(u64 *)(r0 + 0) += r1
				r1 = atomic_fetch_or((u64 *)(r0 + 8), r1)
				w0 = cmpxchg32_32(r2 - 4, w0, w3)
				w1 s/= w2
				r2 = (s32)r3
				r1 = bswap64 r1
				r1 = be16 r1
				r0 = -r0
				r0 = *(u16 *)skb[r1 + 2]
				gotol -3
				callx r4
				exit
				""");
	}

	@Test
	void ubpfSyntax() throws AsmException {
		Insn[] prog = Assembler.assembleInsns(PROGRAM);
		assertThat(Disassembler.disassemble(prog, Syntax.UBPF)).isEqualTo("""
				mov %r6, %r1
				lddw %r1, 0x1122334455667788
				lddw %r2, map[idx:0]
				lddw %r3, map[fd:7][0]+16
				stw [%r10-4], 0
				ldxw %r1, [%r6+76]
				ldxsh %r2, [%r6+2]
				jslt32 %r1, 5, +2
				call 1
				call local +4
				lock add [%r0+0], %r1
				lock fetch or [%r0+8], %r1
				lock cmpxchg32 [%r2-4], %r3
				sdiv32 %r1, %r2
				movsx3264 %r2, %r3
				bswap64 %r1
				be16 %r1
				neg %r0
				ldindh %r1, 2
				ja32 -3
				call %r4
				exit
				""");
	}

	@Test
	void labelMode() throws AsmException {
		Insn[] prog = Assembler.assembleInsns("""
				r0 = 0
				if r1 == 0 goto +2
				call pc+3
				goto -4
				exit
				r0 = 1
				exit
				""");
		assertThat(Disassembler.disassemble(prog, Syntax.LLVM, true)).isEqualTo("""
				LBB0_0:
				r0 = 0
				if r1 == 0 goto LBB0_4
				call fn_6
				goto LBB0_0
				LBB0_4:
				exit
				r0 = 1
				fn_6:
				exit
				""");
		assertThat(Disassembler.disassemble(prog, Syntax.UBPF, true)).contains("jeq %r1, 0, LBB0_4", "call local fn_6",
				"ja LBB0_0");
	}

	@Test
	void jumpsOutsideTheProgramOrIntoAnLddwKeepNumericOffsets() throws AsmException {
		Insn[] prog = Assembler.assembleInsns("goto +1\nr1 = 5 ll\ngoto +7\nexit");
		assertThat(Disassembler.disassemble(prog, Syntax.LLVM, true)).isEqualTo("goto +1\nr1 = 5 ll\ngoto +7\nexit\n");
	}

	@Test
	void invalidSlotsPrintAsRawSlots() {
		Insn[] prog = { Insn.of(0x07, 0, 3, 0, 1), // add imm with a src register
				Insn.of(0x95, 1, 0, 0, 0), // exit with dst
				Insn.of(0xbf, 11, 1, 0, 0), // r11
				Insn.of(0xdb, 1, 2, 0, 0x02), // unknown atomic op
				Insn.of(0x18, 1, 0, 0, 1) // lddw without its second slot
		};
		assertThat(Disassembler.lines(prog, Syntax.LLVM)).containsExactly(".insn 0x0000000100003007",
				".insn 0x0000000000000195", ".insn 0x0000000000001bbf", ".insn 0x00000002000021db",
				".insn 0x0000000100000118");
	}

	@Test
	void lddwWithADirtySecondSlotIsTwoRawSlots() {
		Insn[] prog = { Insn.of(0x18, 1, 0, 0, 1), Insn.of(0, 0, 0, 1, 2) };
		assertThat(Disassembler.width(prog, 0)).isEqualTo(1);
		assertThat(Disassembler.disassemble(prog)).isEqualTo(".insn 0x0000000100000118\n.insn 0x0000000200010000\n");
	}

	@Test
	void helperCallsUseKernelNamesWhenKnown() {
		assertThat(Disassembler.disassembleOne(new Insn[] { Insn.of(0x85, 0, 0, 0, 51) }, 0))
			.isEqualTo("call bpf_redirect_map");
		assertThat(Disassembler.disassembleOne(new Insn[] { Insn.of(0x85, 0, 0, 0, 9999) }, 0)).isEqualTo("call 9999");
		assertThat(Disassembler.disassembleOne(new Insn[] { Insn.of(0x85, 0, 2, 0, 77) }, 0))
			.isEqualTo("call kernel-function#77");
	}

	@Test
	void listingHasSlotIndexes() throws AsmException {
		Insn[] prog = Assembler.assembleInsns("r1 = 1 ll\nexit");
		assertThat(Disassembler.listing(prog)).isEqualTo("   0: r1 = 1 ll\n   2: exit\n");
	}

	@Test
	void disassembleOneChecksTheIndex() {
		assertThatThrownBy(() -> Disassembler.disassembleOne(new Insn[0], 0))
			.isInstanceOf(IndexOutOfBoundsException.class);
	}

}
