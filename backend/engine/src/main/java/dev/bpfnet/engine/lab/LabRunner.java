package dev.bpfnet.engine.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.bpfnet.engine.hook.ProgramLoadException;
import dev.bpfnet.engine.lab.Lab.RunSpec;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyValidator;

/**
 * Runs every topology of a lab for the lab's duration (each with its own document's seed)
 * and evaluates the checks.
 */
public final class LabRunner {

	private LabRunner() {
	}

	/**
	 * The outcome of checking a lab.
	 *
	 * @param lab the lab
	 * @param runs the finished runs by name, in the lab's order
	 * @param results one per check, in order
	 */
	public record Report(Lab lab, Map<String, LabRun> runs, List<CheckResult> results) {

		/** Whether every check passed. */
		public boolean passed() {
			return this.results.stream().allMatch(CheckResult::passed);
		}

		/** The number of checks that passed. */
		public long passedCount() {
			return this.results.stream().filter(CheckResult::passed).count();
		}

	}

	/**
	 * Runs the lab's topologies. Program objects are relative to each topology file.
	 * @param lab the lab
	 * @return the runs by name
	 * @throws LabException naming the run whose topology does not validate or whose
	 * program does not load
	 */
	public static Map<String, LabRun> run(Lab lab) {
		Map<String, LabRun> runs = new LinkedHashMap<>();
		for (int i = 0; i < lab.runs().size(); i++) {
			RunSpec spec = lab.runs().get(i);
			Path file = lab.dir().resolve(spec.topology());
			String path = "runs[" + i + "].topology";
			try {
				TopologyDocument doc = TopologyParser.parse(file);
				List<Problem> problems = TopologyValidator.validate(doc);
				if (!problems.isEmpty()) {
					throw new TopologyException(problems);
				}
				Path base = file.toAbsolutePath().getParent();
				runs.put(spec.name(), new EngineLabRun(spec.name(), doc, base, lab.durationNs()));
			}
			catch (TopologyException ex) {
				List<Problem> out = new ArrayList<>();
				for (Problem p : ex.problems()) {
					out.add(new Problem(path, spec.topology() + ": " + p, OptionalInt.empty(), OptionalInt.empty()));
				}
				throw new LabException(lab.dir().resolve(LabParser.LAB_FILE).toString(), out);
			}
			catch (ProgramLoadException | IllegalArgumentException ex) {
				throw new LabException(lab.dir().resolve(LabParser.LAB_FILE).toString(),
						List.of(Problem.at(path, spec.topology() + ": " + ex.getMessage())));
			}
		}
		return runs;
	}

	/**
	 * Evaluates the lab's checks on finished runs.
	 * @param lab the lab
	 * @param runs runs by name, one for every run a check names
	 * @return one result per check
	 * @throws IllegalArgumentException if a run a check needs is missing
	 */
	public static List<CheckResult> evaluate(Lab lab, Map<String, LabRun> runs) {
		List<CheckResult> out = new ArrayList<>();
		for (int i = 0; i < lab.checks().size(); i++) {
			Check c = lab.checks().get(i);
			for (String r : c.runs()) {
				if (!runs.containsKey(r)) {
					throw new IllegalArgumentException("checks[" + i + "]: run \"" + r + "\" has no results");
				}
			}
			out.add(c.evaluate(runs, i));
		}
		return out;
	}

	/**
	 * Runs a lab and evaluates its checks.
	 * @param lab the lab
	 * @return the report
	 */
	public static Report check(Lab lab) {
		Map<String, LabRun> runs = run(lab);
		return new Report(lab, runs, evaluate(lab, runs));
	}

}
