package dev.bpfnet.engine.run;

/**
 * The limits a {@link RunSession} stops at: simulator events run and wall-clock time
 * spent. A run that reaches one ends {@link RunState#STOPPED} with the limit as its
 * {@link RunStatus#limit()}; the results up to that point stay readable.
 *
 * @param maxEvents the most simulator events to run, {@code > 0} ({@link Long#MAX_VALUE}:
 * no limit)
 * @param maxWallNs the most wall-clock nanoseconds to spend running (paused time
 * included), {@code > 0} ({@link Long#MAX_VALUE}: no limit)
 */
public record RunLimits(long maxEvents, long maxWallNs) {

	/** No limit at all. */
	public static final RunLimits NONE = new RunLimits(Long.MAX_VALUE, Long.MAX_VALUE);

	public RunLimits {
		if (maxEvents <= 0) {
			throw new IllegalArgumentException("maxEvents must be positive, got " + maxEvents);
		}
		if (maxWallNs <= 0) {
			throw new IllegalArgumentException("maxWallNs must be positive, got " + maxWallNs);
		}
	}

	/** Which limit stopped a run. */
	public enum Limit {

		/** {@link RunLimits#maxEvents()} simulator events ran. */
		MAX_EVENTS,
		/** {@link RunLimits#maxWallNs()} of wall-clock time passed. */
		MAX_WALL_TIME

	}

}
