package dev.bpfnet.server.run;

import java.time.Instant;

/**
 * A run as the API shows it.
 *
 * @param id the run id
 * @param topologyId the stored topology, or {@code null} for an inline document
 * @param topologyVersion its version
 * @param topologyName the document's name
 * @param seed the seed
 * @param durationNs the simulated time asked for
 * @param status queued, running, paused, finished, stopped, failed or interrupted
 * @param reason why it stopped (the limit or the request) or failed
 * @param limit {@code maxEventsPerRun} or {@code maxWallTime} when a limit stopped it
 * @param simulatedNs progress in simulated ns
 * @param events simulator events run
 * @param traceEvents trace events emitted
 * @param paced whether it plays at a pace
 * @param createdAt when it was asked for
 * @param startedAt when it started
 * @param endedAt when it ended
 */
public record RunView(String id, String topologyId, Integer topologyVersion, String topologyName, long seed,
		long durationNs, String status, String reason, String limit, long simulatedNs, long events, long traceEvents,
		boolean paced, Instant createdAt, Instant startedAt, Instant endedAt) {

}
