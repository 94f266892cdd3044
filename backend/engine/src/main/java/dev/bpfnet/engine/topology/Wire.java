package dev.bpfnet.engine.topology;

import java.util.OptionalLong;

/**
 * A cable between two NICs, possibly on different nodes. A frame leaves {@code a} at its
 * line rate and arrives at {@code b} {@code latency} later (and the reverse).
 *
 * @param a one NIC
 * @param b the other NIC
 * @param latencyNs propagation delay in ns, default 0
 * @param rate optional cap in bit/s below the NICs' own rates (the link runs at the
 * minimum)
 */
public record Wire(DeviceRef a, DeviceRef b, long latencyNs, OptionalLong rate) {

	public Wire {
		if (a == null || b == null) {
			throw new IllegalArgumentException("a and b must not be null");
		}
		if (latencyNs < 0) {
			throw new IllegalArgumentException("latency must be >= 0 ns, got " + latencyNs);
		}
		if (rate == null || (rate.isPresent() && rate.getAsLong() < 1)) {
			throw new IllegalArgumentException("rate must be empty or >= 1 bit/s, got " + rate);
		}
	}

}
