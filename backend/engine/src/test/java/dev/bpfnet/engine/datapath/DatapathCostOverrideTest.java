package dev.bpfnet.engine.datapath;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.cost.Basis;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.topology.CostOverride;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The document's {@code costs:} rows are applied when a {@link Datapath} or an
 * {@link Engine} is built: an override of {@code veth_xmit} on the veth pod-egress path
 * shifts every later step and the sender's task time by exactly the difference.
 */
class DatapathCostOverrideTest {

	private static final int CPU = 1;

	private static final long T0 = 1_000;

	private static final long DEFAULT_VETH_XMIT = CostModel.defaults().entry("veth_xmit").ns();

	private static TopologyDocument withCosts(TopologyDocument d, Map<String, CostOverride> costs) {
		return TopologyDocument.of(d.name(), d.seed(), d.nodes(), d.wires(), d.programs(), d.attach(), d.traffic(),
				costs);
	}

	private static TopologyDocument veth() {
		return Labs.veth(VethDevice.RxDelivery.BACKLOG, true);
	}

	private record Run(Datapath dp, PathRecorder rec, TraceHasher hasher) {

		List<Step> steps() {
			return Labs.steps(this.rec);
		}

	}

	private static Run send(TopologyDocument doc, int packets) {
		PathRecorder rec = new PathRecorder();
		TraceHasher hasher = new TraceHasher();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(Tee.of(rec, hasher)));
		for (int i = 0; i < packets; i++) {
			dp.sendUdp("pod1", Labs.REMOTE, 64, CPU, T0 + i * 50_000L);
		}
		dp.run(10_000_000);
		return new Run(dp, rec, hasher);
	}

	@Test
	void vethXmitOverrideShiftsEveryLaterStepAndTheTaskTimeByTheDifference() {
		long diff = 137;
		Run base = send(veth(), 1);
		Run over = send(withCosts(veth(), Map.of("veth_xmit", CostOverride.ofNs(DEFAULT_VETH_XMIT + diff))), 1);
		assertThat(over.dp.costs().entry("veth_xmit").ns()).isEqualTo(DEFAULT_VETH_XMIT + diff);
		assertThat(over.dp.costs().entry("veth_xmit").basis()).isEqualTo(Basis.OVERRIDDEN);

		List<Step> a = base.steps();
		List<Step> b = over.steps();
		assertThat(b).extracting(Step::fn).containsExactlyElementsOf(a.stream().map(Step::fn).toList());
		int veth = a.stream().filter(s -> s.fn() == Function.VETH_XMIT).findFirst().orElseThrow().index();
		for (int i = 0; i < a.size(); i++) {
			long shift = (i <= veth) ? 0 : diff;
			assertThat(b.get(i).timeNs()).as("step %d %s", i, a.get(i).fn()).isEqualTo(a.get(i).timeNs() + shift);
		}
		assertThat(a.get(a.size() - 1).timeNs()).isGreaterThan(a.get(veth).timeNs());

		int cpu = base.dp.cpus().cpu(CPU).id();
		assertThat(over.dp.accounting().contextNs(cpu, Context.TASK))
			.isEqualTo(base.dp.accounting().contextNs(cpu, Context.TASK) + diff);
		assertThat(over.dp.accounting().contextNs(cpu, Context.SOFTIRQ))
			.isEqualTo(base.dp.accounting().contextNs(cpu, Context.SOFTIRQ));
		assertThat(over.dp.accounting().busyNs(cpu)).isEqualTo(base.dp.accounting().busyNs(cpu) + diff);
		assertThat(over.dp.transmitted()).isEqualTo(base.dp.transmitted()).isEqualTo(1);
	}

	@Test
	void manyPacketsChargeTheDifferenceOncePerPacket() {
		long diff = 40;
		int packets = 20;
		Run base = send(veth(), packets);
		Run over = send(withCosts(veth(), Map.of("veth_xmit", CostOverride.ofNs(DEFAULT_VETH_XMIT + diff))), packets);
		int cpu = base.dp.cpus().cpu(CPU).id();
		assertThat(over.dp.accounting().busyNs(cpu)).isEqualTo(base.dp.accounting().busyNs(cpu) + packets * diff);
		assertThat(over.dp.transmitted()).isEqualTo(packets);
		assertThat(over.hasher.hex()).isNotEqualTo(base.hasher.hex());
	}

	@Test
	void noOverrideOrAnOverrideToTheDefaultGivesTheSameRun() {
		assertThat(Datapath.withOverrides(CostModel.defaults(), new TreeMap<>())).isSameAs(CostModel.defaults());
		Run base = send(veth(), 5);
		Run again = send(veth(), 5);
		Run same = send(withCosts(veth(), Map.of("veth_xmit", CostOverride.ofNs(DEFAULT_VETH_XMIT))), 5);
		assertThat(base.dp.costs()).isEqualTo(CostModel.defaults());
		assertThat(again.hasher.hex()).isEqualTo(base.hasher.hex());
		assertThat(same.hasher.hex()).isEqualTo(base.hasher.hex());
		assertThat(same.hasher.events()).isEqualTo(base.hasher.events()).isPositive();
		for (int c = 0; c < 2; c++) {
			int cpu = base.dp.cpus().cpu(c).id();
			assertThat(same.dp.accounting().busyNs(cpu)).isEqualTo(base.dp.accounting().busyNs(cpu));
		}
	}

	@Test
	void aPartialOverrideKeepsTheOtherPartOfTheRow() {
		CostModel d = CostModel.defaults();
		TreeMap<String, CostOverride> o = new TreeMap<>();
		o.put("veth_xmit", new CostOverride(OptionalLong.empty(), OptionalDouble.of(0.5)));
		o.put("copy_user", CostOverride.ofNs(7));
		o.put("bpf_insn", new CostOverride(OptionalLong.empty(), OptionalDouble.of(0.0001)));
		o.put("udp_sendmsg", new CostOverride(OptionalLong.of(321), OptionalDouble.of(1.25)));
		CostModel m = Datapath.withOverrides(d, o);
		assertThat(m.entry("veth_xmit").ns()).isEqualTo(d.entry("veth_xmit").ns());
		assertThat(m.entry("veth_xmit").nsPerByte()).isEqualTo(0.5);
		assertThat(m.entry("copy_user").ns()).isEqualTo(7);
		assertThat(m.entry("copy_user").nsPerByte()).isEqualTo(d.entry("copy_user").nsPerByte()).isPositive();
		assertThat(m.entry("bpf_insn").ns()).isEqualTo(d.entry("bpf_insn").ns());
		assertThat(m.entry("bpf_insn").nsPerByte()).isEqualTo(0.0001);
		assertThat(m.entry("udp_sendmsg").ns()).isEqualTo(321);
		assertThat(m.entry("udp_sendmsg").nsPerByte()).isEqualTo(1.25);
		assertThat(m.entry("ip_output")).isEqualTo(d.entry("ip_output"));
	}

	@Test
	void theEngineAppliesTheOverridesToEveryNode() {
		TopologyDocument doc = withCosts(EnginePathsTest.twoNodes(false),
				Map.of("veth_xmit", CostOverride.ofNs(DEFAULT_VETH_XMIT + 1)));
		Engine engine = new Engine(doc, Labs.OBJECTS, Datapath.Options.of(dev.bpfnet.engine.trace.TraceSink.NONE));
		assertThat(engine.nodes()).hasSize(2)
			.allSatisfy(dp -> assertThat(dp.costs().entry("veth_xmit").ns()).isEqualTo(DEFAULT_VETH_XMIT + 1));
	}

	@Test
	void anUnknownNameIsRejected() {
		TreeMap<String, CostOverride> o = new TreeMap<>(Map.of("veth_xmt", CostOverride.ofNs(1)));
		assertThatThrownBy(() -> Datapath.withOverrides(CostModel.defaults(), o))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("veth_xmt");
	}

}
