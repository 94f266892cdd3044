package dev.bpfnet.bpf.interp;

import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.ProgramArrayLookup;
import dev.bpfnet.bpf.maps.TailCallTarget;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;

/**
 * The eBPF interpreter: one loop over the pre-decoded arrays of a {@link LoadedProgram}
 * with a switch on the opcode byte and a {@code long[]} register file, in the shape of
 * {@code ___bpf_prog_run()} (kernel/bpf/core.c), uBPF's {@code ubpf_exec} and rbpf.
 *
 * <p>
 * Semantics are RFC 9669 plus the kernel's run-time rules: division by zero gives 0 and
 * modulo by zero leaves the dividend (32-bit: zero-extended), shifts are masked, local
 * calls save r6..r9 and r10 and get their own 512-byte frame (at most
 * {@value Opcodes#MAX_CALL_FRAMES} frames), {@code bpf_tail_call} (helper 12) replaces
 * the running program as {@code JMP_TAIL_CALL} does (at most
 * {@value Opcodes#MAX_TAIL_CALL_CNT}), {@code LD_ABS}/{@code LD_IND} read big-endian
 * packet bytes relative to {@code skb->data} and end the program with r0 = 0 when out of
 * range. Every load and store goes through {@link Memory}'s bounds check; anything the
 * kernel's verifier would have rejected is a {@link BpfFault}.
 *
 * <p>
 * The hot method is kept well under HotSpot's 8000-byte limit for JIT compilation
 * ({@code -XX:HugeMethodLimit}); rare operations live in small static methods.
 */
final class Interpreter {

	private static final long M32 = 0xffffffffL;

	/** Key 0 for direct value access (array maps have 4-byte keys); never written. */
	private static final byte[] ZERO_KEY = new byte[64];

	private Interpreter() {
	}

	static long execute(Vm vm, LoadedProgram program) throws BpfFault {
		final long[] reg = vm.reg;
		final Memory mem = vm.memory;
		LoadedProgram prog = program;
		int[] code = prog.code;
		int[] imm = prog.imm;
		int pc = 0;
		int depth = 0;
		final long budget = vm.instructionBudget();
		long left = budget;
		vm.tailCalls = 0;
		vm.current = prog;
		try {
			for (;;) {
				if (--left < 0) {
					throw new BpfFault(pc, "instruction budget exhausted after " + budget + " insns");
				}
				final int c = code[pc];
				final int d = (c >>> 8) & 0xf;
				final int s = (c >>> 12) & 0xf;
				switch (c & 0xff) {
					// ---------------------------------------------------------- ALU64 K
					case 0x07 -> reg[d] += imm[pc];
					case 0x17 -> reg[d] -= imm[pc];
					case 0x27 -> reg[d] *= imm[pc];
					case 0x37 -> reg[d] = div64(reg[d], imm[pc], c >> 16);
					case 0x47 -> reg[d] |= imm[pc];
					case 0x57 -> reg[d] &= imm[pc];
					case 0x67 -> reg[d] <<= imm[pc];
					case 0x77 -> reg[d] >>>= imm[pc];
					case 0x87 -> reg[d] = -reg[d];
					case 0x97 -> reg[d] = mod64(reg[d], imm[pc], c >> 16);
					case 0xa7 -> reg[d] ^= imm[pc];
					case 0xb7 -> reg[d] = imm[pc];
					case 0xc7 -> reg[d] >>= imm[pc];
					case 0xd7 -> reg[d] = bswap(reg[d], imm[pc]);
					// ---------------------------------------------------------- ALU64 X
					case 0x0f -> reg[d] += reg[s];
					case 0x1f -> reg[d] -= reg[s];
					case 0x2f -> reg[d] *= reg[s];
					case 0x3f -> reg[d] = div64(reg[d], reg[s], c >> 16);
					case 0x4f -> reg[d] |= reg[s];
					case 0x5f -> reg[d] &= reg[s];
					case 0x6f -> reg[d] <<= reg[s];
					case 0x7f -> reg[d] >>>= reg[s];
					case 0x9f -> reg[d] = mod64(reg[d], reg[s], c >> 16);
					case 0xaf -> reg[d] ^= reg[s];
					case 0xbf -> reg[d] = (c >> 16) == 0 ? reg[s] : movsx(reg[s], c >> 16);
					case 0xcf -> reg[d] >>= reg[s];
					// ---------------------------------------------------------- ALU K
					case 0x04 -> reg[d] = (reg[d] + imm[pc]) & M32;
					case 0x14 -> reg[d] = (reg[d] - imm[pc]) & M32;
					case 0x24 -> reg[d] = ((int) reg[d] * imm[pc]) & M32;
					case 0x34 -> reg[d] = div32((int) reg[d], imm[pc], c >> 16);
					case 0x44 -> reg[d] = (reg[d] | imm[pc]) & M32;
					case 0x54 -> reg[d] = (reg[d] & imm[pc]) & M32;
					case 0x64 -> reg[d] = ((int) reg[d] << imm[pc]) & M32;
					case 0x74 -> reg[d] = ((int) reg[d] >>> imm[pc]) & M32;
					case 0x84 -> reg[d] = -(int) reg[d] & M32;
					case 0x94 -> reg[d] = mod32((int) reg[d], imm[pc], c >> 16);
					case 0xa4 -> reg[d] = (reg[d] ^ imm[pc]) & M32;
					case 0xb4 -> reg[d] = imm[pc] & M32;
					case 0xc4 -> reg[d] = ((int) reg[d] >> imm[pc]) & M32;
					case 0xd4 -> reg[d] = toLe(reg[d], imm[pc]);
					case 0xdc -> reg[d] = bswap(reg[d], imm[pc]);
					// ---------------------------------------------------------- ALU X
					case 0x0c -> reg[d] = (reg[d] + reg[s]) & M32;
					case 0x1c -> reg[d] = (reg[d] - reg[s]) & M32;
					case 0x2c -> reg[d] = ((int) reg[d] * (int) reg[s]) & M32;
					case 0x3c -> reg[d] = div32((int) reg[d], (int) reg[s], c >> 16);
					case 0x4c -> reg[d] = (reg[d] | reg[s]) & M32;
					case 0x5c -> reg[d] = (reg[d] & reg[s]) & M32;
					case 0x6c -> reg[d] = ((int) reg[d] << (int) reg[s]) & M32;
					case 0x7c -> reg[d] = ((int) reg[d] >>> (int) reg[s]) & M32;
					case 0x9c -> reg[d] = mod32((int) reg[d], (int) reg[s], c >> 16);
					case 0xac -> reg[d] = (reg[d] ^ reg[s]) & M32;
					case 0xbc -> reg[d] = ((c >> 16) == 0 ? reg[s] : movsx(reg[s], c >> 16)) & M32;
					case 0xcc -> reg[d] = ((int) reg[d] >> (int) reg[s]) & M32;
					// ---------------------------------------------------------- JMP
					case 0x05 -> pc += c >> 16;
					case 0x15 -> {
						if (reg[d] == imm[pc]) {
							pc += c >> 16;
						}
					}
					case 0x1d -> {
						if (reg[d] == reg[s]) {
							pc += c >> 16;
						}
					}
					case 0x25 -> {
						if (reg[d] + Long.MIN_VALUE > imm[pc] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0x2d -> {
						if (reg[d] + Long.MIN_VALUE > reg[s] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0x35 -> {
						if (reg[d] + Long.MIN_VALUE >= imm[pc] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0x3d -> {
						if (reg[d] + Long.MIN_VALUE >= reg[s] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0x45 -> {
						if ((reg[d] & imm[pc]) != 0) {
							pc += c >> 16;
						}
					}
					case 0x4d -> {
						if ((reg[d] & reg[s]) != 0) {
							pc += c >> 16;
						}
					}
					case 0x55 -> {
						if (reg[d] != imm[pc]) {
							pc += c >> 16;
						}
					}
					case 0x5d -> {
						if (reg[d] != reg[s]) {
							pc += c >> 16;
						}
					}
					case 0x65 -> {
						if (reg[d] > imm[pc]) {
							pc += c >> 16;
						}
					}
					case 0x6d -> {
						if (reg[d] > reg[s]) {
							pc += c >> 16;
						}
					}
					case 0x75 -> {
						if (reg[d] >= imm[pc]) {
							pc += c >> 16;
						}
					}
					case 0x7d -> {
						if (reg[d] >= reg[s]) {
							pc += c >> 16;
						}
					}
					case 0xa5 -> {
						if (reg[d] + Long.MIN_VALUE < imm[pc] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0xad -> {
						if (reg[d] + Long.MIN_VALUE < reg[s] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0xb5 -> {
						if (reg[d] + Long.MIN_VALUE <= imm[pc] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0xbd -> {
						if (reg[d] + Long.MIN_VALUE <= reg[s] + Long.MIN_VALUE) {
							pc += c >> 16;
						}
					}
					case 0xc5 -> {
						if (reg[d] < imm[pc]) {
							pc += c >> 16;
						}
					}
					case 0xcd -> {
						if (reg[d] < reg[s]) {
							pc += c >> 16;
						}
					}
					case 0xd5 -> {
						if (reg[d] <= imm[pc]) {
							pc += c >> 16;
						}
					}
					case 0xdd -> {
						if (reg[d] <= reg[s]) {
							pc += c >> 16;
						}
					}
					// ---------------------------------------------------------- JMP32
					case 0x06 -> pc += imm[pc];
					case 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e, 0xa6, 0xae,
							0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde -> {
						if (jmp32(c, (int) reg[d], (c & Opcodes.SRC_X) != 0 ? (int) reg[s] : imm[pc])) {
							pc += c >> 16;
						}
					}
					// ---------------------------------------------------------- calls,
					// exit
					case 0x85 -> {
						if (callHelper(vm, pc, imm[pc])) {
							return 0;
						}
					}
					case 0x8d -> {
						if (callHelper(vm, pc, (int) reg[d])) {
							return 0;
						}
					}
					case LoadedProgram.OP_CALL_LOCAL -> {
						if (depth + 1 >= Opcodes.MAX_CALL_FRAMES) {
							throw new BpfFault(pc, "call stack too deep");
						}
						int b = depth * 5;
						long[] sv = vm.saved;
						sv[b] = reg[6];
						sv[b + 1] = reg[7];
						sv[b + 2] = reg[8];
						sv[b + 3] = reg[9];
						sv[b + 4] = reg[10];
						vm.returnPc[depth] = pc;
						vm.returnProgram[depth] = prog;
						depth++;
						mem.useFrame(depth);
						reg[10] = Memory.framePointer(depth);
						pc += imm[pc];
					}
					case LoadedProgram.OP_TAIL_CALL -> {
						LoadedProgram next = tailCall(vm, pc);
						if (next != null) {
							prog = next;
							code = prog.code;
							imm = prog.imm;
							vm.current = prog;
							java.util.Arrays.fill(mem.frame(depth), (byte) 0);
							pc = -1;
						}
					}
					case 0x95 -> {
						if (depth == 0) {
							return reg[0];
						}
						depth--;
						int b = depth * 5;
						long[] sv = vm.saved;
						reg[6] = sv[b];
						reg[7] = sv[b + 1];
						reg[8] = sv[b + 2];
						reg[9] = sv[b + 3];
						reg[10] = sv[b + 4];
						pc = vm.returnPc[depth];
						if (vm.returnProgram[depth] != prog) {
							prog = vm.returnProgram[depth];
							code = prog.code;
							imm = prog.imm;
							vm.current = prog;
						}
					}
					// ---------------------------------------------------------- LDX
					case 0x61 -> reg[d] = mem.load32(reg[s] + (c >> 16), pc);
					case 0x69 -> reg[d] = mem.load16(reg[s] + (c >> 16), pc);
					case 0x71 -> reg[d] = mem.load8(reg[s] + (c >> 16), pc);
					case 0x79 -> reg[d] = mem.load64(reg[s] + (c >> 16), pc);
					case 0x81 -> reg[d] = (int) mem.load32(reg[s] + (c >> 16), pc);
					case 0x89 -> reg[d] = (short) mem.load16(reg[s] + (c >> 16), pc);
					case 0x91 -> reg[d] = (byte) mem.load8(reg[s] + (c >> 16), pc);
					// ---------------------------------------------------------- ST
					case 0x62 -> mem.store32(reg[d] + (c >> 16), imm[pc], pc);
					case 0x6a -> mem.store16(reg[d] + (c >> 16), imm[pc], pc);
					case 0x72 -> mem.store8(reg[d] + (c >> 16), imm[pc], pc);
					case 0x7a -> mem.store64(reg[d] + (c >> 16), imm[pc], pc);
					// ---------------------------------------------------------- STX
					case 0x63 -> mem.store32(reg[d] + (c >> 16), reg[s], pc);
					case 0x6b -> mem.store16(reg[d] + (c >> 16), reg[s], pc);
					case 0x73 -> mem.store8(reg[d] + (c >> 16), reg[s], pc);
					case 0x7b -> mem.store64(reg[d] + (c >> 16), reg[s], pc);
					case 0xc3 -> atomic(reg, mem, c, imm[pc], 4, pc);
					case 0xdb -> atomic(reg, mem, c, imm[pc], 8, pc);
					// ---------------------------------------------------------- LD
					case 0x18 -> reg[d] = prog.imm64[pc++];
					case LoadedProgram.OP_LDDW_MAP -> reg[d] = mem.mapPointer(prog.maps[imm[pc++]]);
					case LoadedProgram.OP_LDDW_MAP_VALUE -> reg[d] = mapValue(vm, prog, pc++);
					case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> {
						if (!loadPacket(vm, c, imm[pc], pc)) {
							return 0;
						}
					}
					case LoadedProgram.OP_TRAP -> throw prog.trapFault(pc);
					default -> throw new BpfFault(pc, String.format("unknown opcode %02x", c & 0xff));
				}
				pc++;
			}
		}
		finally {
			vm.executed = budget - Math.max(left, 0);
		}
	}

	// -------------------------------------------------------------- rare operations

	/** DIV / SDIV (offset 1), 64-bit: x / 0 = 0; LLONG_MIN / -1 = LLONG_MIN. */
	static long div64(long a, long b, int off) {
		if (b == 0) {
			return 0;
		}
		return off == 1 ? a / b : Long.divideUnsigned(a, b);
	}

	/** MOD / SMOD, 64-bit: x % 0 = x. */
	static long mod64(long a, long b, int off) {
		if (b == 0) {
			return a;
		}
		return off == 1 ? a % b : Long.remainderUnsigned(a, b);
	}

	/** DIV / SDIV, 32-bit, zero-extended. */
	static long div32(int a, int b, int off) {
		if (b == 0) {
			return 0;
		}
		return (off == 1 ? a / b : Integer.divideUnsigned(a, b)) & M32;
	}

	/** MOD / SMOD, 32-bit: x % 0 = (u32) x. */
	static long mod32(int a, int b, int off) {
		if (b == 0) {
			return a & M32;
		}
		return (off == 1 ? a % b : Integer.remainderUnsigned(a, b)) & M32;
	}

	static long movsx(long v, int bits) {
		return switch (bits) {
			case 8 -> (byte) v;
			case 16 -> (short) v;
			default -> (int) v;
		};
	}

	/** ALU64 END (bswap) and ALU END to big endian: swap the low {@code width} bits. */
	static long bswap(long v, int width) {
		return switch (width) {
			case 16 -> Short.reverseBytes((short) v) & 0xffffL;
			case 32 -> Integer.reverseBytes((int) v) & M32;
			default -> Long.reverseBytes(v);
		};
	}

	/** ALU END to little endian on a little-endian machine: truncate. */
	static long toLe(long v, int width) {
		return switch (width) {
			case 16 -> v & 0xffffL;
			case 32 -> v & M32;
			default -> v;
		};
	}

	static boolean jmp32(int c, int a, int b) {
		return switch (c & 0xf0) {
			case Opcodes.JMP_JEQ -> a == b;
			case Opcodes.JMP_JGT -> Integer.compareUnsigned(a, b) > 0;
			case Opcodes.JMP_JGE -> Integer.compareUnsigned(a, b) >= 0;
			case Opcodes.JMP_JSET -> (a & b) != 0;
			case Opcodes.JMP_JNE -> a != b;
			case Opcodes.JMP_JSGT -> a > b;
			case Opcodes.JMP_JSGE -> a >= b;
			case Opcodes.JMP_JLT -> Integer.compareUnsigned(a, b) < 0;
			case Opcodes.JMP_JLE -> Integer.compareUnsigned(a, b) <= 0;
			case Opcodes.JMP_JSLT -> a < b;
			default -> a <= b; // JSLE
		};
	}

	static void atomic(long[] reg, Memory mem, int c, int op, int size, int pc) throws BpfFault {
		int d = (c >>> 8) & 0xf;
		int s = (c >>> 12) & 0xf;
		long addr = reg[d] + (c >> 16);
		if (op == Opcodes.ATOMIC_CMPXCHG) {
			long old = mem.atomic(addr, size, op, reg[s], reg[0], pc);
			reg[0] = old;
			return;
		}
		long old = mem.atomic(addr, size, op, reg[s], 0, pc);
		if ((op & Opcodes.ATOMIC_FETCH) != 0) {
			reg[s] = old;
		}
	}

	/**
	 * Calls helper {@code id} with r1..r5; r0 = its result.
	 * @return true when the unwind helper returned 0: the program stops with r0 = 0
	 */
	static boolean callHelper(Vm vm, int pc, int id) throws BpfFault {
		HelperTable table = vm.helpers;
		HelperFunction f = table.get(id);
		if (f == null || id == HelperTable.TAIL_CALL) {
			if (f != null) {
				throw new BpfFault(pc, "tail call through callx is not supported");
			}
			throw new BpfFault(pc, "unknown helper " + id);
		}
		long[] reg = vm.reg;
		vm.helperPc = pc;
		vm.memory.setFaultPc(pc);
		long r0;
		try {
			r0 = f.call(vm, reg[1], reg[2], reg[3], reg[4], reg[5]);
		}
		catch (RuntimeException ex) {
			throw new BpfFault(pc, "helper " + table.name(id) + " failed: " + ex, ex);
		}
		reg[0] = r0;
		return id == table.unwindId() && r0 == 0;
	}

	/**
	 * {@code bpf_tail_call(ctx, prog_array, index)} as {@code JMP_TAIL_CALL} in
	 * {@code ___bpf_prog_run()}: the count is taken before the slot is read.
	 * @return the program to continue with, or null (then r0 = -ENOENT and execution
	 * continues after the call)
	 */
	static LoadedProgram tailCall(Vm vm, int pc) throws BpfFault {
		if (!vm.helpers.has(HelperTable.TAIL_CALL)) {
			throw new BpfFault(pc, "unknown helper " + HelperTable.TAIL_CALL);
		}
		long[] reg = vm.reg;
		BpfMap map = vm.memory.mapOf(reg[2]);
		if (!(map instanceof ProgramArrayLookup lookup)) {
			throw new BpfFault(pc,
					"R2 type=" + (map == null ? "scalar" : "map_ptr") + " expected=map_ptr of type prog_array");
		}
		reg[0] = -Errno.ENOENT;
		long index = reg[3] & M32;
		if (index >= map.maxEntries() || vm.tailCalls >= Opcodes.MAX_TAIL_CALL_CNT) {
			return null;
		}
		vm.tailCalls++;
		TailCallTarget target = lookup.program((int) index);
		if (target instanceof LoadedProgram next) {
			reg[0] = 0;
			return next;
		}
		return null;
	}

	static long mapValue(Vm vm, LoadedProgram prog, int pc) throws BpfFault {
		BpfMap map = prog.maps[prog.imm[pc]];
		byte[] key = map.keySize() <= ZERO_KEY.length ? ZERO_KEY : new byte[map.keySize()];
		byte[] value = map.lookup(key, 0, vm.cpu());
		if (value == null) {
			throw new BpfFault(pc, "map '" + map.name() + "' has no value 0 for direct value access");
		}
		return vm.memory.mapValuePointer(map, value) + prog.imm64[pc];
	}

	/**
	 * LD_ABS / LD_IND ({@code bpf_skb_load_helper_*} in net/core/filter.c): r0 = the
	 * big-endian value at {@code skb->data + imm (+ src)}.
	 * @return false when out of range: the program ends with r0 = 0
	 */
	static boolean loadPacket(Vm vm, int c, int k, int pc) throws BpfFault {
		long[] reg = vm.reg;
		Memory mem = vm.memory;
		byte[] buf = mem.packetBuffer();
		if (buf == null) {
			throw new BpfFault(pc, "BPF_LD_[ABS|IND] instructions need a packet");
		}
		int s = (c >>> 12) & 0xf;
		long off = (c & 0xe0) == Opcodes.MODE_IND ? (int) reg[s] + k : k;
		int size = Opcodes.sizeBytes(c);
		int data = mem.packetDataOffset();
		int end = mem.packetDataEndOffset();
		if (off < 0 || off + size > end - data) {
			reg[0] = 0;
			return false;
		}
		int p = data + (int) off;
		long v = 0;
		for (int i = 0; i < size; i++) {
			v = (v << 8) | (buf[p + i] & 0xff);
		}
		reg[0] = v;
		// r1..r5 are scratch after the implicit helper call, as in the kernel
		return true;
	}

}
