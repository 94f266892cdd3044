package dev.bpfnet.server.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token cache with a hand-driven clock: expiry, capacity and revocation. */
class TokenCacheTest {

	final AtomicLong now = new AtomicLong(1_000);

	final TokenCache cache = new TokenCache(Duration.ofSeconds(30), 3, this.now::get);

	@Test
	void anEntryLivesItsTtlAndNoLonger() {
		this.cache.put("h1", "t1", "alice", this.cache.generation());
		assertThat(this.cache.owner("h1")).isEqualTo("alice");
		this.now.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
		assertThat(this.cache.owner("h1")).isEqualTo("alice");
		this.now.addAndGet(1);
		assertThat(this.cache.owner("h1")).isNull();
		assertThat(this.cache.size()).isZero();
		assertThat(this.cache.owner("unknown")).isNull();
	}

	@Test
	void revokingDropsTheTokenAtOnceAndOnlyIt() {
		this.cache.put("h1", "t1", "alice", this.cache.generation());
		this.cache.put("h2", "t2", "alice", this.cache.generation());
		this.cache.revoke("t1");
		assertThat(this.cache.owner("h1")).isNull();
		assertThat(this.cache.owner("h2")).isEqualTo("alice");
	}

	@Test
	void aLookupThatStartedBeforeARevocationCannotCacheItsResult() {
		long before = this.cache.generation();
		// the database said the token exists, but it was revoked before the result came
		// back
		this.cache.revoke("t1");
		this.cache.put("h1", "t1", "alice", before);
		assertThat(this.cache.owner("h1")).isNull();
		this.cache.put("h1", "t1", "alice", this.cache.generation());
		assertThat(this.cache.owner("h1")).isEqualTo("alice");
	}

	@Test
	void theCacheStaysWithinItsCapacity() {
		for (int i = 0; i < 10; i++) {
			this.cache.put("h" + i, "t" + i, "u" + i, this.cache.generation());
			assertThat(this.cache.size()).isLessThanOrEqualTo(3);
		}
		assertThat(this.cache.owner("h9")).isEqualTo("u9");
		// full of expired entries: those go, the live ones stay
		this.now.addAndGet(Duration.ofSeconds(31).toNanos());
		this.cache.put("a", "ta", "x", this.cache.generation());
		this.cache.put("b", "tb", "y", this.cache.generation());
		assertThat(this.cache.owner("a")).isEqualTo("x");
		assertThat(this.cache.owner("b")).isEqualTo("y");
	}

}
