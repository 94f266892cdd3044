package dev.bpfnet.engine.fidelity;

import java.util.Objects;

/**
 * One calibration scenario: a published comparison of two variants A and B, compared as
 * the ratio A/B (for latencies A is the slower path, for throughputs A is the faster
 * device, so the ratio is above 1 either way), and the band that ratio must land in.
 *
 * @param name scenario name, e.g. {@code tcp-rr-p50}
 * @param source where the published numbers come from
 * @param unit unit of {@link #publishedA()} and {@link #publishedB()}
 * @param publishedA the published value of variant A (e.g. the bpf_redirect round trip,
 * or bpfnet/netkit throughput), {@code > 0}
 * @param publishedB the published value of variant B, {@code > 0}
 * @param band relative band around the published ratio, e.g. {@code 0.20} for ±20%
 */
public record Scenario(String name, String source, String unit, double publishedA, double publishedB, double band) {

	/** The band the issue asks for, ±20%. */
	public static final double DEFAULT_BAND = 0.20;

	public Scenario {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(unit, "unit");
		if (!(publishedA > 0) || !(publishedB > 0)) {
			throw new IllegalArgumentException(
					"published values must be > 0, were " + publishedA + " and " + publishedB);
		}
		if (!(band > 0 && band < 1)) {
			throw new IllegalArgumentException("band must be in (0, 1), was " + band);
		}
	}

	/**
	 * The published ratio A/B.
	 * @return the ratio
	 */
	public double publishedRatio() {
		return this.publishedA / this.publishedB;
	}

	/**
	 * Whether an emulated ratio lies within the band around the published one.
	 * @param emulatedRatio the emulated ratio
	 * @return {@code |emulated / published - 1| <= band}
	 */
	public boolean withinBand(double emulatedRatio) {
		return Double.isFinite(emulatedRatio) && Math.abs(emulatedRatio / publishedRatio() - 1) <= this.band;
	}

}
