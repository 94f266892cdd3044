package dev.bpfnet.server.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.bpfnet.engine.capture.CaptureSession;
import dev.bpfnet.engine.capture.HopRecorder;
import dev.bpfnet.engine.capture.PerfettoExporter;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.TraceFile;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.trace.FrameTap.Direction;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Ids;
import dev.bpfnet.server.config.BpfnetProperties;
import dev.bpfnet.server.live.NameTable;
import dev.bpfnet.server.live.TraceEventView;
import dev.bpfnet.server.run.RunService;

/**
 * Makes a run's output files by re-running it ({@link RunService#rerun}) with a
 * {@link CaptureSession} or a {@link HopRecorder} attached. Files go to a fresh directory
 * under {@code ${bpfnet.data-dir}/exports/}, which the caller deletes once the file is
 * sent ({@link Export#delete()}). An output above {@link #MAX_OUTPUT_BYTES} is refused
 * with 413.
 */
@Service
public class ExportService {

	/** The largest output file sent: 64 MiB. */
	public static final long MAX_OUTPUT_BYTES = 64L << 20;

	private final RunService runs;

	private final Path exportsDir;

	public ExportService(RunService runs, BpfnetProperties props) {
		this.runs = runs;
		this.exportsDir = props.dataDir().resolve("exports");
	}

	/**
	 * An output file and the directory to delete after sending it.
	 *
	 * @param file the file
	 * @param dir its temporary directory
	 * @param size its size in bytes
	 */
	public record Export(Path file, Path dir, long size) {

		/** Deletes the file and its directory. */
		public void delete() {
			ExportService.deleteTree(this.dir);
		}

	}

	/**
	 * The packet of an skb at every tap point, decoded, with the steps (functions) of its
	 * path.
	 *
	 * @param skb the skb id
	 * @param steps the packet's path, function by function, as {@code /packets/{skb}}
	 * gives it
	 * @param hops the frame at each device it crossed, decoded layer by layer (fields
	 * with byte ranges) with the header diff against the previous hop
	 */
	public record PacketHops(long skb, List<TraceEventView> steps, List<HopRecorder.Hop> hops) {
	}

	/** The pcap of one device, in, out or both. */
	public Mono<Export> pcap(String owner, String id, String device, String direction) {
		Set<Direction> dirs = directions(direction);
		DeviceRef ref = device(device);
		return capture(owner, id, "device.pcap",
				(file) -> new CaptureSession.Request(List.of(new CaptureSession.DeviceSpec(ref, dirs, file)), null,
						null, null));
	}

	/** The path capture (pcapng, one interface per hop). */
	public Mono<Export> pathCapture(String owner, String id) {
		return capture(owner, id, "path.pcapng", (file) -> new CaptureSession.Request(List.of(), file, null, null));
	}

	/** The per-packet latency CSV. */
	public Mono<Export> latencyCsv(String owner, String id) {
		return capture(owner, id, "latency.csv", (file) -> new CaptureSession.Request(List.of(), null, file, null));
	}

	/**
	 * The Perfetto trace-event JSON: from the stored trace file (replayed into a
	 * {@link PathRecorder}, with the nodes and CPUs of the run's engine built again, not
	 * run), or from a re-run once retention has deleted the file.
	 */
	public Mono<Export> perfetto(String owner, String id) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("run", id));
		}
		return tempDir(id).flatMap((dir) -> {
			Path file = dir.resolve("perfetto.json");
			return this.runs.fromTrace(owner, id, (built, trace) -> {
				PathRecorder recorder = new PathRecorder();
				TraceFile.replay(trace, recorder);
				try (OutputStream out = Files.newOutputStream(file)) {
					PerfettoExporter.of(built.engine(), recorder).write(out);
				}
				return checked(file, dir, "perfetto.json", id);
			}).doOnSuccess((e) -> {
				if (e == null) {
					deleteTree(dir);
				}
			}).doOnError((ex) -> deleteTree(dir)).doOnCancel(() -> deleteTree(dir));
		})
			.switchIfEmpty(Mono.defer(() -> capture(owner, id, "perfetto.json",
					(file) -> new CaptureSession.Request(List.of(), null, null, file))));
	}

	private Mono<Path> tempDir(String id) {
		return Mono.fromCallable(() -> {
			Files.createDirectories(this.exportsDir);
			return Files.createTempDirectory(this.exportsDir, id + "-");
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private static Export checked(Path file, Path dir, String name, String id) throws IOException {
		long size = Files.size(file);
		if (size > MAX_OUTPUT_BYTES) {
			throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "output-too-large", "Output too large",
					name + " of run '" + id + "' has " + size + " bytes, more than the " + MAX_OUTPUT_BYTES
							+ " bytes an export may have; capture a single device or a shorter run",
					List.of());
		}
		return new Export(file, dir, size);
	}

	/** The hops of one packet; 404 for an skb the run never had. */
	public Mono<PacketHops> hops(String owner, String id, long skb) {
		return this.runs.rerun(owner, id, new RunService.Rerun<PacketHops>() {

			private HopRecorder recorder;

			@Override
			public RunOptions options(RunOptions base) {
				return base.withRecordPaths(true);
			}

			@Override
			public void attach(RunSession session) {
				HopRecorder r = new HopRecorder(session.engine().names(), HopRecorder.DEFAULT_MAX_BYTES);
				this.recorder = r;
				// only the asked packet's frames are kept
				session.engine().setFrameTap((t, s, cpu, dev, dir, buf, off, len) -> {
					if (s == skb) {
						r.frame(t, s, cpu, dev, dir, buf, off, len);
					}
				});
			}

			@Override
			public PacketHops finish(RunSession session) {
				List<Step> path = session.paths().path(skb);
				if (path.isEmpty()) {
					throw ApiException.notFound("skb", Long.toString(skb));
				}
				NameTable names = NameTable.of(session.engine().names());
				List<TraceEventView> steps = new ArrayList<>(path.size());
				for (Step s : path) {
					steps.add(TraceEventView.of(s, names));
				}
				if (this.recorder.dropped() > 0) {
					throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "output-too-large", "Output too large",
							"the frames of skb " + skb + " exceed " + this.recorder.maxBytes() + " bytes", List.of());
				}
				return new PacketHops(skb, steps, this.recorder.hops(skb));
			}

		});
	}

	private interface RequestFor {

		CaptureSession.Request request(Path file);

	}

	private Mono<Export> capture(String owner, String id, String name, RequestFor what) {
		if (!Ids.looksValid(id)) {
			return Mono.error(ApiException.notFound("run", id));
		}
		return tempDir(id).flatMap((dir) -> {
			Path file = dir.resolve(name);
			CaptureSession.Request request = what.request(file);
			return this.runs.rerun(owner, id, new RunService.Rerun<Export>() {

				private CaptureSession capture;

				@Override
				public RunOptions options(RunOptions base) {
					this.capture = new CaptureSession(request, null);
					return base.withLive(this.capture.traceSink());
				}

				@Override
				public void attach(RunSession session) {
					try {
						this.capture.attach(session.engine());
					}
					catch (IllegalArgumentException ex) {
						throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-export", "Invalid export",
								"device", ex.getMessage());
					}
				}

				@Override
				public Export finish(RunSession session) throws IOException {
					this.capture.close();
					return checked(file, dir, name, id);
				}

			}).doOnError((ex) -> deleteTree(dir)).doOnCancel(() -> deleteTree(dir));
		});
	}

	static Set<Direction> directions(String direction) {
		if (direction == null || direction.equals("both")) {
			return EnumSet.allOf(Direction.class);
		}
		return switch (direction) {
			case "in" -> EnumSet.of(Direction.IN);
			case "out" -> EnumSet.of(Direction.OUT);
			default -> throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					"direction", "must be in, out or both, got '" + direction + "'");
		};
	}

	static DeviceRef device(String device) {
		if (device == null || device.isBlank()) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "device",
					"give the device as node/namespace/device");
		}
		try {
			return DeviceRef.of(device);
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-export", "Invalid export", "device",
					ex.getMessage());
		}
	}

	static void deleteTree(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException ex) {
					// left for the next start-up
				}
			});
		}
		catch (IOException ex) {
			// left for the next start-up
		}
	}

}
