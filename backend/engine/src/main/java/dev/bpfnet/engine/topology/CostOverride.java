package dev.bpfnet.engine.topology;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Overrides one entry of the engine's cost table for this topology: written
 * {@code enqueue_to_backlog: 45ns} (fixed part only) or {@code copy_user: { ns: 200,
 * ns_per_byte: 0.1 }}. An absent part keeps the table's default.
 *
 * @param ns fixed cost in ns
 * @param nsPerByte cost per byte touched, in ns (fractional)
 */
public record CostOverride(OptionalLong ns, OptionalDouble nsPerByte) {

	public CostOverride {
		if (ns == null || nsPerByte == null) {
			throw new IllegalArgumentException("ns and ns_per_byte must not be null");
		}
		if (ns.isPresent() && ns.getAsLong() < 0) {
			throw new IllegalArgumentException("ns must be >= 0, got " + ns.getAsLong());
		}
		if (nsPerByte.isPresent() && !(nsPerByte.getAsDouble() >= 0 && nsPerByte.getAsDouble() < 1e6)) {
			throw new IllegalArgumentException("ns_per_byte must be 0..1e6, got " + nsPerByte.getAsDouble());
		}
		if (ns.isEmpty() && nsPerByte.isEmpty()) {
			throw new IllegalArgumentException("a cost override needs ns or ns_per_byte");
		}
	}

	/** A fixed-cost override. */
	public static CostOverride ofNs(long ns) {
		return new CostOverride(OptionalLong.of(ns), OptionalDouble.empty());
	}

}
