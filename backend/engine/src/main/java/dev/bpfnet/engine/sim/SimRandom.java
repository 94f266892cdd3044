package dev.bpfnet.engine.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * All the randomness of a run, derived from one {@code long} seed that is recorded with
 * the run (DESIGN.md §3.1): ns-3's {@code RngSeedManager} with one {@code RngStream} per
 * named component, without ns-3's global state.
 *
 * <p>
 * Each component asks for its own stream by a stable name ({@code "traffic/rr"},
 * {@code "node1/cpu0/sched"}). A stream's starting state depends only on the seed and its
 * name: {@code splitmix64(fnv1a64(utf8(name)) ^ splitmix64(seed))}. So adding a
 * component, or creating streams in another order, does not change the numbers any other
 * component draws. Streams are SplitMix64 generators ({@link RandomStream}), implemented
 * here rather than borrowed from {@link java.util.SplittableRandom} so the sequence is
 * pinned by this code and by its tests, whatever the JDK.
 *
 * <p>
 * The same name always returns the same stream object (a lookup-only map: its iteration
 * order never reaches results). Not thread-safe: belongs to the run's thread.
 */
public final class SimRandom {

	private final long seed;

	private final Map<String, RandomStream> streams = new HashMap<>();

	/**
	 * Creates the randomness of a run.
	 * @param seed the run's seed, recorded with its results
	 */
	public SimRandom(long seed) {
		this.seed = seed;
	}

	/**
	 * The run's seed.
	 * @return the seed given at construction
	 */
	public long seed() {
		return this.seed;
	}

	/**
	 * The stream of a named component, created on first use.
	 * @param name a stable, non-empty name, unique per component
	 * @return the component's stream; the same object for the same name
	 */
	public RandomStream stream(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("stream name must not be empty, got " + name);
		}
		RandomStream stream = this.streams.get(name);
		if (stream == null) {
			stream = new RandomStream(name, streamSeed(this.seed, name));
			this.streams.put(name, stream);
		}
		return stream;
	}

	/**
	 * The starting state of a stream: what {@link #stream(String)} uses.
	 * @param seed the run's seed
	 * @param name the stream's name
	 * @return the initial SplitMix64 state
	 */
	public static long streamSeed(long seed, String name) {
		return RandomStream.mix64(fnv1a64(name) ^ RandomStream.mix64(seed));
	}

	/**
	 * 64-bit FNV-1a over the UTF-8 bytes of a string: a stable, documented hash (unlike
	 * {@link String#hashCode()}, it is 64 bits wide).
	 * @param s the string
	 * @return its hash
	 */
	static long fnv1a64(String s) {
		long h = 0xcbf2_9ce4_8422_2325L;
		for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
			h ^= b & 0xff;
			h *= 0x0000_0100_0000_01b3L;
		}
		return h;
	}

}
