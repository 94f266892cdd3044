package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * A 48-bit Ethernet address written {@code 02:00:00:00:00:01} (colon-separated, two hex
 * digits per byte, either case).
 *
 * @param value the address in the low 48 bits
 */
public record MacAddress(long value) {

	public MacAddress {
		if ((value >>> 48) != 0) {
			throw new IllegalArgumentException("MAC address must fit in 48 bits, got " + Long.toHexString(value));
		}
	}

	/**
	 * Parses a MAC address or throws {@link IllegalArgumentException} naming the text.
	 */
	public static MacAddress of(String text) {
		return parse(text).orElseThrow(() -> new IllegalArgumentException("not a MAC address: \"" + text + "\""));
	}

	/** Parses {@code xx:xx:xx:xx:xx:xx}; empty if malformed. */
	public static Optional<MacAddress> parse(String text) {
		if (text == null || text.length() != 17) {
			return Optional.empty();
		}
		long value = 0;
		for (int i = 0; i < 6; i++) {
			int hi = Character.digit(text.charAt(3 * i), 16);
			int lo = Character.digit(text.charAt(3 * i + 1), 16);
			if (hi < 0 || lo < 0 || (i < 5 && text.charAt(3 * i + 2) != ':')) {
				return Optional.empty();
			}
			value = (value << 8) | (hi << 4) | lo;
		}
		return Optional.of(new MacAddress(value));
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder(17);
		for (int i = 5; i >= 0; i--) {
			int b = (int) ((this.value >>> (8 * i)) & 0xFF);
			sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
			if (i > 0) {
				sb.append(':');
			}
		}
		return sb.toString();
	}

}
