package dev.bpfnet.engine.topology;

import java.util.OptionalInt;

/**
 * One thing wrong with a topology document.
 *
 * @param path where, as {@code nodes[0].namespaces[1].devices[2].rate} ({@code ""} = the
 * whole document)
 * @param message what was expected and what was found
 * @param line 1-based line in the source text, when known
 * @param column 1-based column in the source text, when known
 */
public record Problem(String path, String message, OptionalInt line, OptionalInt column) {

	public Problem {
		if (path == null || message == null || line == null || column == null) {
			throw new IllegalArgumentException("path, message, line and column must not be null");
		}
	}

	/** A problem without a source location. */
	public static Problem at(String path, String message) {
		return new Problem(path, message, OptionalInt.empty(), OptionalInt.empty());
	}

	/** {@code path: message}, the form tests pin and users search for. */
	public String text() {
		return this.path.isEmpty() ? this.message : this.path + ": " + this.message;
	}

	@Override
	public String toString() {
		return this.line.isPresent()
				? text() + " (line " + this.line.getAsInt() + ", column " + this.column.orElse(0) + ")" : text();
	}

}
