package dev.bpfnet.bpf.jit;

import java.util.function.Function;

import dev.bpfnet.bpf.interp.HelperTable;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.ProgramBuilder;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.Maps;
import dev.bpfnet.bpf.maps.ProgArrayMap;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;
import dev.bpfnet.bpf.mem.RawContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JIT on the features random programs do not reach: the exact budget fault inside a
 * block, call depth, helpers (pc, ctxObject, currentProgram, failures), tail calls, maps
 * and global data, legacy packet loads, context runs, region splitting and reuse of one
 * compiled program across runs. Every scenario runs on both engines from scratch
 * ({@link #both}) and must give the same outcome, then pins the expected value.
 */
class JitTest {

	/** One engine: the interpreter or the JIT, same conventions. */
	interface Engine {

		long run(Vm vm, LoadedProgram p, ContextAccess ctx) throws BpfFault;

		long runRaw(Vm vm, LoadedProgram p, byte[] mem) throws BpfFault;

	}

	static final Engine INTERPRETER = new Engine() {
		@Override
		public long run(Vm vm, LoadedProgram p, ContextAccess ctx) throws BpfFault {
			return vm.run(p, ctx);
		}

		@Override
		public long runRaw(Vm vm, LoadedProgram p, byte[] mem) throws BpfFault {
			return vm.runRaw(p, mem);
		}
	};

	static final Engine JIT = new Engine() {
		@Override
		public long run(Vm vm, LoadedProgram p, ContextAccess ctx) throws BpfFault {
			return compile(p).run(vm, ctx);
		}

		@Override
		public long runRaw(Vm vm, LoadedProgram p, byte[] mem) throws BpfFault {
			return compile(p).runRaw(vm, mem);
		}
	};

	static JitProgram compile(LoadedProgram p) {
		try {
			return JitCompiler.compile(p);
		}
		catch (JitException ex) {
			throw new AssertionError(ex.getMessage(), ex);
		}
	}

	/** A scenario builds everything afresh (maps included) and runs on one engine. */
	interface Scenario {

		long run(Engine engine, Vm vm) throws BpfFault;

	}

	static Diff.Outcome both(Function<Vm, Vm> setup, Scenario scenario) {
		Diff.Outcome expected = Diff.capture(setup.apply(new Vm()), vm -> scenario.run(INTERPRETER, vm));
		Diff.Outcome actual = Diff.capture(setup.apply(new Vm()), vm -> scenario.run(JIT, vm));
		assertThat(actual).as("JIT vs interpreter").isEqualTo(expected);
		return actual;
	}

	static Diff.Outcome both(Scenario scenario) {
		return both(vm -> vm, scenario);
	}

	static Diff.Outcome raw(Insn[] insns, long budget) {
		LoadedProgram p = LoadedProgram.of(insns);
		return both(vm -> {
			vm.setHelpers(HelperTable.conformance());
			vm.setInstructionBudget(budget);
			return vm;
		}, (engine, vm) -> engine.runRaw(vm, p, new byte[16]));
	}

	// ------------------------------------------------------------------ budget

	@Test
	void anEndlessLoopExhaustsTheBudgetAtTheSamePc() {
		Insn[] loop = new ProgramBuilder().movImm(0, 0).label("l").addImm(0, 1).ja("l").exit().insns();
		Diff.Outcome o = raw(loop, 1001);
		assertThat(o.fault()).isEqualTo("pc 1: instruction budget exhausted after 1001 insns");
		assertThat(o.executed()).isEqualTo(1001);
	}

	/** Every budget from 1 to 60 on a loop with stores: the fault lands mid-block. */
	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 60 })
	void theBudgetFaultIsExactInsideBlocks(int budget) {
		Insn[] p = new ProgramBuilder().movImm(1, 3)
			.label("l")
			.addImm(2, 1)
			.alu64Imm(Opcodes.ALU_LSH, 2, 1)
			.stx(8, 10, 2, -8)
			.addImm(3, 7)
			.lddw(4, 0x1234_5678_9abcL)
			.stx(4, 10, 3, -16)
			.addImm(1, -1)
			.jneImm(1, 0, "l")
			.ldx(8, 0, 10, -8)
			.exit()
			.insns();
		Diff.Outcome o = raw(p, budget);
		assertThat(o.executed()).isLessThanOrEqualTo(budget);
	}

	// ------------------------------------------------------------------ calls

	@Test
	void localCallsSaveR6ToR9AndReturnR0ToR5() {
		Insn[] p = new ProgramBuilder().movImm(6, 60)
			.movImm(1, 1)
			.callLocal("f")
			.movReg(7, 0)
			.addReg(7, 6) // r6 survives
			.addReg(7, 2) // r2 as the callee left it
			.movReg(0, 7)
			.exit()
			.label("f")
			.movImm(6, 1000) // callee's r6
			.movImm(2, 5)
			.stx(8, 10, 6, -8) // own frame
			.movImm(0, 100)
			.exit()
			.insns();
		Diff.Outcome o = raw(p, 1000);
		assertThat(o.fault()).isNull();
		assertThat(o.r0()).isEqualTo(165);
		assertThat(o.stack()).contains("frame 1:");
	}

	@Test
	void recursionStopsAtEightFrames() {
		Insn[] p = new ProgramBuilder().label("f").addImm(0, 1).callLocal("f").exit().insns();
		assertThat(raw(p, 1000).fault()).isEqualTo("pc 1: call stack too deep");
	}

	@Test
	void helpersSeeThePcTheContextObjectAndTheProgram() {
		Object token = new Object();
		HelperTable table = HelperTable.empty()
			.register(1, "pc", (vm, r1, r2, r3, r4, r5) -> vm.pc() * 1000L + r1 + r2 + r3 + r4 + r5)
			.register(2, "who",
					(vm, r1, r2, r3, r4, r5) -> (vm.ctxObject() == token ? 1 : 0)
							+ (vm.currentProgram() != null && vm.currentProgram().name().equals("hp") ? 2 : 0))
			.register(3, "boom", (vm, r1, r2, r3, r4, r5) -> {
				throw new IllegalStateException("kaput");
			});
		LoadedProgram p = new ProgramBuilder().movImm(1, 1)
			.movImm(2, 2)
			.movImm(3, 3)
			.movImm(4, 4)
			.movImm(5, 5)
			.call(1)
			.movReg(6, 0)
			.call(2)
			.addReg(0, 6)
			.exit()
			.build("hp", null);
		Diff.Outcome o = both(vm -> {
			vm.setHelpers(table);
			return vm;
		}, (engine, vm) -> engine == JIT ? compile(p).run(vm, new RawContext(new byte[4]), token)
				: vm.run(p, new RawContext(new byte[4]), token));
		assertThat(o.r0()).isEqualTo(5015 + 3);
		LoadedProgram bad = new ProgramBuilder().call(3).exit().build();
		Diff.Outcome f = both(vm -> {
			vm.setHelpers(table);
			return vm;
		}, (engine, vm) -> engine.runRaw(vm, bad, null));
		assertThat(f.fault()).isEqualTo("pc 0: helper boom failed: java.lang.IllegalStateException: kaput");
		LoadedProgram unknown = new ProgramBuilder().movImm(1, 77).callx(1).exit().build();
		assertThat(both((engine, vm) -> engine.runRaw(vm, unknown, null)).fault()).isEqualTo("pc 1: unknown helper 77");
	}

	@Test
	void theUnwindHelperStopsTheProgramFromAnyDepth() {
		Insn[] p = new ProgramBuilder().movImm(0, 9)
			.callLocal("f")
			.movImm(0, 1)
			.exit()
			.label("f")
			.movImm(1, 0)
			.call(HelperTable.CONFORMANCE_UNWIND)
			.movImm(0, 2)
			.exit()
			.insns();
		Diff.Outcome o = raw(p, 1000);
		assertThat(o.fault()).isNull();
		assertThat(o.r0()).isZero();
		assertThat(o.executed()).isEqualTo(4);
	}

	// ------------------------------------------------------------------ tail calls

	@Test
	void tailCallsReplaceTheProgramAndStopAfterThirtyThree() {
		Diff.Outcome o = both(vm -> {
			vm.setHelpers(HelperTable.empty().enableTailCalls());
			return vm;
		}, (engine, vm) -> {
			BpfMap counter = Maps.create(new MapSpec(".bss", MapType.ARRAY, 4, 8, 1, 0, null, false), 1);
			ProgArrayMap jmp = (ProgArrayMap) Maps.create(MapSpec.of("jmp", MapType.PROG_ARRAY, 4, 4, 2), 1);
			LoadedProgram self = new ProgramBuilder().ldMapValue(6, counter, 0)
				.movImm(7, 1)
				.atomic(8, Opcodes.ATOMIC_ADD, 6, 7, 0)
				.ldMap(2, jmp)
				.movImm(3, 0)
				.call(HelperTable.TAIL_CALL)
				.movReg(8, 0)
				.ldx(8, 0, 6, 0)
				.addReg(0, 8)
				.exit()
				.build();
			jmp.set(0, self);
			return engine.run(vm, self, new RawContext(new byte[4]));
		});
		assertThat(o.r0()).isEqualTo(1 + Opcodes.MAX_TAIL_CALL_CNT - Errno.ENOENT);
		assertThat(o.tailCalls()).isEqualTo(Opcodes.MAX_TAIL_CALL_CNT);
	}

	@Test
	void tailCallsFromASubprogramReturnToTheCaller() {
		Diff.Outcome o = both(vm -> {
			vm.setHelpers(HelperTable.empty().enableTailCalls());
			return vm;
		}, (engine, vm) -> {
			ProgArrayMap jmp = (ProgArrayMap) Maps.create(MapSpec.of("jmp", MapType.PROG_ARRAY, 4, 4, 4), 1);
			LoadedProgram target = new ProgramBuilder().st(8, 10, -8, 42)
				.ldx(8, 0, 10, -8)
				.addReg(0, 6)
				.exit()
				.build("target", null);
			jmp.set(2, target);
			LoadedProgram main = new ProgramBuilder().movImm(6, 1000)
				.st(8, 10, -16, 5)
				.movImm(3, 1) // empty slot first
				.callLocal("f")
				.movReg(7, 0)
				.movImm(3, 2)
				.callLocal("f")
				.addReg(0, 7)
				.ldx(8, 8, 10, -16)
				.addReg(0, 8)
				.exit()
				.label("f")
				.movImm(6, 7)
				.st(8, 10, -8, 99)
				.ldMap(2, jmp)
				.call(HelperTable.TAIL_CALL)
				.exit()
				.build("main", null);
			long r0 = engine.run(vm, main, new RawContext(new byte[4]));
			assertThat(vm.currentProgram()).isSameAs(main);
			return r0;
		});
		assertThat(o.r0()).isEqualTo(-Errno.ENOENT + 42 + 7 + 5);
		assertThat(o.tailCalls()).isEqualTo(2);
	}

	@Test
	void aTailCallWithoutTheHelperOrWithoutAProgArrayFaults() {
		LoadedProgram p = new ProgramBuilder().movImm(2, 0).call(HelperTable.TAIL_CALL).exit().build();
		assertThat(both((engine, vm) -> engine.runRaw(vm, p, null)).fault()).isEqualTo("pc 1: unknown helper 12");
		assertThat(both(vm -> {
			vm.setHelpers(HelperTable.empty().enableTailCalls());
			return vm;
		}, (engine, vm) -> engine.runRaw(vm, p, null)).fault())
			.isEqualTo("pc 1: R2 type=scalar expected=map_ptr of type prog_array");
	}

	// ------------------------------------------------------------------ maps, packets,
	// context

	@Test
	void globalDataAndMapPointersUseTheInterpretersRegions() {
		Diff.Outcome o = both((engine, vm) -> {
			BpfMap data = Maps.create(new MapSpec(".data", MapType.ARRAY, 4, 16, 1, 0, null, false), 1);
			BpfMap rodata = Maps.create(new MapSpec(".rodata", MapType.ARRAY, 4, 8, 1, 0, null, true), 1);
			LoadedProgram p = new ProgramBuilder().ldMapValue(1, data, 8)
				.st(8, 1, 0, 21)
				.ldx(8, 0, 1, 0)
				.addReg(0, 0)
				.ldMap(3, rodata)
				.ldMapValue(4, rodata, 0)
				.ldx(8, 5, 4, 0)
				.addReg(0, 5)
				.stx(8, 4, 0, 0) // read-only: faults
				.exit()
				.build();
			return engine.runRaw(vm, p, null);
		});
		assertThat(o.fault()).isEqualTo("pc 11: write into map forbidden, value_size=8 off=0 size=8");
	}

	@Test
	void ldAbsAndLdIndReadBigEndianPacketBytesAndStopPastTheEnd() {
		Function<Vm, Vm> packet = vm -> {
			byte[] frame = new byte[64];
			frame[16 + 12] = 0x08;
			frame[16 + 14] = 0x45;
			vm.memory().setPacket(frame, 16, 64);
			return vm;
		};
		LoadedProgram p = new ProgramBuilder().ldAbs(2, 12)
			.movReg(6, 0)
			.movImm(7, 10)
			.ldInd(1, 7, 4)
			.alu64Imm(Opcodes.ALU_LSH, 6, 8)
			.addReg(0, 6)
			.exit()
			.build();
		assertThat(both(packet, (engine, vm) -> engine.run(vm, p, new RawContext(new byte[4]))).r0())
			.isEqualTo(0x08_0045L);
		LoadedProgram past = new ProgramBuilder().movImm(0, 5).ldAbs(4, 46).movImm(0, 99).exit().build();
		Diff.Outcome o = both(packet, (engine, vm) -> engine.run(vm, past, new RawContext(new byte[4])));
		assertThat(o.r0()).isZero();
		assertThat(o.executed()).isEqualTo(2);
		assertThat(both((engine, vm) -> engine.run(vm, past, new RawContext(new byte[4]))).fault())
			.isEqualTo("pc 1: BPF_LD_[ABS|IND] instructions need a packet");
	}

	@Test
	void contextLoadsAndStoresGoThroughContextAccess() {
		byte[][] seen = new byte[2][];
		int[] i = { 0 };
		Diff.Outcome o = both((engine, vm) -> {
			RawContext ctx = new RawContext(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
			seen[i[0]++] = ctx.data();
			LoadedProgram p = new ProgramBuilder().ldx(4, 0, 1, 4)
				.st(2, 1, 0, 0x7777)
				.ldx(4, 2, 1, 6) // off 6 size 4: out of bounds
				.exit()
				.build();
			return engine.run(vm, p, ctx);
		});
		assertThat(o.fault()).isEqualTo("pc 2: invalid bpf_context access off=6 size=4");
		assertThat(seen[1]).containsExactly(seen[0]).startsWith(0x77, 0x77, 3, 4);
	}

	// ------------------------------------------------------------------ code shape

	@Test
	void aFunctionTooLargeForOneMethodIsSplitIntoRegions() throws JitException {
		ProgramBuilder b = new ProgramBuilder().movImm(0, 0).movImm(1, 25);
		b.label("loop");
		for (int i = 0; i < 1200; i++) {
			b.addImm(0, i).stx(8, 10, 0, -8 * (1 + i % 60)).ldx(8, 2, 10, -8 * (1 + (i * 7) % 60));
			b.alu64Reg(Opcodes.ALU_XOR, 0, 2);
			if (i % 100 == 99) {
				b.addImm(1, -1).jeqImm(1, 0, "out");
			}
		}
		b.ja("loop").label("out").exit();
		LoadedProgram p = b.build();
		JitProgram jit = JitCompiler.compile(p);
		assertThat(jit.methodCount()).isGreaterThan(3);
		Diff.Outcome o = both(vm -> {
			vm.setInstructionBudget(10_000_000);
			return vm;
		}, (engine, vm) -> engine.runRaw(vm, p, null));
		assertThat(o.fault()).isNull();
		assertThat(o.executed()).as("the loop runs twice through every region").isGreaterThan(9600);
	}

	@Test
	void oneCompiledProgramRunsManyTimesOnOneVm() throws BpfFault, JitException {
		LoadedProgram p = new ProgramBuilder().ldx(8, 0, 10, -8).addImm(0, 1).stx(8, 10, 0, -8).exit().build();
		JitProgram jit = JitCompiler.compile(p);
		Vm vm = new Vm();
		for (int run = 0; run < 3; run++) {
			assertThat(jit.runRaw(vm, null)).as("stack is zeroed between runs").isEqualTo(1);
		}
		assertThat(jit.program()).isSameAs(p);
		assertThat(jit.bytecodeSize()).isPositive();
	}

	@Test
	void trapsFaultOnlyWhenReached() {
		Insn[] p = new ProgramBuilder().movImm(0, 1).ja(1).insn(0xff, 0, 0, 0, 0).exit().insns();
		assertThat(raw(p, 100).r0()).isEqualTo(1);
		Insn[] q = new ProgramBuilder().movImm(0, 1).insn(0xff, 0, 0, 0, 0).exit().insns();
		assertThat(raw(q, 100).fault()).isEqualTo("pc 1: unknown opcode ff");
		Insn[] off = new ProgramBuilder().movImm(0, 1).insns();
		assertThat(raw(off, 100).fault()).isEqualTo("pc 1: last insn is not an exit or jump");
	}

	@Test
	void nullIsNotAProgram() {
		assertThatThrownBy(() -> JitCompiler.compile(null)).isInstanceOf(IllegalArgumentException.class);
	}

}
