package dev.bpfnet.engine.run;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.hook.ProgramLoadException;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RunSession} on the engine's pod-egress example: batch and controlled runs give
 * the same trace, limits and stops end a run with a reason, and the report carries what
 * {@code bpfnet run --json} prints plus the maps.
 */
class RunSessionTest {

	static final Path DOC = Path.of("src/test/resources/engine/pod-egress-bpfnet.yaml");

	static final ObjectSource OBJECTS = ObjectSource.directory(Path.of("../bpf/src/test/resources/bpf"));

	static final long DURATION = 2_000_000;

	static TopologyDocument doc() {
		return TopologyParser.parse(DOC);
	}

	static RunStatus await(java.util.concurrent.CompletableFuture<RunStatus> f) throws Exception {
		return f.get(60, TimeUnit.SECONDS);
	}

	@Test
	void batchRunFinishesWithTheReport() {
		RunSession s = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION).withSeed(7L));
		assertThat(s.status().state()).isEqualTo(RunState.CREATED);
		RunStatus end = s.run();
		assertThat(end.state()).isEqualTo(RunState.FINISHED);
		assertThat(end.simulatedNs()).isEqualTo(DURATION);
		assertThat(end.limit()).isNull();
		assertThat(end.reason()).isNull();
		RunReport r = s.report();
		assertThat(r.seed()).isEqualTo(7);
		assertThat(r.simulatedNs()).isEqualTo(DURATION);
		assertThat(r.traceEvents()).isEqualTo(end.traceEvents()).isEqualTo(s.paths().size());
		assertThat(r.packets().sent()).isPositive();
		assertThat(r.packets().delivered()).isPositive();
		assertThat(r.flows()).extracting(RunReport.Flow::name).containsExactly("rr", "cbr");
		assertThat(r.flows().get(0).transactions()).isPositive();
		assertThat(r.flows().get(0).sent()).isNull();
		assertThat(r.flows().get(1).throughputBps()).isPositive();
		assertThat(r.cpus()).hasSize(6);
		assertThat(r.traceSha256()).matches("[0-9a-f]{64}");
		assertThat(r.maps()).isNotEmpty().allSatisfy(m -> {
			assertThat(m.node()).isEqualTo("node1");
			assertThat(m.object()).isEqualTo("pod_egress.o");
		});
	}

	@Test
	void pausedSteppedAndResumedRunHasTheTraceOfABatchRun() throws Exception {
		RunSession batch = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION).withSeed(3L));
		batch.run();

		RunSession s = RunSession.create(doc(), OBJECTS,
				RunOptions.of(DURATION).withSeed(3L).withStartPaused(true).withPace(new Pace(1e9)));
		s.start("run-test");
		RunStatus st = null;
		for (int i = 0; i < 50; i++) {
			st = await(s.step());
		}
		assertThat(st.state()).isEqualTo(RunState.PAUSED);
		assertThat(st.events()).isEqualTo(50);
		// the next hop of the first skb: its path grows by at least one step
		long skb = s.inspect(x -> {
			for (int i = x.paths().size() - 1; i >= 0; i--) {
				long id = x.paths().step(i).skbId();
				if (id >= 0 && x.inFlight(id)) {
					return id;
				}
			}
			return -1L;
		}).get(60, TimeUnit.SECONDS);
		assertThat(skb).as("an skb has moved in 50 events").isNotNegative();
		int before = s.inspect(x -> x.paths().pathRows(skb).length).get(60, TimeUnit.SECONDS);
		assertThat(before).isPositive();
		RunStatus hop = await(s.stepHop(skb));
		int after = s.inspect(x -> x.paths().pathRows(skb).length).get(60, TimeUnit.SECONDS);
		assertThat(hop.state()).isEqualTo(RunState.PAUSED);
		assertThat(after).isGreaterThan(before);
		assertThat(hop.events()).isGreaterThan(50);
		RunStatus any = await(s.stepHop(-1));
		long done = s.inspect(x -> {
			for (int i = 0; i < x.paths().size(); i++) {
				long id = x.paths().step(i).skbId();
				if (id >= 0 && !x.inFlight(id)) {
					return id;
				}
			}
			return -1L;
		}).get(60, TimeUnit.SECONDS);
		assertThat(done).as("an skb has finished its path").isNotNegative();
		assertThatThrownBy(() -> s.stepHop(done).join()).hasCauseInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("skb " + done + " has finished its path");
		assertThat(any.events()).isGreaterThan(hop.events());
		await(s.resume());
		await(s.pause());
		await(s.setPace(null));
		await(s.resume());
		RunStatus end = await(s.ended());
		assertThat(end.state()).isEqualTo(RunState.FINISHED);
		assertThat(s.report().traceSha256()).isEqualTo(batch.report().traceSha256());
		assertThat(s.report().traceEvents()).isEqualTo(batch.report().traceEvents());
		// controls after the end answer with the final status and change nothing
		assertThat(await(s.step())).isEqualTo(end);
		assertThat(s.inspect(x -> x.paths().size()).get()).isEqualTo((int) end.traceEvents());
	}

	@Test
	void pacedRunPlaysTheSameEvents() throws Exception {
		RunSession batch = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION));
		batch.run();
		// a fast pace: 1 s simulated per wall ms
		RunSession paced = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION).withPace(new Pace(1e9)));
		RunStatus end = paced.run();
		assertThat(end.state()).isEqualTo(RunState.FINISHED);
		assertThat(end.paced()).isTrue();
		assertThat(paced.report().traceSha256()).isEqualTo(batch.report().traceSha256());
	}

	@Test
	void eventLimitStopsTheRunAndSaysSo() {
		RunSession s = RunSession.create(doc(), OBJECTS,
				RunOptions.of(DURATION).withLimits(new RunLimits(500, Long.MAX_VALUE)));
		RunStatus end = s.run();
		assertThat(end.state()).isEqualTo(RunState.STOPPED);
		assertThat(end.limit()).isEqualTo(RunLimits.Limit.MAX_EVENTS);
		assertThat(end.events()).isEqualTo(500);
		assertThat(end.simulatedNs()).isLessThan(DURATION);
		assertThat(end.reason()).startsWith("stopped at the event limit of 500 events, at ")
			.endsWith(end.simulatedNs() + " ns of simulated time");
		assertThat(s.report().simulatedNs()).isEqualTo(end.simulatedNs());
	}

	@Test
	void wallTimeLimitStopsAPausedRun() {
		RunSession s = RunSession.create(doc(), OBJECTS,
				RunOptions.of(DURATION).withStartPaused(true).withLimits(new RunLimits(Long.MAX_VALUE, 1)));
		RunStatus end = s.run();
		assertThat(end.state()).isEqualTo(RunState.STOPPED);
		assertThat(end.limit()).isEqualTo(RunLimits.Limit.MAX_WALL_TIME);
		assertThat(end.reason()).startsWith("stopped at the wall-time limit of 0 ms");
	}

	@Test
	void stopEndsARunWithItsReason() throws Exception {
		RunSession s = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION).withStartPaused(true));
		s.start("run-stop");
		await(s.step());
		RunStatus end = await(s.stop());
		assertThat(end.state()).isEqualTo(RunState.STOPPED);
		assertThat(end.limit()).isNull();
		assertThat(end.reason()).isEqualTo("stopped by request at " + end.simulatedNs() + " ns of simulated time");
		assertThat(end.events()).isEqualTo(1);
		assertThat(s.report()).isNotNull();
	}

	@Test
	void theLiveSinkSeesEveryEvent() {
		long[] n = new long[1];
		List<Function> fns = new ArrayList<>();
		TraceSink live = (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, verdict, drop) -> {
			n[0]++;
			if (fns.size() < 3) {
				fns.add(fn);
			}
		};
		RunSession s = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION).withLive(live).withRecordPaths(false));
		RunStatus end = s.run();
		assertThat(n[0]).isEqualTo(end.traceEvents()).isPositive();
		assertThat(fns).hasSize(3);
		assertThat(s.paths().size()).as("paths not recorded").isZero();
	}

	@Test
	void objectsComeFromTheSourceAndAMissingOneIsALoadError() {
		List<String> asked = new ArrayList<>();
		ObjectSource counting = ref -> {
			asked.add(ref);
			return OBJECTS.load(ref);
		};
		RunSession.create(doc(), counting, RunOptions.of(DURATION));
		assertThat(asked).containsExactly("pod_egress.o");
		ObjectSource none = ref -> {
			throw new NoSuchFileException(ref);
		};
		assertThatThrownBy(() -> RunSession.create(doc(), none, RunOptions.of(DURATION)))
			.isInstanceOf(ProgramLoadException.class)
			.hasMessageContaining("to-nic")
			.hasMessageContaining("cannot read the object: pod_egress.o");
	}

	@Test
	void theReportIsPlainJson() throws IOException {
		RunSession s = RunSession.create(doc(), OBJECTS, RunOptions.of(DURATION));
		s.run();
		JsonMapper json = JsonMapper.builder().build();
		JsonNode n = json.readTree(json.writeValueAsString(s.report()));
		assertThat(n.get("packets").get("dropped").isObject()).isTrue();
		assertThat(n.get("flows").get(0).get("latencyNs").get("p99").asLong()).isPositive();
		assertThat(n.get("maps").get(0).get("entries").isArray()).isTrue();
		assertThat(json.readValue(json.writeValueAsString(s.report()), RunReport.class)).isEqualTo(s.report());
	}

	@Test
	void optionsRefuseNonsense() {
		assertThatThrownBy(() -> RunOptions.of(0)).hasMessageContaining("durationNs must be positive");
		assertThatThrownBy(() -> new Pace(0)).hasMessageContaining("simNsPerWallMs");
		assertThatThrownBy(() -> new RunLimits(0, 1)).hasMessageContaining("maxEvents");
	}

}
