package dev.bpfnet.server.security;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.bpfnet.server.api.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Accounts: registration and the user lookup behind the login form and HTTP Basic.
 * Passwords are hashed with BCrypt, strength 12, behind Spring Security's
 * {@code DelegatingPasswordEncoder} (stored as {@code {bcrypt}$2a$12$...}, so the
 * algorithm can be upgraded later without a migration). Hashing runs on the
 * bounded-elastic scheduler, never on the event loop.
 */
@Service
public class UserAccounts implements ReactiveUserDetailsService {

	/** Lower-case user names: letters, digits, {@code . _ -}, 3 to 64 characters. */
	static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");

	static final int MIN_PASSWORD = 10;

	/** BCrypt only looks at the first 72 bytes; longer passwords are refused. */
	static final int MAX_PASSWORD_BYTES = 72;

	private final DatabaseClient db;

	private final PasswordEncoder encoder;

	private final Counter registered;

	UserAccounts(DatabaseClient db, PasswordEncoder encoder, MeterRegistry meters) {
		this.db = db;
		this.encoder = encoder;
		this.registered = Counter.builder("bpfnet.users.registered")
			.description("Accounts created since start")
			.register(meters);
	}

	/** The problems with a registration, one per field; empty when it is acceptable. */
	static List<Map<String, Object>> check(String username, String password) {
		List<Map<String, Object>> errors = new ArrayList<>();
		if (username == null || !USERNAME.matcher(username).matches()) {
			errors.add(Map.of("path", "username", "message",
					"expected 3 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"));
		}
		if (password == null || password.length() < MIN_PASSWORD) {
			errors.add(Map.of("path", "password", "message", "expected at least " + MIN_PASSWORD + " characters"));
		}
		else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
			errors.add(Map.of("path", "password", "message",
					"expected at most " + MAX_PASSWORD_BYTES + " bytes (UTF-8); BCrypt ignores anything longer"));
		}
		return errors;
	}

	/** Creates an account; 400 naming the field, 409 when the name is taken. */
	public Mono<String> register(String username, String password) {
		List<Map<String, Object>> errors = check(username, password);
		if (!errors.isEmpty()) {
			return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid-registration", "Invalid registration",
					errors.size() + (errors.size() == 1 ? " problem" : " problems") + " with the registration",
					errors));
		}
		Mono<String> hash = Mono.fromCallable(() -> this.encoder.encode(password))
			.subscribeOn(Schedulers.boundedElastic());
		return exists(username).flatMap((taken) -> taken ? Mono.error(taken(username)) : hash)
			.flatMap((h) -> this.db.sql("INSERT INTO users (username, password_hash, created_at) VALUES (:u, :h, :t)")
				.bind("u", username)
				.bind("h", h)
				.bind("t", OffsetDateTime.now(ZoneOffset.UTC))
				.fetch()
				.rowsUpdated())
			.onErrorMap(DuplicateKeyException.class, (ex) -> taken(username))
			.doOnSuccess((n) -> this.registered.increment())
			.thenReturn(username);
	}

	private static ApiException taken(String username) {
		return ApiException.invalid(HttpStatus.CONFLICT, "username-taken", "User name taken", "username",
				"'" + username + "' is already registered");
	}

	Mono<Boolean> exists(String username) {
		return this.db.sql("SELECT COUNT(*) AS n FROM users WHERE username = :u")
			.bind("u", username)
			.map((row) -> row.get("n", Long.class))
			.one()
			.map((n) -> n > 0);
	}

	/** How many accounts exist. */
	public Mono<Long> count() {
		return this.db.sql("SELECT COUNT(*) AS n FROM users").map((row) -> row.get("n", Long.class)).one();
	}

	@Override
	public Mono<UserDetails> findByUsername(String username) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			return Mono.empty();
		}
		return this.db.sql("SELECT username, password_hash FROM users WHERE username = :u")
			.bind("u", username)
			.map((row) -> User.withUsername(row.get("username", String.class))
				.password(row.get("password_hash", String.class))
				.roles("USER")
				.build())
			.one();
	}

}
