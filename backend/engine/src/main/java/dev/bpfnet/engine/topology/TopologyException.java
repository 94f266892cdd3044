package dev.bpfnet.engine.topology;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A topology document that could not be read or does not hold together; carries every
 * problem found.
 */
public final class TopologyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<Problem> problems;

	public TopologyException(List<Problem> problems) {
		super(message(problems));
		this.problems = List.copyOf(problems);
	}

	private static String message(List<Problem> problems) {
		if (problems.isEmpty()) {
			throw new IllegalArgumentException("a TopologyException needs at least one problem");
		}
		return problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the topology:\n  "
				+ problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
	}

	/** Every problem, in document order where known. */
	public List<Problem> problems() {
		return this.problems;
	}

}
