package dev.bpfnet.server.run;

import java.time.Instant;

/**
 * A row of table {@code runs}.
 *
 * @param id the run id
 * @param owner the owner
 * @param topologyId the stored topology, or {@code null} for an inline document
 * @param topologyVersion its version, or {@code null}
 * @param topologyName the document's name
 * @param seed the seed
 * @param durationNs simulated duration asked for
 * @param params the request's parameters as JSON
 * @param status queued, running, paused, finished, stopped, failed or interrupted
 * @param reason why it stopped or failed
 * @param limit the limit that stopped it
 * @param simulatedNs progress
 * @param events simulator events run
 * @param traceEvents trace events emitted
 * @param createdAt when it was asked for
 * @param startedAt when it started
 * @param endedAt when it ended
 * @param summary the RunReport as JSON
 * @param names the NameTable as JSON
 * @param traceFile the trace file's name under the runs directory, or {@code null}
 */
public record RunRow(String id, String owner, String topologyId, Integer topologyVersion, String topologyName,
		long seed, long durationNs, String params, String status, String reason, String limit, long simulatedNs,
		long events, long traceEvents, Instant createdAt, Instant startedAt, Instant endedAt, String summary,
		String names, String traceFile) {

}
