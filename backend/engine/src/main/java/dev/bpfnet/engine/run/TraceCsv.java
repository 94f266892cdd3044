package dev.bpfnet.engine.run;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.trace.Verdict;

/**
 * The full trace of a run as gzip'd CSV, one line per trace event, streamed as the run
 * goes (nothing is held in memory, so a long run costs disk, not heap): what
 * {@code bpfnet run --out DIR} writes as {@code trace.csv.gz} for people and scripts
 * ({@code zcat trace.csv.gz | awk -F, '$2 == 42'} is the path of skb 42). Columns: <pre>
 * time_ns,skb,cpu,context,task,function,device,netns,queue,depth,verdict,drop_reason
 * </pre> ids are written as the run's names ({@link Names}: {@code n1/cpu0},
 * {@code n1/pod1/eth0}, ...); absent values are empty; {@code function} is the kernel's
 * spelling; {@code verdict} is the program's raw return value followed by its name when
 * it has one ({@code 7 REDIRECT}); {@code drop_reason} is the kernel's
 * {@code SKB_DROP_REASON_*} suffix when the event frees the skb. Names are looked up when
 * each event is written, so the engine may register them after the writer is made.
 */
public final class TraceCsv {

	/** The header line. */
	public static final String HEADER = "time_ns,skb,cpu,context,task,function,device,netns,queue,depth,verdict,drop_reason";

	private TraceCsv() {
	}

	/**
	 * Creates {@code file} (replaced if it exists) and returns a writer; the caller
	 * closes it when the run ends.
	 * @param file the file
	 * @param names the run's names (filled in by the engine)
	 * @return the writer, a trace sink
	 * @throws IOException if the file cannot be created
	 */
	public static Writer write(Path file, Names names) throws IOException {
		return new Writer(Files.newOutputStream(file), names);
	}

	/**
	 * A writer on a stream (closed with the writer).
	 * @param raw where the gzip stream goes
	 * @param names the run's names
	 * @return the writer
	 * @throws IOException if the header cannot be written
	 */
	public static Writer write(OutputStream raw, Names names) throws IOException {
		return new Writer(raw, names);
	}

	/**
	 * A gzip stream at {@link java.util.zip.Deflater#BEST_SPEED}: a trace is large and
	 * repetitive, level 1 compresses it nearly as well as the default level 6 at a
	 * fraction of the CPU, which a long run would otherwise spend mostly compressing.
	 */
	static GZIPOutputStream fastGzip(OutputStream raw) throws IOException {
		return new GZIPOutputStream(raw, 1 << 16) {
			{
				this.def.setLevel(java.util.zip.Deflater.BEST_SPEED);
			}
		};
	}

	/** Writes events as they come; an I/O error stops the writing, never the run. */
	public static final class Writer implements TraceSink, Closeable {

		private final java.io.Writer out;

		private final Names names;

		private final StringBuilder line = new StringBuilder(160);

		private IOException failure;

		private long events;

		Writer(OutputStream raw, Names names) throws IOException {
			this.names = java.util.Objects.requireNonNull(names, "names");
			this.out = new BufferedWriter(new OutputStreamWriter(fastGzip(raw), StandardCharsets.UTF_8), 1 << 16);
			this.out.write(HEADER);
			this.out.write('\n');
		}

		@Override
		public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId,
				int netnsId, int queueId, int queueDepth, int verdict, DropReason drop) {
			if (this.failure != null) {
				return;
			}
			StringBuilder b = this.line;
			b.setLength(0);
			b.append(timeNs).append(',');
			if (skbId != TraceSink.NO_SKB) {
				b.append(skbId);
			}
			b.append(',');
			name(b, Names.Kind.CPU, cpu);
			b.append(',').append(ctx.name().toLowerCase(Locale.ROOT)).append(',');
			name(b, Names.Kind.TASK, taskId);
			b.append(',').append(fn.kernelName()).append(',');
			name(b, Names.Kind.DEVICE, deviceId);
			b.append(',');
			name(b, Names.Kind.NETNS, netnsId);
			b.append(',');
			name(b, Names.Kind.QUEUE, queueId);
			b.append(',');
			if (queueDepth != TraceSink.NO_ID) {
				b.append(queueDepth);
			}
			b.append(',');
			if (verdict != TraceSink.NO_VERDICT) {
				b.append(verdict);
				Verdict v = Verdict.ofCode(verdict);
				if (v != null) {
					b.append(' ').append(v.name());
				}
			}
			b.append(',');
			if (drop != DropReason.NOT_DROPPED_YET) {
				b.append(drop.name());
			}
			b.append('\n');
			try {
				this.out.append(b);
				this.events++;
			}
			catch (IOException ex) {
				this.failure = ex;
			}
		}

		private void name(StringBuilder b, Names.Kind kind, int id) {
			if (id != TraceSink.NO_ID) {
				String n = this.names.name(kind, id);
				// names are [A-Za-z0-9_.-/#]: no quoting needed, but never let a comma
				// through
				b.append(n.indexOf(',') >= 0 ? n.replace(',', ';') : n);
			}
		}

		/** Events written. */
		public long events() {
			return this.events;
		}

		/** The error that stopped the writing, or {@code null}. */
		public IOException failure() {
			return this.failure;
		}

		@Override
		public void close() throws IOException {
			this.out.close();
			if (this.failure != null) {
				throw this.failure;
			}
		}

	}

}
