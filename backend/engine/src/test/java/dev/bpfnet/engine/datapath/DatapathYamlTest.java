package dev.bpfnet.engine.datapath;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;

import static org.assertj.core.api.Assertions.assertThat;

/** The YAML lab files give the same paths as the builder-made topologies. */
class DatapathYamlTest {

	private static final Path DIR = Path.of("src/test/resources/datapath");

	private static java.util.List<dev.bpfnet.engine.trace.Function> path(TopologyDocument doc) {
		PathRecorder rec = new PathRecorder();
		Datapath dp = new Datapath(doc, "node1", Labs.OBJECTS, Datapath.Options.of(rec));
		dp.sendUdp("pod1", Labs.REMOTE, 64, 1, 1_000);
		dp.run(1_000_000);
		assertThat(dp.transmitted()).isEqualTo(1);
		return Labs.steps(rec).stream().map(Step::fn).toList();
	}

	@Test
	void bpfnetFileTakesPathB() {
		TopologyDocument file = TopologyParser.parse(DIR.resolve("pod-egress-bpfnet.yaml"));
		assertThat(path(file))
			.isEqualTo(path(Labs.bpfnet(BpfnetDevice.Policy.DROP, Labs.podEgress(), NicDevice.Qdisc.FQ_CODEL)));
	}

	@Test
	void vethFileTakesPathA() {
		TopologyDocument file = TopologyParser.parse(DIR.resolve("pod-egress-veth.yaml"));
		assertThat(path(file)).isEqualTo(path(Labs.veth(VethDevice.RxDelivery.BACKLOG, true)));
	}

	@Test
	void programObjectsResolveAgainstTheGivenBase() {
		TopologyDocument file = TopologyParser.parse(DIR.resolve("pod-egress-bpfnet.yaml"));
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> new Datapath(file, "node1", Path.of("no/such/dir"),
					Datapath.Options.of(dev.bpfnet.engine.trace.TraceSink.NONE)))
			.isInstanceOf(dev.bpfnet.engine.hook.ProgramLoadException.class)
			.hasMessageContaining("to-nic");
		assertThat(
				new Datapath(file, "node1", Labs.OBJECTS, Datapath.Options.of(dev.bpfnet.engine.trace.TraceSink.NONE))
					.programs())
			.containsOnlyKeys("to-nic");
	}

}
