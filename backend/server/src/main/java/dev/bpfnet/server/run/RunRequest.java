package dev.bpfnet.server.run;

/**
 * {@code POST /api/runs}: a stored topology ({@code topologyId}, optional
 * {@code version}, default the latest), an inline document ({@code yaml}) or a lab's
 * topology ({@code lab}, {@code labRun}), a seed (default the document's), a simulated
 * duration ({@code durationNs} or {@code duration} such as {@code "10ms"}, default 10 ms)
 * and an optional pace.
 *
 * @param topologyId a stored topology of the caller
 * @param version its version
 * @param seed the seed
 * @param durationNs simulated duration in ns
 * @param duration simulated duration with a unit
 * @param pace play against the wall clock instead of as fast as possible
 * @param yaml an inline topology document
 * @param lab a lab of the catalog ({@code /api/labs}) whose topology to run, with its
 * programs from the lab folder
 * @param labRun the name of the lab's run (default: its first)
 */
public record RunRequest(String topologyId, Integer version, Long seed, Long durationNs, String duration,
		PaceRequest pace, String yaml, String lab, String labRun) {

	/**
	 * @param simNsPerWallMs simulated ns shown per wall ms (e.g. 1000: 1 µs per ms);
	 * absent with {@code paused}: as fast as possible once resumed
	 * @param paused start paused (waiting for step or resume)
	 */
	public record PaceRequest(Double simNsPerWallMs, Boolean paused) {
	}

	/**
	 * {@code POST /api/runs/{id}/step}.
	 *
	 * @param unit {@code event} (default) or {@code hop}
	 * @param skb for {@code hop}: the skb whose next hop to run to (default any skb)
	 */
	public record StepRequest(String unit, Long skb) {
	}

	/**
	 * {@code POST /api/runs/{id}/resume} (body optional).
	 *
	 * @param simNsPerWallMs a new pace
	 * @param batch {@code true}: as fast as possible from now on
	 */
	public record ResumeRequest(Double simNsPerWallMs, Boolean batch) {
	}

}
