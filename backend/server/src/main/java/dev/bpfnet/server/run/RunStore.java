package dev.bpfnet.server.run;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;
import dev.bpfnet.server.security.Visitors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Table {@code runs} through R2DBC. */
@Component
public class RunStore {

	private static final String COLUMNS = "id, owner, topology_id, topology_version, topology_name, seed, duration_ns, "
			+ "params, status, reason, run_limit, simulated_ns, events, trace_events, created_at, started_at, ended_at, "
			+ "summary, names, trace_file";

	private final DatabaseClient db;

	public RunStore(DatabaseClient db) {
		this.db = db;
	}

	Mono<Void> insert(RunRow r) {
		GenericExecuteSpec s = this.db
			.sql("INSERT INTO runs (id, owner, topology_id, topology_version, topology_name, "
					+ "seed, duration_ns, params, status, created_at) VALUES (:id, :owner, :tid, :tver, :tname, :seed, "
					+ ":dur, :params, :status, :created)")
			.bind("id", r.id())
			.bind("owner", r.owner())
			.bind("tname", r.topologyName())
			.bind("seed", r.seed())
			.bind("dur", r.durationNs())
			.bind("params", r.params())
			.bind("status", r.status())
			.bind("created", ldt(r.createdAt()));
		s = (r.topologyId() != null) ? s.bind("tid", r.topologyId()) : s.bindNull("tid", String.class);
		s = (r.topologyVersion() != null) ? s.bind("tver", r.topologyVersion()) : s.bindNull("tver", Integer.class);
		return s.then();
	}

	Mono<Void> started(String id, Instant at, String names) {
		return this.db.sql("UPDATE runs SET status = 'running', started_at = :at, names = :names WHERE id = :id")
			.bind("at", ldt(at))
			.bind("names", names)
			.bind("id", id)
			.then();
	}

	Mono<Void> ended(String id, String status, String reason, String limit, long simulatedNs, long events,
			long traceEvents, Instant at, String summary, String traceFile) {
		GenericExecuteSpec s = this.db
			.sql("UPDATE runs SET status = :status, reason = :reason, run_limit = :limit, simulated_ns = :sim, "
					+ "events = :events, trace_events = :tev, ended_at = :at, summary = :summary, "
					+ "trace_file = :file WHERE id = :id")
			.bind("status", status)
			.bind("sim", simulatedNs)
			.bind("events", events)
			.bind("tev", traceEvents)
			.bind("at", ldt(at))
			.bind("id", id);
		s = (reason != null) ? s.bind("reason", truncate(reason, 2000)) : s.bindNull("reason", String.class);
		s = (limit != null) ? s.bind("limit", limit) : s.bindNull("limit", String.class);
		s = (summary != null) ? s.bind("summary", summary) : s.bindNull("summary", String.class);
		s = (traceFile != null) ? s.bind("file", traceFile) : s.bindNull("file", String.class);
		return s.then();
	}

	Mono<RunRow> find(String id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM runs WHERE id = :id").bind("id", id).map(RunStore::row).one();
	}

	Flux<RunRow> byOwner(String owner) {
		return this.db.sql("SELECT " + COLUMNS + " FROM runs WHERE owner = :owner ORDER BY created_at DESC, id")
			.bind("owner", owner)
			.map(RunStore::row)
			.all();
	}

	/** The owner's runs that still have a trace file, newest first. */
	Flux<RunRow> withTraces(String owner) {
		return this.db
			.sql("SELECT " + COLUMNS
					+ " FROM runs WHERE owner = :owner AND trace_file IS NOT NULL ORDER BY created_at DESC, id DESC")
			.bind("owner", owner)
			.map(RunStore::row)
			.all();
	}

	/**
	 * Runs of lab visitors ({@code owner} {@code ~visitor-*}) created before {@code at}.
	 */
	Flux<RunRow> visitorRunsBefore(Instant at) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM runs WHERE owner LIKE :prefix AND created_at < :at ORDER BY created_at")
			.bind("prefix", Visitors.PREFIX + "%")
			.bind("at", ldt(at))
			.map(RunStore::row)
			.all();
	}

	/** How many runs of lab visitors are stored. */
	Mono<Long> visitorRuns() {
		return this.db.sql("SELECT COUNT(*) AS n FROM runs WHERE owner LIKE :prefix")
			.bind("prefix", Visitors.PREFIX + "%")
			.map((r) -> r.get("n", Long.class))
			.one();
	}

	Mono<Void> delete(String id) {
		return this.db.sql("DELETE FROM runs WHERE id = :id").bind("id", id).then();
	}

	Mono<Void> traceDeleted(String id) {
		return this.db.sql("UPDATE runs SET trace_file = NULL WHERE id = :id").bind("id", id).then();
	}

	/** Marks runs left queued, running or paused by a previous process as interrupted. */
	Mono<Long> markInterrupted(Instant at) {
		return this.db
			.sql("UPDATE runs SET status = 'interrupted', ended_at = :at, reason = 'the server stopped while the run "
					+ "was ' || status WHERE status IN ('queued', 'running', 'paused')")
			.bind("at", ldt(at))
			.fetch()
			.rowsUpdated();
	}

	private static RunRow row(Readable r) {
		return new RunRow(r.get("id", String.class), r.get("owner", String.class), r.get("topology_id", String.class),
				r.get("topology_version", Integer.class), r.get("topology_name", String.class),
				r.get("seed", Long.class), r.get("duration_ns", Long.class), r.get("params", String.class),
				r.get("status", String.class), r.get("reason", String.class), r.get("run_limit", String.class),
				r.get("simulated_ns", Long.class), r.get("events", Long.class), r.get("trace_events", Long.class),
				instant(r.get("created_at", LocalDateTime.class)), instant(r.get("started_at", LocalDateTime.class)),
				instant(r.get("ended_at", LocalDateTime.class)), r.get("summary", String.class),
				r.get("names", String.class), r.get("trace_file", String.class));
	}

	private static LocalDateTime ldt(Instant i) {
		return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
	}

	private static Instant instant(LocalDateTime t) {
		return (t != null) ? t.toInstant(ZoneOffset.UTC) : null;
	}

	private static String truncate(String s, int max) {
		return (s.length() <= max) ? s : s.substring(0, max - 1) + "…";
	}

}
