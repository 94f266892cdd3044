package dev.bpfnet.server.security;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password hashing: BCrypt with strength 12 (2^12 rounds, about a quarter of a second per
 * hash on one core of this machine class), behind a {@link DelegatingPasswordEncoder} so
 * that each stored hash names its algorithm ({@code {bcrypt}...}) and a later upgrade
 * (e.g. Argon2) needs no migration. BCrypt rather than Argon2 because Spring Security's
 * Argon2 encoder needs Bouncy Castle, which nothing else here uses.
 */
@Configuration(proxyBeanMethods = false)
public class PasswordConfig {

	/** BCrypt work factor; at least 12 by the project's rules. */
	public static final int BCRYPT_STRENGTH = 12;

	@Bean
	PasswordEncoder passwordEncoder() {
		return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(BCRYPT_STRENGTH)));
	}

}
