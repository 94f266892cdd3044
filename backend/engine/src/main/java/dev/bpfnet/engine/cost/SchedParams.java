package dev.bpfnet.engine.cost;

import java.util.Objects;

/**
 * Scheduling, softirq and interrupt parameters of a node: the limits and latencies the
 * engine needs besides per-function CPU costs ({@code reference/costs.md} §5, §2.6).
 * These decide <em>when</em> work runs; {@link CostModel} decides how long it takes. All
 * times are nanoseconds.
 *
 * <p>
 * <b>Why they matter.</b> The {@code bpf_redirect} (through the backlog) vs
 * {@code bpf_redirect_peer} TCP_RR gap of 9aa1206e8f48 (122.45 vs 44.45 µs) is ≈0.4 µs of
 * extra CPU work and ≈78 µs of waiting. The wait attaches to backlog crossings entered
 * from softirq context, which are served by restarting {@code __do_softirq} only within
 * {@link #maxSoftirqRestart()} and {@link #maxSoftirqTimeNs()} and while
 * {@code need_resched()} is false, and otherwise by {@code ksoftirqd}, a task the CPU
 * scheduler runs when it decides ({@link #softirqPolicy()}, {@link #baseSliceNs()},
 * {@link #wakeupLatencyNs()}).
 *
 * @param softirqPolicy whether softirqs raised while ksoftirqd is runnable wait for it
 * ({@link SoftirqPolicy#PRE_6_5}) or still run inline ({@link SoftirqPolicy#SINCE_6_5},
 * default)
 * @param hz the kernel tick rate {@code CONFIG_HZ}, one of 100, 250, 300, 1000; default
 * 250 ({@code kernel/Kconfig.hz}: {@code default HZ_250})
 * @param maxSoftirqTimeNs {@code MAX_SOFTIRQ_TIME}: {@code __do_softirq} stops restarting
 * after this long and wakes ksoftirqd; default 2 ms ({@code msecs_to_jiffies(2)},
 * kernel/softirq.c). The kernel counts it in jiffies (at HZ=250 it ends at the next tick,
 * 0–4 ms later); the engine uses the nominal 2 ms
 * @param maxSoftirqRestart {@code MAX_SOFTIRQ_RESTART}: restarts of the pending-softirq
 * loop before ksoftirqd takes over; default 10 (kernel/softirq.c)
 * @param netdevBudget {@code net.core.netdev_budget}: packets per {@code net_rx_action};
 * default 300 (net/core/hotdata.c); exhausting it counts a {@code time_squeeze}
 * @param netdevBudgetTimeNs {@code net.core.netdev_budget_usecs} in ns: time per
 * {@code net_rx_action}; default {@code 2 * USEC_PER_SEC / HZ} µs, 8 ms at HZ=250, 2 ms
 * at HZ=1000 (net/core/dev.c)
 * @param baseSliceNs normalised {@code sysctl_sched_base_slice} (EEVDF, 6.6+; before:
 * {@code sysctl_sched_min_granularity}), default 0.75 ms (kernel/sched/fair.c); the
 * effective slice is {@link #timeSliceNs(int)}
 * @param wakeupLatencyNs pure waiting between a wake-up and the woken task becoming
 * runnable, on top of the CPU cost {@code try_to_wake_up} and of {@link #idleExitNs()};
 * default 0 (assumed). The wait in costs.md §5 must come out of the scheduler model
 * (ksoftirqd waiting behind the running task), not from this constant; it is a
 * calibration knob for when the model cannot produce it, and if used it must explain min,
 * P50 and P99 of both TCP_RR paths (DESIGN.md §3.3)
 * @param ipiDeliveryNs latency from sending an IPI to the handler running on an awake
 * remote CPU; default 1.5 µs (assumed, costs.md §3: "no clean absolute source"); add
 * {@link #idleExitNs()} if the target is idle
 * @param idleExitNs exit latency an interrupt or wake-up pays on an idle CPU; default 2
 * µs, the intel_idle C1 state of Skylake-SP ({@code skx_cstates},
 * drivers/idle/intel_idle.c); see {@link #IDLE_EXIT_C1E_NS}, {@link #IDLE_EXIT_C6_NS},
 * {@link #IDLE_EXIT_ICX_C1_NS}; 0 models {@code idle=poll}
 * @param irqCoalesceNs NIC RX interrupt moderation: the IRQ fires this long after the
 * first completion unless {@link #irqCoalescePackets()} arrive first; default 8 µs, mlx5
 * {@code MLX5E_PARAMS_DEFAULT_RX_CQ_MODERATION_USEC_FROM_CQE} 0x8 (0x3 in older kernels,
 * 0x10 when the timer starts from the EQE; drivers/net/ethernet/mellanox/mlx5/core/en.h);
 * adaptive moderation (DIM) is not modelled; 0 disables coalescing
 * @param irqCoalescePackets packets that fire the RX interrupt before the timer; default
 * 32, mlx5 {@code MLX5E_PARAMS_DEFAULT_RX_CQ_MODERATION_PKTS} 0x20
 */
public record SchedParams(SoftirqPolicy softirqPolicy, int hz, long maxSoftirqTimeNs, int maxSoftirqRestart,
		int netdevBudget, long netdevBudgetTimeNs, long baseSliceNs, long wakeupLatencyNs, long ipiDeliveryNs,
		long idleExitNs, long irqCoalesceNs, int irqCoalescePackets) {

	/**
	 * intel_idle {@code skx_cstates} C1 exit latency, 2 µs (the default
	 * {@link #idleExitNs()}).
	 */
	public static final long IDLE_EXIT_C1_NS = 2_000;

	/** intel_idle {@code skx_cstates} C1E exit latency, 10 µs. */
	public static final long IDLE_EXIT_C1E_NS = 10_000;

	/** intel_idle {@code skx_cstates} C6 exit latency, 133 µs. */
	public static final long IDLE_EXIT_C6_NS = 133_000;

	/** intel_idle {@code icx_cstates} C1 exit latency, 1 µs. */
	public static final long IDLE_EXIT_ICX_C1_NS = 1_000;

	/**
	 * Which softirq-versus-ksoftirqd rule the kernel follows, in {@code invoke_softirq()}
	 * and {@code do_softirq()} (kernel/softirq.c).
	 */
	public enum SoftirqPolicy {

		/**
		 * Kernels 4.9 to 6.4, with 4cd13c21b207 "softirq: Let ksoftirqd do its job" (Eric
		 * Dumazet, 2016): while {@code ksoftirqd/N} is runnable, softirqs raised later on
		 * that CPU are not run inline at {@code irq_exit}/{@code local_bh_enable}; they
		 * wait for ksoftirqd, i.e. for the scheduler. The 9aa1206e8f48 measurement (2020)
		 * was taken under this rule.
		 */
		PRE_6_5,

		/**
		 * 6.5 and later, after d15121be7485 (Paolo Abeni, May 2023) reverted "softirq:
		 * Let ksoftirqd do its job": softirqs raised later still run inline at
		 * {@code irq_exit}/{@code local_bh_enable} even while ksoftirqd is runnable;
		 * ksoftirqd only gets what {@code __do_softirq} left over.
		 */
		SINCE_6_5

	}

	public SchedParams {
		Objects.requireNonNull(softirqPolicy, "softirqPolicy");
		if (hz != 100 && hz != 250 && hz != 300 && hz != 1000) {
			throw new IllegalArgumentException("hz must be one of 100, 250, 300, 1000 (CONFIG_HZ), was " + hz);
		}
		positive("maxSoftirqTimeNs", maxSoftirqTimeNs);
		positive("maxSoftirqRestart", maxSoftirqRestart);
		positive("netdevBudget", netdevBudget);
		positive("netdevBudgetTimeNs", netdevBudgetTimeNs);
		positive("baseSliceNs", baseSliceNs);
		nonNegative("wakeupLatencyNs", wakeupLatencyNs);
		nonNegative("ipiDeliveryNs", ipiDeliveryNs);
		nonNegative("idleExitNs", idleExitNs);
		nonNegative("irqCoalesceNs", irqCoalesceNs);
		positive("irqCoalescePackets", irqCoalescePackets);
	}

	/**
	 * The defaults described on each component.
	 * @return the default parameters (HZ=250, softirq policy 6.5+)
	 */
	public static SchedParams defaults() {
		return defaults(250);
	}

	/**
	 * The defaults for a given tick rate; only {@link #netdevBudgetTimeNs()} depends on
	 * it.
	 * @param hz {@code CONFIG_HZ}
	 * @return the default parameters for that HZ
	 */
	public static SchedParams defaults(int hz) {
		long budgetNs = hz > 0 ? 2L * 1_000_000_000L / hz : 0;
		return new SchedParams(SoftirqPolicy.SINCE_6_5, hz, 2_000_000L, 10, 300, budgetNs, 750_000L, 0L, 1_500L,
				IDLE_EXIT_C1_NS, 8_000L, 32);
	}

	/**
	 * The same parameters with another softirq policy.
	 * @param policy the policy
	 * @return a copy
	 */
	public SchedParams withSoftirqPolicy(SoftirqPolicy policy) {
		return new SchedParams(policy, this.hz, this.maxSoftirqTimeNs, this.maxSoftirqRestart, this.netdevBudget,
				this.netdevBudgetTimeNs, this.baseSliceNs, this.wakeupLatencyNs, this.ipiDeliveryNs, this.idleExitNs,
				this.irqCoalesceNs, this.irqCoalescePackets);
	}

	/**
	 * The same parameters with another wake-up latency (the calibration knob).
	 * @param ns the latency, {@code >= 0}
	 * @return a copy
	 */
	public SchedParams withWakeupLatencyNs(long ns) {
		return new SchedParams(this.softirqPolicy, this.hz, this.maxSoftirqTimeNs, this.maxSoftirqRestart,
				this.netdevBudget, this.netdevBudgetTimeNs, this.baseSliceNs, ns, this.ipiDeliveryNs, this.idleExitNs,
				this.irqCoalesceNs, this.irqCoalescePackets);
	}

	/**
	 * One tick, {@code 1e9 / hz} ns.
	 * @return the jiffy length in ns
	 */
	public long jiffyNs() {
		return 1_000_000_000L / this.hz;
	}

	/**
	 * The effective time slice on a node with {@code cpus} CPUs: the kernel scales the
	 * normalised base slice by {@code 1 + ilog2(min(cpus, 8))}
	 * ({@code SCHED_TUNABLESCALING_LOG}, {@code update_sysctl()} and
	 * {@code get_update_sysctl_factor()}, kernel/sched/fair.c), so 0.75 ms on 1 CPU, 1.5
	 * ms on 2–3, 2.25 ms on 4–7 and 3 ms on 8 or more.
	 * @param cpus CPUs of the node, {@code >= 1}
	 * @return the slice in ns
	 */
	public long timeSliceNs(int cpus) {
		if (cpus < 1) {
			throw new IllegalArgumentException("cpus must be >= 1, was " + cpus);
		}
		int factor = 1 + (31 - Integer.numberOfLeadingZeros(Math.min(cpus, 8)));
		return this.baseSliceNs * factor;
	}

	private static void positive(String field, long value) {
		if (value <= 0) {
			throw new IllegalArgumentException(field + " must be > 0, was " + value);
		}
	}

	private static void nonNegative(String field, long value) {
		if (value < 0) {
			throw new IllegalArgumentException(field + " must be >= 0, was " + value);
		}
	}

}
