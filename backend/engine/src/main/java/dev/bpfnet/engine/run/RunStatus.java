package dev.bpfnet.engine.run;

/**
 * A snapshot of a {@link RunSession}'s progress, safe to read from any thread.
 *
 * @param state the state
 * @param simulatedNs the simulated clock
 * @param durationNs the simulated time the run is to cover
 * @param events simulator events run so far
 * @param traceEvents trace events emitted so far
 * @param paced whether the run plays at a {@link Pace} (otherwise as fast as possible)
 * @param limit the limit that stopped the run, or {@code null}
 * @param reason why the run stopped or failed (names the limit, the control or the
 * error), or {@code null}
 */
public record RunStatus(RunState state, long simulatedNs, long durationNs, long events, long traceEvents, boolean paced,
		RunLimits.Limit limit, String reason) {

}
