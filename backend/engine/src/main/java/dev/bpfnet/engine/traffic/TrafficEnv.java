package dev.bpfnet.engine.traffic;

import java.util.function.LongSupplier;

import dev.bpfnet.engine.sim.SimRandom;
import dev.bpfnet.engine.trace.LatencyRecorder;

/**
 * The run-wide services every traffic object uses.
 *
 * @param sender the IP output path packets are handed to
 * @param skbIds allocator of run-wide skb ids (shared with the datapath so that ids are
 * unique in the trace); must return distinct values {@code >= 0}
 * @param latency where sinks and clients record one-way latencies and round trips
 * @param random the run's seeded generator ({@link PoissonUdp} draws from its named
 * stream)
 */
public record TrafficEnv(PacketSender sender, LongSupplier skbIds, LatencyRecorder latency, SimRandom random) {

	public TrafficEnv {
		if (sender == null) {
			throw new IllegalArgumentException("sender must not be null");
		}
		if (skbIds == null) {
			throw new IllegalArgumentException("skbIds must not be null");
		}
		if (latency == null) {
			throw new IllegalArgumentException("latency must not be null");
		}
		if (random == null) {
			throw new IllegalArgumentException("random must not be null");
		}
	}

	/** A counter from 0, for runs where the traffic layer allocates every skb id. */
	public static LongSupplier counter() {
		long[] next = { 0 };
		return () -> next[0]++;
	}

}
