package dev.bpfnet.engine.run;

/** Where a {@link RunSession} is in its life. */
public enum RunState {

	/** Built, {@link RunSession#run()} not called yet. */
	CREATED,
	/** Running, as fast as possible or at its pace. */
	RUNNING,
	/** Paused: waits for a step, resume or stop. */
	PAUSED,
	/** Ran its whole duration. */
	FINISHED,
	/** Ended early: stopped by a control or by a limit ({@link RunStatus#limit()}). */
	STOPPED,
	/** A model or program error ended it ({@link RunStatus#reason()}). */
	FAILED;

	/**
	 * Whether the run is over.
	 * @return {@code true} for FINISHED, STOPPED and FAILED
	 */
	public boolean ended() {
		return this == FINISHED || this == STOPPED || this == FAILED;
	}

}
