package dev.bpfnet.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bpfnet.engine.capture.CaptureSession;
import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunState;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.run.TraceCsv;
import dev.bpfnet.engine.run.TraceFile;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.TraceHasher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bpfnet run} as the new user of issue 3 ran it, on the hand-written topologies
 * and programs of {@code backend/engine/src/test/resources/newuser/}: {@code --out DIR}
 * (the issue asks for it; it did not exist), the maps a counting program fills, and
 * errors that name their path and line. Each test failed before its fix.
 */
class NewUserRunCommandTest extends CapturedStdio {

	static final String DIR = "../engine/src/test/resources/newuser/";

	@TempDir
	Path tmp;

	@Test
	void outWritesTheWholeTraceAsCsvAndBinaryWithTheReportAndTheDocument() throws Exception {
		Path dir = this.tmp.resolve("run1/out");
		int rc = BpfnetCli.execute("run", DIR + "two-nodes-redirect-peer.yaml", "--json", "--seed", "5", "--out",
				dir.toString());
		assertThat(rc).as(stderr()).isZero();
		JsonNode printed = JsonMapper.builder().build().readTree(stdout());
		assertThat(dir.resolve(OutDir.TRACE_CSV)).isRegularFile();
		assertThat(dir.resolve(OutDir.TRACE_BIN)).isRegularFile();
		assertThat(printed.get("packets").get("inFlight").asLong()).isZero();
		JsonNode report = JsonMapper.builder().build().readTree(Files.readString(dir.resolve(OutDir.REPORT)));
		assertThat(report).isEqualTo(printed);
		// the document as run: with the --seed, and it parses back
		assertThat(TopologyParser.parse(dir.resolve(OutDir.TOPOLOGY)).seed()).isEqualTo(5);

		List<String> lines = new ArrayList<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(
				new GZIPInputStream(Files.newInputStream(dir.resolve(OutDir.TRACE_CSV))), StandardCharsets.UTF_8))) {
			for (String line; (line = r.readLine()) != null;) {
				lines.add(line);
			}
		}
		assertThat(lines.get(0)).isEqualTo(TraceCsv.HEADER);
		long events = printed.get("traceEvents").asLong();
		assertThat(lines).hasSize((int) events + 1);
		// path C of datapath.md §6: the NIC's tcx program redirects into the pod's end
		assertThat(lines).anySatisfy(l -> assertThat(l).contains(",softirq,")
			.contains(",tcx_ingress,b/host/eth0,")
			.endsWith(",7 REDIRECT,"));
		assertThat(lines).anySatisfy(l -> assertThat(l).contains(",skb_get_peer_dev,b/pod/eth0,"));

		// the binary trace replays to the run's hash
		TraceHasher hasher = new TraceHasher();
		assertThat(TraceFile.replay(dir.resolve(OutDir.TRACE_BIN), hasher)).isEqualTo(events);
		assertThat(hasher.hex()).isEqualTo(printed.get("traceSha256").asString());
	}

	@Test
	void outThatIsAFileIsRefusedBeforeTheRun() throws Exception {
		Path file = Files.writeString(this.tmp.resolve("taken"), "x");
		int rc = BpfnetCli.execute("run", DIR + "two-pods-bpfnet-l3.yaml", "--out", file.toString());
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).contains("--out " + file + ": exists and is not a directory");
		assertThat(stdout()).isEmpty();
	}

	@Test
	void theJsonAndTheSummaryShowTheMapsAProgramFilled() throws Exception {
		int rc = BpfnetCli.execute("run", DIR + "two-pods-veth-tcx.yaml", "--json");
		assertThat(rc).as(stderr()).isZero();
		JsonNode maps = JsonMapper.builder().build().readTree(stdout()).get("maps");
		JsonNode count = null;
		for (JsonNode m : maps) {
			if (m.get("name").asString().equals("pkt_count")) {
				count = m;
			}
		}
		assertThat(count).isNotNull();
		assertThat(count.get("type").asString()).isEqualTo("HASH");
		assertThat(count.get("entries").get(0).get("key").asString()).isEqualTo("0a010014");
		assertThat(count.get("entries").get(0).get("value").asString()).isEqualTo("c800000000000000");
		this.out.reset();
		assertThat(BpfnetCli.execute("run", DIR + "two-pods-veth-tcx.yaml")).isZero();
		assertThat(stdout()).contains("map n1 pkt_count (progs/count_redirect.o, 1 entries): 0a010014=c800000000000000")
			.doesNotContain(".rodata");
	}

	@Test
	void aSectionTypoIsReportedAtTheSectionFieldWithItsLine() {
		int rc = BpfnetCli.execute("run", DIR + "bad-section.yaml");
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).startsWith("programs[1].section: program 'ingress-pass'")
			.contains("no program in section or function 'netkit/primry'")
			.contains("(line 35, column 14)");
	}

	@Test
	void aVerifierRejectionNamesTheInstructionAndTheLine() {
		int rc = BpfnetCli.execute("run", DIR + "bad-verifier.yaml");
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).startsWith("programs[0].object: program 'bad'")
			.contains("rejected by the verifier at insn 1: invalid access to packet")
			.contains("(line 14, column");
	}

	@Test
	void aFlowWithoutARouteIsReportedAtItsToFieldWithItsLine() {
		int rc = BpfnetCli.execute("run", DIR + "bad-no-route.yaml");
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).startsWith("traffic[0].to: no route from n1/pod1 to 10.1.0.20 (IP_NOROUTE)")
			.contains("(line 40, column");
	}

	@Test
	void anXdpProgramOnATcxHookIsReportedAtItsAttachEntryWithItsLine() {
		int rc = BpfnetCli.execute("run", DIR + "bad-xdp-on-tcx.yaml");
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).startsWith("attach[0].program: program 'x' of type XDP cannot attach to TCX_INGRESS")
			.contains("(line 31, column");
	}

	/** Before the fix: "0 sent", no word of why. */
	@Test
	void craftedPacketsFromANamespaceWithoutARouteAreReportedAtTheirDestination() {
		int rc = BpfnetCli.execute("run", DIR + "bad-crafted-no-route.yaml");
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).startsWith("traffic[0].packet.ipv4.dst: no route from n1/pod1 to 8.8.8.8 (IP_NOROUTE)")
			.contains("(line 41, column");
	}

	@Test
	void aMissingTopologyFileSaysSo() {
		int rc = BpfnetCli.execute("run", this.tmp.resolve("nope.yaml").toString());
		assertThat(rc).isEqualTo(1);
		assertThat(stderr()).contains("nope.yaml: no such file");
	}

	@Test
	void problemsFromEngineMessagesKeepTheirDocumentPath() {
		assertThat(TopologyRunCommand.problemOf("traffic[2].to: no route").path()).isEqualTo("traffic[2].to");
		assertThat(TopologyRunCommand.problemOf("nodes[0].namespaces[1].devices[2].peer: x").path())
			.isEqualTo("nodes[0].namespaces[1].devices[2].peer");
		assertThat(TopologyRunCommand.problemOf("capture n1/x: no device").path()).isEmpty();
	}

	/**
	 * A 10 s run with {@code --perfetto} died with an {@link OutOfMemoryError} and a
	 * stack trace; the budget stops the run at the number of steps that fit in the heap
	 * and says why. Here with a heap of 4 MiB: about 39 000 steps.
	 */
	@Test
	void theRecordingBudgetStopsARunThatWouldNotFitInTheHeap() throws Exception {
		CaptureSession.Request request = new CaptureSession.Request(List.of(), null, null, this.tmp.resolve("t.json"));
		RecordingBudget budget = RecordingBudget.of(request, 4L << 20);
		assertThat(budget.maxEvents())
			.isEqualTo((long) ((4L << 20) * 0.6) / TopologyRunCommand.PERFETTO_BYTES_PER_EVENT);
		// the trial's first topology with its flow made endless
		String text = Files.readString(Path.of(DIR + "two-pods-bpfnet-l3.yaml"))
			.replace("rate: 100kpps, count: 100", "rate: 100kpps");
		RunSession s = RunSession.create(TopologyParser.parse(text, Format.YAML), ObjectSource.directory(Path.of(DIR)),
				RunOptions.of(10_000_000_000L).withLive(budget));
		budget.watch(s);
		RunStatus end = s.run();
		assertThat(end.state()).isEqualTo(RunState.STOPPED);
		assertThat(budget.tripped()).isTrue();
		assertThat(end.traceEvents()).isGreaterThanOrEqualTo(budget.maxEvents()).isLessThan(budget.maxEvents() * 2);
		assertThat(budget.message(end)).startsWith("--perfetto keeps every step of the run in memory")
			.contains("stopped after " + budget.maxEvents() + " trace events")
			.contains("of 10000000000 ns of simulated time");
		// nothing held in memory: no budget
		assertThat(RecordingBudget.of(new CaptureSession.Request(List.of(), null, null, null), 4L << 20).maxEvents())
			.isEqualTo(Long.MAX_VALUE);
	}

}
