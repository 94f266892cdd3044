package dev.bpfnet.bpf.maps;

import org.junit.jupiter.api.Test;

import static dev.bpfnet.bpf.maps.BpfMap.BPF_ANY;
import static dev.bpfnet.bpf.maps.BpfMap.BPF_NOEXIST;
import static dev.bpfnet.bpf.maps.HashTabTest.le32;
import static dev.bpfnet.bpf.maps.HashTabTest.u32;
import static org.assertj.core.api.Assertions.assertThat;

class OtherMapsTest {

	record Prog(String name) implements TailCallTarget {
	}

	@Test
	void progArrayHoldsProgramsSetFromJava() {
		ProgArrayMap m = (ProgArrayMap) Maps.create(MapSpec.of("jmp", MapType.PROG_ARRAY, 4, 4, 4), 1);
		Prog p = new Prog("next");
		assertThat(m.set(2, p)).isZero();
		assertThat(m.set(4, p)).isEqualTo(-Errno.E2BIG);
		assertThat(m.program(2)).isSameAs(p);
		assertThat(m.program(1)).isNull();
		assertThat(m.program(-1)).isNull();
		assertThat(m.size()).isEqualTo(1);
		// programs cannot write or read the slots
		assertThat(m.update(u32(2), 0, u32(0), 0, BPF_ANY, 0)).isEqualTo(-Errno.EINVAL);
		assertThat(m.lookup(u32(2))).isNull();
		assertThat(m.entries()).extracting(e -> le32(e.key())).containsExactly(2);
		assertThat(m.delete(u32(1))).isEqualTo(-Errno.ENOENT);
		assertThat(m.delete(u32(2))).isZero();
		assertThat(m.program(2)).isNull();
	}

	@Test
	void devmapArraySemantics() {
		DevMap m = (DevMap) Maps.create(MapSpec.of("tx", MapType.DEVMAP, 4, 4, 4), 1);
		m.setDeviceValidator(ifindex -> ifindex < 100);
		assertThat(m.put(1, 7)).isZero();
		assertThat(m.ifindex(1)).isEqualTo(7);
		assertThat(m.ifindex(0)).isZero();
		assertThat(m.ifindex(99)).isZero();
		assertThat(le32(m.lookup(u32(1)))).isEqualTo(7);
		assertThat(m.put(2, 100)).isEqualTo(-Errno.ENODEV);
		assertThat(m.put(4, 7)).isEqualTo(-Errno.E2BIG);
		assertThat(m.update(u32(0), u32(7), BPF_NOEXIST)).isEqualTo(-Errno.EEXIST);
		assertThat(m.update(u32(1), 0, u32(8), 0, BPF_ANY, 0)).isEqualTo(-Errno.EINVAL);
		assertThat(m.bpfWritable()).isFalse();
		// ifindex 0 clears the slot
		assertThat(m.put(1, 0)).isZero();
		assertThat(m.ifindex(1)).isZero();
		assertThat(m.delete(u32(9))).isEqualTo(-Errno.EINVAL);
	}

	@Test
	void devmapHashSemantics() {
		DevMap m = (DevMap) Maps.create(MapSpec.of("tx", MapType.DEVMAP_HASH, 4, 4, 2), 1);
		assertThat(m.put(1000, 3)).isZero();
		assertThat(m.put(2000, 4)).isZero();
		assertThat(m.put(3000, 5)).isEqualTo(-Errno.E2BIG);
		assertThat(m.put(3000, 0)).isEqualTo(-Errno.EINVAL);
		assertThat(m.ifindex(2000)).isEqualTo(4);
		byte[] buf = new byte[8];
		System.arraycopy(u32(1000), 0, buf, 4, 4);
		assertThat(le32(m.lookup(buf, 4, 0))).isEqualTo(3);
		assertThat(m.entries()).extracting(e -> le32(e.key())).containsExactly(1000, 2000);
		assertThat(m.delete(u32(1000))).isZero();
		assertThat(m.ifindex(1000)).isZero();
	}

}
