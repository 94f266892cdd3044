package dev.bpfnet.bpf.jit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import dev.bpfnet.bpf.interp.HelperFunction;
import dev.bpfnet.bpf.interp.HelperTable;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.ProgramArrayLookup;
import dev.bpfnet.bpf.maps.TailCallTarget;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;

/**
 * The static methods generated code calls for everything that is not a few JVM
 * instructions: division with the RFC 9669 rules, byte swaps, helper calls, local-call
 * entry, {@code bpf_tail_call}, direct map value access, {@code LD_ABS}/{@code LD_IND},
 * and the faults. Each one mirrors the interpreter's code for the same instruction (same
 * checks in the same order, same kernel texts), so that a program behaves identically
 * under both engines. The small ones are inlined by HotSpot.
 */
final class JitRuntime {

	private static final long M32 = 0xffffffffL;

	/** Key 0 of an array map (maps read keys and never write them). */
	private static final byte[] ZERO_KEY = new byte[8];

	/** Little-endian views for the stack fast path (the same views Memory uses). */
	static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

	static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private JitRuntime() {
	}

	// ---------------------------------------------------------------- ALU

	static long udiv64(long a, long b) {
		return b == 0 ? 0 : Long.divideUnsigned(a, b);
	}

	static long sdiv64(long a, long b) {
		return b == 0 ? 0 : a / b;
	}

	static long umod64(long a, long b) {
		return b == 0 ? a : Long.remainderUnsigned(a, b);
	}

	static long smod64(long a, long b) {
		return b == 0 ? a : a % b;
	}

	static long udiv32(int a, int b) {
		return b == 0 ? 0 : Integer.divideUnsigned(a, b) & M32;
	}

	static long sdiv32(int a, int b) {
		return b == 0 ? 0 : (a / b) & M32;
	}

	static long umod32(int a, int b) {
		return (b == 0 ? a : Integer.remainderUnsigned(a, b)) & M32;
	}

	static long smod32(int a, int b) {
		return (b == 0 ? a : a % b) & M32;
	}

	static long bswap16(long v) {
		return Short.reverseBytes((short) v) & 0xffffL;
	}

	static long bswap32(long v) {
		return Integer.reverseBytes((int) v) & M32;
	}

	// ---------------------------------------------------------------- faults

	static BpfFault trap(int pc, String text) {
		return new BpfFault(pc, text);
	}

	/**
	 * The budget ran out in the block starting at {@code pc0} of {@code n} instructions:
	 * the interpreter would have executed the first {@code left + n} of them (all free of
	 * side effects, see {@link JitCompiler}) and faulted on the next one.
	 */
	static BpfFault budgetExhausted(JitState st, int pc0, int n, long left) {
		st.recorded = true;
		st.left = 0;
		return new BpfFault(pc0 + (int) (left + n), "instruction budget exhausted after " + st.budget + " insns");
	}

	// ---------------------------------------------------------------- calls

	/**
	 * Enters a local call from {@code depth} ({@code OP_CALL_LOCAL} in the interpreter).
	 * @return the callee's depth
	 */
	static int enterCall(JitState st, int depth, int pc) throws BpfFault {
		if (depth + 1 >= Opcodes.MAX_CALL_FRAMES) {
			throw new BpfFault(pc, "call stack too deep");
		}
		st.mem.useFrame(depth + 1);
		return depth + 1;
	}

	/** A helper call as the interpreter's {@code callHelper}. */
	static long callHelper(JitState st, int pc, int id, long r1, long r2, long r3, long r4, long r5) throws BpfFault {
		long r0 = st.vm.callHelper(pc, id, r1, r2, r3, r4, r5);
		if (id == st.vm.helpers().unwindId() && r0 == 0) {
			throw JitStop.INSTANCE;
		}
		return r0;
	}

	/**
	 * {@code bpf_tail_call(ctx, prog_array, index)} as the interpreter's
	 * {@code tailCall}. When the target runs, it runs here, at the caller's depth on a
	 * zeroed frame with the caller's registers (r0 = 0), and {@link JitState#tailTaken}
	 * tells the caller to return its r0 at once; otherwise the result is -ENOENT and the
	 * caller continues.
	 */
	static long tailCall(JitState st, LoadedProgram self, int pc, int depth, long r1, long r2, long r3, long r4,
			long r5, long r6, long r7, long r8, long r9) throws BpfFault {
		if (!st.vm.helpers().has(HelperTable.TAIL_CALL)) {
			throw new BpfFault(pc, "unknown helper " + HelperTable.TAIL_CALL);
		}
		BpfMap map = st.mem.mapOf(r2);
		if (!(map instanceof ProgramArrayLookup lookup)) {
			throw new BpfFault(pc,
					"R2 type=" + (map == null ? "scalar" : "map_ptr") + " expected=map_ptr of type prog_array");
		}
		long index = r3 & M32;
		if (index >= map.maxEntries() || st.tailCalls >= Opcodes.MAX_TAIL_CALL_CNT) {
			return -Errno.ENOENT;
		}
		st.tailCalls++;
		TailCallTarget target = lookup.program((int) index);
		if (!(target instanceof LoadedProgram next)) {
			return -Errno.ENOENT;
		}
		JitCode code = st.root.codeFor(next, pc);
		Arrays.fill(st.mem.frame(depth), (byte) 0);
		st.vm.setCurrentProgram(next);
		long r0 = code.enter(st, depth, 0, r1, r2, r3, r4, r5, r6, r7, r8, r9);
		if (depth > 0) {
			st.vm.setCurrentProgram(self);
		}
		st.tailTaken = true;
		return r0;
	}

	// ---------------------------------------------------------------- loads

	/** lddw with a map-value pseudo source: pointer to value 0 of {@code map} + off. */
	static long mapValue(JitState st, BpfMap map, int pc, long off) throws BpfFault {
		byte[] key = map.keySize() <= ZERO_KEY.length ? ZERO_KEY : new byte[map.keySize()];
		byte[] value = map.lookup(key, 0, st.vm.cpu());
		if (value == null) {
			throw new BpfFault(pc, "map '" + map.name() + "' has no value 0 for direct value access");
		}
		return st.mem.mapValuePointer(map, value) + off;
	}

	/**
	 * LD_ABS / LD_IND: the big-endian value at {@code skb->data + off}; past the packet
	 * the program ends with r0 = 0.
	 */
	static long loadPacket(JitState st, int pc, long off, int size) throws BpfFault {
		Memory mem = st.mem;
		byte[] buf = mem.packetBuffer();
		if (buf == null) {
			throw new BpfFault(pc, "BPF_LD_[ABS|IND] instructions need a packet");
		}
		int data = mem.packetDataOffset();
		int end = mem.packetDataEndOffset();
		if (off < 0 || off + size > end - data) {
			throw JitStop.INSTANCE;
		}
		int p = data + (int) off;
		long v = 0;
		for (int i = 0; i < size; i++) {
			v = (v << 8) | (buf[p + i] & 0xff);
		}
		return v;
	}

}
