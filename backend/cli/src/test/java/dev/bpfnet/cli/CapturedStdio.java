package dev.bpfnet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For tests that run a command in-process: {@code System.out} and {@code System.err} go
 * to {@link #out} and {@link #err} during each test and are restored after it.
 */
abstract class CapturedStdio {

	protected final ByteArrayOutputStream out = new ByteArrayOutputStream();

	protected final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private PrintStream savedOut;

	private PrintStream savedErr;

	@BeforeEach
	void captureStdio() {
		this.savedOut = System.out;
		this.savedErr = System.err;
		System.setOut(new PrintStream(this.out, true, StandardCharsets.UTF_8));
		System.setErr(new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	@AfterEach
	void restoreStdio() {
		System.setOut(this.savedOut);
		System.setErr(this.savedErr);
	}

	/** What the command printed on standard output so far. */
	protected String stdout() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	/** What the command printed on standard error so far. */
	protected String stderr() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
