package dev.bpfnet.engine.topology;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing and formatting of the unit-bearing strings of the topology document.
 *
 * <ul>
 * <li><b>Durations</b>: a decimal number followed by {@code ns}, {@code us} (or
 * {@code µs}), {@code ms} or {@code s}; a plain number is nanoseconds. Fractions are
 * allowed as long as the result is a whole number of nanoseconds ({@code 1.5s},
 * {@code 2.5us}). Result: {@code long} ns.</li>
 * <li><b>Rates</b>: bits per second, tc(8) convention with decimal (SI) multipliers:
 * {@code bit}, {@code Kbit}, {@code Mbit}, {@code Gbit}, {@code Tbit} (case-insensitive
 * prefix, 1 Kbit = 1000 bit/s); a plain number is bit/s. {@code bps} forms are refused
 * because tc(8) reads them as <em>bytes</em> per second while most people mean bits.
 * Result: {@code long} bit/s.</li>
 * <li><b>Packet rates</b> (traffic only): {@code pps}, {@code Kpps}, {@code Mpps}
 * (decimal).</li>
 * <li><b>Sizes</b>: bytes, tc(8)/ethtool convention with binary multipliers: {@code k} =
 * 1024, {@code m} = 1024², {@code g} = 1024³ (case-insensitive, optional trailing
 * {@code b}); a plain number is bytes. Result: {@code long} bytes.</li>
 * </ul>
 * Every parse method returns {@code -1} for malformed input so callers can report the
 * problem with its document path; none of them throws.
 */
public final class Units {

	private static final Pattern NUMBER_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-zµ]*)");

	private Units() {
	}

	/**
	 * Parses a duration such as {@code 2us}, {@code 10ms}, {@code 1.5s} or {@code 500};
	 * -1 if malformed.
	 */
	public static long parseDuration(String text) {
		Matcher m = NUMBER_UNIT.matcher(text.trim());
		if (!m.matches()) {
			return -1;
		}
		long multiplier = switch (m.group(2)) {
			case "", "ns" -> 1L;
			case "us", "µs" -> 1_000L;
			case "ms" -> 1_000_000L;
			case "s" -> 1_000_000_000L;
			default -> -1L;
		};
		return multiplier < 0 ? -1 : scale(m.group(1), multiplier);
	}

	/**
	 * Parses a bit rate such as {@code 25Gbit}, {@code 100Mbit} or {@code 1000000}; -1 if
	 * malformed.
	 */
	public static long parseRate(String text) {
		Matcher m = NUMBER_UNIT.matcher(text.trim());
		if (!m.matches()) {
			return -1;
		}
		long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
			case "", "bit" -> 1L;
			case "kbit" -> 1_000L;
			case "mbit" -> 1_000_000L;
			case "gbit" -> 1_000_000_000L;
			case "tbit" -> 1_000_000_000_000L;
			default -> -1L;
		};
		return multiplier < 0 ? -1 : scale(m.group(1), multiplier);
	}

	/**
	 * Parses a packet rate such as {@code 100kpps} or {@code 1.5Mpps}; -1 if malformed.
	 */
	public static long parsePacketRate(String text) {
		Matcher m = NUMBER_UNIT.matcher(text.trim());
		if (!m.matches()) {
			return -1;
		}
		long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
			case "pps" -> 1L;
			case "kpps" -> 1_000L;
			case "mpps" -> 1_000_000L;
			default -> -1L;
		};
		return multiplier < 0 ? -1 : scale(m.group(1), multiplier);
	}

	/** Parses a size such as {@code 1500}, {@code 9k} or {@code 4m}; -1 if malformed. */
	public static long parseSize(String text) {
		Matcher m = NUMBER_UNIT.matcher(text.trim());
		if (!m.matches()) {
			return -1;
		}
		long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
			case "", "b" -> 1L;
			case "k", "kb" -> 1L << 10;
			case "m", "mb" -> 1L << 20;
			case "g", "gb" -> 1L << 30;
			default -> -1L;
		};
		return multiplier < 0 ? -1 : scale(m.group(1), multiplier);
	}

	private static long scale(String number, long multiplier) {
		if (number.length() > 30) {
			return -1;
		}
		BigDecimal value = new BigDecimal(number).multiply(BigDecimal.valueOf(multiplier));
		try {
			BigInteger exact = value.toBigIntegerExact();
			return exact.bitLength() < 63 ? exact.longValue() : -1;
		}
		catch (ArithmeticException notWhole) {
			return -1;
		}
	}

	/**
	 * Formats nanoseconds with the largest unit that keeps the value whole ({@code 2000}
	 * → {@code 2us}).
	 */
	public static String formatDuration(long ns) {
		if (ns != 0 && ns % 1_000_000_000L == 0) {
			return ns / 1_000_000_000L + "s";
		}
		if (ns != 0 && ns % 1_000_000L == 0) {
			return ns / 1_000_000L + "ms";
		}
		if (ns != 0 && ns % 1_000L == 0) {
			return ns / 1_000L + "us";
		}
		return ns + "ns";
	}

	/**
	 * Formats bit/s with the largest decimal unit that keeps the value whole
	 * ({@code 25Gbit}).
	 */
	public static String formatRate(long bitsPerSecond) {
		String[] units = { "Tbit", "Gbit", "Mbit", "Kbit" };
		long[] scales = { 1_000_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L };
		for (int i = 0; i < units.length; i++) {
			if (bitsPerSecond != 0 && bitsPerSecond % scales[i] == 0) {
				return bitsPerSecond / scales[i] + units[i];
			}
		}
		return bitsPerSecond + "bit";
	}

	/** Formats packets/s ({@code 100kpps}). */
	public static String formatPacketRate(long packetsPerSecond) {
		if (packetsPerSecond != 0 && packetsPerSecond % 1_000_000L == 0) {
			return packetsPerSecond / 1_000_000L + "Mpps";
		}
		if (packetsPerSecond != 0 && packetsPerSecond % 1_000L == 0) {
			return packetsPerSecond / 1_000L + "kpps";
		}
		return packetsPerSecond + "pps";
	}

	/**
	 * Formats bytes with the largest binary unit that keeps the value whole ({@code 9216}
	 * → {@code 9k}).
	 */
	public static String formatSize(long bytes) {
		if (bytes != 0 && bytes % (1L << 30) == 0) {
			return (bytes >> 30) + "g";
		}
		if (bytes != 0 && bytes % (1L << 20) == 0) {
			return (bytes >> 20) + "m";
		}
		if (bytes != 0 && bytes % (1L << 10) == 0) {
			return (bytes >> 10) + "k";
		}
		return Long.toString(bytes);
	}

}
