package dev.bpfnet.engine.run;

/**
 * The pace of a paced run (DESIGN.md §3.1): how many simulated nanoseconds one wall
 * millisecond shows. {@code simNsPerWallMs = 1000} plays 1 µs of simulated time per
 * millisecond on screen (a slow-down of one million).
 *
 * @param simNsPerWallMs simulated ns shown per wall ms, positive and finite
 */
public record Pace(double simNsPerWallMs) {

	public Pace {
		if (!(simNsPerWallMs > 0) || Double.isInfinite(simNsPerWallMs)) {
			throw new IllegalArgumentException("simNsPerWallMs must be positive and finite, got " + simNsPerWallMs);
		}
	}

	/**
	 * Wall nanoseconds per simulated nanosecond.
	 * @return the slow-down factor
	 */
	public double slowdown() {
		return 1_000_000.0 / this.simNsPerWallMs;
	}

}
