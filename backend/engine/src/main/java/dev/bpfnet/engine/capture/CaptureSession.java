package dev.bpfnet.engine.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.trace.FrameTap;
import dev.bpfnet.engine.trace.FrameTap.Direction;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * The outputs of one run that go to files (the CLI's {@code --capture/--pcap},
 * {@code --path-capture}, {@code --latency-csv}, {@code --perfetto}; the server's
 * downloads): built from a {@link Request} before the engine (its {@link #traceSink()}
 * goes into the engine's options), {@link #attach attached} to the engine (opens the
 * capture files, sets the frame tap), and {@link #close() closed} after the run (writes
 * the CSV and the Perfetto JSON, closes the captures). Device names are checked at
 * {@link #attach}, before any file is created.
 */
public final class CaptureSession implements AutoCloseable {

	/**
	 * One device capture.
	 *
	 * @param device {@code node/namespace/device}
	 * @param directions in, out or both
	 * @param file the pcap file
	 */
	public record DeviceSpec(DeviceRef device, Set<Direction> directions, Path file) {

		public DeviceSpec {
			Objects.requireNonNull(device, "device");
			Objects.requireNonNull(file, "file");
			directions = Set.copyOf(directions);
			if (directions.isEmpty()) {
				throw new IllegalArgumentException("directions: expected in, out or both, got none");
			}
		}

		/**
		 * Parses {@code node/ns/dev}, {@code node/ns/dev:in} or {@code node/ns/dev:out}.
		 * @throws IllegalArgumentException naming what is wrong
		 */
		public static DeviceSpec parse(String text, Path file) {
			String ref = text;
			Set<Direction> dirs = EnumSet.allOf(Direction.class);
			int colon = text.lastIndexOf(':');
			if (colon >= 0) {
				String d = text.substring(colon + 1);
				ref = text.substring(0, colon);
				dirs = switch (d) {
					case "in" -> EnumSet.of(Direction.IN);
					case "out" -> EnumSet.of(Direction.OUT);
					case "inout", "both" -> EnumSet.allOf(Direction.class);
					default -> throw new IllegalArgumentException(
							"capture " + text + ": direction must be in, out or inout, got \"" + d + "\"");
				};
			}
			DeviceRef r;
			try {
				r = DeviceRef.of(ref);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("capture " + text + ": " + ex.getMessage(), ex);
			}
			return new DeviceSpec(r, dirs, file);
		}

	}

	/**
	 * What to write; {@code null} paths are not written.
	 *
	 * @param devices device captures
	 * @param pathCapture the path pcapng
	 * @param latencyCsv the per-packet CSV
	 * @param perfetto the trace-event JSON
	 */
	public record Request(List<DeviceSpec> devices, Path pathCapture, Path latencyCsv, Path perfetto) {

		public Request {
			devices = List.copyOf(devices);
		}

		/** Whether anything is asked for. */
		public boolean isEmpty() {
			return this.devices.isEmpty() && this.pathCapture == null && this.latencyCsv == null
					&& this.perfetto == null;
		}

	}

	private final Request request;

	private final PathRecorder recorder;

	private final LatencyCsv latency;

	private final List<AutoCloseable> open = new ArrayList<>();

	private final List<DeviceCapture> deviceCaptures = new ArrayList<>();

	private PathCapture pathCapture;

	private Engine engine;

	/**
	 * @param request what to write
	 * @param recorder the run's path recorder when it has one (reused for Perfetto), or
	 * {@code null} to make one if Perfetto is asked for
	 */
	public CaptureSession(Request request, PathRecorder recorder) {
		this.request = Objects.requireNonNull(request, "request");
		this.recorder = (request.perfetto() == null) ? recorder : (recorder != null) ? recorder : new PathRecorder();
		this.latency = (request.latencyCsv() != null) ? new LatencyCsv() : null;
	}

	/**
	 * The sink to add to the engine's trace (a recorder for Perfetto, the latency CSV),
	 * or {@link TraceSink#NONE}.
	 */
	public TraceSink traceSink() {
		List<TraceSink> sinks = new ArrayList<>();
		if (this.request.perfetto() != null) {
			sinks.add(this.recorder);
		}
		if (this.latency != null) {
			sinks.add(this.latency);
		}
		return Tee.of(sinks.toArray(new TraceSink[0]));
	}

	/**
	 * Opens the capture files and sets the engine's frame tap.
	 * @throws IllegalArgumentException for an unknown device (before any file is
	 * created), {@link CaptureException} for a file that cannot be created
	 */
	public void attach(Engine engine) {
		this.engine = engine;
		int[] ids = new int[this.request.devices().size()];
		for (int i = 0; i < ids.length; i++) {
			DeviceSpec d = this.request.devices().get(i);
			try {
				ids[i] = engine.traceDeviceId(d.device().toString());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("capture " + d.device() + ": " + ex.getMessage(), ex);
			}
		}
		List<FrameTap> taps = new ArrayList<>();
		try {
			for (int i = 0; i < ids.length; i++) {
				DeviceSpec d = this.request.devices().get(i);
				DeviceCapture c = new DeviceCapture(d.file(), ids[i], d.directions(), 0);
				this.open.add(c);
				this.deviceCaptures.add(c);
				taps.add(c);
			}
			if (this.request.pathCapture() != null) {
				this.pathCapture = new PathCapture(this.request.pathCapture(), engine.names(), id -> true, 0);
				this.open.add(this.pathCapture);
				taps.add(this.pathCapture);
			}
		}
		catch (RuntimeException ex) {
			closeQuietly();
			throw ex;
		}
		engine.setFrameTap(FrameTaps.of(taps));
	}

	/** Frames written per device capture, in request order. */
	public List<Long> deviceFrames() {
		return this.deviceCaptures.stream().map(DeviceCapture::frames).toList();
	}

	/** Frames written to the path capture (0 without one). */
	public long pathFrames() {
		return (this.pathCapture != null) ? this.pathCapture.frames() : 0;
	}

	/** Writes the CSV and the Perfetto JSON, closes the captures, detaches the tap. */
	@Override
	public void close() {
		if (this.engine != null) {
			this.engine.setFrameTap(null);
		}
		closeQuietly();
		if (this.engine == null) {
			return;
		}
		try {
			if (this.latency != null) {
				try (Writer w = Files.newBufferedWriter(this.request.latencyCsv(), StandardCharsets.UTF_8)) {
					this.latency.write(w, this.engine.names());
				}
			}
			if (this.request.perfetto() != null) {
				try (OutputStream out = Files.newOutputStream(this.request.perfetto())) {
					PerfettoExporter.of(this.engine, this.recorder).write(out);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void closeQuietly() {
		for (AutoCloseable c : this.open) {
			try {
				c.close();
			}
			catch (Exception ex) {
				// the other files are still closed
			}
		}
		this.open.clear();
	}

}
