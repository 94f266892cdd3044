package dev.bpfnet.engine.topology;

import java.util.regex.Pattern;

/**
 * Name rules shared by the records. A name starts with a letter or digit and continues
 * with letters, digits, {@code _ . -}; at most 63 characters. Device names are further
 * limited to 15 characters ({@code IFNAMSIZ} - 1, include/uapi/linux/if.h).
 */
final class Names {

	static final int MAX_NAME = 63;

	static final int MAX_DEVICE_NAME = 15;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

	private Names() {
	}

	static boolean valid(String name) {
		return name != null && NAME.matcher(name).matches();
	}

	static boolean validDevice(String name) {
		return valid(name) && name.length() <= MAX_DEVICE_NAME;
	}

	static String require(String field, String name) {
		if (!valid(name)) {
			throw new IllegalArgumentException(field + ": expected a name like [A-Za-z0-9][A-Za-z0-9_.-]* (at most "
					+ MAX_NAME + " characters), got " + quote(name));
		}
		return name;
	}

	static String requireDevice(String field, String name) {
		if (!validDevice(name)) {
			throw new IllegalArgumentException(field + ": expected a device name like eth0 (at most " + MAX_DEVICE_NAME
					+ " characters, IFNAMSIZ), got " + quote(name));
		}
		return name;
	}

	static String quote(String text) {
		if (text == null) {
			return "nothing";
		}
		String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
		return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
	}

}
