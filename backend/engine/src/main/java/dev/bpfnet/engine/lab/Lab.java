package dev.bpfnet.engine.lab;

import java.nio.file.Path;
import java.util.List;

/**
 * A lab as read from its folder (DESIGN.md §7).
 *
 * @param dir the lab's folder
 * @param id the folder name, e.g. {@code 01-pod-egress}
 * @param title short title
 * @param summary one paragraph, markdown
 * @param question the question the lab answers, one sentence (empty when the lab.yaml
 * gives none)
 * @param durationNs simulated time of every run
 * @param steps the instructions, in order
 * @param runs the topologies the lab runs, each under a name the checks use
 * @param checks the predicates on the runs' results
 */
public record Lab(Path dir, String id, String title, String summary, String question, long durationNs,
		List<LabStep> steps, List<RunSpec> runs, List<Check> checks) {

	public Lab {
		question = (question != null) ? question : "";
		steps = List.copyOf(steps);
		runs = List.copyOf(runs);
		checks = List.copyOf(checks);
	}

	/**
	 * One step of the instructions.
	 *
	 * @param title heading
	 * @param text markdown
	 */
	public record LabStep(String title, String text) {
	}

	/**
	 * One run of the lab.
	 *
	 * @param name the name checks refer to ({@code veth}, {@code bpfnet})
	 * @param topology the topology file, relative to the lab folder
	 * @param description what this run shows, or empty
	 */
	public record RunSpec(String name, String topology, String description) {
	}

	/** The run with this name, or null. */
	public RunSpec run(String name) {
		return this.runs.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
	}

}
