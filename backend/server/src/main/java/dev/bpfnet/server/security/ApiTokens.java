package dev.bpfnet.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Ids;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;

/**
 * Personal API tokens: {@code bpfnet_} followed by 256 random bits (base64url). Only the
 * SHA-256 of a token is stored and a presented token is looked up by its hash, so the
 * database never holds a usable token and no comparison leaks how much of a guess
 * matched. The token text is returned once, at creation.
 *
 * <p>
 * A presented token's owner is cached for {@value #CACHE_SECONDS} s ({@link TokenCache}),
 * so most Bearer requests make no database query; deleting a token drops it from the
 * cache at once.
 */
@Service
public class ApiTokens {

	/** Prefix of every token (lets secret scanners and people recognise one). */
	public static final String PREFIX = "bpfnet_";

	static final int MAX_TOKENS_PER_USER = 50;

	static final int CACHE_SECONDS = 30;

	static final int CACHE_ENTRIES = 10_000;

	private final DatabaseClient db;

	private final TokenCache cache = new TokenCache(Duration.ofSeconds(CACHE_SECONDS), CACHE_ENTRIES, System::nanoTime);

	ApiTokens(DatabaseClient db) {
		this.db = db;
	}

	/** Tokens cached now (tests). */
	int cached() {
		return this.cache.size();
	}

	/** A stored token without its secret. */
	public record TokenInfo(String id, String name, Instant createdAt, Instant lastUsedAt) {
	}

	/** A new token: the secret {@code token} is shown this once. */
	public record NewToken(String id, String name, String token, Instant createdAt) {
	}

	/** Lowercase hex SHA-256 of {@code token}'s UTF-8 bytes. */
	public static String sha256(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	/**
	 * Creates a token for {@code owner}; 422 past {@value #MAX_TOKENS_PER_USER} tokens.
	 */
	public Mono<NewToken> create(String owner, String name) {
		String label = (name == null || name.isBlank()) ? "api" : name.strip();
		if (label.length() > 100) {
			return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "name",
					"expected at most 100 characters, got " + label.length()));
		}
		String id = Ids.newId();
		String token = PREFIX + Ids.random(32);
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		return this.db.sql("SELECT COUNT(*) AS n FROM api_tokens WHERE owner = :o")
			.bind("o", owner)
			.map((row) -> row.get("n", Long.class))
			.one()
			.flatMap((n) -> (n >= MAX_TOKENS_PER_USER) ? Mono.error(new ApiException(HttpStatus.UNPROCESSABLE_CONTENT,
					"too-many-tokens", "Too many tokens",
					"at most " + MAX_TOKENS_PER_USER
							+ " API tokens per user; delete one first (DELETE /api/tokens/{id})",
					java.util.List.of())) : Mono.just(n))
			.then(this.db
				.sql("INSERT INTO api_tokens (id, owner, name, token_hash, created_at) VALUES (:id, :o, :n, :h, :t)")
				.bind("id", id)
				.bind("o", owner)
				.bind("n", label)
				.bind("h", sha256(token))
				.bind("t", now)
				.fetch()
				.rowsUpdated())
			.thenReturn(new NewToken(id, label, token, now.toInstant()));
	}

	/** The tokens of {@code owner}, oldest first, without secrets. */
	public Flux<TokenInfo> list(String owner) {
		return this.db
			.sql("SELECT id, name, created_at, last_used_at FROM api_tokens WHERE owner = :o ORDER BY created_at, id")
			.bind("o", owner)
			.map((row) -> new TokenInfo(row.get("id", String.class), row.get("name", String.class),
					row.get("created_at", OffsetDateTime.class).toInstant(),
					instant(row.get("last_used_at", OffsetDateTime.class))))
			.all();
	}

	/** Deletes a token of {@code owner}; 404 when there is none with that id. */
	public Mono<Void> delete(String owner, String id) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("token", id));
		}
		return this.db.sql("DELETE FROM api_tokens WHERE id = :id AND owner = :o")
			.bind("id", id)
			.bind("o", owner)
			.fetch()
			.rowsUpdated()
			.doOnNext((n) -> this.cache.revoke(id))
			.flatMap((n) -> (n == 0) ? Mono.error(ApiException.notFound("token", id)) : Mono.empty());
	}

	/**
	 * The owner of {@code token}, or empty when it is not a live token. Records the time
	 * of use at minute granularity (one write per token and minute at most, and only when
	 * the token is looked up in the database, i.e. not cached: the recorded time can lag
	 * the last use by up to the cache's {@value #CACHE_SECONDS} s).
	 */
	public Mono<String> authenticate(String token) {
		if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
			return Mono.empty();
		}
		String hash = sha256(token);
		String cached = this.cache.owner(hash);
		if (cached != null) {
			return Mono.just(cached);
		}
		long generation = this.cache.generation();
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		return this.db.sql("SELECT id, owner, last_used_at FROM api_tokens WHERE token_hash = :h")
			.bind("h", hash)
			.map((row) -> new Object[] { row.get("owner", String.class), row.get("last_used_at", OffsetDateTime.class),
					row.get("id", String.class) })
			.one()
			.flatMap((r) -> {
				this.cache.put(hash, (String) r[2], (String) r[0], generation);
				OffsetDateTime last = (OffsetDateTime) r[1];
				Mono<String> owner = Mono.just((String) r[0]);
				if (last != null && last.isAfter(now.minusMinutes(1))) {
					return owner;
				}
				return this.db.sql("UPDATE api_tokens SET last_used_at = :t WHERE token_hash = :h")
					.bind("t", now)
					.bind("h", hash)
					.fetch()
					.rowsUpdated()
					.then(owner);
			});
	}

	private static Instant instant(OffsetDateTime t) {
		return t == null ? null : t.toInstant();
	}

}
