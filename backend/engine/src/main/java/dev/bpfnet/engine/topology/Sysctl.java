package dev.bpfnet.engine.topology;

/**
 * The per-node kernel knobs of the receive path
 * ({@code Documentation/admin-guide/sysctl/net.rst}, kernel/softirq.c). Defaults are the
 * kernel's.
 *
 * @param netdevMaxBacklog {@code net.core.netdev_max_backlog}: packets per CPU backlog
 * ({@code softnet_data.input_pkt_queue}) before {@code enqueue_to_backlog} drops with
 * {@code CPU_BACKLOG}; default 1000
 * @param netdevBudget {@code net.core.netdev_budget}: packets one {@code net_rx_action}
 * may process over all NAPI instances; default 300
 * @param netdevBudgetUsecs {@code net.core.netdev_budget_usecs}: microseconds one
 * {@code net_rx_action} may run; default 2000 (document key {@code netdev_budget_usecs},
 * plain number = µs as in the kernel)
 * @param devWeight {@code net.core.dev_weight}: packets {@code process_backlog} handles
 * per poll; default 64
 * @param softirqRestartLimit {@code MAX_SOFTIRQ_RESTART} in kernel/softirq.c: how many
 * times {@code __do_softirq} loops over newly raised softirqs before waking ksoftirqd;
 * default 10
 * @param softirqTimeLimitNs {@code MAX_SOFTIRQ_TIME} in kernel/softirq.c: how long
 * {@code __do_softirq} may loop; default 2 ms
 * @param softirqPolicy {@code pre-6.5} (softirq work raised while ksoftirqd is runnable
 * waits for ksoftirqd, "softirq: Let ksoftirqd do its job") or {@code 6.5+} (that rule
 * reverted); default {@code 6.5+}
 */
public record Sysctl(int netdevMaxBacklog, int netdevBudget, int netdevBudgetUsecs, int devWeight,
		int softirqRestartLimit, long softirqTimeLimitNs, SoftirqPolicy softirqPolicy) {

	/** The kernel defaults. */
	public static final Sysctl DEFAULTS = new Sysctl(1000, 300, 2000, 64, 10, 2_000_000L, SoftirqPolicy.V6_5);

	/** When softirq work raised while ksoftirqd is runnable may run inline. */
	public enum SoftirqPolicy implements Keyed {

		/**
		 * Before 6.5: work raised while ksoftirqd is runnable is deferred to ksoftirqd.
		 */
		PRE_6_5("pre-6.5"),
		/**
		 * 6.5 and later: inline softirq processing at BH-enable and IRQ exit as before
		 * 4.x.
		 */
		V6_5("6.5+");

		private final String key;

		SoftirqPolicy(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	public Sysctl {
		positive("netdev_max_backlog", netdevMaxBacklog);
		positive("netdev_budget", netdevBudget);
		positive("netdev_budget_usecs", netdevBudgetUsecs);
		positive("dev_weight", devWeight);
		positive("softirq_restart_limit", softirqRestartLimit);
		if (softirqTimeLimitNs <= 0) {
			throw new IllegalArgumentException("softirq_time_limit must be > 0 ns, got " + softirqTimeLimitNs);
		}
		if (softirqPolicy == null) {
			throw new IllegalArgumentException("softirq_policy must not be null");
		}
	}

	private static void positive(String field, int value) {
		if (value <= 0) {
			throw new IllegalArgumentException(field + " must be > 0, got " + value);
		}
	}

	/** {@link #netdevBudgetUsecs()} in nanoseconds. */
	public long netdevBudgetNs() {
		return this.netdevBudgetUsecs * 1_000L;
	}

}
