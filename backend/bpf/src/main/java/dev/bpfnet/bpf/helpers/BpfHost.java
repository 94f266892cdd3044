package dev.bpfnet.bpf.helpers;

/**
 * What helpers need from the world around a program: the clock, the trace pipe, the
 * routing tables and the devices. The emulation engine implements it per node (and per
 * namespace for {@link #fibLookup}); tests use a small fake.
 *
 * <p>
 * Called on the engine thread during a program run; implementations must not run programs
 * themselves.
 */
public interface BpfHost {

	/** {@code bpf_ktime_get_ns()}: the simulated monotonic clock in ns. */
	long ktimeGetNs();

	/**
	 * One line of {@code bpf_trace_printk} output (what {@code trace_pipe} shows after
	 * the {@code bpf_trace_printk:} prefix, without the trailing newline).
	 */
	void tracePrintk(String line);

	/**
	 * {@code bpf_fib_lookup()} for a tc program ({@code bpf_skb_fib_lookup} in
	 * net/core/filter.c): route {@code params} (family, addresses, ifindex, ...) in the
	 * namespace of the packet's device and fill in the result fields (ifindex, smac,
	 * dmac, gateway in {@code ipv4_dst}/{@code ipv6_dst}, mtu_result, vlan) as
	 * {@code bpf_ipv4_fib_lookup}/{@code bpf_ipv6_fib_lookup} do, including the MTU check
	 * when {@code tot_len} is set. The helper has already checked the size, the flags and
	 * the family.
	 * @param flags {@code BPF_FIB_LOOKUP_*}
	 * @return a {@code BPF_FIB_LKUP_RET_*} code ({@link FibLookupParams#RET_SUCCESS},
	 * ...)
	 */
	int fibLookup(FibLookupParams params, int flags);

	/**
	 * Whether {@code ifindex} names a device in the packet's namespace (for
	 * {@code bpf_clone_redirect}, which looks the device up at call time).
	 */
	default boolean deviceExists(int ifindex) {
		return ifindex > 0;
	}

}
