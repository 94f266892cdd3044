package dev.bpfnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.lab.CheckResult;
import dev.bpfnet.engine.lab.EngineLabRun;
import dev.bpfnet.engine.lab.Lab;
import dev.bpfnet.engine.lab.LabException;
import dev.bpfnet.engine.lab.LabParser;
import dev.bpfnet.engine.lab.LabRun;
import dev.bpfnet.engine.lab.LabRunner;
import dev.bpfnet.engine.topology.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bpfnet lab list} and {@code bpfnet lab check LAB}: the labs of {@code labs/}
 * (DESIGN.md §7, labs/README.md). {@code check} runs every topology of a lab and prints
 * each check's pass/fail with the observed values; exit status 1 if a check fails or the
 * lab cannot be read.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
		description = "List the labs, or run a lab and evaluate its checks.",
		subcommands = { LabCommand.ListCommand.class, LabCommand.CheckCommand.class })
final class LabCommand implements Runnable {

	@picocli.CommandLine.Spec
	picocli.CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		this.spec.commandLine().usage(System.out);
	}

	static int problems(LabException ex) {
		for (Problem p : ex.problems()) {
			System.err.println(p);
		}
		return 1;
	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List the labs: id, title, runs and checks.")
	static final class ListCommand implements java.util.concurrent.Callable<Integer> {

		@Option(names = "--dir", description = "the labs folder (default: ./labs)", defaultValue = "labs")
		Path dir;

		@Option(names = "--json", description = "print one JSON array")
		boolean json;

		@Override
		public Integer call() throws IOException {
			if (!Files.isDirectory(this.dir)) {
				throw new BpfCommand.CliException("no labs folder " + this.dir.toAbsolutePath()
						+ " (run from the repository root or pass --dir)");
			}
			List<Map<String, Object>> rows = new ArrayList<>();
			int status = 0;
			for (Path d : LabParser.labDirs(this.dir)) {
				try {
					Lab lab = LabParser.parse(d);
					Map<String, Object> m = new LinkedHashMap<>();
					m.put("id", lab.id());
					m.put("title", lab.title());
					m.put("summary", lab.summary());
					m.put("question", lab.question());
					m.put("runs", lab.runs().stream().map(Lab.RunSpec::name).toList());
					m.put("steps", lab.steps().size());
					m.put("checks", lab.checks().size());
					rows.add(m);
				}
				catch (LabException ex) {
					System.err.println(d.getFileName() + ":");
					problems(ex);
					status = 1;
				}
			}
			if (this.json) {
				System.out.println(JsonMapper.builder().build().writeValueAsString(rows));
			}
			else {
				for (Map<String, Object> m : rows) {
					System.out.printf("%-22s %s (runs %s, %s checks)%n", m.get("id"), m.get("title"),
							String.join(", ", asStrings(m.get("runs"))), m.get("checks"));
				}
			}
			return status;
		}

	}

	@Command(name = "check", mixinStandardHelpOptions = true,
			description = "Run every topology of a lab and evaluate its checks; exit 1 if one fails.")
	static final class CheckCommand implements java.util.concurrent.Callable<Integer> {

		@Parameters(paramLabel = "LAB", description = "a lab folder (labs/01-pod-egress) or a lab id (01-pod-egress)")
		String lab;

		@Option(names = "--dir", description = "the labs folder for a lab id (default: ./labs)", defaultValue = "labs")
		Path dir;

		@Option(names = "--json", description = "print one JSON object")
		boolean json;

		@Override
		public Integer call() {
			Path folder = Path.of(this.lab);
			if (!Files.isRegularFile(folder.resolve(LabParser.LAB_FILE))) {
				Path byId = this.dir.resolve(this.lab);
				if (!Files.isRegularFile(byId.resolve(LabParser.LAB_FILE))) {
					throw new BpfCommand.CliException("no lab " + this.lab + ": neither " + folder + "/"
							+ LabParser.LAB_FILE + " nor " + byId + "/" + LabParser.LAB_FILE + " exists");
				}
				folder = byId;
			}
			LabRunner.Report report;
			try {
				report = LabRunner.check(LabParser.parse(folder));
			}
			catch (LabException ex) {
				return problems(ex);
			}
			if (this.json) {
				System.out.println(JsonMapper.builder().build().writeValueAsString(json(report)));
			}
			else {
				Lab l = report.lab();
				System.out.println(l.id() + ": " + l.title());
				for (LabRun r : report.runs().values()) {
					System.out.printf("  run %-8s %s: %d packets sent, %d delivered, drops %s%n", r.name(),
							l.run(r.name()).topology(), r.sent(), r.delivered(), r.drops());
				}
				for (CheckResult c : report.results()) {
					System.out.printf("%s [%d] %s%n       %s%n", c.passed() ? "PASS" : "FAIL", c.index(), c.title(),
							c.message());
				}
				System.out.printf("%d of %d checks passed%n", report.passedCount(), report.results().size());
			}
			return report.passed() ? 0 : 1;
		}

		private static Map<String, Object> json(LabRunner.Report report) {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("id", report.lab().id());
			out.put("title", report.lab().title());
			out.put("passed", report.passed());
			List<Object> runs = new ArrayList<>();
			for (LabRun r : report.runs().values()) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("name", r.name());
				m.put("topology", report.lab().run(r.name()).topology());
				m.put("sent", r.sent());
				m.put("delivered", r.delivered());
				Map<String, Long> drops = new LinkedHashMap<>();
				r.drops().forEach((k, v) -> drops.put(k.name(), v));
				m.put("dropped", drops);
				if (r instanceof EngineLabRun e) {
					m.put("traceSha256", e.traceSha256());
				}
				runs.add(m);
			}
			out.put("runs", runs);
			List<Object> checks = new ArrayList<>();
			for (CheckResult c : report.results()) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("index", c.index());
				m.put("kind", c.kind());
				m.put("title", c.title());
				m.put("passed", c.passed());
				m.put("message", c.message());
				checks.add(m);
			}
			out.put("checks", checks);
			return out;
		}

	}

	@SuppressWarnings("unchecked")
	private static List<String> asStrings(Object o) {
		return (List<String>) o;
	}

}
