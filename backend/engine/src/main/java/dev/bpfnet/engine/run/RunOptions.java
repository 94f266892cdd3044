package dev.bpfnet.engine.run;

import java.util.Objects;

import dev.bpfnet.engine.hook.ExecMode;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * How a {@link RunSession} runs. Build with {@link #of(long)} and the {@code with...}
 * methods.
 *
 * @param durationNs simulated time to run, {@code > 0}
 * @param seed the seed replacing the document's, or {@code null} to keep it
 * @param limits events and wall time to stop at
 * @param pace the pace of a paced run, or {@code null} for a batch run (as fast as
 * possible)
 * @param startPaused whether {@link RunSession#run()} starts paused (waiting for a step
 * or resume)
 * @param live an extra sink that sees every trace event as it happens (e.g. a live
 * stream), {@link TraceSink#NONE} for none; it must not block
 * @param mode interpreter or JIT for the programs
 * @param recordPaths whether the per-packet {@link dev.bpfnet.engine.trace.PathRecorder}
 * and the queue depth series record (about 55 bytes per trace event); without them only
 * the report's counters, accounting, latencies and hash are kept
 */
public record RunOptions(long durationNs, Long seed, RunLimits limits, Pace pace, boolean startPaused, TraceSink live,
		ExecMode mode, boolean recordPaths) {

	public RunOptions {
		if (durationNs <= 0) {
			throw new IllegalArgumentException("durationNs must be positive, got " + durationNs);
		}
		Objects.requireNonNull(limits, "limits");
		Objects.requireNonNull(live, "live");
		Objects.requireNonNull(mode, "mode");
	}

	/**
	 * A batch run of {@code durationNs} with the document's seed, no limits, no live
	 * sink, interpreted programs, paths recorded.
	 * @param durationNs simulated time, {@code > 0}
	 * @return the options
	 */
	public static RunOptions of(long durationNs) {
		return new RunOptions(durationNs, null, RunLimits.NONE, null, false, TraceSink.NONE, ExecMode.INTERPRETER,
				true);
	}

	/** These options with another seed ({@code null}: the document's). */
	public RunOptions withSeed(Long seed) {
		return new RunOptions(this.durationNs, seed, this.limits, this.pace, this.startPaused, this.live, this.mode,
				this.recordPaths);
	}

	/** These options with other limits. */
	public RunOptions withLimits(RunLimits limits) {
		return new RunOptions(this.durationNs, this.seed, limits, this.pace, this.startPaused, this.live, this.mode,
				this.recordPaths);
	}

	/** These options with a pace ({@code null}: batch). */
	public RunOptions withPace(Pace pace) {
		return new RunOptions(this.durationNs, this.seed, this.limits, pace, this.startPaused, this.live, this.mode,
				this.recordPaths);
	}

	/** These options starting paused or not. */
	public RunOptions withStartPaused(boolean startPaused) {
		return new RunOptions(this.durationNs, this.seed, this.limits, this.pace, startPaused, this.live, this.mode,
				this.recordPaths);
	}

	/** These options with a live sink. */
	public RunOptions withLive(TraceSink live) {
		return new RunOptions(this.durationNs, this.seed, this.limits, this.pace, this.startPaused, live, this.mode,
				this.recordPaths);
	}

	/** These options recording per-packet paths and queue series or not. */
	public RunOptions withRecordPaths(boolean recordPaths) {
		return new RunOptions(this.durationNs, this.seed, this.limits, this.pace, this.startPaused, this.live,
				this.mode, recordPaths);
	}

	/** These options with another execution mode. */
	public RunOptions withMode(ExecMode mode) {
		return new RunOptions(this.durationNs, this.seed, this.limits, this.pace, this.startPaused, this.live, mode,
				this.recordPaths);
	}

}
