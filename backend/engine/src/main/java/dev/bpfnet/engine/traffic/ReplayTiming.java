package dev.bpfnet.engine.traffic;

import java.util.List;

/**
 * How replayed frames are spaced.
 *
 * @param mode original, scaled or fixed rate
 * @param factor for {@link Mode#SCALE}: gaps are multiplied by it (2 = half speed),
 * {@code > 0}
 * @param ratePps for {@link Mode#RATE}: frames per second, {@code >= 1}
 */
public record ReplayTiming(Mode mode, double factor, long ratePps) {

	/** Timing modes. */
	public enum Mode {

		/** The file's gaps, as captured ({@code tcpreplay} default). */
		ORIGINAL,
		/** The file's gaps times {@link ReplayTiming#factor()}. */
		SCALE,
		/** One frame every {@code 1 / ratePps} s, ignoring the file's times. */
		RATE

	}

	public ReplayTiming {
		if (mode == null) {
			throw new IllegalArgumentException("timing: expected original, scale or rate, got none");
		}
		if (mode == Mode.SCALE && !(factor > 0 && factor < 1e6)) {
			throw new IllegalArgumentException("timing.factor: expected a number > 0, got " + factor);
		}
		if (mode == Mode.RATE && ratePps < 1) {
			throw new IllegalArgumentException("timing.rate: expected >= 1 frame per second, got " + ratePps);
		}
	}

	/** The file's own gaps. */
	public static ReplayTiming original() {
		return new ReplayTiming(Mode.ORIGINAL, 1, 0);
	}

	/** Gaps times {@code factor}. */
	public static ReplayTiming scale(double factor) {
		return new ReplayTiming(Mode.SCALE, factor, 0);
	}

	/** A fixed rate. */
	public static ReplayTiming rate(long pps) {
		return new ReplayTiming(Mode.RATE, 1, pps);
	}

	/**
	 * The absolute send times of a file's frames: the first at {@code startNs}, the
	 * others by the timing. Frames captured out of order (a later frame with an earlier
	 * timestamp) are sent right after the previous one.
	 */
	public long[] times(ReplayFile file, long startNs) {
		List<ReplayFile.Frame> frames = file.frames();
		long[] t = new long[frames.size()];
		for (int i = 0; i < t.length; i++) {
			long gap = frames.get(i).timeNs() - frames.get(0).timeNs();
			double offset = switch (this.mode) {
				case ORIGINAL -> gap;
				case SCALE -> gap * this.factor;
				case RATE -> i * 1e9 / this.ratePps;
			};
			if (offset > MAX_NS - startNs) {
				// a frame dated 1970 before real ones (a device without a clock), times a
				// factor: the time would overflow the simulator's clock
				throw new IllegalArgumentException(file.file() + ": frame " + i + " would be sent "
						+ String.format(java.util.Locale.ROOT, "%.3g", offset / 1e9)
						+ " s after the first, past the simulator's clock (" + (MAX_NS / 1_000_000_000L / 86_400 / 365)
						+ " years); replay it with timing: rate, or cut the capture's time range (editcap -A/-B)");
			}
			long at = startNs + switch (this.mode) {
				case ORIGINAL -> gap;
				case SCALE -> Math.round(gap * this.factor);
				case RATE -> Math.round(i * 1e9 / this.ratePps);
			};
			t[i] = (i > 0) ? Math.max(at, t[i - 1]) : at;
		}
		return t;
	}

	/** Latest send time accepted: half the simulator's clock range (about 146 years). */
	static final long MAX_NS = Long.MAX_VALUE / 2;

}
