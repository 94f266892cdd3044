package dev.bpfnet.engine.lab;

import java.util.List;
import java.util.stream.Collectors;

import dev.bpfnet.engine.topology.Problem;

/**
 * A lab that cannot be read or run: every problem found, each with its path (for example
 * {@code checks[2].metric}) and, when known, its line and column in the file.
 */
public final class LabException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<Problem> problems;

	/**
	 * @param file the file the problems are in (for the message)
	 * @param problems at least one problem
	 */
	public LabException(String file, List<Problem> problems) {
		super(file + ": " + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
		if (problems.isEmpty()) {
			throw new IllegalArgumentException("problems must not be empty");
		}
		this.problems = List.copyOf(problems);
	}

	/** The problems, in the order found. */
	public List<Problem> problems() {
		return this.problems;
	}

}
