package dev.bpfnet.server.share;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Ids;
import dev.bpfnet.server.security.ApiTokens;
import dev.bpfnet.server.topology.StoredTopology;
import dev.bpfnet.server.topology.TopologyService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;

/**
 * Shares: a token of 256 random bits that gives anyone read-only access to one version of
 * one topology. A share is pinned to the version that was latest when it was made (or the
 * one asked for), so what was shared does not change under the reader's feet; the owner
 * shares again after an update. Only the SHA-256 of a token is stored and tokens are
 * looked up by hash. Revoked and unknown tokens both answer 404.
 */
@Service
public class ShareService {

	private final DatabaseClient db;

	private final TopologyService topologies;

	private final Counter created;

	private final Counter revoked;

	ShareService(DatabaseClient db, TopologyService topologies, MeterRegistry meters) {
		this.db = db;
		this.topologies = topologies;
		this.created = Counter.builder("bpfnet.shares.created").description("Shares created").register(meters);
		this.revoked = Counter.builder("bpfnet.shares.revoked").description("Shares revoked").register(meters);
	}

	/** A new share; {@code token} is shown this once. */
	public record NewShare(String id, String token, String url, String topologyId, int version, Instant createdAt) {
	}

	/** A share as its owner lists it (without the token). */
	public record ShareInfo(String id, String topologyId, int version, Instant createdAt, Instant revokedAt) {
	}

	/** A live share, resolved from its token. */
	public record Share(String id, String topologyId, int version, String owner, Instant createdAt) {
	}

	/** Shares version {@code version} (null = latest) of {@code owner}'s topology. */
	public Mono<NewShare> create(String owner, String topologyId, Integer version) {
		return this.topologies.read(owner, topologyId, version).flatMap((t) -> {
			String id = Ids.newId();
			String token = Ids.random(32);
			OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
			return this.db.sql(
					"INSERT INTO shares (id, token_hash, topology_id, version, owner, created_at) VALUES (:id, :h, :t, :v, :o, :c)")
				.bind("id", id)
				.bind("h", ApiTokens.sha256(token))
				.bind("t", t.id())
				.bind("v", t.version())
				.bind("o", owner)
				.bind("c", now)
				.fetch()
				.rowsUpdated()
				.doOnSuccess((n) -> this.created.increment())
				.thenReturn(new NewShare(id, token, "/api/shares/" + token, t.id(), t.version(), now.toInstant()));
		});
	}

	/** The live share of {@code token}; 404 when unknown or revoked. */
	public Mono<Share> resolve(String token) {
		if (!Ids.looksValid(token)) {
			return Mono.error(notFound());
		}
		return this.db.sql(
				"SELECT id, topology_id, version, owner, created_at FROM shares WHERE token_hash = :h AND revoked_at IS NULL")
			.bind("h", ApiTokens.sha256(token))
			.map((row) -> new Share(row.get("id", String.class), row.get("topology_id", String.class),
					row.get("version", Integer.class), row.get("owner", String.class),
					row.get("created_at", OffsetDateTime.class).toInstant()))
			.one()
			.switchIfEmpty(Mono.error(ShareService::notFound));
	}

	static ApiException notFound() {
		// The token is not echoed: it may be someone's secret pasted into the wrong
		// place.
		return new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found",
				"no share with this token (it may have been revoked)", List.of());
	}

	/** The shared topology version of {@code token}. */
	public Mono<StoredTopology> topology(String token) {
		return resolve(token).flatMap((s) -> this.topologies.find(s.owner(), s.topologyId(), s.version()))
			.switchIfEmpty(Mono.error(ShareService::notFound));
	}

	/**
	 * 403 when {@code user} is not the owner of the live share {@code token} (a write
	 * through a share), 404 when there is no such share.
	 */
	public Mono<Share> requireOwner(String user, String token) {
		return resolve(token).flatMap((s) -> s.owner().equals(user) ? Mono.just(s) : Mono.error(readOnly()));
	}

	static ApiException readOnly() {
		return new ApiException(HttpStatus.FORBIDDEN, "share-read-only", "Shares are read-only",
				"a share gives read-only access: view it or fork it (POST /api/shares/{token}/fork) into your account",
				List.of());
	}

	/** Revokes the share {@code token} of {@code owner}. */
	public Mono<Void> revoke(String owner, String token) {
		return requireOwner(owner, token).flatMap((s) -> revokeId(owner, s.id()));
	}

	/** Revokes share {@code shareId} of {@code owner}'s topology {@code topologyId}. */
	public Mono<Void> revoke(String owner, String topologyId, String shareId) {
		if (!Ids.looksValid(shareId)) {
			return Mono.error(ApiException.notFound("share", String.valueOf(shareId)));
		}
		return this.topologies.meta(owner, topologyId)
			.then(this.db
				.sql("SELECT id FROM shares WHERE id = :id AND topology_id = :t AND owner = :o AND revoked_at IS NULL")
				.bind("id", shareId)
				.bind("t", topologyId)
				.bind("o", owner)
				.map((row) -> row.get("id", String.class))
				.one())
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("share", shareId)))
			.flatMap((id) -> revokeId(owner, id));
	}

	private Mono<Void> revokeId(String owner, String id) {
		return this.db.sql("UPDATE shares SET revoked_at = :t WHERE id = :id AND owner = :o AND revoked_at IS NULL")
			.bind("t", OffsetDateTime.now(ZoneOffset.UTC))
			.bind("id", id)
			.bind("o", owner)
			.fetch()
			.rowsUpdated()
			.doOnSuccess((n) -> {
				if (n > 0) {
					this.revoked.increment();
				}
			})
			.then();
	}

	/** The shares (live and revoked) of {@code owner}'s topology. */
	public Flux<ShareInfo> list(String owner, String topologyId) {
		return this.topologies.meta(owner, topologyId)
			.flatMapMany((m) -> this.db.sql(
					"SELECT id, topology_id, version, created_at, revoked_at FROM shares WHERE topology_id = :t AND owner = :o ORDER BY created_at, id")
				.bind("t", topologyId)
				.bind("o", owner)
				.map(ShareService::info)
				.all());
	}

	private static ShareInfo info(Readable row) {
		OffsetDateTime revokedAt = row.get("revoked_at", OffsetDateTime.class);
		return new ShareInfo(row.get("id", String.class), row.get("topology_id", String.class),
				row.get("version", Integer.class), row.get("created_at", OffsetDateTime.class).toInstant(),
				revokedAt == null ? null : revokedAt.toInstant());
	}

}
