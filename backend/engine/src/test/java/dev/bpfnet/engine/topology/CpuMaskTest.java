package dev.bpfnet.engine.topology;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuMaskTest {

	@Test
	void readsSysfsHexBitmaps() {
		assertThat(CpuMask.parseHex("e")).hasValue(CpuMask.of(1, 2, 3));
		assertThat(CpuMask.parseHex("0x0E")).hasValue(CpuMask.of(1, 2, 3));
		assertThat(CpuMask.parseHex("00000001,00000000")).hasValue(CpuMask.of(32));
		assertThat(CpuMask.parseHex("0")).hasValue(CpuMask.NONE);
		assertThat(CpuMask.parseHex("")).isEmpty();
		assertThat(CpuMask.parseHex("1g")).isEmpty();
		assertThat(CpuMask.parseHex("1" + "0".repeat(64))).as("CPU 256 is beyond MAX_CPUS").isEmpty();
		assertThat(CpuMask.of(1, 2, 3).hex()).isEqualTo("e");
		assertThat(CpuMask.NONE.hex()).isEqualTo("0");
		assertThat(CpuMask.of(3, 0).cpus()).containsExactly(0, 3);
		assertThat(CpuMask.of(3, 0).max()).isEqualTo(3);
		assertThatThrownBy(() -> CpuMask.of(256)).hasMessage("CPU 256 is out of range 0..255");
	}

	@Test
	void theDocumentTakesAListOrAQuotedHexMaskAndWritesAList() {
		String yaml = """
				name: rps
				nodes:
				  - name: n
				    cpus: 4
				    namespaces:
				      - name: host
				        devices:
				          - { name: eth0, kind: nic, rps_cpus: "e" }
				          - name: lxc0
				            kind: veth
				            rps_cpus: [3, 0]
				            peer: { namespace: pod, name: eth0, rps_cpus: "0x1" }
				          - name: nk0
				            kind: bpfnet
				            peer: { namespace: pod, name: eth1, rps_cpus: [2] }
				      - name: pod
				""";
		TopologyDocument doc = TopologyParser.parse(yaml, Format.YAML);
		List<Device> devices = doc.node("n").orElseThrow().namespaces().get(0).devices();
		assertThat(devices.get(0).rpsCpus()).isEqualTo(CpuMask.of(1, 2, 3));
		assertThat(devices.get(1).rpsCpus()).isEqualTo(CpuMask.of(0, 3));
		assertThat(((VethDevice) devices.get(1)).peer().rpsCpus()).isEqualTo(CpuMask.of(0));
		assertThat(devices.get(2).rpsCpus()).isEqualTo(CpuMask.NONE);
		assertThat(((BpfnetDevice) devices.get(2)).peer().rpsCpus()).isEqualTo(CpuMask.of(2));
		String written = TopologyWriter.toYaml(doc);
		assertThat(written).contains("rps_cpus:");
		assertThat(TopologyParser.parse(written, Format.YAML)).isEqualTo(doc);
	}

}
