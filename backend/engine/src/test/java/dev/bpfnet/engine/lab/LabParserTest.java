package dev.bpfnet.engine.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link LabParser}: the format of labs/README.md, and a precise problem (path, line,
 * column) for each kind of bad input, all reported at once.
 */
class LabParserTest {

	@TempDir
	Path tmp;

	Path dir;

	@BeforeEach
	void lab() throws IOException {
		this.dir = Files.createDirectory(this.tmp.resolve("99-test"));
		Path lab1 = LabsDir.find().resolve("01-pod-egress");
		Files.copy(lab1.resolve("veth.yaml"), this.dir.resolve("a.yaml"));
		Files.copy(lab1.resolve("bpfnet.yaml"), this.dir.resolve("b.yaml"));
	}

	static final String HEAD = """
			title: Test
			summary: a lab
			runs:
			  - { name: veth, topology: a.yaml }
			  - { name: bpfnet, topology: b.yaml }
			steps:
			  - { title: one, text: "do it" }
			""";

	private List<Problem> problems(String text) {
		LabException ex = catchThrowableOfType(LabException.class, () -> LabParser.parse(this.dir, text));
		assertThat(ex).as("expected problems").isNotNull();
		return ex.problems();
	}

	private static List<String> texts(List<Problem> problems) {
		return problems.stream().map(Problem::toString).toList();
	}

	@Test
	void everyCheckKindIsRead() {
		Lab lab = LabParser.parse(this.dir, HEAD + """
				duration: 2ms
				checks:
				  - { kind: path-contains, run: bpfnet, flow: stream, function: netkit_xmit, share: 0.5 }
				  - { kind: path-excludes, run: bpfnet, flow: 0, direction: forward, function: enqueue_to_backlog }
				  - { kind: drops, run: veth, reason: SKB_DROP_REASON_CPU_BACKLOG, max: 0 }
				  - { kind: cpu, run: bpfnet, context: softirq, node: node1, max: 100us, title: little softirq }
				  - { kind: metric, run: veth, metric: backlog.max, min: 1 }
				  - { kind: compare, metric: latency.p50, flow: stream, less: bpfnet, than: veth, factor: 1.5 }
				""");
		assertThat(lab.id()).isEqualTo("99-test");
		assertThat(lab.durationNs()).isEqualTo(2_000_000L);
		assertThat(lab.runs()).extracting(Lab.RunSpec::name).containsExactly("veth", "bpfnet");
		assertThat(lab.steps()).containsExactly(new Lab.LabStep("one", "do it"));
		assertThat(lab.checks()).hasSize(6);
		assertThat(lab.checks().get(0))
			.isEqualTo(new Check.PathContains("bpfnet: packets of flow stream ran netkit_xmit", "bpfnet",
					new Check.Selection(0, null), Function.NETKIT_XMIT, 0.5));
		assertThat(lab.checks().get(1)).isInstanceOfSatisfying(Check.PathExcludes.class,
				c -> assertThat(c.selection()).isEqualTo(new Check.Selection(0, LabRun.Direction.FORWARD)));
		assertThat(lab.checks().get(2)).isInstanceOfSatisfying(Check.Drops.class, c -> {
			assertThat(c.reason()).isEqualTo(DropReason.CPU_BACKLOG);
			assertThat(c.min()).isNaN();
			assertThat(c.max()).isZero();
		});
		assertThat(lab.checks().get(3))
			.isEqualTo(new Check.CpuTime("little softirq", "bpfnet", Context.SOFTIRQ, "node1", Double.NaN, 100_000));
		assertThat(lab.checks().get(4)).isInstanceOfSatisfying(Check.MetricBound.class,
				c -> assertThat(c.metric()).isEqualTo(Metric.BACKLOG_MAX));
		assertThat(lab.checks().get(5)).isInstanceOfSatisfying(Check.Compare.class, c -> {
			assertThat(c.factor()).isEqualTo(1.5);
			assertThat(c.title()).isEqualTo("latency.p50: bpfnet below 1.5 x veth");
		});
	}

	@Test
	void badChecksAreReportedWithPathLineAndColumnAllAtOnce() {
		List<String> p = texts(problems(HEAD + """
				checks:
				  - { kind: path-contains, run: bpfnet, function: netkit_xmt }
				  - { kind: drops, run: vth, min: 1 }
				  - { kind: metric, run: veth, metric: latency.p42, min: 1 }
				  - { kind: compare, metric: latency.p50, flow: nosuch, less: bpfnet, than: veth }
				  - { kind: cpu, run: veth, context: irq, max: 1 }
				  - { kind: drops, run: veth, reason: CPU_BACKLOG }
				  - { kind: teleport, run: veth }
				  - { kind: metric, run: veth, metric: packets.sent, min: lots }
				  - { kind: path-excludes, run: veth, function: ip_rcv, colour: red }
				""")); // line 9 is the first check
		assertThat(p).containsExactly(
				"checks[0].function: unknown kernel function \"netkit_xmt\", did you mean [netkit_xmit, netkit_run]? "
						+ "(see docs/engine.md for the traced functions) (line 9, column 51)",
				"checks[1].run: unknown run \"vth\", the lab's runs are [veth, bpfnet] (line 10, column 25)",
				"checks[2].metric: unknown metric \"latency.p42\", known: " + Metric.labels() + " (line 11, column 40)",
				"checks[3].flow: run \"bpfnet\" has no traffic \"nosuch\", it has [stream] (line 12, column 49)",
				"checks[4].context: expected process, hardirq, softirq or ksoftirqd, got \"irq\" (line 13, column 38)",
				"checks[5]: needs min, max or both (line 14, column 5)",
				"checks[6].kind: unknown check kind \"teleport\", known: path-contains, path-excludes, drops, cpu, "
						+ "metric, compare (line 15, column 13)",
				"checks[7].min: expected a number or a duration like 20us, got \"lots\" (line 16, column 59)",
				"checks[8].colour: unknown field, expected one of [direction, flow, function, kind, run, title] "
						+ "(line 17, column 65)");
	}

	@Test
	void theQuestionIsOptionalAndAString() {
		String checks = "checks:\n  - { kind: path-contains, run: bpfnet, function: netkit_xmit }\n";
		assertThat(LabParser.parse(this.dir, HEAD + checks).question()).isEmpty();
		assertThat(LabParser.parse(this.dir, "question: \"Does it?\"\n" + HEAD + checks).question())
			.isEqualTo("Does it?");
		assertThat(texts(problems("question: [a]\n" + HEAD + checks)))
			.anySatisfy(s -> assertThat(s).startsWith("question: expected a string, got a list (line 1"));
		assertThat(texts(problems("question: \" \"\n" + HEAD + checks)))
			.anySatisfy(s -> assertThat(s).startsWith("question: must not be empty (line 1"));
	}

	@Test
	void badTopLevelFieldsAndRuns() throws IOException {
		Files.writeString(this.dir.resolve("broken.yaml"), "name: x\nnodes: 3\n");
		List<String> p = texts(problems("""
				id: 42-other
				title: [a, list]
				runs:
				  - { name: veth, topology: a.yaml }
				  - { name: veth, topology: b.yaml }
				  - { name: c, topology: ../../etc/passwd }
				  - { name: d, topology: missing.yaml }
				  - { name: e, topology: broken.yaml }
				duration: forever
				"""));
		assertThat(p)
			.anySatisfy(s -> assertThat(s).startsWith("id: must be the folder name \"99-test\", got \"42-other\""))
			.anySatisfy(s -> assertThat(s).startsWith("title: expected a string, got a list (line 2"))
			.anySatisfy(s -> assertThat(s).startsWith("summary: missing (required)"))
			.anySatisfy(s -> assertThat(s).startsWith("runs[1].name: duplicate run name \"veth\" (line 5"))
			.anySatisfy(s -> assertThat(s).startsWith("runs[2].topology: must be a file inside the lab folder"))
			.anySatisfy(s -> assertThat(s).startsWith("runs[3].topology: no such file"))
			.anySatisfy(s -> assertThat(s).startsWith(
					"runs[4].topology: broken.yaml: nodes: expected a list, got 3 (broken.yaml line 2, column 8) (line 8, column 26)"))
			.anySatisfy(
					s -> assertThat(s).startsWith("duration: expected a duration like 10ms, got \"forever\" (line 9"))
			.anySatisfy(s -> assertThat(s).startsWith("steps: missing (required)"))
			.anySatisfy(s -> assertThat(s).startsWith("checks: missing (required)"));
	}

	@Test
	void yamlThatDoesNotReadIsOneLocatedProblem() {
		List<Problem> p = problems("title: a\nruns: [ { name: x\n");
		assertThat(p).hasSize(1);
		assertThat(p.get(0).text()).startsWith("cannot read YAML: ");
		assertThat(p.get(0).line()).isPresent();
	}

	@Test
	void duplicateKeysAndAliasesAreRefused() {
		List<String> p = texts(problems(HEAD + """
				title: again
				checks:
				  - &c { kind: drops, run: veth, max: 0 }
				  - *c
				"""));
		assertThat(p).anySatisfy(s -> assertThat(s).startsWith("title: duplicate key \"title\" (line 8"))
			.anySatisfy(s -> assertThat(s).startsWith("checks[1]: YAML aliases are not supported"));
	}

	@Test
	void aFlowMustBeTheSameFlowInBothRunsOfACompare() throws IOException {
		String b = Files.readString(this.dir.resolve("b.yaml"));
		Files.writeString(this.dir.resolve("b.yaml"), b.replace("  - { name: stream,",
				"  - { name: other, kind: constant-rate, from: node1/pod1, to: 192.0.2.2:9001, rate: 1kpps, count: 1 }\n"
						+ "  - { name: stream,"));
		List<String> p = texts(problems(HEAD + """
				checks:
				  - { kind: compare, metric: latency.p50, flow: stream, less: veth, than: bpfnet }
				"""));
		assertThat(p)
			.containsExactly("checks[0].flow: traffic \"stream\" is flow 0 in one run and 1 in run \"bpfnet\": "
					+ "list the traffic in the same order (line 9, column 49)");
	}

}
