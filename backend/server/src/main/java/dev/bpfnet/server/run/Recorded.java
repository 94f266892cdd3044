package dev.bpfnet.server.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.bpfnet.engine.run.TraceFile;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.QueueDepthRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.server.live.NameTable;
import dev.bpfnet.server.live.TraceEventView;

/**
 * The recorded trace of a run, queryable: the session's own recorders while it runs (read
 * on its thread), or recorders rebuilt by replaying its trace file once it has ended.
 *
 * @param paths the per-packet paths
 * @param queues the queue depth series
 * @param names the run's names
 */
public record Recorded(PathRecorder paths, QueueDepthRecorder queues, NameTable names) {

	/** Rebuilds the recorders from a trace file. */
	static Recorded load(Path file, NameTable names) throws IOException {
		PathRecorder paths = new PathRecorder();
		QueueDepthRecorder queues = new QueueDepthRecorder();
		TraceSink tee = Tee.of(paths, queues);
		TraceFile.replay(file, tee);
		return new Recorded(paths, queues, names);
	}

	/** Events {@code from} to {@code from + limit - 1} (those that exist). */
	List<TraceEventView> events(long from, int limit) {
		List<TraceEventView> out = new ArrayList<>();
		for (Step s : this.paths.steps(from, limit).items()) {
			out.add(TraceEventView.of(s, this.names));
		}
		return out;
	}

	/** The skb's whole path, empty if unknown. */
	List<TraceEventView> path(long skb) {
		List<TraceEventView> out = new ArrayList<>();
		for (Step s : this.paths.path(skb)) {
			out.add(TraceEventView.of(s, this.names));
		}
		return out;
	}

	/** One page of the packets passing the filter, in order of their first step. */
	Page packets(Predicate<PacketSummary> filter, int page, int size) {
		Map<Long, Boolean> seen = new LinkedHashMap<>();
		for (int i = 0; i < this.paths.size(); i++) {
			long skb = this.paths.step(i).skbId();
			if (skb >= 0) {
				seen.putIfAbsent(skb, Boolean.TRUE);
			}
		}
		List<PacketSummary> items = new ArrayList<>();
		long total = 0;
		long from = (long) page * size;
		for (long skb : seen.keySet()) {
			PacketSummary p = summary(skb);
			if (filter.test(p)) {
				if (total >= from && items.size() < size) {
					items.add(p);
				}
				total++;
			}
		}
		return new Page(items, page, size, total);
	}

	PacketSummary summary(long skb) {
		List<Step> steps = this.paths.path(skb);
		LinkedHashSet<String> devices = new LinkedHashSet<>();
		List<Integer> verdicts = new ArrayList<>();
		String drop = null;
		for (Step s : steps) {
			if (s.deviceId() >= 0) {
				devices.add(this.names.name(Names.Kind.DEVICE, s.deviceId()));
			}
			if (s.verdict() != TraceSink.NO_VERDICT) {
				verdicts.add(s.verdict());
			}
			if (s.drop() != DropReason.NOT_DROPPED_YET) {
				drop = s.drop().name();
			}
		}
		Step first = steps.get(0);
		Step last = steps.get(steps.size() - 1);
		return new PacketSummary(skb, first.timeNs(), last.timeNs(), steps.size(), first.fn().kernelName(),
				last.fn().kernelName(), List.copyOf(devices), List.copyOf(verdicts), drop);
	}

	/** Every queue's depth series. */
	List<QueueSeries> queueSeries() {
		List<QueueSeries> out = new ArrayList<>();
		for (int q : this.queues.queueIds()) {
			QueueDepthRecorder.Series s = this.queues.series(q);
			out.add(new QueueSeries(this.names.name(Names.Kind.QUEUE, q), q, s.maxDepth(), s.lastDepth(), s.changes(),
					s.downsampled(), s.bucketWidthNs(), s.times(), s.depths()));
		}
		return out;
	}

	/**
	 * A page of packets.
	 *
	 * @param items the packets
	 * @param page the page number (from 0)
	 * @param size the page size
	 * @param total packets passing the filter
	 */
	public record Page(List<PacketSummary> items, int page, int size, long total) {
	}

	/**
	 * A queue's depth over simulated time.
	 *
	 * @param queue its name
	 * @param id its id
	 * @param maxDepth the largest depth
	 * @param lastDepth the depth at the end
	 * @param changes how often the depth changed
	 * @param downsampled whether points were merged into buckets
	 * @param bucketWidthNs the bucket width when downsampled
	 * @param timesNs the points' times
	 * @param depths the points' depths
	 */
	public record QueueSeries(String queue, int id, int maxDepth, int lastDepth, long changes, boolean downsampled,
			long bucketWidthNs, long[] timesNs, int[] depths) {
	}

}
