package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.HelperIds;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.ctx.SkBuffLayout;
import dev.bpfnet.bpf.helpers.BpfHost;
import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.bpf.helpers.HelperEnv;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.Maps;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants over generated programs: the verifier always answers with a result (never an
 * exception, never an internal error), the same answer for the same program, and the
 * programs it accepts never fault in the interpreter (soundness against the runtime).
 */
class VerifierPropertyTest {

	static final List<MapSpec> MAPS = List.of(MapSpec.of("counts", MapType.HASH, 4, 8, 16),
			MapSpec.of("vals", MapType.ARRAY, 4, 16, 4));

	private static void assertWellFormed(Insn[] prog, VerifierResult r) {
		assertThat(r).isNotNull();
		if (r.accepted()) {
			assertThat(r.error()).isNull();
		}
		else {
			assertThat(r.error()).isNotBlank().doesNotStartWith("verifier internal error");
			assertThat(r.errorInsn()).isBetween(-1, prog.length - 1);
			assertThat(r.log()).contains(r.error());
		}
		assertThat(r.statesPerInsn()).hasSizeLessThanOrEqualTo(prog.length);
	}

	/** Any slot at all: opcodes from the whole byte, registers from the whole nibble. */
	@Provide
	Arbitrary<Insn[]> anySlots() {
		Arbitrary<Insn> insn = Combinators
			.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 15),
					Arbitraries.integers().between(0, 15), Arbitraries.shorts().between((short) -8, (short) 8),
					Arbitraries.oneOf(Arbitraries.integers().between(-16, 16), Arbitraries.integers(),
							Arbitraries.of(1, 5, 12, 76, 80, 9999, 16, 32, 64)))
			.as((op, d, s, off, imm) -> Insn.of(op, d, s, off, imm));
		return insn.array(Insn[].class).ofMinSize(1).ofMaxSize(24);
	}

	/** Valid opcodes, plausible registers and offsets, ending with exit. */
	@Provide
	Arbitrary<Insn[]> validSlots() {
		Arbitrary<Integer> opcode = Arbitraries.integers().between(0, 255).filter(Cfg::validOpcode);
		Arbitrary<Insn> insn = Combinators
			.combine(opcode, Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 10),
					Arbitraries.of(-16, -8, -4, -1, 0, 1, 2, 4, 8, 12, 76, 80),
					Arbitraries.oneOf(Arbitraries.integers().between(-16, 16), Arbitraries.integers(),
							Arbitraries.of(0x01, 0x41, 0xe1, 0xf1, 5, 12, 16, 32, 64, 130, 131)))
			.as((op, d, s, off, imm) -> Insn.of(op, d, s, off, imm));
		return insn.list().ofMinSize(1).ofMaxSize(32).map(l -> {
			Insn[] p = l.toArray(new Insn[l.size() + 1]);
			p[l.size()] = Insn.of(Opcodes.EXIT, 0, 0, 0, 0);
			return p;
		});
	}

	@Property(tries = 3000)
	void neverThrowsOnAnySlots(@ForAll("anySlots") Insn[] prog) {
		VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, MAPS);
		assertWellFormed(prog, r);
	}

	@Property(tries = 3000)
	void neverThrowsOnValidSlots(@ForAll("validSlots") Insn[] prog) {
		VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, MAPS);
		assertWellFormed(prog, r);
		Statistics.label("verdict").collect(r.accepted() ? "accepted" : "rejected");
	}

	@Property(tries = 1000)
	void sameProgramSameAnswer(@ForAll("structured") Insn[] prog) {
		VerifierResult a = Verifier.verify(prog, ProgramType.SCHED_CLS, MAPS);
		VerifierResult b = Verifier.verify(prog, ProgramType.SCHED_CLS, MAPS);
		assertThat(b.accepted()).isEqualTo(a.accepted());
		assertThat(b.error()).isEqualTo(a.error());
		assertThat(b.errorInsn()).isEqualTo(a.errorInsn());
		assertThat(b.log()).isEqualTo(a.log());
		assertThat(b.statesPerInsn()).isEqualTo(a.statesPerInsn());
	}

	// ------------------------------------------------------------------ structured

	private static final Integer[] CTX_OFFS = { SkBuffLayout.OFF_LEN, SkBuffLayout.OFF_MARK, SkBuffLayout.OFF_PROTOCOL,
			SkBuffLayout.OFF_DATA, SkBuffLayout.OFF_DATA_END, SkBuffLayout.OFF_CB, SkBuffLayout.OFF_PRIORITY,
			SkBuffLayout.OFF_DATA, SkBuffLayout.OFF_DATA_END };

	private static final Integer[] ALU_OPS = { Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_AND, Opcodes.ALU_OR,
			Opcodes.ALU_XOR, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_ARSH, Opcodes.ALU_MUL, Opcodes.ALU_MOV };

	private static final Integer[] JMP_OPS = { Opcodes.JMP_JEQ, Opcodes.JMP_JNE, Opcodes.JMP_JGT, Opcodes.JMP_JGE,
			Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JSLT, Opcodes.JMP_JSLE,
			Opcodes.JMP_JSET };

	private static final Integer[] SIZES = { Opcodes.SIZE_B, Opcodes.SIZE_H, Opcodes.SIZE_W, Opcodes.SIZE_DW };

	/** One generated step: a few instructions; a jump's target is fixed up later. */
	record Op(int kind, int a, int b, int c, int d) {
	}

	/**
	 * Programs shaped like compiler output for tc: context loads, packet-range checks,
	 * stack spills, map lookups with and without null checks, forward branches, bounded
	 * arithmetic. Most pass Phase A, so Phase B and pruning get exercised.
	 */
	@Provide
	Arbitrary<Insn[]> structured() {
		Arbitrary<Integer> reg = Arbitraries.integers().between(0, 9);
		Arbitrary<Integer> any = Arbitraries.integers().between(0, 10);
		Arbitrary<Integer> small = Arbitraries.oneOf(Arbitraries.integers().between(-4, 70),
				Arbitraries.of(0xff, 0xffff, -1, 1 << 20));
		Arbitrary<Op> op = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(3, Combinators.combine(reg, small).as((r, i) -> new Op(0, r, i, 0, 0))),
				net.jqwik.api.Tuple.of(4,
						Combinators.combine(Arbitraries.of(ALU_OPS), reg, any, small, Arbitraries.of(true, false))
							.as((o, r, s, i, x) -> new Op(1, o, r, x ? s : -1 - (i & 63), 0))),
				net.jqwik.api.Tuple.of(3,
						Combinators.combine(reg, Arbitraries.of(CTX_OFFS)).as((r, o) -> new Op(2, r, o, 0, 0))),
				net.jqwik.api.Tuple.of(3,
						Combinators.combine(reg, any, Arbitraries.integers().between(-4, 20), Arbitraries.of(SIZES))
							.as((r, s, o, sz) -> new Op(3, r, s, o, sz))),
				net.jqwik.api.Tuple.of(2,
						Combinators.combine(reg, any, Arbitraries.integers().between(-4, 20), Arbitraries.of(SIZES))
							.as((r, s, o, sz) -> new Op(4, r, s, o, sz))),
				net.jqwik.api.Tuple.of(3,
						Combinators.combine(reg, reg, Arbitraries.integers().between(1, 40), reg)
							.as((p, e, n, t) -> new Op(5, p, e, n, t))),
				net.jqwik.api.Tuple.of(3,
						Combinators.combine(Arbitraries.of(JMP_OPS), reg, small, Arbitraries.integers().between(0, 6))
							.as((o, r, i, k) -> new Op(6, o, r, i, k))),
				net.jqwik.api.Tuple.of(2,
						Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.of(true, false))
							.as((m, check) -> new Op(7, m, check ? 1 : 0, 0, 0))),
				net.jqwik.api.Tuple.of(2, Combinators.combine(reg, Arbitraries.integers().between(1, 8))
					.as((r, k) -> new Op(8, r, k, 0, 0))));
		return op.list().ofMinSize(1).ofMaxSize(25).map(VerifierPropertyTest::emit);
	}

	private static Insn[] emit(List<Op> ops) {
		List<Insn> out = new ArrayList<>();
		List<int[]> jumps = new ArrayList<>();
		for (Op o : ops) {
			switch (o.kind()) {
				case 0 -> out.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV, o.a(), 0, 0, o.b()));
				case 1 -> {
					if (o.c() >= 0) {
						out.add(Insn.of(Opcodes.CLASS_ALU64 | o.a() | Opcodes.SRC_X, o.b(), o.c(), 0, 0));
					}
					else {
						int imm = -1 - o.c();
						if (o.a() == Opcodes.ALU_LSH || o.a() == Opcodes.ALU_RSH || o.a() == Opcodes.ALU_ARSH) {
							imm &= 31;
						}
						out.add(Insn.of(Opcodes.CLASS_ALU64 | o.a(), o.b(), 0, 0, imm));
					}
				}
				case 2 -> out.add(Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W, o.a(), 6, o.b(), 0));
				case 3 -> out.add(Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | o.d(), o.a(), o.b(), o.c(), 0));
				case 4 -> out.add(Insn.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | o.d(), o.a(), o.b(), o.c(), 0));
				case 5 -> {
					// rp = data; re = data_end; rt = rp + n; if rt > re goto +skip
					out.add(Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W, o.a(), 6,
							SkBuffLayout.OFF_DATA, 0));
					out.add(Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W, o.b(), 6,
							SkBuffLayout.OFF_DATA_END, 0));
					out.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X, o.d(), o.a(), 0, 0));
					out.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD, o.d(), 0, 0, o.c()));
					jumps.add(new int[] { out.size(), 2 });
					out.add(Insn.of(Opcodes.CLASS_JMP | Opcodes.JMP_JGT | Opcodes.SRC_X, o.d(), o.b(), 0, 0));
				}
				case 6 -> {
					jumps.add(new int[] { out.size(), o.d() });
					out.add(Insn.of(Opcodes.CLASS_JMP | o.a(), o.b(), 0, 0, o.c()));
				}
				case 7 -> {
					// r1 = &map; key at fp-8; r0 = lookup; maybe if r0 == 0 goto +k
					out.add(Insn.of(Opcodes.CLASS_ST | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 0, -8, 0));
					out.add(Insn.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_IDX, 0, o.a()));
					out.add(Insn.of(0, 0, 0, 0, 0));
					out.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X, 2, 10, 0, 0));
					out.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD, 2, 0, 0, -8));
					out.add(Insn.of(Opcodes.CALL, 0, 0, 0, HelperIds.MAP_LOOKUP_ELEM));
					if (o.b() == 1) {
						jumps.add(new int[] { out.size(), 3 });
						out.add(Insn.of(Opcodes.CLASS_JMP | Opcodes.JMP_JEQ, 0, 0, 0, 0));
					}
				}
				default -> {
					// spill and fill through the stack
					int off = -8 * o.b();
					out.add(Insn.of(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, o.a(), off, 0));
					out.add(Insn.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, (o.a() + 1) % 10, 10, off,
							0));
				}
			}
		}
		out.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV, 0, 0, 0, 0));
		out.add(Insn.of(Opcodes.EXIT, 0, 0, 0, 0));
		int n = out.size();
		for (int[] j : jumps) {
			int at = j[0];
			int target = Math.min(n - 2, at + 1 + j[1]);
			Insn i = out.get(at);
			// never into the middle of an lddw
			if (target > 0 && out.get(target - 1).opcode() == Opcodes.LDDW) {
				target++;
			}
			out.set(at, i.withOff(target - at - 1));
		}
		// prologue: r6 = ctx (the generator loads the context through r6), the other
		// registers initialised to small scalars and a stack pointer
		List<Insn> prologue = new ArrayList<>();
		prologue.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X, 6, 1, 0, 0));
		prologue.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X, 2, 10, 0, 0));
		int[] init = { 0, 3, 4, 5, 7, 8, 9 };
		for (int r : init) {
			prologue.add(Insn.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV, r, 0, 0, r));
		}
		prologue.addAll(out);
		return prologue.toArray(new Insn[0]);
	}

	@Property(tries = 2000)
	void neverThrowsOnStructuredPrograms(@ForAll("structured") Insn[] prog) {
		VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, MAPS);
		assertWellFormed(prog, r);
		Statistics.label("verdict").collect(r.accepted() ? "accepted" : "rejected");
	}

	/**
	 * Soundness against the runtime: a program the verifier accepts runs to its exit in
	 * the interpreter over any packet, without a memory fault.
	 */
	@Property(tries = 2000)
	void acceptedProgramsNeverFault(@ForAll("structured") Insn[] prog, @ForAll("frames") List<byte[]> frames)
			throws Exception {
		VerifierResult r = Verifier.verify(prog, ProgramType.SCHED_CLS, MAPS);
		Statistics.label("verdict").collect(r.accepted() ? "accepted" : "rejected");
		if (!r.accepted()) {
			return;
		}
		BpfMap[] maps = new BpfMap[MAPS.size()];
		for (int i = 0; i < maps.length; i++) {
			maps[i] = Maps.create(MAPS.get(i), 1);
		}
		byte[] key = new byte[4];
		maps[0].update(key, new byte[8], 0);
		LoadedProgram loaded = new LoadedProgram("p", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, prog, maps);
		Vm vm = new Vm();
		HelperEnv env = HelperEnv.attach(vm, new QuietHost(), 1);
		for (byte[] frame : frames) {
			try {
				env.run(vm, loaded, new SkBuff(frame));
			}
			catch (BpfFault f) {
				throw new AssertionError("accepted program faulted: " + f.getMessage() + "\n" + r.log(), f);
			}
		}
	}

	@Provide
	Arbitrary<List<byte[]>> frames() {
		return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(80).list().ofMinSize(1).ofMaxSize(3);
	}

	private static final class QuietHost implements BpfHost {

		@Override
		public long ktimeGetNs() {
			return 0;
		}

		@Override
		public void tracePrintk(String line) {
		}

		@Override
		public int fibLookup(FibLookupParams params, int flags) {
			return 0;
		}

	}

}
