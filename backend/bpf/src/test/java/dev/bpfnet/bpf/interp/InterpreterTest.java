package dev.bpfnet.bpf.interp;

import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.ArrayMap;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.Maps;
import dev.bpfnet.bpf.maps.ProgArrayMap;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;
import dev.bpfnet.bpf.mem.RawContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.bpfnet.bpf.isa.Opcodes.ALU_DIV;
import static dev.bpfnet.bpf.isa.Opcodes.ALU_MOD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Semantics of the interpreter, instruction family by family (RFC 9669 wording). */
class InterpreterTest {

	static long run(ProgramBuilder b) throws BpfFault {
		return new Vm(HelperTable.conformance()).runRaw(b.build(), new byte[0]);
	}

	/** r0 = a; r1 = b; r0 = r0 OP r1 (opcode with X source and offset); exit. */
	static long binary(int opcode, int off, long a, long b) throws BpfFault {
		return run(new ProgramBuilder().lddw(0, a).lddw(1, b).insn(opcode, 0, 1, off, 0).exit());
	}

	static Stream<Arguments> divisionRules() {
		long min = Long.MIN_VALUE;
		int alu64 = Opcodes.CLASS_ALU64 | Opcodes.SRC_X;
		int alu32 = Opcodes.CLASS_ALU | Opcodes.SRC_X;
		return Stream.of(
				// name, opcode, off, a, b, expected
				arguments("div64 x/0 = 0", alu64 | ALU_DIV, 0, 7L, 0L, 0L),
				arguments("mod64 x%0 = x", alu64 | ALU_MOD, 0, -7L, 0L, -7L),
				arguments("div32 x/0 = 0", alu32 | ALU_DIV, 0, 0x1_0000_0007L, 0L, 0L),
				arguments("mod32 x%0 = (u32)x", alu32 | ALU_MOD, 0, 0xffff_ffff_0000_0007L, 0L, 7L),
				arguments("div64 unsigned", alu64 | ALU_DIV, 0, -1L, 2L, Long.MAX_VALUE),
				arguments("div32 unsigned", alu32 | ALU_DIV, 0, 0xffff_fffeL, 2L, 0x7fff_ffffL),
				arguments("sdiv64 truncates", alu64 | ALU_DIV, 1, -7L, 2L, -3L),
				arguments("sdiv64 MIN/-1 = MIN", alu64 | ALU_DIV, 1, min, -1L, min),
				arguments("smod64 MIN%-1 = 0", alu64 | ALU_MOD, 1, min, -1L, 0L),
				arguments("smod64 -13%3 = -1", alu64 | ALU_MOD, 1, -13L, 3L, -1L),
				arguments("sdiv64 x/0 = 0", alu64 | ALU_DIV, 1, -13L, 0L, 0L),
				arguments("smod64 x%0 = x", alu64 | ALU_MOD, 1, -13L, 0L, -13L),
				arguments("sdiv32 -7/2 zero-extended", alu32 | ALU_DIV, 1, -7L, 2L, 0xffff_fffdL),
				arguments("smod32 INT_MIN%-1 = 0", alu32 | ALU_MOD, 1, 0x8000_0000L, -1L, 0L),
				arguments("smod32 x%0 = (u32)x", alu32 | ALU_MOD, 1, -13L, 0L, 0xffff_fff3L));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void divisionRules(String name, int opcode, int off, long a, long b, long expected) throws BpfFault {
		assertThat(binary(opcode, off, a, b)).isEqualTo(expected);
	}

	@Test
	void immediateIsSignExtendedEvenForUnsignedDivision() throws BpfFault {
		// div %r0, -10 on 0xffff...ff gives 1 (ebpf.md 1.2)
		assertThat(run(new ProgramBuilder().lddw(0, -1L).alu64Imm(ALU_DIV, 0, -10).exit())).isEqualTo(1L);
		assertThat(run(new ProgramBuilder().movImm(0, -10).exit())).isEqualTo(0xffff_ffff_ffff_fff6L);
		assertThat(run(new ProgramBuilder().alu32Imm(Opcodes.ALU_MOV, 0, -10).exit())).isEqualTo(0xffff_fff6L);
	}

	@Test
	void shiftsAreMasked() throws BpfFault {
		assertThat(binary(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | Opcodes.ALU_LSH, 0, 1, 65)).isEqualTo(2L);
		assertThat(binary(Opcodes.CLASS_ALU | Opcodes.SRC_X | Opcodes.ALU_LSH, 0, 1, 33)).isEqualTo(2L);
		assertThat(binary(Opcodes.CLASS_ALU | Opcodes.SRC_X | Opcodes.ALU_RSH, 0, 0xffff_ffff_8000_0000L, 31))
			.isEqualTo(1L);
		assertThat(binary(Opcodes.CLASS_ALU | Opcodes.SRC_X | Opcodes.ALU_ARSH, 0, 0x8000_0000L, 31))
			.isEqualTo(0xffff_ffffL);
		assertThat(binary(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | Opcodes.ALU_ARSH, 0, Long.MIN_VALUE, 63))
			.isEqualTo(-1L);
	}

	@Test
	void alu32ZeroExtends() throws BpfFault {
		assertThat(binary(Opcodes.CLASS_ALU | Opcodes.SRC_X | Opcodes.ALU_ADD, 0, 0xffff_ffff_ffff_ffffL, 1)).isZero();
		assertThat(binary(Opcodes.CLASS_ALU | Opcodes.SRC_X | Opcodes.ALU_MUL, 0, 0x8000_0000L, -1))
			.isEqualTo(0x8000_0000L);
		assertThat(run(new ProgramBuilder().lddw(0, -5).alu32Imm(Opcodes.ALU_NEG, 0, 0).exit())).isEqualTo(5L);
	}

	static Stream<Arguments> movsxAndByteOrder() {
		return Stream.of(
				// opcode, off, imm, input, expected
				arguments("movsx864", 0xbf, 8, 0, 0x80L, 0xffff_ffff_ffff_ff80L),
				arguments("movsx1664", 0xbf, 16, 0, 0x8000L, 0xffff_ffff_ffff_8000L),
				arguments("movsx3264", 0xbf, 32, 0, 0x8000_0000L, 0xffff_ffff_8000_0000L),
				arguments("movsx832", 0xbc, 8, 0, 0x80L, 0xffff_ff80L),
				arguments("movsx1632", 0xbc, 16, 0, 0x8000L, 0xffff_8000L),
				arguments("le16", 0xd4, 0, 16, 0x1122_3344_5566_7788L, 0x7788L),
				arguments("le32", 0xd4, 0, 32, 0x1122_3344_5566_7788L, 0x5566_7788L),
				arguments("le64", 0xd4, 0, 64, 0x1122_3344_5566_7788L, 0x1122_3344_5566_7788L),
				arguments("be16", 0xdc, 0, 16, 0x1122_3344_5566_7788L, 0x8877L),
				arguments("be32", 0xdc, 0, 32, 0x1122_3344_5566_7788L, 0x8877_6655L),
				arguments("be64", 0xdc, 0, 64, 0x1122_3344_5566_7788L, 0x8877_6655_4433_2211L),
				arguments("bswap16", 0xd7, 0, 16, 0x1122_3344_5566_7788L, 0x8877L),
				arguments("bswap64", 0xd7, 0, 64, 0x1122_3344_5566_7788L, 0x8877_6655_4433_2211L));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void movsxAndByteOrder(String name, int opcode, int off, int imm, long in, long expected) throws BpfFault {
		boolean mov = (opcode & 0xf0) == Opcodes.ALU_MOV;
		ProgramBuilder b = new ProgramBuilder().lddw(1, in).movReg(0, 1);
		b.insn(opcode, 0, mov ? 1 : 0, off, imm).exit();
		assertThat(run(b)).isEqualTo(expected);
	}

	static Stream<Arguments> jumps() {
		return Stream.of(
				// opcode (JMP|X or JMP32|X), a, b, taken
				arguments("jgt unsigned", 0x2d, -1L, 1L, true), arguments("jsgt signed", 0x6d, -1L, 1L, false),
				arguments("jlt unsigned", 0xad, 1L, -1L, true), arguments("jslt signed", 0xcd, 1L, -1L, false),
				arguments("jge equal", 0x3d, 5L, 5L, true), arguments("jle equal", 0xbd, 5L, 5L, true),
				arguments("jsge", 0x7d, -5L, -5L, true), arguments("jsle", 0xdd, -6L, -5L, true),
				arguments("jset", 0x4d, 6L, 4L, true), arguments("jset none", 0x4d, 6L, 1L, false),
				arguments("jne", 0x5d, 6L, 1L, true), arguments("jeq", 0x1d, 6L, 6L, true),
				arguments("jeq32 ignores high bits", 0x1e, 0x1_0000_0006L, 6L, true),
				arguments("jgt32 unsigned", 0x2e, 0xffff_ffffL, 1L, true),
				arguments("jsgt32 signed", 0x6e, 0xffff_ffffL, 1L, false),
				arguments("jslt32", 0xce, 0x1_ffff_ffffL, 0L, true),
				arguments("jset32", 0x4e, 0x1_0000_0000L, -1L, false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void jumps(String name, int opcode, long a, long b, boolean taken) throws BpfFault {
		ProgramBuilder p = new ProgramBuilder().lddw(1, a).lddw(2, b).movImm(0, 0).insn(opcode, 1, 2, 1, 0).exit();
		p.movImm(0, 1).exit();
		assertThat(run(p)).isEqualTo(taken ? 1L : 0L);
	}

	@Test
	void immediateJumpsCompareWithTheSignExtendedImmediate() throws BpfFault {
		ProgramBuilder p = new ProgramBuilder().lddw(1, -1L)
			.movImm(0, 0)
			.jmpImm(Opcodes.JMP_JEQ, 1, -1, "yes")
			.exit()
			.label("yes")
			.movImm(0, 1)
			.exit();
		assertThat(run(p)).isEqualTo(1L);
	}

	@Test
	void gotolUsesTheImmediate() throws BpfFault {
		ProgramBuilder p = new ProgramBuilder().movImm(0, 1).gotol(1).movImm(0, 2).exit();
		assertThat(run(p)).isEqualTo(1L);
	}

	@Test
	void localCallsSaveCalleeSavedRegistersAndGetTheirOwnFrame() throws BpfFault {
		ProgramBuilder p = new ProgramBuilder().movImm(6, 6)
			.st(8, 10, -8, 42)
			.movImm(1, 5)
			.callLocal("f")
			.ldx(8, 1, 10, -8) // caller frame untouched
			.addReg(0, 1)
			.addReg(0, 6)
			.exit()
			.label("f")
			.movImm(6, 100) // clobbers r6, restored on exit
			.st(8, 10, -8, 1000) // the callee's own frame
			.movReg(0, 1)
			.exit();
		assertThat(run(p)).isEqualTo(5 + 42 + 6);
	}

	@Test
	void eightFramesAreAllowed() throws BpfFault {
		// main + 7 nested calls = 8 frames
		ProgramBuilder p = new ProgramBuilder().movImm(0, 0).callLocal("f1").exit();
		for (int i = 1; i <= 7; i++) {
			p.label("f" + i).addImm(0, 1);
			if (i < 7) {
				p.callLocal("f" + (i + 1));
			}
			p.exit();
		}
		assertThat(run(p)).isEqualTo(7L);
	}

	@Test
	void atomicsOnTheStack() throws BpfFault {
		ProgramBuilder p = new ProgramBuilder().st(8, 10, -8, 10)
			.movImm(1, 5)
			.atomic(8, Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, 10, 1, -8) // r1 = 10,
																				// mem =
																				// 15
			.movImm(2, 3)
			.atomic(8, Opcodes.ATOMIC_OR, 10, 2, -8) // mem = 15
			.movImm(0, 15)
			.movImm(3, 99)
			.atomic(8, Opcodes.ATOMIC_CMPXCHG, 10, 3, -8) // r0 = 15, mem = 99
			.ldx(8, 4, 10, -8)
			.movImm(5, 7)
			.atomic(4, Opcodes.ATOMIC_XCHG, 10, 5, -8) // r5 = 99 (low word), mem low = 7
			.ldx(8, 0, 10, -8)
			// r0 = 7, r1 = 10, r4 = 99, r5 = 99
			.movReg(6, 1)
			.alu64Imm(Opcodes.ALU_LSH, 6, 8)
			.addReg(0, 6)
			.addReg(0, 4)
			.alu64Imm(Opcodes.ALU_LSH, 5, 16)
			.addReg(0, 5)
			.exit();
		assertThat(run(p)).isEqualTo(7 + (10 << 8) + 99 + (99L << 16));
	}

	@Test
	void signExtendingLoads() throws BpfFault {
		ProgramBuilder p = new ProgramBuilder().st(4, 10, -4, 0x8000_0080).ldxs(1, 0, 10, -4).exit();
		assertThat(run(p)).isEqualTo(-128L);
		p = new ProgramBuilder().st(4, 10, -4, 0x8000_0080).ldxs(4, 0, 10, -4).exit();
		assertThat(run(p)).isEqualTo(0xffff_ffff_8000_0080L);
	}

	@Test
	void unwindHelperStopsTheProgramWhenItReturnsZero() throws BpfFault {
		assertThat(run(new ProgramBuilder().movImm(1, 0).call(5).movImm(0, 2).exit())).isZero();
		assertThat(run(new ProgramBuilder().movImm(1, 1).call(5).movImm(0, 2).exit())).isEqualTo(2L);
		assertThat(run(new ProgramBuilder().movImm(1, 7).movImm(2, 5).callx(2).exit())).isEqualTo(7L);
	}

	@Test
	void contextLoadsAndStoresGoThroughContextAccess() throws BpfFault {
		byte[] ctxBytes = { 1, 2, 3, 4, 5, 6, 7, 8 };
		RawContext ctx = new RawContext(ctxBytes);
		ProgramBuilder p = new ProgramBuilder().ldx(4, 0, 1, 4).st(2, 1, 0, 0x0a0b).exit();
		assertThat(new Vm().run(p.build(), ctx)).isEqualTo(0x0807_0605L);
		assertThat(ctxBytes).startsWith(0x0b, 0x0a, 3);
	}

	@Test
	void stackIsZeroAtEveryRun() throws BpfFault {
		Vm vm = new Vm();
		LoadedProgram p = new ProgramBuilder().ldx(8, 0, 10, -8).st(8, 10, -8, 77).exit().build();
		assertThat(vm.runRaw(p, null)).isZero();
		assertThat(vm.runRaw(p, null)).isZero();
	}

	@Test
	void countsInstructions() throws BpfFault {
		Vm vm = new Vm();
		LoadedProgram p = new ProgramBuilder().movImm(0, 3)
			.label("l")
			.alu64Imm(Opcodes.ALU_SUB, 0, 1)
			.jneImm(0, 0, "l")
			.exit()
			.build();
		vm.runRaw(p, null);
		assertThat(vm.instructionsExecuted()).isEqualTo(1 + 3 * 2 + 1);
	}

	@Test
	void conformanceMemoryConvention() throws BpfFault {
		Vm vm = new Vm();
		LoadedProgram p = new ProgramBuilder().ldx(1, 0, 1, 2)
			.alu64Imm(Opcodes.ALU_LSH, 0, 8)
			.addReg(0, 2)
			.exit()
			.build();
		assertThat(vm.runRaw(p, new byte[] { 9, 9, 0x33, 9 })).isEqualTo(0x3304L);
		assertThat(vm.register(10)).isEqualTo(Memory.framePointer(0));
	}

	// ------------------------------------------------------------------ maps

	static BpfMap array(String name, int valueSize, boolean readOnly) {
		return Maps.create(new MapSpec(name, MapType.ARRAY, 4, valueSize, 1, 0, null, readOnly), 1);
	}

	@Test
	void globalDataThroughLddwMapValue() throws BpfFault {
		BpfMap data = array(".data", 16, false);
		ProgramBuilder p = new ProgramBuilder().ldMapValue(1, data, 8)
			.st(8, 1, 0, 1234)
			.ldMapValue(2, data, 0)
			.ldx(8, 0, 2, 8)
			.exit();
		assertThat(new Vm().runRaw(p.build(), null)).isEqualTo(1234L);
		assertThat(Memory.getLe(data.lookup(new byte[4]), 8, 8)).isEqualTo(1234L);
	}

	@Test
	void mapValuePointersFromAHelperAreStableWithinARun() throws BpfFault {
		BpfMap counters = array("counters", 8, false);
		HelperTable helpers = HelperTable.empty().register(1, "map_lookup_elem", (vm, r1, r2, r3, r4, r5) -> {
			BpfMap m = vm.memory().mapOf(r1);
			byte[] key = vm.memory().copyOut(r2, m.keySize());
			return vm.memory().mapValuePointer(m, m.lookup(key, 0, vm.cpu()));
		});
		ProgramBuilder p = new ProgramBuilder().st(4, 10, -4, 0)
			.ldMap(1, counters)
			.movReg(2, 10)
			.addImm(2, -4)
			.call(1)
			.movReg(6, 0)
			.ldMap(1, counters)
			.movReg(2, 10)
			.addImm(2, -4)
			.call(1)
			.movImm(1, 1)
			.atomic(8, Opcodes.ATOMIC_ADD, 0, 1, 0)
			.jmpReg(Opcodes.JMP_JEQ, 0, 6, "same")
			.movImm(0, -1)
			.exit()
			.label("same")
			.ldx(8, 0, 6, 0)
			.exit();
		Vm vm = new Vm(helpers);
		LoadedProgram prog = p.build();
		assertThat(vm.runRaw(prog, null)).isEqualTo(1L);
		assertThat(vm.runRaw(prog, null)).isEqualTo(2L);
		assertThat(vm.memory().regionCount()).isEqualTo(Memory.FIRST_DYNAMIC + 2);
	}

	@Test
	void tailCallsReplaceTheProgramAndStopAfterThirtyThree() throws BpfFault {
		BpfMap counter = array(".bss", 8, false);
		ProgArrayMap jmpTable = (ProgArrayMap) Maps.create(MapSpec.of("jmp", MapType.PROG_ARRAY, 4, 4, 2), 1);
		// prog: counter++; tail_call(ctx, jmp, 0); return counter
		LoadedProgram self = new ProgramBuilder().ldMapValue(6, counter, 0)
			.movImm(7, 1)
			.atomic(8, Opcodes.ATOMIC_ADD, 6, 7, 0)
			.ldMap(2, jmpTable)
			.movImm(3, 0)
			.call(HelperTable.TAIL_CALL)
			.movReg(8, 0)
			.ldx(8, 0, 6, 0)
			.exit()
			.build();
		jmpTable.set(0, self);
		Vm vm = new Vm(HelperTable.empty().enableTailCalls());
		assertThat(vm.run(self, new RawContext(new byte[4]))).isEqualTo(1 + Opcodes.MAX_TAIL_CALL_CNT);
		assertThat(vm.tailCallsTaken()).isEqualTo(Opcodes.MAX_TAIL_CALL_CNT);
		assertThat(vm.register(8)).isEqualTo(-Errno.ENOENT);
	}

	@Test
	void tailCallToAnEmptySlotContinues() throws BpfFault {
		ProgArrayMap jmpTable = (ProgArrayMap) Maps.create(MapSpec.of("jmp", MapType.PROG_ARRAY, 4, 4, 2), 1);
		LoadedProgram target = new ProgramBuilder().movImm(0, 7).exit().build();
		jmpTable.set(1, target);
		ProgramBuilder p = new ProgramBuilder().ldMap(2, jmpTable)
			.movImm(3, 0) // empty slot
			.call(HelperTable.TAIL_CALL)
			.movReg(6, 0)
			.ldMap(2, jmpTable)
			.movImm(3, 5) // out of range
			.call(HelperTable.TAIL_CALL)
			.addReg(6, 0)
			.ldMap(2, jmpTable)
			.movImm(3, 1)
			.call(HelperTable.TAIL_CALL)
			.movImm(0, -1)
			.exit();
		Vm vm = new Vm(HelperTable.empty().enableTailCalls());
		assertThat(vm.run(p.build(), new RawContext(new byte[4]))).isEqualTo(7L);
		assertThat(vm.register(6)).isEqualTo(-2L * Errno.ENOENT);
		assertThat(vm.currentProgram()).isSameAs(target);
	}

	// ------------------------------------------------------------------ legacy packet
	// loads

	@Test
	void ldAbsAndLdIndReadBigEndianPacketBytes() throws BpfFault {
		byte[] frame = new byte[64];
		frame[16 + 12] = 0x08;
		frame[16 + 13] = 0x00;
		frame[16 + 14] = 0x45;
		Vm vm = new Vm();
		vm.memory().setPacket(frame, 16, 64);
		LoadedProgram p = new ProgramBuilder().ldAbs(2, 12)
			.movReg(6, 0)
			.movImm(7, 10)
			.ldInd(1, 7, 4)
			.alu64Imm(Opcodes.ALU_LSH, 6, 8)
			.addReg(0, 6)
			.exit()
			.build();
		assertThat(vm.run(p, new RawContext(new byte[4]))).isEqualTo(0x08_0045L);
	}

	@Test
	void ldAbsOutOfRangeEndsTheProgramWithZero() throws BpfFault {
		Vm vm = new Vm();
		vm.memory().setPacket(new byte[20], 0, 20);
		LoadedProgram p = new ProgramBuilder().movImm(0, 5).ldAbs(4, 17).movImm(0, 99).exit().build();
		assertThat(vm.run(p, new RawContext(new byte[4]))).isZero();
		LoadedProgram q = new ProgramBuilder().movImm(0, 5).ldAbs(4, 16).movImm(0, 99).exit().build();
		assertThat(vm.run(q, new RawContext(new byte[4]))).isEqualTo(99L);
	}

	@Test
	void instructionsAreKeptAsGiven() {
		Insn[] insns = new ProgramBuilder().movImm(0, 1).exit().insns();
		LoadedProgram p = LoadedProgram.of(insns);
		assertThat(p.insns()).containsExactly(insns);
		assertThat(p.length()).isEqualTo(2);
		assertThat(p.trapAt(2)).isEqualTo("last insn is not an exit or jump");
	}

}
