package dev.bpfnet.engine.sim;

/**
 * Observes every event just before its handler runs (for stepping and pacing UIs, event
 * counters, debugging). Installed with {@link Simulator#setListener}; when none is
 * installed the core loop pays one null check per event.
 *
 * <p>
 * A listener must not change the run's results: it may read the simulator, but should not
 * schedule or cancel events (it is allowed, and then it becomes part of the model).
 */
@FunctionalInterface
public interface EventListener {

	/**
	 * Called with the simulator's clock already advanced to {@code timeNs}.
	 * @param timeNs the event's time
	 * @param seq the event's sequence number: unique in the run, increasing in scheduling
	 * order
	 * @param handler the handler about to run
	 * @param arg its argument
	 */
	void beforeEvent(long timeNs, long seq, EventHandler handler, long arg);

}
