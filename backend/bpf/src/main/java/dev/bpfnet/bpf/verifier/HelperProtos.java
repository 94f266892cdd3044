package dev.bpfnet.bpf.verifier;

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

	// helper ids
	public static final int MAP_LOOKUP_ELEM = 1;

	public static final int MAP_UPDATE_ELEM = 2;

	public static final int MAP_DELETE_ELEM = 3;

	public static final int KTIME_GET_NS = 5;

	public static final int TRACE_PRINTK = 6;

	public static final int GET_PRANDOM_U32 = 7;

	public static final int GET_SMP_PROCESSOR_ID = 8;

	public static final int SKB_STORE_BYTES = 9;

	public static final int L3_CSUM_REPLACE = 10;

	public static final int L4_CSUM_REPLACE = 11;

	public static final int TAIL_CALL = 12;

	public static final int CLONE_REDIRECT = 13;

	public static final int REDIRECT = 23;

	public static final int SKB_LOAD_BYTES = 26;

	public static final int CSUM_DIFF = 28;

	public static final int SKB_CHANGE_TYPE = 32;

	public static final int SKB_PULL_DATA = 39;

	public static final int SKB_CHANGE_HEAD = 43;

	public static final int REDIRECT_MAP = 51;

	public static final int FIB_LOOKUP = 69;

	public static final int RINGBUF_OUTPUT = 130;

	public static final int RINGBUF_RESERVE = 131;

	public static final int RINGBUF_SUBMIT = 132;

	public static final int RINGBUF_DISCARD = 133;

	public static final int REDIRECT_NEIGH = 152;

	public static final int REDIRECT_PEER = 155;

	/** {@code ___BPF_FUNC_MAPPER} of include/uapi/linux/bpf.h, index = helper id. */
	private static final String[] NAMES = { "unspec", "map_lookup_elem", "map_update_elem", "map_delete_elem",
			"probe_read", "ktime_get_ns", "trace_printk", "get_prandom_u32", "get_smp_processor_id", "skb_store_bytes",
			"l3_csum_replace", "l4_csum_replace", "tail_call", "clone_redirect", "get_current_pid_tgid",
			"get_current_uid_gid", "get_current_comm", "get_cgroup_classid", "skb_vlan_push", "skb_vlan_pop",
			"skb_get_tunnel_key", "skb_set_tunnel_key", "perf_event_read", "redirect", "get_route_realm",
			"perf_event_output", "skb_load_bytes", "get_stackid", "csum_diff", "skb_get_tunnel_opt",
			"skb_set_tunnel_opt", "skb_change_proto", "skb_change_type", "skb_under_cgroup", "get_hash_recalc",
			"get_current_task", "probe_write_user", "current_task_under_cgroup", "skb_change_tail", "skb_pull_data",
			"csum_update", "set_hash_invalid", "get_numa_node_id", "skb_change_head", "xdp_adjust_head",
			"probe_read_str", "get_socket_cookie", "get_socket_uid", "set_hash", "setsockopt", "skb_adjust_room",
			"redirect_map", "sk_redirect_map", "sock_map_update", "xdp_adjust_meta", "perf_event_read_value",
			"perf_prog_read_value", "getsockopt", "override_return", "sock_ops_cb_flags_set", "msg_redirect_map",
			"msg_apply_bytes", "msg_cork_bytes", "msg_pull_data", "bind", "xdp_adjust_tail", "skb_get_xfrm_state",
			"get_stack", "skb_load_bytes_relative", "fib_lookup", "sock_hash_update", "msg_redirect_hash",
			"sk_redirect_hash", "lwt_push_encap", "lwt_seg6_store_bytes", "lwt_seg6_adjust_srh", "lwt_seg6_action",
			"rc_repeat", "rc_keydown", "skb_cgroup_id", "get_current_cgroup_id", "get_local_storage",
			"sk_select_reuseport", "skb_ancestor_cgroup_id", "sk_lookup_tcp", "sk_lookup_udp", "sk_release",
			"map_push_elem", "map_pop_elem", "map_peek_elem", "msg_push_data", "msg_pop_data", "rc_pointer_rel",
			"spin_lock", "spin_unlock", "sk_fullsock", "tcp_sock", "skb_ecn_set_ce", "get_listener_sock",
			"skc_lookup_tcp", "tcp_check_syncookie", "sysctl_get_name", "sysctl_get_current_value",
			"sysctl_get_new_value", "sysctl_set_new_value", "strtol", "strtoul", "sk_storage_get", "sk_storage_delete",
			"send_signal", "tcp_gen_syncookie", "skb_output", "probe_read_user", "probe_read_kernel",
			"probe_read_user_str", "probe_read_kernel_str", "tcp_send_ack", "send_signal_thread", "jiffies64",
			"read_branch_records", "get_ns_current_pid_tgid", "xdp_output", "get_netns_cookie",
			"get_current_ancestor_cgroup_id", "sk_assign", "ktime_get_boot_ns", "seq_printf", "seq_write",
			"sk_cgroup_id", "sk_ancestor_cgroup_id", "ringbuf_output", "ringbuf_reserve", "ringbuf_submit",
			"ringbuf_discard", "ringbuf_query", "csum_level", "skc_to_tcp6_sock", "skc_to_tcp_sock",
			"skc_to_tcp_timewait_sock", "skc_to_tcp_request_sock", "skc_to_udp6_sock", "get_task_stack", "load_hdr_opt",
			"store_hdr_opt", "reserve_hdr_opt", "inode_storage_get", "inode_storage_delete", "d_path", "copy_from_user",
			"snprintf_btf", "seq_printf_btf", "skb_cgroup_classid", "redirect_neigh", "per_cpu_ptr", "this_cpu_ptr",
			"redirect_peer", "task_storage_get", "task_storage_delete", "get_current_task_btf", "bprm_opts_set",
			"ktime_get_coarse_ns", "ima_inode_hash", "sock_from_file", "check_mtu", "for_each_map_elem", "snprintf",
			"sys_bpf", "btf_find_by_name_kind", "sys_close", "timer_init", "timer_set_callback", "timer_start",
			"timer_cancel", "get_func_ip", "get_attach_cookie", "task_pt_regs", "get_branch_snapshot", "trace_vprintk",
			"skc_to_unix_sock", "kallsyms_lookup_name", "find_vma", "loop", "strncmp", "get_func_arg", "get_func_ret",
			"get_func_arg_cnt", "get_retval", "set_retval", "xdp_get_buff_len", "xdp_load_bytes", "xdp_store_bytes",
			"copy_from_user_task", "skb_set_tstamp", "ima_file_hash", "kptr_xchg", "map_lookup_percpu_elem",
			"skc_to_mptcp_sock", "dynptr_from_mem", "ringbuf_reserve_dynptr", "ringbuf_submit_dynptr",
			"ringbuf_discard_dynptr", "dynptr_read", "dynptr_write", "dynptr_data", "tcp_raw_gen_syncookie_ipv4",
			"tcp_raw_gen_syncookie_ipv6", "tcp_raw_check_syncookie_ipv4", "tcp_raw_check_syncookie_ipv6",
			"ktime_get_tai_ns", "user_ringbuf_drain", "cgrp_storage_get", "cgrp_storage_delete" };

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
		return (id >= 0 && id < NAMES.length) ? "bpf_" + NAMES[id] : "unknown";
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
