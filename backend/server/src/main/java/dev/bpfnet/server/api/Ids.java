package dev.bpfnet.server.api;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Identifiers the API hands out. Resource ids and share tokens are 128 random bits from
 * {@link SecureRandom}, base64url without padding (22 characters): not guessable and not
 * enumerable, so "exists but not yours" and "does not exist" look the same.
 */
public final class Ids {

	private static final SecureRandom RANDOM = new SecureRandom();

	private Ids() {
	}

	/** A new 128-bit random id. */
	public static String newId() {
		return random(16);
	}

	/** A new random token of {@code bytes} bytes (at least 16). */
	public static String random(int bytes) {
		if (bytes < 16) {
			throw new IllegalArgumentException("at least 128 bits");
		}
		byte[] b = new byte[bytes];
		RANDOM.nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	/**
	 * Whether {@code s} has the shape of an id from {@link #newId()} (checked before any
	 * lookup).
	 */
	public static boolean looksValid(String s) {
		return s != null && s.length() >= 22 && s.length() <= 64
				&& s.chars()
					.allMatch((c) -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
							|| c == '-' || c == '_');
	}

}
