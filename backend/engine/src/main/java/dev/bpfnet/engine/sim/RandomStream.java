package dev.bpfnet.engine.sim;

/**
 * One component's deterministic random numbers: a SplitMix64 generator (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the same output
 * function as {@link java.util.SplittableRandom} with its default gamma). Obtained from
 * {@link SimRandom#stream(String)}.
 *
 * <p>
 * Every method is a pure function of the stream's state, so a stream gives the same
 * numbers on every JVM and platform: {@link #exponential(long)} uses
 * {@link StrictMath#log1p(double)}, whose result is specified bit for bit, not
 * {@link Math#log}, which may differ in the last bit between platforms. Distinct streams
 * use the same gamma and start at hash-derived states; two of them overlap only if their
 * starting states fall within the number of draws of each other on the 2^64 cycle, which
 * is negligible for the stream counts and run lengths of this engine. Not thread-safe.
 */
public final class RandomStream {

	private static final long GOLDEN_GAMMA = 0x9e37_79b9_7f4a_7c15L;

	private static final double DOUBLE_UNIT = 0x1.0p-53;

	private final String name;

	private long state;

	RandomStream(String name, long state) {
		this.name = name;
		this.state = state;
	}

	/**
	 * A stream with an explicit starting state, for tests and tools; components get
	 * theirs from {@link SimRandom#stream(String)}.
	 * @param state the initial SplitMix64 state
	 * @return a new stream named {@code "state:<state>"}
	 */
	public static RandomStream ofState(long state) {
		return new RandomStream("state:" + state, state);
	}

	/**
	 * The name this stream was created for.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * A uniformly distributed 64-bit value.
	 * @return the next value
	 */
	public long nextLong() {
		this.state += GOLDEN_GAMMA;
		return mix64(this.state);
	}

	/**
	 * A uniformly distributed value in {@code [0, bound)}, without modulo bias.
	 * @param bound exclusive upper bound, positive
	 * @return the next value
	 */
	public int nextInt(int bound) {
		if (bound <= 0) {
			throw new IllegalArgumentException("bound must be positive, got " + bound);
		}
		return (int) nextLong(bound);
	}

	/**
	 * A uniformly distributed value in {@code [0, bound)}, without modulo bias.
	 * @param bound exclusive upper bound, positive
	 * @return the next value
	 */
	public long nextLong(long bound) {
		if (bound <= 0) {
			throw new IllegalArgumentException("bound must be positive, got " + bound);
		}
		long m = bound - 1;
		if ((bound & m) == 0) {
			return nextLong() & m;
		}
		// rejection sampling over 63-bit values, as java.util.Random does
		long u = nextLong() >>> 1;
		long r = u % bound;
		while (u + m - r < 0) {
			u = nextLong() >>> 1;
			r = u % bound;
		}
		return r;
	}

	/**
	 * A uniformly distributed value in {@code [0, 1)} with 53 random bits.
	 * @return the next value
	 */
	public double nextDouble() {
		return (nextLong() >>> 11) * DOUBLE_UNIT;
	}

	/**
	 * A fair coin.
	 * @return the next value
	 */
	public boolean nextBoolean() {
		return nextLong() < 0;
	}

	/**
	 * An exponentially distributed interval, rounded to the nearest nanosecond: the gap
	 * between arrivals of a Poisson process with rate {@code 1 / meanNs}. Inverse
	 * transform: {@code -mean * ln(1 - U)} with U uniform in {@code [0, 1)}.
	 * @param meanNs the mean interval in ns, positive
	 * @return the interval in ns, {@code >= 0}
	 */
	public long exponential(long meanNs) {
		if (meanNs <= 0) {
			throw new IllegalArgumentException("meanNs must be positive, got " + meanNs);
		}
		return Math.round(-meanNs * StrictMath.log1p(-nextDouble()));
	}

	/**
	 * SplitMix64's output function (Stafford's variant 13 of the MurmurHash3 finaliser).
	 */
	static long mix64(long z) {
		z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
		return z ^ (z >>> 31);
	}

	@Override
	public String toString() {
		return "RandomStream[" + this.name + "]";
	}

}
