package dev.bpfnet.engine.run;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * A recorded trace on disk: a gzip stream of the magic {@code BPFNTRC1} followed by one
 * fixed {@value #EVENT_BYTES}-byte big-endian record per trace event (the fields of
 * {@link TraceSink#event}, enums by id). Replaying it into recorders rebuilds the
 * per-packet paths, queue series and hash of the run without running it again.
 */
public final class TraceFile {

	/** Bytes per event before compression. */
	public static final int EVENT_BYTES = 8 + 8 + 4 + 1 + 4 + 2 + 4 + 4 + 4 + 4 + 4 + 2;

	private static final byte[] MAGIC = "BPFNTRC1".getBytes(StandardCharsets.US_ASCII);

	private TraceFile() {
	}

	/**
	 * Opens a writer; the caller closes it when the run ends.
	 * @param file the file to create (replaced if it exists)
	 * @return the writer, a trace sink
	 * @throws IOException if the file cannot be created
	 */
	public static Writer write(Path file) throws IOException {
		return new Writer(Files.newOutputStream(file));
	}

	/**
	 * {@link #write(Path)} compressing at {@code Deflater.BEST_SPEED} (the same format,
	 * about 1.6 times larger, a fraction of the CPU: {@code bpfnet run --out}).
	 * @param file the file to create (replaced if it exists)
	 * @return the writer, a trace sink
	 * @throws IOException if the file cannot be created
	 */
	public static Writer writeFast(Path file) throws IOException {
		return new Writer(TraceCsv.fastGzip(Files.newOutputStream(file)));
	}

	/**
	 * Feeds every event of a trace file, in order, to a sink. A file cut short (a run
	 * interrupted by a shutdown) replays up to its last complete event.
	 * @param file the file
	 * @param sink the sink
	 * @return the number of events replayed
	 * @throws IOException if the file cannot be read or is not a trace file
	 */
	public static long replay(Path file, TraceSink sink) throws IOException {
		try (InputStream raw = Files.newInputStream(file)) {
			return replay(raw, sink);
		}
	}

	/**
	 * {@link #replay(Path, TraceSink)} from a stream (not closed).
	 * @param raw the gzip stream
	 * @param sink the sink
	 * @return the number of events replayed
	 * @throws IOException if the stream cannot be read or is not a trace
	 */
	public static long replay(InputStream raw, TraceSink sink) throws IOException {
		DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw), 1 << 16));
		byte[] magic = new byte[MAGIC.length];
		in.readFully(magic);
		if (!Arrays.equals(magic, MAGIC)) {
			throw new IOException("not a bpfnet trace file (bad magic)");
		}
		long n = 0;
		while (true) {
			long t;
			try {
				t = in.readLong();
			}
			catch (EOFException ex) {
				return n;
			}
			try {
				long skb = in.readLong();
				int cpu = in.readInt();
				int ctx = in.readByte();
				int task = in.readInt();
				int fn = in.readShort();
				int dev = in.readInt();
				int ns = in.readInt();
				int q = in.readInt();
				int depth = in.readInt();
				int verdict = in.readInt();
				int drop = in.readShort();
				sink.event(t, skb, cpu, Context.ofId(ctx), task, Function.ofId(fn), dev, ns, q, depth, verdict,
						DropReason.ofId(drop));
				n++;
			}
			catch (EOFException ex) {
				return n;
			}
		}
	}

	/** Writes events as they come; an I/O error stops the writing, never the run. */
	public static final class Writer implements TraceSink, Closeable {

		private final DataOutputStream out;

		private IOException failure;

		private long events;

		Writer(OutputStream raw) throws IOException {
			this(new GZIPOutputStream(raw, 1 << 16));
		}

		/** On a gzip stream of the caller's choice (level). */
		Writer(GZIPOutputStream gzip) throws IOException {
			this.out = new DataOutputStream(new BufferedOutputStream(gzip, 1 << 16));
			this.out.write(MAGIC);
		}

		@Override
		public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId,
				int netnsId, int queueId, int queueDepth, int verdict, DropReason drop) {
			if (this.failure != null) {
				return;
			}
			try {
				DataOutputStream o = this.out;
				o.writeLong(timeNs);
				o.writeLong(skbId);
				o.writeInt(cpu);
				o.writeByte(ctx.id());
				o.writeInt(taskId);
				o.writeShort(fn.id());
				o.writeInt(deviceId);
				o.writeInt(netnsId);
				o.writeInt(queueId);
				o.writeInt(queueDepth);
				o.writeInt(verdict);
				o.writeShort(drop.id());
				this.events++;
			}
			catch (IOException ex) {
				this.failure = ex;
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
