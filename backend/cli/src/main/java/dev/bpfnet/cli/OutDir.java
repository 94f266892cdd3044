package dev.bpfnet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.bpfnet.engine.run.TraceCsv;
import dev.bpfnet.engine.run.TraceFile;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * {@code bpfnet run --out DIR}: the full trace and the results of a run, in a directory
 * (created if missing; files of the same names are replaced):
 * <ul>
 * <li>{@code trace.csv.gz}: every trace event, one line each ({@link TraceCsv}), streamed
 * while the run goes, so a long run costs disk, not heap;</li>
 * <li>{@code trace.bpfntrc.gz}: the same events in the binary {@link TraceFile} format
 * the server stores (replayable into the engine's recorders);</li>
 * <li>{@code report.json}: what {@code --json} prints;</li>
 * <li>{@code topology.yaml}: the document as run (with {@code --seed} applied).</li>
 * </ul>
 */
final class OutDir {

	static final String TRACE_CSV = "trace.csv.gz";

	static final String TRACE_BIN = "trace.bpfntrc.gz";

	static final String REPORT = "report.json";

	static final String TOPOLOGY = "topology.yaml";

	private final Path dir;

	private TraceCsv.Writer csv;

	private TraceFile.Writer bin;

	private OutDir(Path dir) {
		this.dir = dir;
	}

	/**
	 * Creates the directory (and its parents) before the run, so that a bad path fails
	 * before any work.
	 * @throws BpfCommand.CliException naming the path when it cannot be created
	 */
	static OutDir create(Path dir) {
		if (Files.exists(dir) && !Files.isDirectory(dir)) {
			throw new BpfCommand.CliException("--out " + dir + ": exists and is not a directory");
		}
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new BpfCommand.CliException("--out " + dir + ": cannot create the directory: " + ex.getMessage());
		}
		if (!Files.isWritable(dir)) {
			throw new BpfCommand.CliException("--out " + dir + ": the directory is not writable");
		}
		return new OutDir(dir);
	}

	/** Opens the trace files; the names are the run's (looked up per event). */
	void open(Names names) {
		try {
			this.csv = TraceCsv.write(this.dir.resolve(TRACE_CSV), names);
			this.bin = TraceFile.writeFast(this.dir.resolve(TRACE_BIN));
		}
		catch (IOException ex) {
			closeTraces();
			throw new BpfCommand.CliException(
					"--out " + this.dir + ": cannot create the trace files: " + ex.getMessage());
		}
	}

	/** The sink writing both trace files. */
	TraceSink sink() {
		return Tee.of(this.csv, this.bin);
	}

	/** Events written to the CSV trace. */
	long events() {
		return (this.csv != null) ? this.csv.events() : 0;
	}

	/**
	 * Closes the trace files.
	 * @throws BpfCommand.CliException when a write failed (disk full), naming the file
	 */
	void closeTraces() {
		String failed = null;
		if (this.csv != null) {
			try {
				this.csv.close();
			}
			catch (IOException ex) {
				failed = TRACE_CSV + ": " + ex.getMessage();
			}
		}
		if (this.bin != null) {
			try {
				this.bin.close();
			}
			catch (IOException ex) {
				failed = (failed == null ? "" : failed + "; ") + TRACE_BIN + ": " + ex.getMessage();
			}
		}
		this.csv = (this.csv != null && failed == null) ? this.csv : null;
		if (failed != null) {
			throw new BpfCommand.CliException("--out " + this.dir + ": cannot write the trace: " + failed);
		}
	}

	/** Writes the report and the document. */
	void finish(String reportJson, String topologyYaml) {
		try {
			Files.writeString(this.dir.resolve(REPORT), reportJson + "\n", StandardCharsets.UTF_8);
			Files.writeString(this.dir.resolve(TOPOLOGY), topologyYaml, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new BpfCommand.CliException("--out " + this.dir + ": cannot write the results: " + ex.getMessage());
		}
	}

	/** What was written, for the plain output. */
	String describe() {
		return this.dir + "/{" + TRACE_CSV + " (" + events() + " events), " + TRACE_BIN + ", " + REPORT + ", "
				+ TOPOLOGY + "}";
	}

}
