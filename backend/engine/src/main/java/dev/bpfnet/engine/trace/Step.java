package dev.bpfnet.engine.trace;

import java.util.Objects;

/**
 * One recorded trace event, as returned by {@link PathRecorder} queries (the recorder
 * itself stores columns, not these objects). Field meanings are those of
 * {@link TraceSink#event}.
 *
 * @param index the step's position in the whole trace (0-based, in emission order)
 * @param timeNs simulated time in ns
 * @param skbId skb id or {@link TraceSink#NO_SKB}
 * @param cpu run-wide CPU id
 * @param ctx execution context
 * @param taskId task id or {@link TraceSink#NO_ID}
 * @param fn modelled function
 * @param deviceId device id or {@link TraceSink#NO_ID}
 * @param netnsId namespace id or {@link TraceSink#NO_ID}
 * @param queueId queue id or {@link TraceSink#NO_ID}
 * @param queueDepth queue length after the step or {@link TraceSink#NO_ID}
 * @param verdict raw program verdict or {@link TraceSink#NO_VERDICT}
 * @param drop drop reason, {@link DropReason#NOT_DROPPED_YET} if none
 */
public record Step(int index, long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId,
		int netnsId, int queueId, int queueDepth, int verdict, DropReason drop) {

	public Step {
		if (index < 0) {
			throw new IllegalArgumentException("index: must be >= 0, got " + index);
		}
		Objects.requireNonNull(ctx, "ctx");
		Objects.requireNonNull(fn, "fn");
		Objects.requireNonNull(drop, "drop");
	}

	/**
	 * The verdict as a {@link Verdict} constant, or {@code null} if none ran or the value
	 * is unknown.
	 */
	public Verdict verdictValue() {
		return (this.verdict == TraceSink.NO_VERDICT) ? null : Verdict.ofCode(this.verdict);
	}

}
