package dev.bpfnet.bpf.verifier;

import java.util.List;

import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What the UI reads from a result: the kernel-style log, per-insn states, stack use. */
class VerifierResultTest {

	private static VerifierResult verify(String asm) throws Exception {
		return Verifier.verify(Assembler.assembleInsns(asm), ProgramType.SCHED_CLS, VerifierDataTest.MAPS);
	}

	@Test
	void logHasKernelStyleLinesAndTheSummary() throws Exception {
		VerifierResult r = verify("""
				r2 = *(u32 *)(r1 + 76)
				r3 = *(u32 *)(r1 + 80)
				r4 = r2
				r4 += 14
				if r4 > r3 goto drop
				r0 = *(u16 *)(r2 + 12)
				exit
				drop:
				r0 = 2
				exit
				""");
		assertThat(r.accepted()).isTrue();
		assertThat(r.log()).startsWith("0: (61) r2 = *(u32 *)(r1 +76) ; R1=ctx() R2=pkt(r=0) R10=fp0\n")
			.contains("4: (2d) if r4 > r3 goto pc+2 ; R1=ctx() R2=pkt(r=14) R3=pkt_end() R4=pkt(off=14,r=14) R10=fp0\n")
			// the failed branch knows r4 is beyond data_end (BEYOND_PKT_END)
			.contains("from 4 to 7: R1=ctx() R2=pkt(r=0) R3=pkt_end() R4=pkt(off=14,r=-2) R10=fp0\n")
			.endsWith("processed " + r.processedInsns()
					+ " insns (limit 1000000) max_states_per_insn 1 total_states 3 peak_states 3 mark_read 0\n");
		assertThat(r.processedInsns()).isEqualTo(9);
	}

	@Test
	void statesSeenAtEachInstruction() throws Exception {
		VerifierResult r = verify("""
				r0 = 0
				r2 = *(u8 *)(r1 + 16)
				if r2 == 0 goto out
				r0 = 1
				out:
				exit
				""");
		assertThat(r.accepted()).isTrue();
		assertThat(r.statesPerInsn()).hasSize(5);
		assertThat(r.statesPerInsn().get(0)).containsExactly("R1=ctx() R10=fp0");
		// the fall-through knows r2 != 0
		String byte8 = "scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))";
		assertThat(r.statesPerInsn().get(3)).containsExactly("R0=0 R1=ctx() R2=" + byte8 + " R10=fp0");
		assertThat(r.statesPerInsn().get(4)).containsExactly("R0=1 R1=ctx() R2=" + byte8 + " R10=fp0",
				"R0=0 R1=ctx() R2=0 R10=fp0");
	}

	@Test
	void rejectedProgramsKeepTheStatesUpToTheError() throws Exception {
		VerifierResult r = verify("""
				r1 = 0
				r0 = *(u64 *)(r1 + 0)
				exit
				""");
		assertThat(r.accepted()).isFalse();
		assertThat(r.statesPerInsn().get(1)).containsExactly("R1=0 R10=fp0");
		assertThat(r.statesPerInsn().get(2)).isEmpty();
		assertThat(r.log()).contains("1: (79) r0 = *(u64 *)(r1 +0)\nR1 invalid mem access 'scalar'\n");
	}

	@Test
	void stackDepthPerSubprogram() throws Exception {
		VerifierResult r = verify("""
				r1 = 0
				*(u64 *)(r10 - 24) = r1
				call f
				exit
				f:
				*(u32 *)(r10 - 4) = r1
				r0 = 0
				exit
				""");
		assertThat(r.accepted()).as(r.log()).isTrue();
		assertThat(r.stackDepths()).containsExactly(24, 8);
	}

	@Test
	void logIsCappedButErrorsAndSummaryAreKept() throws Exception {
		Insn[] prog = Assembler.assembleInsns("""
				r0 = 0
				r1 = 0
				loop:
				r0 += r1
				r1 += 1
				if r1 < 64 goto loop
				exit
				""");
		VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, List.of(),
				new Verifier.Options(1_000_000, 10, 2));
		assertThat(r.accepted()).isTrue();
		assertThat(r.log().lines().filter(l -> l.matches("\\d+: .*"))).hasSize(10);
		assertThat(r.log()).contains("more lines not shown").contains("processed ");
		assertThat(r.statesPerInsn().get(2)).hasSize(2);
	}

	@Test
	void budgetIsAnOption() throws Exception {
		Insn[] prog = Assembler.assembleInsns("""
				r0 = 0
				r1 = 0
				loop:
				r1 += 1
				if r1 < 64 goto loop
				exit
				""");
		VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, List.of(), new Verifier.Options(50, 100, 1));
		assertThat(r.error()).isEqualTo("BPF program is too large. Processed 51 insn");
		assertThat(r.errno()).isEqualTo(7);
	}

	@Test
	void malformedInputIsAResultNotAnException() {
		VerifierResult empty = Verifier.verify(new Insn[0], ProgramType.SCHED_CLS, List.of());
		assertThat(empty.accepted()).isFalse();
		assertThat(empty.errno()).isEqualTo(7);
		VerifierResult hole = Verifier.verify(new Insn[] { null }, ProgramType.SCHED_CLS, List.of());
		assertThat(hole.accepted()).isFalse();
		assertThat(hole.errorInsn()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> new Verifier.Options(0, 1, 1));
	}

}
