package dev.bpfnet.server.program;

import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code programs} table (Flyway {@code V2__programs.sql}) through R2DBC. Every query
 * is scoped by owner: another user's program is not found.
 */
@Repository
class ProgramStore {

	private static final String COLUMNS = "id, owner, name, kind, file_name, source, object, sha256, verified, analysis, created_at";

	private static final String SUMMARY_COLUMNS = "id, owner, name, kind, file_name, object_size, sha256, verified, analysis, created_at";

	private final DatabaseClient db;

	ProgramStore(DatabaseClient db) {
		this.db = db;
	}

	Mono<Void> insert(StoredProgram p) {
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("INSERT INTO programs (" + COLUMNS
				+ ", object_size) VALUES (:id, :owner, :name, :kind, :fileName, :source, :object, :sha256, :verified, :analysis, :createdAt, :objectSize)")
			.bind("id", p.id())
			.bind("owner", p.owner())
			.bind("name", p.name())
			.bind("kind", p.kind())
			.bind("fileName", p.fileName())
			.bind("object", p.object())
			.bind("sha256", p.sha256())
			.bind("verified", p.verified())
			.bind("analysis", p.analysis())
			.bind("createdAt", p.createdAt())
			.bind("objectSize", p.object().length);
		spec = (p.source() != null) ? spec.bind("source", p.source()) : spec.bindNull("source", String.class);
		return spec.fetch().rowsUpdated().then();
	}

	/** The program with its object and source. */
	Mono<StoredProgram> find(String owner, String id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM programs WHERE owner = :owner AND id = :id")
			.bind("owner", owner)
			.bind("id", id)
			.map(ProgramStore::full)
			.one();
	}

	/** The object bytes alone. */
	Mono<byte[]> object(String owner, String id) {
		return this.db.sql("SELECT object FROM programs WHERE owner = :owner AND id = :id")
			.bind("owner", owner)
			.bind("id", id)
			.map((r) -> bytes(r, "object"))
			.one();
	}

	/** The owner's programs, newest first, without objects and sources. */
	Flux<Summary> list(String owner) {
		return this.db
			.sql("SELECT " + SUMMARY_COLUMNS + " FROM programs WHERE owner = :owner ORDER BY created_at DESC, id")
			.bind("owner", owner)
			.map((r) -> new Summary(r.get("id", String.class), r.get("name", String.class), r.get("kind", String.class),
					r.get("file_name", String.class), r.get("object_size", Integer.class),
					r.get("sha256", String.class), Boolean.TRUE.equals(r.get("verified", Boolean.class)),
					r.get("analysis", String.class), r.get("created_at", OffsetDateTime.class)))
			.all();
	}

	/**
	 * @return whether a row was deleted
	 */
	Mono<Boolean> delete(String owner, String id) {
		return this.db.sql("DELETE FROM programs WHERE owner = :owner AND id = :id")
			.bind("owner", owner)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((n) -> n > 0);
	}

	/**
	 * The owner's topologies with a version that names {@code program:<id>}, as
	 * {@code name (id) versions 1, 3}, by topology name.
	 */
	Flux<String> usedBy(String owner, String id) {
		return this.db
			.sql("SELECT t.id AS id, t.name AS name, v.version AS version FROM topologies t "
					+ "JOIN topology_versions v ON v.topology_id = t.id "
					+ "WHERE t.owner = :owner AND v.yaml LIKE :ref ORDER BY t.name, t.id, v.version")
			.bind("owner", owner)
			.bind("ref", "%program:" + id + "%")
			.map((r) -> new String[] { r.get("id", String.class), r.get("name", String.class),
					String.valueOf(r.get("version", Integer.class)) })
			.all()
			.bufferUntilChanged((row) -> row[0])
			.map((rows) -> rows.get(0)[1] + " (" + rows.get(0)[0] + ") version" + ((rows.size() == 1) ? " " : "s ")
					+ String.join(", ", rows.stream().map((row) -> row[2]).toList()));
	}

	/** Rows in the table (all owners): for tests that check nothing changed. */
	Mono<Long> count() {
		return this.db.sql("SELECT COUNT(*) AS n FROM programs").map((r) -> r.get("n", Long.class)).one();
	}

	record Summary(String id, String name, String kind, String fileName, int objectSize, String sha256,
			boolean verified, String analysis, OffsetDateTime createdAt) {
	}

	private static StoredProgram full(Readable r) {
		return new StoredProgram(r.get("id", String.class), r.get("owner", String.class), r.get("name", String.class),
				r.get("kind", String.class), r.get("file_name", String.class), r.get("source", String.class),
				bytes(r, "object"), r.get("sha256", String.class),
				Boolean.TRUE.equals(r.get("verified", Boolean.class)), r.get("analysis", String.class),
				r.get("created_at", OffsetDateTime.class));
	}

	private static byte[] bytes(Readable r, String column) {
		return r.get(column, byte[].class);
	}

}
