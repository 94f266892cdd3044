package dev.bpfnet.server.system;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link ConnectionFactory} that runs every database operation of the factory it wraps
 * on a dedicated, bounded scheduler ({@code bpfnet-db-*} threads) instead of the thread
 * that subscribes.
 *
 * <p>
 * Why: r2dbc-h2 is not asynchronous. It runs H2 (file I/O, MVStore page reads, lock
 * waits) synchronously inside {@code subscribe}, on whatever thread subscribes, and in a
 * WebFlux server that is a Netty event loop ({@code reactor-http-epoll-*}) serving a
 * quarter of all connections: a slow query or a lock wait stalled every connection of
 * that loop (docs/benchmarks.md, "Server under load"). Here every publisher the driver
 * (and the pool around it) returns is subscribed on the scheduler: {@code create()} (pool
 * acquire and H2 connect), connection close (pool release), transaction
 * begin/commit/rollback, savepoints, auto-commit, isolation, timeouts, validation,
 * {@code Statement} and {@code Batch} {@code execute()}, and {@code Result}
 * {@code map}/{@code getRowsUpdated}/{@code flatMap} (H2 results may be read lazily while
 * rows are mapped). Their signals arrive on that thread too, so the operators after them
 * up to the next asynchronous boundary also run there, never on the event loop.
 *
 * <p>
 * Threads: as many as the pool's maximum size. H2 work happens only on a connection taken
 * from the pool, and one connection's operations run one after another, so at most that
 * many operations can be executing at once: with as many threads none of them waits for a
 * thread, and more threads could not run more database work at the same time. The
 * scheduler is a bounded elastic one (meant for blocking work), with a deep task queue so
 * that a burst queues instead of failing.
 *
 * <p>
 * {@link #close()} and {@link #dispose()} close the wrapped pool (which closes the H2
 * file database when its last connection closes) and then the scheduler: the application
 * context's shutdown calls them on this bean.
 */
public final class DatabaseThreads implements ConnectionFactory, Wrapped<ConnectionFactory>, Closeable, Disposable {

	/** Prefix of the scheduler's thread names. */
	public static final String THREAD_PREFIX = "bpfnet-db";

	private static final int QUEUE = 100_000;

	private final ConnectionFactory delegate;

	private final Scheduler scheduler;

	private final int threads;

	/**
	 * @param delegate the factory to wrap (the connection pool)
	 * @param threads the number of database threads (the pool's maximum size)
	 */
	public DatabaseThreads(ConnectionFactory delegate, int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be >= 1, got " + threads);
		}
		this.delegate = delegate;
		this.threads = threads;
		this.scheduler = Schedulers.newBoundedElastic(threads, QUEUE, THREAD_PREFIX, 60, true);
	}

	/** The number of database threads. */
	public int threads() {
		return this.threads;
	}

	<T> Mono<T> mono(Publisher<T> p) {
		return Mono.from(p).subscribeOn(this.scheduler);
	}

	<T> Flux<T> flux(Publisher<T> p) {
		return Flux.from(p).subscribeOn(this.scheduler);
	}

	@Override
	public Publisher<? extends Connection> create() {
		return Mono.defer(() -> Mono.from(this.delegate.create()))
			.subscribeOn(this.scheduler)
			.map((c) -> new OffLoopConnection(c));
	}

	@Override
	public ConnectionFactoryMetadata getMetadata() {
		return this.delegate.getMetadata();
	}

	@Override
	public ConnectionFactory unwrap() {
		return this.delegate;
	}

	@Override
	public Publisher<Void> close() {
		Publisher<Void> closed = (this.delegate instanceof Closeable c) ? c.close() : Mono.empty();
		return Mono.from(closed).doFinally((s) -> this.scheduler.dispose());
	}

	@Override
	public void dispose() {
		try {
			if (this.delegate instanceof Disposable d) {
				d.dispose();
			}
			else if (this.delegate instanceof Closeable c) {
				Mono.from(c.close()).block(Duration.ofSeconds(30));
			}
		}
		finally {
			this.scheduler.dispose();
		}
	}

	@Override
	public boolean isDisposed() {
		return this.scheduler.isDisposed();
	}

	@Override
	public String toString() {
		return "DatabaseThreads[" + this.threads + " threads, " + this.delegate + "]";
	}

	private final class OffLoopConnection implements Connection, Wrapped<Connection> {

		private final Connection c;

		OffLoopConnection(Connection c) {
			this.c = c;
		}

		@Override
		public Connection unwrap() {
			return this.c;
		}

		@Override
		public Publisher<Void> beginTransaction() {
			return mono(Mono.defer(() -> Mono.from(this.c.beginTransaction())));
		}

		@Override
		public Publisher<Void> beginTransaction(TransactionDefinition definition) {
			return mono(Mono.defer(() -> Mono.from(this.c.beginTransaction(definition))));
		}

		@Override
		public Publisher<Void> close() {
			return mono(Mono.defer(() -> Mono.from(this.c.close())));
		}

		@Override
		public Publisher<Void> commitTransaction() {
			return mono(Mono.defer(() -> Mono.from(this.c.commitTransaction())));
		}

		@Override
		public Batch createBatch() {
			return new OffLoopBatch(this.c.createBatch());
		}

		@Override
		public Publisher<Void> createSavepoint(String name) {
			return mono(Mono.defer(() -> Mono.from(this.c.createSavepoint(name))));
		}

		@Override
		public Statement createStatement(String sql) {
			return new OffLoopStatement(this.c.createStatement(sql));
		}

		@Override
		public boolean isAutoCommit() {
			return this.c.isAutoCommit();
		}

		@Override
		public ConnectionMetadata getMetadata() {
			return this.c.getMetadata();
		}

		@Override
		public IsolationLevel getTransactionIsolationLevel() {
			return this.c.getTransactionIsolationLevel();
		}

		@Override
		public Publisher<Void> releaseSavepoint(String name) {
			return mono(Mono.defer(() -> Mono.from(this.c.releaseSavepoint(name))));
		}

		@Override
		public Publisher<Void> rollbackTransaction() {
			return mono(Mono.defer(() -> Mono.from(this.c.rollbackTransaction())));
		}

		@Override
		public Publisher<Void> rollbackTransactionToSavepoint(String name) {
			return mono(Mono.defer(() -> Mono.from(this.c.rollbackTransactionToSavepoint(name))));
		}

		@Override
		public Publisher<Void> setAutoCommit(boolean autoCommit) {
			return mono(Mono.defer(() -> Mono.from(this.c.setAutoCommit(autoCommit))));
		}

		@Override
		public Publisher<Void> setLockWaitTimeout(Duration timeout) {
			return mono(Mono.defer(() -> Mono.from(this.c.setLockWaitTimeout(timeout))));
		}

		@Override
		public Publisher<Void> setStatementTimeout(Duration timeout) {
			return mono(Mono.defer(() -> Mono.from(this.c.setStatementTimeout(timeout))));
		}

		@Override
		public Publisher<Void> setTransactionIsolationLevel(IsolationLevel level) {
			return mono(Mono.defer(() -> Mono.from(this.c.setTransactionIsolationLevel(level))));
		}

		@Override
		public Publisher<Boolean> validate(ValidationDepth depth) {
			return mono(Mono.defer(() -> Mono.from(this.c.validate(depth))));
		}

		@Override
		public String toString() {
			return "OffLoop[" + this.c + "]";
		}

	}

	private final class OffLoopStatement implements Statement, Wrapped<Statement> {

		private final Statement s;

		OffLoopStatement(Statement s) {
			this.s = s;
		}

		@Override
		public Statement unwrap() {
			return this.s;
		}

		@Override
		public Statement add() {
			this.s.add();
			return this;
		}

		@Override
		public Statement bind(int index, Object value) {
			this.s.bind(index, value);
			return this;
		}

		@Override
		public Statement bind(String name, Object value) {
			this.s.bind(name, value);
			return this;
		}

		@Override
		public Statement bindNull(int index, Class<?> type) {
			this.s.bindNull(index, type);
			return this;
		}

		@Override
		public Statement bindNull(String name, Class<?> type) {
			this.s.bindNull(name, type);
			return this;
		}

		@Override
		public Statement returnGeneratedValues(String... columns) {
			this.s.returnGeneratedValues(columns);
			return this;
		}

		@Override
		public Statement fetchSize(int rows) {
			this.s.fetchSize(rows);
			return this;
		}

		@Override
		public Publisher<? extends Result> execute() {
			return flux(Flux.defer(() -> Flux.from(this.s.execute()))).map((r) -> new OffLoopResult(r));
		}

	}

	private final class OffLoopBatch implements Batch, Wrapped<Batch> {

		private final Batch b;

		OffLoopBatch(Batch b) {
			this.b = b;
		}

		@Override
		public Batch unwrap() {
			return this.b;
		}

		@Override
		public Batch add(String sql) {
			this.b.add(sql);
			return this;
		}

		@Override
		public Publisher<? extends Result> execute() {
			return flux(Flux.defer(() -> Flux.from(this.b.execute()))).map((r) -> new OffLoopResult(r));
		}

	}

	private final class OffLoopResult implements Result, Wrapped<Result> {

		private final Result r;

		OffLoopResult(Result r) {
			this.r = r;
		}

		@Override
		public Result unwrap() {
			return this.r;
		}

		@Override
		public Publisher<Long> getRowsUpdated() {
			return flux(Flux.defer(() -> Flux.from(this.r.getRowsUpdated())));
		}

		@Override
		public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mapping) {
			return flux(Flux.defer(() -> Flux.from(this.r.map(mapping))));
		}

		@Override
		public <T> Publisher<T> map(Function<? super Readable, ? extends T> mapping) {
			return flux(Flux.defer(() -> Flux.from(this.r.map(mapping))));
		}

		@Override
		public Result filter(Predicate<Segment> predicate) {
			return new OffLoopResult(this.r.filter(predicate));
		}

		@Override
		public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mapping) {
			return flux(Flux.defer(() -> Flux.from(this.r.flatMap(mapping))));
		}

	}

}
