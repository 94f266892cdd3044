package dev.bpfnet.server.live;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;
import reactor.core.scheduler.Scheduler;

/**
 * The live side of one run: a trace sink on the run's thread that numbers every event
 * (the SSE id = the event's index in the trace) and offers it to each connected
 * {@link LiveClient} without ever waiting: a client whose bounded buffer is full is
 * switched to sampling (DESIGN.md §5). With no client connected an event costs a counter
 * increment.
 *
 * <p>
 * Each trace event is encoded to its SSE text once, not once per client: every client
 * gets the same {@link LiveEvent}, which keeps the text once the first client has encoded
 * it.
 *
 * <p>
 * {@link #register} must run on the run's thread between two events (the run service
 * calls it through {@code RunSession.inspect}) or after {@link #end}, so that a client's
 * first live id is exact and a replay of earlier ids joins it without gap or overlap.
 */
public final class LiveHub implements TraceSink {

	private static final LiveClient[] NONE = new LiveClient[0];

	private final int bufferPerClient;

	private volatile NameTable names;

	private final Scheduler scheduler;

	private final AtomicLong sampledCounter;

	private volatile LiveClient[] clients = NONE;

	/** Run thread only. */
	private long seq;

	private volatile long position;

	private volatile Object end;

	private final SseEncoder encoder;

	/** Trace events encoded, for tests. */
	private final AtomicLong encodings = new AtomicLong();

	/**
	 * @param bufferPerClient events buffered per client before it is sampled
	 * @param names the run's names
	 * @param scheduler where clients drain (never the run's thread)
	 * @param sampledCounter counts events sampled away, over all clients
	 * @param encoder encodes the SSE messages
	 */
	public LiveHub(int bufferPerClient, NameTable names, Scheduler scheduler, AtomicLong sampledCounter,
			SseEncoder encoder) {
		if (bufferPerClient < 1) {
			throw new IllegalArgumentException("bufferPerClient must be >= 1, got " + bufferPerClient);
		}
		this.bufferPerClient = bufferPerClient;
		this.names = names;
		this.scheduler = scheduler;
		this.sampledCounter = sampledCounter;
		this.encoder = encoder;
	}

	long encodings() {
		return this.encodings.get();
	}

	SseEncoder encoder() {
		return this.encoder;
	}

	/** Encodes the {@code trace} message of a step (id = its index). */
	byte[] encode(Step s) {
		this.encodings.incrementAndGet();
		return this.encoder.message(Integer.toString(s.index()), "trace", TraceEventView.of(s, this.names));
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		long id = this.seq++;
		LiveClient[] cs = this.clients;
		if (cs.length != 0) {
			LiveEvent s = new LiveEvent(new Step((int) id, timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId,
					queueId, queueDepth, verdict, drop));
			for (LiveClient c : cs) {
				c.offer(s);
			}
		}
		this.position = this.seq;
	}

	/**
	 * Connects a client; its live events start at {@link LiveClient#firstId()}. Call on
	 * the run's thread between events, or after {@link #end}.
	 * @return the client
	 */
	public synchronized LiveClient register() {
		LiveClient c = new LiveClient(this, this.seq, this.bufferPerClient, this.names, this.scheduler);
		Object e = this.end;
		if (e != null) {
			c.end(e);
			return c;
		}
		LiveClient[] cs = Arrays.copyOf(this.clients, this.clients.length + 1);
		cs[cs.length - 1] = c;
		this.clients = cs;
		return c;
	}

	synchronized void remove(LiveClient c) {
		LiveClient[] cs = this.clients;
		for (int i = 0; i < cs.length; i++) {
			if (cs[i] == c) {
				LiveClient[] n = new LiveClient[cs.length - 1];
				System.arraycopy(cs, 0, n, 0, i);
				System.arraycopy(cs, i + 1, n, i, cs.length - i - 1);
				this.clients = n;
				return;
			}
		}
	}

	/**
	 * The run has ended: every client gets {@code finalStatus} as its last event after
	 * what it has buffered.
	 * @param finalStatus the {@code end} event's data
	 */
	public synchronized void end(Object finalStatus) {
		this.end = finalStatus;
		for (LiveClient c : this.clients) {
			c.end(finalStatus);
		}
	}

	void sampled(long n) {
		this.sampledCounter.addAndGet(n);
	}

	/** Events seen so far (the next event's id). */
	public long position() {
		return this.position;
	}

	/** Clients connected. */
	public int clients() {
		return this.clients.length;
	}

	/** The connected clients (for tests and metrics). */
	public LiveClient[] clientList() {
		return this.clients.clone();
	}

	/** The run's names. */
	public NameTable names() {
		return this.names;
	}

	/**
	 * Sets the run's names once its engine is built (before any client can register).
	 * @param names the names
	 */
	public void names(NameTable names) {
		this.names = names;
	}

}
