package dev.bpfnet.bpf.verifier;

import static dev.bpfnet.bpf.isa.HelperIds.*;

import dev.bpfnet.bpf.isa.HelperIds;

import java.util.EnumSet;
import java.util.Set;

import dev.bpfnet.bpf.prog.ProgramType;

/**
 * Prototypes of the helper functions the toolchain implements, as the verifier sees them:
 * the {@code struct bpf_func_proto} of each helper in {@code net/core/filter.c},
 * {@code kernel/bpf/helpers.c} and {@code kernel/bpf/ringbuf.c}, and which program types
 * may call it ({@code tc_cls_act_func_proto()}, {@code xdp_func_proto()},
 * {@code sk_filter_func_proto()} on top of {@code bpf_base_func_proto()}).
 *
 * <p>
 * A helper id the kernel knows but the toolchain does not implement has a name (for the
 * kernel's {@code program of this type cannot use helper bpf_xxx#N}) but no prototype.
 */
public final class HelperProtos {

	private HelperProtos() {
	}

	/** {@code __BPF_FUNC_MAX_ID} of Linux 6.2 and later (the helper list is frozen). */
	public static final int FUNC_MAX_ID = 212;

	/**
	 * {@code enum bpf_arg_type} with the flag combinations the implemented helpers use.
	 */
	public enum ArgType {

		/** ARG_DONTCARE: the register is not an argument. */
		DONTCARE,
		/** ARG_ANYTHING: any initialised value. */
		ANYTHING,
		/** ARG_CONST_MAP_PTR. */
		CONST_MAP_PTR,
		/** ARG_PTR_TO_MAP_KEY: key_size readable bytes. */
		PTR_TO_MAP_KEY,
		/** ARG_PTR_TO_MAP_VALUE: value_size readable bytes. */
		PTR_TO_MAP_VALUE,
		/**
		 * ARG_PTR_TO_MEM: memory the helper reads and may write, size in the next arg.
		 */
		PTR_TO_MEM,
		/** ARG_PTR_TO_MEM | MEM_RDONLY. */
		PTR_TO_MEM_RDONLY,
		/** ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY: NULL allowed with size 0. */
		PTR_TO_MEM_RDONLY_OR_NULL,
		/** ARG_PTR_TO_UNINIT_MEM (ARG_PTR_TO_MEM | MEM_UNINIT | MEM_WRITE). */
		PTR_TO_UNINIT_MEM,
		/** ARG_CONST_SIZE: size of the previous memory argument, greater than 0. */
		CONST_SIZE,
		/** ARG_CONST_SIZE_OR_ZERO. */
		CONST_SIZE_OR_ZERO,
		/** ARG_PTR_TO_CTX. */
		PTR_TO_CTX,
		/** ARG_CONST_ALLOC_SIZE_OR_ZERO: a known constant (ringbuf reserve size). */
		CONST_ALLOC_SIZE_OR_ZERO,
		/**
		 * ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE (ARG_PTR_TO_ALLOC_MEM in older kernels).
		 */
		PTR_TO_ALLOC_MEM;

		/** Whether a register that is the constant 0 is accepted (PTR_MAYBE_NULL). */
		public boolean maybeNull() {
			return this == PTR_TO_MEM_RDONLY_OR_NULL;
		}

		public boolean isMemPtr() {
			return this == PTR_TO_MEM || this == PTR_TO_MEM_RDONLY || this == PTR_TO_MEM_RDONLY_OR_NULL
					|| this == PTR_TO_UNINIT_MEM;
		}

		public boolean isSize() {
			return this == CONST_SIZE || this == CONST_SIZE_OR_ZERO;
		}

	}

	/** {@code enum bpf_return_type}. */
	public enum RetType {

		/** RET_INTEGER: an unknown scalar. */
		INTEGER,
		/** RET_VOID: r0 is not readable after the call. */
		VOID,
		/** RET_PTR_TO_MAP_VALUE_OR_NULL. */
		PTR_TO_MAP_VALUE_OR_NULL,
		/** RET_PTR_TO_RINGBUF_MEM_OR_NULL: PTR_TO_MEM of the reserved size, or NULL. */
		PTR_TO_MEM_OR_NULL

	}

	/**
	 * One helper prototype.
	 *
	 * @param id helper id ({@code BPF_FUNC_*})
	 * @param name the kernel's {@code func_id_name()}, e.g. {@code bpf_map_lookup_elem}
	 * @param ret return type
	 * @param args the five argument types (DONTCARE past the last)
	 * @param pktAccess {@code .pkt_access}: packet pointers may be passed
	 * @param changesPktData {@code bpf_helper_changes_pkt_data()}: the call invalidates
	 * every packet pointer
	 * @param acquires returns a reference that must be released (ringbuf reserve)
	 * @param gplOnly {@code .gpl_only}
	 * @param programTypes the program types whose {@code get_func_proto} returns it
	 */
	public record Proto(int id, String name, RetType ret, ArgType[] args, boolean pktAccess, boolean changesPktData,
			boolean acquires, boolean gplOnly, Set<ProgramType> programTypes) {

		public ArgType arg(int i) {
			return (i < this.args.length) ? this.args[i] : ArgType.DONTCARE;
		}

		/**
		 * Whether argument {@code i} (0-based) is ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE.
		 */
		public boolean releases(int i) {
			return arg(i) == ArgType.PTR_TO_ALLOC_MEM;
		}

	}

	private static final Proto[] PROTOS = new Proto[FUNC_MAX_ID];

	private static final Set<ProgramType> BASE = EnumSet.of(ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS,
			ProgramType.SCHED_ACT, ProgramType.XDP);

	private static final Set<ProgramType> TC = EnumSet.of(ProgramType.SCHED_CLS, ProgramType.SCHED_ACT);

	private static final Set<ProgramType> TC_XDP = EnumSet.of(ProgramType.SCHED_CLS, ProgramType.SCHED_ACT,
			ProgramType.XDP);

	private static final Set<ProgramType> XDP = EnumSet.of(ProgramType.XDP);

	private static final Set<ProgramType> SKB = EnumSet.of(ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS,
			ProgramType.SCHED_ACT);

	static {
		ArgType any = ArgType.ANYTHING;
		ArgType ctx = ArgType.PTR_TO_CTX;
		ArgType map = ArgType.CONST_MAP_PTR;
		// kernel/bpf/helpers.c
		def(MAP_LOOKUP_ELEM, RetType.PTR_TO_MAP_VALUE_OR_NULL, BASE, true, false, args(map, ArgType.PTR_TO_MAP_KEY));
		def(MAP_UPDATE_ELEM, RetType.INTEGER, BASE, true, false,
				args(map, ArgType.PTR_TO_MAP_KEY, ArgType.PTR_TO_MAP_VALUE, any));
		def(MAP_DELETE_ELEM, RetType.INTEGER, BASE, true, false, args(map, ArgType.PTR_TO_MAP_KEY));
		def(KTIME_GET_NS, RetType.INTEGER, BASE, false, false, args());
		def(TRACE_PRINTK, RetType.INTEGER, BASE, false, false, args(ArgType.PTR_TO_MEM_RDONLY, ArgType.CONST_SIZE));
		def(GET_PRANDOM_U32, RetType.INTEGER, BASE, false, false, args());
		def(GET_SMP_PROCESSOR_ID, RetType.INTEGER, BASE, false, false, args());
		def(TAIL_CALL, RetType.VOID, BASE, false, false, args(ctx, map, any));
		// net/core/filter.c
		def(SKB_STORE_BYTES, RetType.INTEGER, TC, false, true,
				args(ctx, any, ArgType.PTR_TO_MEM_RDONLY, ArgType.CONST_SIZE, any));
		def(L3_CSUM_REPLACE, RetType.INTEGER, TC, false, true, args(ctx, any, any, any, any));
		def(L4_CSUM_REPLACE, RetType.INTEGER, TC, false, true, args(ctx, any, any, any, any));
		def(CLONE_REDIRECT, RetType.INTEGER, TC, false, true, args(ctx, any, any));
		def(REDIRECT, RetType.INTEGER, TC_XDP, false, false, args(any, any));
		def(SKB_LOAD_BYTES, RetType.INTEGER, SKB, false, false,
				args(ctx, any, ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE));
		def(CSUM_DIFF, RetType.INTEGER, TC_XDP, true, false, args(ArgType.PTR_TO_MEM_RDONLY_OR_NULL,
				ArgType.CONST_SIZE_OR_ZERO, ArgType.PTR_TO_MEM_RDONLY_OR_NULL, ArgType.CONST_SIZE_OR_ZERO, any));
		def(SKB_CHANGE_TYPE, RetType.INTEGER, TC, false, false, args(ctx, any));
		def(SKB_PULL_DATA, RetType.INTEGER, TC, false, true, args(ctx, any));
		def(SKB_CHANGE_HEAD, RetType.INTEGER, TC, false, true, args(ctx, any, any));
		def(REDIRECT_MAP, RetType.INTEGER, XDP, false, false, args(map, any, any));
		def(FIB_LOOKUP, RetType.INTEGER, TC_XDP, false, false, args(ctx, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE, any));
		def(REDIRECT_NEIGH, RetType.INTEGER, TC, false, false,
				args(any, ArgType.PTR_TO_MEM_RDONLY_OR_NULL, ArgType.CONST_SIZE_OR_ZERO, any));
		def(REDIRECT_PEER, RetType.INTEGER, TC, false, false, args(any, any));
		// kernel/bpf/ringbuf.c
		def(RINGBUF_OUTPUT, RetType.INTEGER, BASE, false, false,
				args(map, ArgType.PTR_TO_MEM_RDONLY, ArgType.CONST_SIZE_OR_ZERO, any));
		def(RINGBUF_RESERVE, RetType.PTR_TO_MEM_OR_NULL, BASE, false, false,
				args(map, ArgType.CONST_ALLOC_SIZE_OR_ZERO, any));
		def(RINGBUF_SUBMIT, RetType.VOID, BASE, false, false, args(ArgType.PTR_TO_ALLOC_MEM, any));
		def(RINGBUF_DISCARD, RetType.VOID, BASE, false, false, args(ArgType.PTR_TO_ALLOC_MEM, any));
	}

	private static ArgType[] args(ArgType... a) {
		return a;
	}

	private static void def(int id, RetType ret, Set<ProgramType> types, boolean pktAccess, boolean changesPktData,
			ArgType[] args) {
		PROTOS[id] = new Proto(id, name(id), ret, args, pktAccess, changesPktData, id == RINGBUF_RESERVE,
				id == TRACE_PRINTK, Set.copyOf(types));
	}

	/**
	 * The kernel's {@code func_id_name()}: {@code bpf_<name>} for a known id,
	 * {@code unknown} otherwise.
	 */
	public static String name(int id) {
		String symbol = HelperIds.symbol(id);
		return symbol != null ? symbol : "unknown";
	}

	/**
	 * The prototype, or {@code null} when the toolchain does not implement the helper.
	 */
	public static Proto proto(int id) {
		return (id >= 0 && id < PROTOS.length) ? PROTOS[id] : null;
	}

	/**
	 * The prototype {@code type}'s {@code get_func_proto} returns, or {@code null} when a
	 * program of that type cannot call it.
	 */
	public static Proto proto(int id, ProgramType type) {
		Proto p = proto(id);
		return (p != null && p.programTypes().contains(type)) ? p : null;
	}

	/** Every implemented prototype in id order. */
	public static java.util.List<Proto> all() {
		java.util.List<Proto> out = new java.util.ArrayList<>();
		for (Proto p : PROTOS) {
			if (p != null) {
				out.add(p);
			}
		}
		return java.util.List.copyOf(out);
	}

}
