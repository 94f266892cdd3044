package dev.bpfnet.bpf.elf;

import java.lang.management.ManagementFactory;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile input: every test object with header fields, section offsets and sizes, symbol
 * indexes, relocation offsets and types, BTF lengths and random bytes overwritten.
 * Loading must either succeed or throw {@link ElfException}: no other exception, no
 * unbounded work, no allocation out of proportion to the input.
 */
class ElfMutationProperties {

	/** Allocation allowed per load: a generous multiple of the input, never gigabytes. */
	private static long allocationLimit(int inputLength) {
		return 64L * inputLength + (32L << 20);
	}

	private static final long[] INTERESTING = { 0, 1, 2, 3, 4, 7, 8, 9, 10, 12, 16, 20, 24, 64, 0x7f, 0xff, 0x100,
			0xfff0, 0xffff, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, Long.MAX_VALUE, -1L, -8L };

	/** One change to an object: which field (or byte), and what to write. */
	record Mutation(int kind, int selector, long value) {

		void apply(byte[] b, List<int[]> fields) {
			switch (this.kind) {
				case 0 -> { // a structural field gets an interesting value
					int[] f = fields.get(Math.floorMod(this.selector, fields.size()));
					TestElf.put(b, f[0], f[1], INTERESTING[(int) Math.floorMod(this.value, (long) INTERESTING.length)]);
				}
				case 1 -> { // a structural field gets a random value
					int[] f = fields.get(Math.floorMod(this.selector, fields.size()));
					TestElf.put(b, f[0], f[1], this.value);
				}
				case 2 -> b[Math.floorMod(this.selector, b.length)] = (byte) this.value; // any
																							// byte
				default -> { // a structural field moves by a small amount
					int[] f = fields.get(Math.floorMod(this.selector, fields.size()));
					long old = read(b, f[0], f[1]);
					TestElf.put(b, f[0], f[1], old + (this.value % 64) - 32);
				}
			}
		}

		private static long read(byte[] b, int off, int width) {
			long v = 0;
			for (int i = width - 1; i >= 0; i--) {
				v = (v << 8) | (b[off + i] & 0xff);
			}
			return v;
		}

	}

	@Provide
	Arbitrary<String> objects() {
		return Arbitraries.of(TestElf.OBJECTS);
	}

	@Provide
	Arbitrary<Mutation> mutations() {
		return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(), Arbitraries.longs())
			.as(Mutation::new);
	}

	private static void loadOrFailCleanly(byte[] b) {
		var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long tid = Thread.currentThread().getId();
		long before = mx.getThreadAllocatedBytes(tid);
		try {
			ElfLoader.load(b, "mutant.o");
		}
		catch (ElfException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
		catch (RuntimeException | StackOverflowError | OutOfMemoryError ex) {
			fail("load threw " + ex, ex);
		}
		long allocated = mx.getThreadAllocatedBytes(tid) - before;
		assertThat(allocated).as("bytes allocated for a %d-byte input", b.length).isLessThan(allocationLimit(b.length));
	}

	@Property(tries = 3000)
	void mutatedObjectsLoadOrFailWithElfException(@ForAll("objects") String name,
			@ForAll @Size(min = 1, max = 6) List<@From("mutations") Mutation> mutations) {
		byte[] b = TestElf.object(name);
		List<int[]> fields = TestElf.interestingFields(b);
		for (Mutation m : mutations) {
			m.apply(b, fields);
		}
		loadOrFailCleanly(b);
	}

	@Property(tries = 300)
	void truncatedObjectsLoadOrFailWithElfException(@ForAll("objects") String name, @ForAll int cut) {
		byte[] full = TestElf.object(name);
		byte[] b = java.util.Arrays.copyOf(full, Math.floorMod(cut, full.length));
		loadOrFailCleanly(b);
	}

	/**
	 * Deterministic sweep: every file and section header field of every object, set to
	 * each of a few hostile values.
	 */
	@Test
	void everyHeaderFieldWithHostileValues() {
		for (String name : TestElf.OBJECTS) {
			byte[] original = TestElf.object(name);
			List<int[]> fields = TestElf.headerFields(original);
			for (int[] f : fields) {
				for (long v : new long[] { 0, 1, 8, 0xff, original.length, 0x7fffffffL, 0xffffffffL, -1L }) {
					byte[] b = original.clone();
					TestElf.put(b, f[0], f[1], v);
					loadOrFailCleanly(b);
				}
			}
		}
	}

}
