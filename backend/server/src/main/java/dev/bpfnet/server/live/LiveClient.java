package dev.bpfnet.server.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.Step;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * One SSE client of a {@link LiveHub}: a bounded buffer filled by the run's thread and
 * drained, only as far as the client asks ({@code request(n)}), on a scheduler worker.
 * When the buffer is full the client switches to sampling: further events are only
 * counted, per kernel function and per device, until the buffer has been sent; then one
 * {@code sampled} event says how many events (which ids, which simulated interval) were
 * sampled away with those counts, and live events resume. The run never waits for a
 * client.
 *
 * <p>
 * The stream is pre-encoded SSE text ({@link SseEncoder}): each element is one batch, the
 * messages waiting when the client's buffer is drained, up to {@value #MAX_BATCH}
 * messages or {@value #MAX_BATCH_BYTES} bytes, written and flushed as one buffer. A new
 * event does not drain at once but {@value #LINGER_MS} ms later, so that the events of
 * that window go out together (a request from the client, the end of the run and the
 * first drain are not delayed). A batch costs the network stack one write instead of
 * three per event, and each trace event is encoded once ({@link LiveEvent}), not once per
 * client.
 *
 * <p>
 * Memory: the buffer holds at most its capacity of events; beyond it, the response writer
 * has asked for a bounded number of batches ahead of the socket (Reactor Netty asks for
 * 32 groups and queues up to 128 writes), which is why batches are kept small.
 */
public final class LiveClient {

	/** Most messages in one batch. */
	static final int MAX_BATCH = 64;

	/** A batch is closed once it holds this many bytes. */
	static final int MAX_BATCH_BYTES = 16 * 1024;

	/** How long a new event waits for others to join its batch. */
	static final long LINGER_MS = 100;

	private final LiveHub hub;

	private final long firstId;

	private final int capacity;

	private final NameTable names;

	private final Scheduler.Worker worker;

	private final AtomicInteger wip = new AtomicInteger();

	// guarded by this
	private final ArrayDeque<LiveEvent> buffer = new ArrayDeque<>();

	private boolean sampling;

	private long sampledCount;

	private long sampledFromId;

	private long sampledToId;

	private long sampledFromNs;

	private long sampledToNs;

	private final long[] sampledByFunction = new long[Function.values().length];

	private final Map<Integer, Long> sampledByDevice = new TreeMap<>();

	private long totalSampled;

	private int maxBuffered;

	private Object end;

	private boolean done;

	/** The last message taken was the {@code end}: drain thread only. */
	private boolean ended;

	private volatile FluxSink<byte[]> sink;

	LiveClient(LiveHub hub, long firstId, int capacity, NameTable names, Scheduler scheduler) {
		this.hub = hub;
		this.firstId = firstId;
		this.capacity = capacity;
		this.names = names;
		this.worker = scheduler.createWorker();
	}

	/** The id of the first live event this client gets. */
	public long firstId() {
		return this.firstId;
	}

	/** The most events this client's buffer ever held (never above the capacity). */
	public synchronized int maxBuffered() {
		return this.maxBuffered;
	}

	/** Events held now. */
	public synchronized int buffered() {
		return this.buffer.size();
	}

	/** Events sampled away so far. */
	public synchronized long totalSampled() {
		return this.totalSampled;
	}

	void offer(LiveEvent e) {
		Step s = e.step;
		synchronized (this) {
			if (this.done) {
				return;
			}
			if (this.sampling || this.buffer.size() >= this.capacity) {
				if (!this.sampling) {
					this.sampling = true;
					this.sampledFromId = s.index();
					this.sampledFromNs = s.timeNs();
				}
				this.sampledCount++;
				this.totalSampled++;
				this.sampledToId = s.index();
				this.sampledToNs = s.timeNs();
				this.sampledByFunction[s.fn().ordinal()]++;
				if (s.deviceId() >= 0) {
					this.sampledByDevice.merge(s.deviceId(), 1L, Long::sum);
				}
			}
			else {
				this.buffer.add(e);
				if (this.buffer.size() > this.maxBuffered) {
					this.maxBuffered = this.buffer.size();
				}
			}
		}
		schedule(LINGER_MS);
	}

	void end(Object finalStatus) {
		synchronized (this) {
			this.end = finalStatus;
		}
		schedule();
	}

	/**
	 * The client's events as SSE text ({@code trace}, {@code sampled}, then {@code end}),
	 * in batches, emitted only on demand (one batch per request).
	 * @return the flux; cancelling it disconnects the client
	 */
	public Flux<byte[]> flux() {
		return Flux.<byte[]>create((s) -> {
			this.sink = s;
			s.onRequest((n) -> schedule());
			s.onDispose(this::close);
			schedule();
		});
	}

	private void close() {
		synchronized (this) {
			this.done = true;
			this.buffer.clear();
		}
		this.hub.remove(this);
		this.worker.dispose();
	}

	private void schedule() {
		schedule(0);
	}

	/**
	 * Drains after {@code delayMs} unless a drain is already scheduled or running (which
	 * then takes what has come).
	 */
	private void schedule(long delayMs) {
		if (this.sink != null && this.wip.getAndIncrement() == 0) {
			try {
				if (delayMs > 0) {
					this.worker.schedule(this::drain, delayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
				}
				else {
					this.worker.schedule(this::drain);
				}
			}
			catch (RuntimeException ex) {
				// the worker is disposed: the client has gone
				this.wip.set(0);
			}
		}
	}

	private void drain() {
		int missed = 1;
		FluxSink<byte[]> s = this.sink;
		List<byte[]> batch = new ArrayList<>();
		while (true) {
			while (s.requestedFromDownstream() > 0) {
				int bytes = 0;
				while (batch.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES && !this.ended) {
					byte[] next = next();
					if (next == null) {
						break;
					}
					batch.add(next);
					bytes += next.length;
				}
				if (batch.isEmpty()) {
					break;
				}
				s.next(SseEncoder.join(batch));
				batch.clear();
				if (this.ended) {
					s.complete();
					return;
				}
			}
			missed = this.wip.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	/** The next message, or {@code null} when there is none now. */
	private byte[] next() {
		LiveEvent step;
		synchronized (this) {
			if (this.done) {
				return null;
			}
			step = this.buffer.poll();
			if (step == null) {
				if (this.sampling) {
					byte[] e = sampledEvent();
					this.sampling = false;
					this.sampledCount = 0;
					java.util.Arrays.fill(this.sampledByFunction, 0);
					this.sampledByDevice.clear();
					return e;
				}
				if (this.end != null) {
					this.done = true;
					this.ended = true;
					return this.hub.encoder().message(null, "end", this.end);
				}
				return null;
			}
		}
		return step.encoded(this.hub);
	}

	private byte[] sampledEvent() {
		Map<String, Long> byFunction = new LinkedHashMap<>();
		Function[] fns = Function.values();
		for (int i = 0; i < fns.length; i++) {
			if (this.sampledByFunction[i] > 0) {
				byFunction.put(fns[i].kernelName(), this.sampledByFunction[i]);
			}
		}
		Map<String, Long> byDevice = new LinkedHashMap<>();
		for (Map.Entry<Integer, Long> e : this.sampledByDevice.entrySet()) {
			byDevice.put(this.names.name(Names.Kind.DEVICE, e.getKey()), e.getValue());
		}
		this.hub.sampled(this.sampledCount);
		Sampled data = new Sampled(this.sampledCount, this.sampledFromId, this.sampledToId, this.sampledFromNs,
				this.sampledToNs, byFunction, byDevice);
		return this.hub.encoder().message(Long.toString(this.sampledToId), "sampled", data);
	}

	/**
	 * The {@code sampled} event: this client fell behind and {@code count} events, ids
	 * {@code fromId..toId} (simulated {@code fromNs..toNs}), were not sent; they are
	 * counted per kernel function and per device. Reconnecting with
	 * {@code Last-Event-ID: fromId - 1} replays them from the record.
	 *
	 * @param count events sampled away
	 * @param fromId first id not sent
	 * @param toId last id not sent
	 * @param fromNs simulated time of the first
	 * @param toNs simulated time of the last
	 * @param byFunction counts per kernel function
	 * @param byDevice counts per device
	 */
	public record Sampled(long count, long fromId, long toId, long fromNs, long toNs, Map<String, Long> byFunction,
			Map<String, Long> byDevice) {
	}

}
