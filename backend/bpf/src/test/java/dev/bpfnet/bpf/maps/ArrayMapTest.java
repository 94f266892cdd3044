package dev.bpfnet.bpf.maps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.bpfnet.bpf.maps.BpfMap.BPF_ANY;
import static dev.bpfnet.bpf.maps.HashTabTest.le32;
import static dev.bpfnet.bpf.maps.HashTabTest.le64;
import static dev.bpfnet.bpf.maps.HashTabTest.u32;
import static dev.bpfnet.bpf.maps.HashTabTest.u64;
import static org.assertj.core.api.Assertions.assertThat;

class ArrayMapTest {

	/** array_map_update_elem / array_map_delete_elem errno table for a 4-entry array. */
	@ParameterizedTest(name = "{0} index={1} flags={2} -> {3}")
	@CsvSource({ "update, 0, 0, 0", "update, 3, 2, 0", "update, 1, 1, -17", "update, 4, 0, -7", "update, -1, 0, -7",
			"update, 0, 3, -22", "update, 0, 4, 0", "delete, 0, 0, -22", "delete, 9, 0, -22" })
	void errnoTable(String op, int index, long flags, int expected) {
		BpfMap m = Maps.create(MapSpec.of("a", MapType.ARRAY, 4, 8, 4), 1);
		int rc = op.equals("update") ? m.update(u32(index), 0, u64(5), 0, flags, 0) : m.delete(u32(index), 0);
		assertThat(rc).isEqualTo(expected);
		if (rc == 0) {
			assertThat(le64(m.lookup(u32(index)))).isEqualTo(5);
		}
	}

	@Test
	void elementsExistFromCreationAndLookupOutOfRangeIsNull() {
		BpfMap m = Maps.create(MapSpec.of("a", MapType.ARRAY, 4, 8, 4), 1);
		assertThat(m.size()).isEqualTo(4);
		assertThat(m.lookup(u32(3))).containsExactly(new byte[8]);
		assertThat(m.lookup(u32(4))).isNull();
		assertThat(m.lookup(u32(-1))).isNull();
		assertThat(m.entries()).hasSize(4);
	}

	@Test
	void nextKeyWalksIndexes() {
		BpfMap m = Maps.create(MapSpec.of("a", MapType.ARRAY, 4, 8, 3), 1);
		assertThat(le32(m.nextKey(null))).isZero();
		assertThat(le32(m.nextKey(u32(0)))).isEqualTo(1);
		assertThat(le32(m.nextKey(u32(1)))).isEqualTo(2);
		assertThat(m.nextKey(u32(2))).isNull();
		assertThat(le32(m.nextKey(u32(77)))).isZero();
	}

	@Test
	void perCpuArrayIsolatesCpus() {
		ArrayMap m = (ArrayMap) Maps.create(MapSpec.of("pa", MapType.PERCPU_ARRAY, 4, 8, 2), 2);
		m.update(u32(1), 0, u64(10), 0, BPF_ANY, 0);
		m.update(u32(1), 0, u64(20), 0, BPF_ANY, 1);
		assertThat(le64(m.lookup(u32(1), 0, 0))).isEqualTo(10);
		assertThat(le64(m.lookup(u32(1), 0, 1))).isEqualTo(20);
		assertThat(HashTabTest.longs(m.entries().get(1).values())).containsExactly(10L, 20L);
		m.updatePerCpu(u32(0), new byte[][] { u64(3), u64(4) }, BPF_ANY);
		assertThat(le64(m.value(0, 1))).isEqualTo(4);
	}

	@Test
	void globalDataStartsWithInitialValueAndRodataIsReadOnlyForPrograms() {
		byte[] init = { 1, 2, 3, 4, 5, 6 };
		ArrayMap rodata = (ArrayMap) Maps.create(new MapSpec(".rodata", MapType.ARRAY, 4, 8, 1, 0, init, true), 2);
		assertThat(rodata.value(0)).containsExactly(1, 2, 3, 4, 5, 6, 0, 0);
		assertThat(rodata.bpfWritable()).isFalse();
		// Java may set it before load ...
		assertThat(rodata.update(u32(0), u64(0x0102), BPF_ANY)).isZero();
		rodata.freeze();
		// ... but not after
		assertThat(rodata.update(u32(0), u64(7), BPF_ANY)).isEqualTo(-Errno.EPERM);
		assertThat(le64(rodata.value(0))).isEqualTo(0x0102);
		BpfMap data = Maps.create(new MapSpec(".data", MapType.ARRAY, 4, 8, 1, 0, init, false), 2);
		assertThat(data.bpfWritable()).isTrue();
		BpfMap flagged = Maps.create(new MapSpec("ro", MapType.ARRAY, 4, 8, 1, Maps.BPF_F_RDONLY_PROG, null, false), 1);
		assertThat(flagged.bpfWritable()).isFalse();
	}

}
