package dev.bpfnet.engine.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A set of CPUs of one node, as the RPS mask of a device's receive queue
 * ({@code /sys/class/net/DEV/queues/rx-0/rps_cpus},
 * Documentation/networking/scaling.rst). Empty means RPS off for that queue, the kernel
 * default. In the document it is written either as a list of CPU numbers
 * ({@code [1, 2, 3]}) or, as sysfs takes it, as a quoted hexadecimal bitmap ({@code "e"},
 * {@code "0x0e"}, {@code "00000000,0000000e"}: commas between 32-bit groups are ignored).
 *
 * @param cpus the CPUs, ascending, without duplicates, each
 * {@code 0..}{@link Node#MAX_CPUS} - 1
 */
public record CpuMask(List<Integer> cpus) {

	/** No CPU: RPS off. */
	public static final CpuMask NONE = new CpuMask(List.of());

	public CpuMask {
		if (cpus == null || cpus.stream().anyMatch(java.util.Objects::isNull)) {
			throw new IllegalArgumentException("cpus must not be null or contain null");
		}
		TreeSet<Integer> sorted = new TreeSet<>(cpus);
		if (sorted.size() != cpus.size()) {
			throw new IllegalArgumentException("cpus must not repeat a CPU, got " + cpus);
		}
		for (int c : sorted) {
			if (c < 0 || c >= Node.MAX_CPUS) {
				throw new IllegalArgumentException("CPU " + c + " is out of range 0.." + (Node.MAX_CPUS - 1));
			}
		}
		cpus = List.copyOf(sorted);
	}

	/** The mask of the given CPUs. */
	public static CpuMask of(int... cpus) {
		List<Integer> list = new ArrayList<>();
		for (int c : cpus) {
			list.add(c);
		}
		return new CpuMask(list);
	}

	/**
	 * Reads a sysfs-style hexadecimal bitmap: hex digits with an optional {@code 0x} and
	 * optional commas between groups; bit {@code n} is CPU {@code n}.
	 * @param text the bitmap
	 * @return the mask, or empty if {@code text} is not such a bitmap or sets a CPU
	 * beyond {@link Node#MAX_CPUS}
	 */
	public static Optional<CpuMask> parseHex(String text) {
		String t = text.strip().toLowerCase(Locale.ROOT);
		if (t.startsWith("0x")) {
			t = t.substring(2);
		}
		t = t.replace(",", "");
		if (t.isEmpty() || t.length() > Node.MAX_CPUS / 4 + 64) {
			return Optional.empty();
		}
		List<Integer> cpus = new ArrayList<>();
		for (int k = 0; k < t.length(); k++) {
			int digit = Character.digit(t.charAt(t.length() - 1 - k), 16);
			if (digit < 0) {
				return Optional.empty();
			}
			for (int b = 0; b < 4; b++) {
				if ((digit & (1 << b)) != 0) {
					int cpu = 4 * k + b;
					if (cpu >= Node.MAX_CPUS) {
						return Optional.empty();
					}
					cpus.add(cpu);
				}
			}
		}
		return Optional.of(new CpuMask(cpus));
	}

	/** Whether no CPU is set (RPS off). */
	public boolean isEmpty() {
		return this.cpus.isEmpty();
	}

	/** The highest CPU, or -1 when empty. */
	public int max() {
		return this.cpus.isEmpty() ? -1 : this.cpus.get(this.cpus.size() - 1);
	}

	/** The bitmap in hexadecimal without leading zeros ({@code "0"} when empty). */
	public String hex() {
		java.math.BigInteger v = java.math.BigInteger.ZERO;
		for (int c : this.cpus) {
			v = v.setBit(c);
		}
		return v.toString(16);
	}

}
