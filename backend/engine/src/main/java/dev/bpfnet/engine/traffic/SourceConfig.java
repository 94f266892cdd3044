package dev.bpfnet.engine.traffic;

/**
 * Where and when a {@link UdpSource} runs.
 *
 * @param name the flow name; the task is {@code name + "/tx"}
 * @param cpu the task's CPU index in its node, {@code >= 0}
 * @param startNs the first send time, {@code >= 0}
 * @param limit datagrams to send ({@link BurstUdp}: bursts), {@code >= 1};
 * {@link #UNLIMITED} for none
 * @param untilNs no send is started at or after this time; {@link #FOREVER} for none
 */
public record SourceConfig(String name, int cpu, long startNs, long limit, long untilNs) {

	/** No count limit. */
	public static final long UNLIMITED = Long.MAX_VALUE;

	/** No time limit. */
	public static final long FOREVER = Long.MAX_VALUE;

	public SourceConfig {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException(
					"name must not be blank, was " + (name == null ? "null" : "\"" + name + "\""));
		}
		if (cpu < 0) {
			throw new IllegalArgumentException("cpu must be >= 0, was " + cpu);
		}
		if (startNs < 0) {
			throw new IllegalArgumentException("startNs must be >= 0, was " + startNs);
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be >= 1, was " + limit);
		}
		if (untilNs < startNs) {
			throw new IllegalArgumentException("untilNs must be >= startNs " + startNs + ", was " + untilNs);
		}
	}

	/** {@code limit} datagrams from {@code startNs} on CPU {@code cpu}. */
	public static SourceConfig count(String name, int cpu, long startNs, long limit) {
		return new SourceConfig(name, cpu, startNs, limit, FOREVER);
	}

}
