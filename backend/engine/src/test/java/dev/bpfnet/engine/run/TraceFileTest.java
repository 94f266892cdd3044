package dev.bpfnet.engine.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.TraceHasher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A trace written during a run replays into the same hash and paths. */
class TraceFileTest {

	@TempDir
	Path tmp;

	@Test
	void aRecordedTraceReplaysToTheSameHashAndPaths() throws IOException {
		Path file = this.tmp.resolve("t.trace.gz");
		RunSession s;
		try (TraceFile.Writer w = TraceFile.write(file)) {
			s = RunSession.create(RunSessionTest.doc(), RunSessionTest.OBJECTS,
					RunOptions.of(RunSessionTest.DURATION).withLive(w));
			s.run();
			assertThat(w.events()).isEqualTo(s.report().traceEvents());
		}
		TraceHasher hasher = new TraceHasher();
		PathRecorder paths = new PathRecorder();
		long n = TraceFile.replay(file, dev.bpfnet.engine.trace.Tee.of(hasher, paths));
		assertThat(n).isEqualTo(s.report().traceEvents());
		assertThat(hasher.hex()).isEqualTo(s.report().traceSha256());
		assertThat(paths.step(paths.size() - 1)).isEqualTo(s.paths().step(s.paths().size() - 1));
		assertThat(Files.size(file)).as("compressed").isLessThan(n * TraceFile.EVENT_BYTES / 2);
	}

	@Test
	void aCutFileReplaysItsCompleteEventsAndGarbageIsRefused() throws IOException {
		Path file = this.tmp.resolve("t.trace.gz");
		try (TraceFile.Writer w = TraceFile.write(file)) {
			RunSession
				.create(RunSessionTest.doc(), RunSessionTest.OBJECTS,
						RunOptions.of(RunSessionTest.DURATION).withLive(w))
				.run();
		}
		Path cut = this.tmp.resolve("cut.gz");
		// a gzip stream cut mid-way (a run that never closed its file): the events before
		// the cut replay
		byte[] all = Files.readAllBytes(file);
		Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
		long[] n = new long[1];
		long total = TraceFile.replay(file, (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, v, d) -> {
		});
		long replayed = TraceFile.replay(cut, (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, v, d) -> n[0]++);
		assertThat(replayed).isEqualTo(n[0]).isPositive().isLessThan(total);
		Path bad = this.tmp.resolve("bad.gz");
		try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bad))) {
			out.write("not a trace".getBytes());
		}
		assertThatThrownBy(() -> TraceFile.replay(bad, (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, v, d) -> {
		})).hasMessageContaining("not a bpfnet trace file");
	}

}
