package dev.bpfnet.engine.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

class TraceSinkProperties {

	@Property(tries = 200)
	void aTeeOfAllRecordersHashesLikeTheHasherAloneInAnySinkOrder(@ForAll long seed, @ForAll @IntRange(max = 400) int n,
			@ForAll long shuffle) {
		List<Events> events = Events.random(seed, n);
		TraceHasher alone = new TraceHasher();
		Events.feed(events, alone);

		TraceHasher teed = new TraceHasher();
		PathRecorder paths = new PathRecorder(4);
		DropCounter drops = new DropCounter();
		List<TraceSink> sinks = new ArrayList<>(List.of(paths, new QueueDepthRecorder(8), drops, teed, TraceSink.NONE));
		Collections.shuffle(sinks, new Random(shuffle));
		Events.feed(events, Tee.of(sinks.toArray(TraceSink[]::new)));

		assertThat(teed.hex()).isEqualTo(alone.hex());
		assertThat(paths.size()).isEqualTo(n);
		assertThat(drops.total()).isEqualTo(paths.dropCount());
		// the recorders kept the events unchanged: hashing the recorded steps gives the
		// same hash
		TraceHasher replay = new TraceHasher();
		for (int k = 0; k < paths.size(); k++) {
			Step s = paths.step(k);
			replay.event(s.timeNs(), s.skbId(), s.cpu(), s.ctx(), s.taskId(), s.fn(), s.deviceId(), s.netnsId(),
					s.queueId(), s.queueDepth(), s.verdict(), s.drop());
		}
		assertThat(replay.hex()).isEqualTo(alone.hex());
	}

	@Property(tries = 200)
	void theSameEventsGiveTheSameHashAndAnyChangeChangesIt(@ForAll long seed,
			@ForAll @IntRange(min = 1, max = 300) int n, @ForAll @IntRange(min = 0, max = 299) int victim) {
		List<Events> events = Events.random(seed, n);
		TraceHasher first = new TraceHasher();
		Events.feed(events, first);
		TraceHasher second = new TraceHasher();
		Events.feed(Events.random(seed, n), second);
		assertThat(second.hex()).isEqualTo(first.hex());

		List<Events> changed = new ArrayList<>(events);
		int k = victim % n;
		Events e = changed.get(k);
		changed.set(k, e.queue(e.queueId(), e.queueDepth() + 1));
		TraceHasher third = new TraceHasher();
		Events.feed(changed, third);
		assertThat(third.hex()).isNotEqualTo(first.hex());
	}

	@Property(tries = 200)
	void queueSeriesStayBoundedAndKeepTheExtremes(@ForAll long seed, @ForAll @IntRange(max = 3000) int n,
			@ForAll @IntRange(min = 8, max = 64) int maxPoints) {
		QueueDepthRecorder recorder = new QueueDepthRecorder(maxPoints);
		List<Events> events = Events.random(seed, n);
		Events.feed(events, recorder);
		for (int queue : recorder.queueIds()) {
			QueueDepthRecorder.Series s = recorder.series(queue);
			int max = events.stream().filter(e -> e.queueId() == queue).mapToInt(Events::queueDepth).max().getAsInt();
			int min = events.stream().filter(e -> e.queueId() == queue).mapToInt(Events::queueDepth).min().getAsInt();
			assertThat(s.size()).isLessThanOrEqualTo(maxPoints);
			assertThat(s.maxDepth()).isEqualTo(max);
			assertThat(java.util.Arrays.stream(s.depths()).max().getAsInt()).isEqualTo(max);
			assertThat(java.util.Arrays.stream(s.depths()).min().getAsInt()).isEqualTo(min);
		}
	}

}
