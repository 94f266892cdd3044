package dev.bpfnet.server.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A small cache of API token hash → owner, so that a Bearer request does not query the
 * database every time ({@link ApiTokens#authenticate}). Entries live {@link #ttl()} (30 s
 * in the application) and the cache holds at most {@code capacity} of them (when full,
 * expired entries are dropped, and if none had expired, everything: a burst of distinct
 * tokens only costs queries).
 *
 * <p>
 * Revocation is immediate: {@link #revoke} drops the token's entry and bumps a generation
 * number under the same lock that {@link #put} checks, so a lookup that read the token
 * from the database before the revocation cannot put it back afterwards.
 */
final class TokenCache {

	/** A cached token: its row id (to revoke by id), owner and expiry. */
	record Entry(String tokenId, String owner, long expiresAtNanos) {
	}

	private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

	private final long ttlNanos;

	private final int capacity;

	private final LongSupplier nanoTime;

	// guarded by this
	private long generation;

	TokenCache(Duration ttl, int capacity, LongSupplier nanoTime) {
		this.ttlNanos = ttl.toNanos();
		this.capacity = capacity;
		this.nanoTime = nanoTime;
	}

	Duration ttl() {
		return Duration.ofNanos(this.ttlNanos);
	}

	/** The owner of a token by hash, or {@code null} if not cached or expired. */
	String owner(String hash) {
		Entry e = this.byHash.get(hash);
		if (e == null) {
			return null;
		}
		if (this.nanoTime.getAsLong() - e.expiresAtNanos() >= 0) {
			this.byHash.remove(hash, e);
			return null;
		}
		return e.owner();
	}

	/** The generation to pass to {@link #put}: read it before querying the database. */
	synchronized long generation() {
		return this.generation;
	}

	/**
	 * Caches a token read from the database, unless a token was revoked since
	 * {@code generation} was read.
	 */
	synchronized void put(String hash, String tokenId, String owner, long generation) {
		if (generation != this.generation) {
			return;
		}
		long now = this.nanoTime.getAsLong();
		if (this.byHash.size() >= this.capacity) {
			this.byHash.values().removeIf((e) -> now - e.expiresAtNanos() >= 0);
			if (this.byHash.size() >= this.capacity) {
				this.byHash.clear();
			}
		}
		this.byHash.put(hash, new Entry(tokenId, owner, now + this.ttlNanos));
	}

	/** Forgets the token with row id {@code tokenId}; call once it is deleted. */
	synchronized void revoke(String tokenId) {
		this.generation++;
		this.byHash.values().removeIf((e) -> e.tokenId().equals(tokenId));
	}

	int size() {
		return this.byHash.size();
	}

}
