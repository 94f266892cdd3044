package dev.bpfnet.engine.topology;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TopologyParserTest {

	static Path resource(String name) {
		try {
			return Path.of(TopologyParserTest.class.getResource("/topology/" + name).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void parsesTheDesignExample() {
		TopologyDocument doc = TopologyParser.parse(resource("pod-egress-bpfnet.yaml"));
		assertThat(doc.name()).isEqualTo("pod-egress-bpfnet");
		assertThat(doc.seed()).isEqualTo(42);
		Node node1 = doc.node("node1").orElseThrow();
		assertThat(node1.cpus()).isEqualTo(4);
		assertThat(node1.sysctl()).isEqualTo(Sysctl.DEFAULTS);
		Namespace host = node1.namespaces().get(0);
		assertThat(host.forwarding()).isTrue();
		NicDevice eth0 = (NicDevice) host.devices().get(0);
		assertThat(eth0.rate()).isEqualTo(25_000_000_000L);
		assertThat(eth0.qdisc()).isEqualTo(NicDevice.Qdisc.FQ_CODEL);
		assertThat(eth0.addresses()).containsExactly(IpPrefix.of("192.0.2.1/24"));
		BpfnetDevice nk0 = (BpfnetDevice) host.devices().get(1);
		assertThat(nk0.mode()).isEqualTo(BpfnetDevice.Mode.L3);
		assertThat(nk0.policy()).isEqualTo(BpfnetDevice.Policy.PASS);
		assertThat(nk0.peerPolicy()).isEqualTo(BpfnetDevice.Policy.DROP);
		assertThat(nk0.scrub()).isEqualTo(BpfnetDevice.Scrub.DEFAULT);
		assertThat(nk0.peer())
			.isEqualTo(new BpfnetDevice.Peer("pod1", "eth0", List.of(IpPrefix.of("10.244.1.10/32")), Optional.empty()));
		assertThat(host.routes().get(1))
			.isEqualTo(new Route(IpPrefix.of("0.0.0.0/0"), Optional.of(IpAddress.of("192.0.2.254")), "eth0"));
		assertThat(doc.devicesIn(NamespaceRef.of("node1/pod1"))).singleElement()
			.satisfies(view -> assertThat(view.peerEnd()).isTrue());
		assertThat(doc.wires().get(0).latencyNs()).isEqualTo(2_000);
		assertThat(doc.programs().get(0).rodata()).containsEntry("nic_ifindex",
				new RodataValue.Ifindex(DeviceRef.of("node1/host/eth0")));
		assertThat(doc.attach().get(0))
			.isEqualTo(new Attach("to-nic", DeviceRef.of("node1/host/nk0"), Attach.Hook.PEER, OptionalInt.empty()));
		assertThat(doc.traffic().get(0)).isEqualTo(new Traffic.RequestResponse("rr", NamespaceRef.of("node1/pod1"),
				IpEndpoint.of("192.0.2.2:7000"), 64, 64, 10_000, 1, 0, 0));
	}

	@Test
	void parsesTheVethCounterpart() {
		TopologyDocument doc = TopologyParser.parse(resource("pod-egress-veth.yaml"));
		VethDevice lxc0 = (VethDevice) doc.node("node1").orElseThrow().namespaces().get(0).devices().get(1);
		assertThat(lxc0.rxDelivery()).isEqualTo(VethDevice.RxDelivery.BACKLOG);
		assertThat(lxc0.gro()).isFalse();
		assertThat(lxc0.peer().namespace()).isEqualTo("pod1");
		assertThat(doc.attach().get(0).hook()).isEqualTo(Attach.Hook.TCX_INGRESS);
	}

	@Test
	void builderProducesTheSameRecordsAsTheDesignExample() {
		TopologyDocument built = Topology.builder()
			.name("pod-egress-bpfnet")
			.seed(42)
			.node("node1", n -> n.cpus(4)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0",
							nic -> nic.address("192.0.2.1/24").rate("25Gbit").qdisc(NicDevice.Qdisc.FQ_CODEL).irqCpu(0))
					.bpfnet("nk0", nk -> nk.peerPolicy(BpfnetDevice.Policy.DROP).peer("pod1", "eth0", "10.244.1.10/32"))
					.route("10.244.1.10/32", "nk0")
					.route("0.0.0.0/0", "192.0.2.254", "eth0"))
				.namespace("pod1", ns -> ns.route("0.0.0.0/0", "eth0")))
			.node("remote",
					n -> n.cpus(2)
						.namespace("host",
								ns -> ns.nic("eth0", nic -> nic.address("192.0.2.2/24").rate("25Gbit"))
									.route("10.244.0.0/16", "192.0.2.1", "eth0")))
			.wire("node1/host/eth0", "remote/host/eth0", "2us")
			.program(ProgramRef.object("to-nic", "programs/to_nic.o", "netkit/peer",
					java.util.Map.of("nic_ifindex", new RodataValue.Ifindex(DeviceRef.of("node1/host/eth0")))))
			.attach("to-nic", "node1/host/nk0", Attach.Hook.PEER)
			.traffic(new Traffic.RequestResponse("rr", NamespaceRef.of("node1/pod1"), IpEndpoint.of("192.0.2.2:7000"),
					64, 64, 10_000, 1, 0, 0))
			.build();
		assertThat(built).isEqualTo(TopologyParser.parse(resource("pod-egress-bpfnet.yaml")));
	}

	@Test
	void builderValidatesReferences() {
		assertThatThrownBy(() -> Topology.builder()
			.node("n", n -> n.namespace("host", ns -> ns.route("0.0.0.0/0", "eth9")))
			.build()).isInstanceOf(TopologyException.class)
			.hasMessageContaining("nodes[0].namespaces[0].routes[0].dev: no device \"eth9\" in n/host (devices: none)");
	}

	static Stream<String> invalidFiles() throws IOException {
		try (Stream<Path> files = Files.list(resource("invalid"))) {
			return files.map(p -> p.getFileName().toString())
				.filter(n -> !n.endsWith(".expected"))
				.sorted()
				.toList()
				.stream();
		}
	}

	@ParameterizedTest
	@MethodSource("invalidFiles")
	void invalidDocumentsReportTheirPinnedProblems(String file) throws IOException {
		Path path = resource("invalid/" + file);
		List<String> expected = Files
			.readAllLines(path.resolveSibling(file.substring(0, file.lastIndexOf('.')) + ".expected"))
			.stream()
			.filter(l -> !l.isBlank())
			.toList();
		TopologyException ex = catchThrowableOfType(TopologyException.class, () -> TopologyParser.parse(path));
		assertThat(ex).as(file + " must be refused").isNotNull();
		assertThat(ex.problems()).extracting(Problem::text).containsExactlyElementsOf(expected);
	}

	@Test
	void problemsCarryLineAndColumn() {
		TopologyException ex = catchThrowableOfType(TopologyException.class,
				() -> TopologyParser.parse(resource("invalid/bad-rate.yaml")));
		Problem p = ex.problems().get(0);
		assertThat(p.line()).hasValue(13);
		assertThat(p.column()).hasValue(71);
		assertThat(p.toString()).endsWith("(line 13, column 71)");
	}

	@Test
	void jsonAndYamlReadTheSameDocument() {
		TopologyDocument yaml = TopologyParser.parse(resource("pod-egress-veth.yaml"));
		assertThat(TopologyParser.parse(TopologyWriter.toJson(yaml), Format.JSON)).isEqualTo(yaml);
	}

	@Test
	void refusesTooDeepNesting() {
		String deep = "name: x\nnodes: " + "[".repeat(100) + "]".repeat(100) + "\n";
		TopologyException ex = catchThrowableOfType(TopologyException.class,
				() -> TopologyParser.parse(deep, Format.YAML));
		assertThat(ex.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("nesting depth"));
	}

	@Test
	void refusesTooLargeDocuments() {
		String big = "name: x\n#" + "a".repeat(SourceTree.MAX_CHARS) + "\n";
		TopologyException ex = catchThrowableOfType(TopologyException.class,
				() -> TopologyParser.parse(big, Format.YAML));
		assertThat(ex.problems()).singleElement()
			.satisfies(p -> assertThat(p.message()).startsWith("document too large: "));
	}

	@Test
	void refusesAnAliasBomb() {
		StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
		for (int i = 1; i < 10; i++) {
			yaml.append("a").append(i).append(": &a").append(i).append(" [");
			for (int j = 0; j < 10; j++) {
				yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
			}
			yaml.append("]\n");
		}
		TopologyException ex = catchThrowableOfType(TopologyException.class,
				() -> TopologyParser.parse(yaml.toString(), Format.YAML));
		assertThat(ex.problems()).extracting(Problem::message)
			.anyMatch(m -> m.startsWith("YAML aliases are not supported"));
	}

	@Test
	void refusesMultipleDocuments() {
		TopologyException ex = catchThrowableOfType(TopologyException.class,
				() -> TopologyParser.parse("name: a\n---\nname: b\n", Format.YAML));
		assertThat(ex.problems()).extracting(Problem::message)
			.anyMatch(m -> m.startsWith("expected a single document"));
	}

	@Test
	void emptyTextIsOneProblem() {
		assertThatThrownBy(() -> TopologyParser.parse("", Format.YAML)).isInstanceOf(TopologyException.class)
			.hasMessageContaining("expected a topology document (a mapping with name and nodes), got nothing");
	}

}
