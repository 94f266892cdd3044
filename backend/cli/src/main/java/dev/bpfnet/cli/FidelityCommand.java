package dev.bpfnet.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.fidelity.Fidelity;
import dev.bpfnet.engine.fidelity.Result;
import dev.bpfnet.engine.fidelity.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bpfnet fidelity}: runs the calibration scenarios of {@link Fidelity} with the
 * default cost table and scheduling model and prints emulated versus published values and
 * ratios. Exit status 0 only when every scenario's emulated ratio is within its band of
 * the published one, 1 otherwise (see docs/fidelity.md for the known misses).
 */
@Command(name = "fidelity", mixinStandardHelpOptions = true,
		description = "Run the calibration scenarios and compare emulated with published numbers.")
final class FidelityCommand implements java.util.concurrent.Callable<Integer> {

	@Option(names = "--seed", description = "seed of every scenario run (default 1)", defaultValue = "1")
	long seed;

	@Option(names = "--json", description = "print one JSON object")
	boolean json;

	@Override
	public Integer call() {
		List<Result> results = Fidelity.runAll(this.seed);
		boolean all = true;
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Result r : results) {
			Scenario s = r.scenario();
			all &= r.withinBand();
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("name", s.name());
			m.put("source", s.source());
			m.put("published", List.of(s.publishedA(), s.publishedB()));
			m.put("emulated", java.util.Arrays.asList(finite(r.emulatedA()), finite(r.emulatedB())));
			m.put("unit", s.unit());
			m.put("ratioPublished", round(s.publishedRatio()));
			m.put("ratioEmulated", finite(r.emulatedRatio()));
			m.put("band", s.band());
			m.put("withinBand", r.withinBand());
			m.put("note", r.note());
			rows.add(m);
		}
		if (this.json) {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("seed", this.seed);
			out.put("scenarios", rows);
			System.out.println(JsonMapper.builder().build().writeValueAsString(out));
		}
		else {
			System.out.printf("%-22s %-20s %-22s %9s %9s %s%n", "scenario", "published A / B", "emulated A / B",
					"ratio pub", "ratio emu", "within ±band");
			for (Result r : results) {
				Scenario s = r.scenario();
				System.out.printf("%-22s %-20s %-22s %9.3f %9.3f %s%n", s.name(),
						String.format("%.2f / %.2f %s", s.publishedA(), s.publishedB(), s.unit()),
						String.format("%.2f / %.2f", r.emulatedA(), r.emulatedB()), s.publishedRatio(),
						r.emulatedRatio(), r.withinBand() ? "yes" : "NO");
				System.out.println("    " + r.note());
			}
			System.out.println(all ? "all scenarios within their band" : "some scenarios miss their band");
		}
		return all ? 0 : 1;
	}

	/** JSON has no NaN: a failed or undefined value is null. */
	private static Object finite(double v) {
		return Double.isFinite(v) ? round(v) : null;
	}

	private static double round(double v) {
		return Math.round(v * 1000) / 1000.0;
	}

}
