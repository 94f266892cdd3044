package dev.bpfnet.engine.cpu;

/**
 * A NAPI instance ({@code struct napi_struct}, include/linux/netdevice.h): something
 * {@code net_rx_action} polls from a CPU's {@link SoftnetData#napiSchedule poll list}.
 * The per-CPU backlog is one ({@code process_backlog}); NIC drivers and veth in NAPI mode
 * add theirs.
 *
 * <p>
 * Scheduling state ({@code NAPI_STATE_SCHED}) is kept by {@link SoftnetData}: an instance
 * is scheduled from {@link SoftnetData#napiSchedule} until its poll returns less than its
 * weight or calls {@link SoftnetData#napiComplete} ({@code napi_complete_done}).
 */
public interface Napi {

	/**
	 * Polls: processes up to {@code budget} packets ({@code napi->poll}).
	 * @param cpu the CPU polling, in NET_RX softirq (or ksoftirqd) context; charge work
	 * with {@link Cpu#spend}
	 * @param budget the quota, the instance's {@link #weight()}
	 * @return packets processed, {@code 0..budget}; returning {@code budget} keeps the
	 * instance scheduled (repoll)
	 */
	int poll(Cpu cpu, int budget);

	/**
	 * The quota per poll ({@code napi->weight}); default {@code NAPI_POLL_WEIGHT} 64.
	 * @return the weight, {@code > 0}
	 */
	default int weight() {
		return 64;
	}

}
