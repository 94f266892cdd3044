package dev.bpfnet.engine.sim;

/**
 * What an event does when its time comes: ns-3's {@code EventImpl::Notify}, reduced to
 * one method and one {@code long} argument so that scheduling allocates nothing.
 *
 * <p>
 * Handlers are passed per {@link Simulator#schedule schedule} call rather than registered
 * once and named by an index. The trade-off: a reference costs the same 4 or 8 bytes per
 * pending event as an {@code int} index and needs no registry; an index would make the
 * pending queue plain data (serialisable for snapshots, printable without
 * {@code toString}) at the price of a lookup per event and a registration step. To stay
 * allocation-free, keep handler instances in fields (a non-capturing lambda or a method
 * reference evaluated once): a capturing lambda written inline at the call site allocates
 * on every schedule. Pass per-event data through {@code arg} (an index into the caller's
 * own primitive arrays, a packet id, a CPU number, ...).
 */
@FunctionalInterface
public interface EventHandler {

	/**
	 * Runs the event. {@code sim.now()} is the event's time.
	 * @param sim the simulator running the event, for scheduling follow-up events
	 * @param arg the argument given when the event was scheduled
	 */
	void handle(Simulator sim, long arg);

}
