package dev.bpfnet.server.topology;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.program.ProgramObjects;
import dev.bpfnet.server.api.Ids;
import dev.bpfnet.server.config.BpfnetProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Topologies and their immutable versions, per owner. Every write first passes
 * {@link TopologyChecks}, so nothing invalid is ever stored; a create writes the topology
 * row and version 1 in one transaction, an update adds version {@code latest + 1} (two
 * concurrent updates cannot both take the same number: the second gets 409). A topology
 * of another owner behaves exactly like a missing one.
 */
@Service
public class TopologyService implements TopologyVersions {

	/** Largest page of {@link #list}. */
	public static final int MAX_PAGE_SIZE = 100;

	private final DatabaseClient db;

	private final ObjectProvider<ProgramObjects> programs;

	private final TransactionalOperator tx;

	private final long maxBytes;

	private final MeterRegistry meters;

	private final Counter versionsCreated;

	private final Counter validOk;

	private final Counter validBad;

	TopologyService(DatabaseClient db, TransactionalOperator tx, BpfnetProperties properties, MeterRegistry meters,
			ObjectProvider<ProgramObjects> programs) {
		this.db = db;
		this.programs = programs;
		this.tx = tx;
		this.maxBytes = TopologyChecks.limit(properties.limits().maxTopologyBytes());
		this.meters = meters;
		this.versionsCreated = Counter.builder("bpfnet.topology.versions.created")
			.description("Topology versions stored (creates, updates and forks)")
			.register(meters);
		this.validOk = validations("valid");
		this.validBad = validations("invalid");
	}

	private Counter validations(String outcome) {
		return Counter.builder("bpfnet.topology.checks")
			.description("Topology documents checked (validate, create, update)")
			.tag("outcome", outcome)
			.register(this.meters);
	}

	private void created(String how) {
		Counter.builder("bpfnet.topologies.created")
			.description("Topologies created, by how")
			.tag("how", how)
			.register(this.meters)
			.increment();
	}

	/** The byte limit on one document. */
	public long maxBytes() {
		return this.maxBytes;
	}

	/** A topology's metadata. */
	public record Meta(String id, String owner, String name, int latestVersion, String forkedFrom,
			Integer forkedFromVersion, Instant createdAt, Instant updatedAt) {
	}

	/** One version's metadata. */
	public record VersionInfo(int version, int characters, Instant createdAt) {
	}

	/** A page of topologies. */
	public record Page(List<Meta> items, int page, int size, long total) {
	}

	/** Checks a document without storing anything (counted in the metrics). */
	public TopologyDocument check(String yaml) {
		try {
			TopologyDocument doc = TopologyChecks.check(yaml, this.maxBytes);
			this.validOk.increment();
			return doc;
		}
		catch (ApiException ex) {
			this.validBad.increment();
			throw ex;
		}
	}

	private static String displayName(String requested, TopologyDocument doc) {
		String name = (requested == null || requested.isBlank()) ? doc.name() : requested.strip();
		if (name.length() > 200) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "name",
					"expected at most 200 characters, got " + name.length());
		}
		return name;
	}

	/** Creates a topology (version 1) for {@code owner}. */
	public Mono<Meta> create(String owner, String name, String yaml, String how) {
		return Mono.fromCallable(() -> displayName(name, check(yaml)))
			.flatMap((display) -> insert(owner, display, yaml, null, null))
			.doOnSuccess((m) -> created(how));
	}

	private Mono<Meta> insert(String owner, String name, String yaml, String forkedFrom, Integer forkedVersion) {
		String id = Ids.newId();
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		DatabaseClient.GenericExecuteSpec topology = this.db.sql(
				"INSERT INTO topologies (id, owner, name, latest_version, forked_from, forked_from_version, created_at, updated_at) "
						+ "VALUES (:id, :owner, :name, 1, :ff, :ffv, :t, :t)")
			.bind("id", id)
			.bind("owner", owner)
			.bind("name", name)
			.bind("t", now);
		topology = (forkedFrom == null) ? topology.bindNull("ff", String.class).bindNull("ffv", Integer.class)
				: topology.bind("ff", forkedFrom).bind("ffv", forkedVersion);
		Mono<Meta> work = topology.fetch()
			.rowsUpdated()
			.then(insertVersion(id, 1, yaml, now))
			.thenReturn(new Meta(id, owner, name, 1, forkedFrom, forkedVersion, now.toInstant(), now.toInstant()));
		return work.as(this.tx::transactional).doOnSuccess((m) -> this.versionsCreated.increment());
	}

	private Mono<Long> insertVersion(String id, int version, String yaml, OffsetDateTime now) {
		return this.db
			.sql("INSERT INTO topology_versions (topology_id, version, yaml, created_at) VALUES (:id, :v, :y, :t)")
			.bind("id", id)
			.bind("v", version)
			.bind("y", yaml)
			.bind("t", now)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Stores {@code yaml} as the next version of {@code id}; a null or blank {@code name}
	 * keeps the current name.
	 */
	public Mono<Meta> update(String owner, String id, String name, String yaml) {
		return meta(owner, id).flatMap((m) -> {
			TopologyDocument doc = check(yaml);
			String display = (name == null || name.isBlank()) ? m.name() : displayName(name, doc);
			int next = m.latestVersion() + 1;
			OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
			Mono<Meta> work = this.db
				.sql("UPDATE topologies SET latest_version = :next, name = :name, updated_at = :t "
						+ "WHERE id = :id AND owner = :owner AND latest_version = :cur")
				.bind("next", next)
				.bind("name", display)
				.bind("t", now)
				.bind("id", id)
				.bind("owner", owner)
				.bind("cur", m.latestVersion())
				.fetch()
				.rowsUpdated()
				.flatMap((n) -> (n == 1) ? insertVersion(id, next, yaml, now) : Mono.error(conflict(id)))
				.thenReturn(new Meta(id, owner, display, next, m.forkedFrom(), m.forkedFromVersion(), m.createdAt(),
						now.toInstant()));
			return work.as(this.tx::transactional)
				.onErrorMap(DataIntegrityViolationException.class, (ex) -> conflict(id))
				// H2 waits for the row lock of a concurrent update of the same topology
				// and
				// gives up after its lock timeout: the same race, lost the other way
				.onErrorMap(TransientDataAccessException.class, (ex) -> conflict(id))
				.doOnSuccess((x) -> this.versionsCreated.increment());
		});
	}

	private static ApiException conflict(String id) {
		return new ApiException(HttpStatus.CONFLICT, "concurrent-update", "Concurrent update",
				"topology '" + id + "' was changed by another request at the same time; read it again and retry",
				List.of());
	}

	/** Metadata of {@code id} of {@code owner}; 404 when missing or not theirs. */
	public Mono<Meta> meta(String owner, String id) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("topology", String.valueOf(id)));
		}
		return this.db.sql("SELECT * FROM topologies WHERE id = :id AND owner = :owner")
			.bind("id", id)
			.bind("owner", owner)
			.map(TopologyService::meta)
			.one()
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("topology", id)));
	}

	private static Meta meta(Readable row) {
		return new Meta(row.get("id", String.class), row.get("owner", String.class), row.get("name", String.class),
				row.get("latest_version", Integer.class), row.get("forked_from", String.class),
				row.get("forked_from_version", Integer.class), row.get("created_at", OffsetDateTime.class).toInstant(),
				row.get("updated_at", OffsetDateTime.class).toInstant());
	}

	/**
	 * The given version (null = latest); 404 naming the version when it does not exist.
	 */
	public Mono<StoredTopology> read(String owner, String id, Integer version) {
		return meta(owner, id).flatMap((m) -> {
			int v = (version == null) ? m.latestVersion() : version;
			return this.db.sql("SELECT yaml FROM topology_versions WHERE topology_id = :id AND version = :v")
				.bind("id", id)
				.bind("v", v)
				.map((row) -> new StoredTopology(id, v, owner, m.name(), row.get("yaml", String.class)))
				.one()
				.switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found",
						"topology '" + id + "' has no version " + v + " (latest: " + m.latestVersion() + ")",
						List.of(java.util.Map.of("path", "version", "message",
								"expected 1 to " + m.latestVersion() + ", got " + v)))));
		});
	}

	@Override
	public Mono<StoredTopology> find(String owner, String topologyId, int version) {
		return read(owner, topologyId, version).onErrorResume(ApiException.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<StoredTopology> latest(String owner, String topologyId) {
		return read(owner, topologyId, null).onErrorResume(ApiException.class, (ex) -> Mono.empty());
	}

	/** Every version of {@code id}, oldest first. */
	public Flux<VersionInfo> versions(String owner, String id) {
		return meta(owner, id).flatMapMany((m) -> this.db.sql(
				"SELECT version, LENGTH(yaml) AS chars, created_at FROM topology_versions WHERE topology_id = :id ORDER BY version")
			.bind("id", id)
			.map((row) -> new VersionInfo(row.get("version", Integer.class), row.get("chars", Long.class).intValue(),
					row.get("created_at", OffsetDateTime.class).toInstant()))
			.all());
	}

	/** Deletes a topology with all its versions and shares. */
	public Mono<Void> delete(String owner, String id) {
		return meta(owner, id)
			.flatMap((m) -> this.db.sql("DELETE FROM topologies WHERE id = :id AND owner = :owner")
				.bind("id", id)
				.bind("owner", owner)
				.fetch()
				.rowsUpdated())
			.then();
	}

	/** The topologies of {@code owner}, most recently changed first. */
	public Mono<Page> list(String owner, int page, int size) {
		if (page < 0) {
			return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "page",
					"expected 0 or more, got " + page));
		}
		if (size < 1 || size > MAX_PAGE_SIZE) {
			return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "size",
					"expected 1 to " + MAX_PAGE_SIZE + ", got " + size));
		}
		Mono<Long> total = this.db.sql("SELECT COUNT(*) AS n FROM topologies WHERE owner = :owner")
			.bind("owner", owner)
			.map((row) -> row.get("n", Long.class))
			.one();
		Mono<List<Meta>> items = this.db
			.sql("SELECT * FROM topologies WHERE owner = :owner ORDER BY updated_at DESC, id LIMIT :lim OFFSET :off")
			.bind("owner", owner)
			.bind("lim", size)
			.bind("off", (long) page * size)
			.map(TopologyService::meta)
			.all()
			.collectList();
		return Mono.zip(items, total).map((t) -> new Page(t.getT1(), page, size, t.getT2()));
	}

	/**
	 * Copies {@code source} into {@code owner}'s account as a new topology (version 1),
	 * remembering where it came from. Forking someone else's topology (through a share)
	 * also copies the stored programs it names ({@code program:<id>}) into
	 * {@code owner}'s account and points the copy's document at them, so the fork runs on
	 * its own; a program the source owner has deleted stays named as it was (the run then
	 * reports it missing).
	 */
	public Mono<Meta> fork(String owner, StoredTopology source, String name) {
		String display = (name == null || name.isBlank()) ? source.name() : name.strip();
		if (display.length() > 200) {
			return Mono.error(ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "name",
					"expected at most 200 characters, got " + display.length()));
		}
		return copyPrograms(owner, source)
			.flatMap((yaml) -> insert(owner, display, yaml, source.id(), source.version()))
			.doOnSuccess((m) -> created("fork"));
	}

	private static final java.util.regex.Pattern PROGRAM_REF = java.util.regex.Pattern
		.compile(java.util.regex.Pattern.quote(ProgramObjects.PREFIX) + "([A-Za-z0-9_-]{22,64})");

	private Mono<String> copyPrograms(String owner, StoredTopology source) {
		ProgramObjects po = this.programs.getIfAvailable();
		if (po == null || owner.equals(source.owner())) {
			return Mono.just(source.yaml());
		}
		java.util.Set<String> ids = new java.util.LinkedHashSet<>();
		java.util.regex.Matcher m = PROGRAM_REF.matcher(source.yaml());
		while (m.find()) {
			ids.add(m.group(1));
		}
		return reactor.core.publisher.Flux.fromIterable(ids)
			.concatMap((id) -> po.copy(source.owner(), id, owner).map((copy) -> java.util.Map.entry(id, copy)))
			.collectMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)
			.map((copies) -> PROGRAM_REF.matcher(source.yaml())
				.replaceAll((r) -> java.util.regex.Matcher
					.quoteReplacement(ProgramObjects.PREFIX + copies.getOrDefault(r.group(1), r.group(1)))));
	}

}
