/**
 * The simulation core (DESIGN.md §3.1), shaped after ns-3's {@code src/core}: a
 * {@link dev.bpfnet.engine.sim.Simulator} with a {@code long} nanosecond clock and events
 * ordered by (time, sequence number), a pluggable
 * {@link dev.bpfnet.engine.sim.EventQueue} (the ns-3 {@code Scheduler}),
 * {@link dev.bpfnet.engine.sim.SimRandom} for all the randomness of a run derived from
 * one recorded seed, and a {@link dev.bpfnet.engine.sim.Pacer} that replays a run against
 * a wall clock outside the core loop.
 *
 * <p>
 * Threading: a simulator, its queue and its random streams belong to one thread (the
 * simulator asserts it); only the {@code Pacer}'s commands may come from other threads.
 */
package dev.bpfnet.engine.sim;
