package dev.bpfnet.bpf.maps;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One entry of a map snapshot ({@link BpfMap#entries()}): copies of the key and of the
 * value, one value per CPU for per-CPU maps (a single one otherwise).
 *
 * @param key the key bytes
 * @param values the value bytes, indexed by CPU
 */
public record MapEntry(byte[] key, byte[][] values) {

	public MapEntry {
		if (key == null || values == null || values.length == 0) {
			throw new IllegalArgumentException("a map entry needs a key and at least one value");
		}
	}

	/** The value (of CPU 0 for per-CPU maps). */
	public byte[] value() {
		return this.values[0];
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof MapEntry e && Arrays.equals(this.key, e.key) && Arrays.deepEquals(this.values, e.values);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.key) + Arrays.deepHashCode(this.values);
	}

	@Override
	public String toString() {
		HexFormat hex = HexFormat.of();
		StringBuilder sb = new StringBuilder("MapEntry[key=").append(hex.formatHex(this.key)).append(", values=");
		for (int i = 0; i < this.values.length; i++) {
			sb.append(i == 0 ? "" : "/").append(hex.formatHex(this.values[i]));
		}
		return sb.append(']').toString();
	}

}
