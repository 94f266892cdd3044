package dev.bpfnet.bpf.maps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.bpfnet.bpf.maps.BpfMap.BPF_ANY;
import static dev.bpfnet.bpf.maps.BpfMap.BPF_EXIST;
import static dev.bpfnet.bpf.maps.BpfMap.BPF_NOEXIST;
import static org.assertj.core.api.Assertions.assertThat;

class HashTabTest {

	static byte[] u32(int v) {
		return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
	}

	static byte[] u64(long v) {
		return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
	}

	static long le64(byte[] b) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
	}

	static List<Long> longs(byte[][] values) {
		return java.util.Arrays.stream(values).map(HashTabTest::le64).toList();
	}

	static int le32(byte[] b) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
	}

	static BpfMap hash(MapType type, int max, int cpus) {
		return Maps.create(MapSpec.of("t", type, 4, 8, max), cpus);
	}

	/**
	 * The errno table of htab_map_update_elem / htab_map_delete_elem: state (key present
	 * or not, map full or not), operation, flags, expected return.
	 */
	@ParameterizedTest(name = "{0} present={1} full={2} flags={3} -> {4}")
	@CsvSource({
			// op, present, full, flags, expected
			"update, false, false, 0, 0", "update, false, false, 1, 0", "update, false, false, 2, -2",
			"update, true, false, 0, 0", "update, true, false, 1, -17", "update, true, false, 2, 0",
			"update, false, true, 0, -7", "update, false, true, 1, -7", "update, false, true, 2, -2",
			"update, true, true, 0, 0", "update, true, true, 2, 0", "update, true, true, 1, -17",
			"update, false, false, 3, -22", "update, true, false, 4, 0", "update, true, false, 5, -17",
			"update, false, false, -1, -22", "delete, true, false, 0, 0", "delete, false, false, 0, -2",
			"delete, true, true, 0, 0" })
	void errnoTable(String op, boolean present, boolean full, long flags, int expected) {
		BpfMap m = hash(MapType.HASH, 4, 1);
		int fill = full ? 4 : 2;
		for (int i = 0; i < fill; i++) {
			assertThat(m.update(u32(100 + i), u64(i), BPF_ANY)).isZero();
		}
		byte[] key = present ? u32(100) : u32(7);
		int rc = op.equals("update") ? m.update(key, 0, u64(99), 0, flags, 0) : m.delete(key, 0);
		assertThat(rc).isEqualTo(expected);
		int expectedSize = fill + (op.equals("update") && !present && rc == 0 ? 1 : 0)
				- (op.equals("delete") && rc == 0 ? 1 : 0);
		assertThat(m.size()).isEqualTo(expectedSize);
		if (op.equals("update") && rc == 0) {
			assertThat(le64(m.lookup(key))).isEqualTo(99);
		}
	}

	@Test
	void lookupReturnsLiveValueAndReadsKeyAtOffset() {
		BpfMap m = hash(MapType.HASH, 8, 1);
		m.update(u32(5), u64(1), BPF_ANY);
		byte[] stack = new byte[16];
		System.arraycopy(u32(5), 0, stack, 9, 4);
		byte[] v = m.lookup(stack, 9, 0);
		assertThat(le64(v)).isEqualTo(1);
		v[0] = 42;
		assertThat(le64(m.lookup(u32(5)))).isEqualTo(42);
		assertThat(m.lookup(stack, 8, 0)).isNull();
	}

	@Test
	void capacityIsMaxEntriesAndDeleteFreesASlot() {
		BpfMap m = hash(MapType.HASH, 100, 1);
		for (int i = 0; i < 100; i++) {
			assertThat(m.update(u32(i * 7919), u64(i), BPF_NOEXIST)).isZero();
		}
		assertThat(m.update(u32(-1), u64(0), BPF_ANY)).isEqualTo(-Errno.E2BIG);
		for (int i = 0; i < 100; i++) {
			assertThat(le64(m.lookup(u32(i * 7919)))).isEqualTo(i);
		}
		assertThat(m.delete(u32(50 * 7919))).isZero();
		assertThat(m.update(u32(-1), u64(-1), BPF_ANY)).isZero();
		assertThat(m.size()).isEqualTo(100);
		assertThat(m.lookup(u32(50 * 7919))).isNull();
		assertThat(le64(m.lookup(u32(-1)))).isEqualTo(-1);
	}

	@Test
	void iterationFollowsInsertionOrderAndMissingKeyRestarts() {
		BpfMap m = hash(MapType.HASH, 10, 1);
		for (int k : new int[] { 30, 10, 20 }) {
			m.update(u32(k), u64(k), BPF_ANY);
		}
		m.update(u32(10), u64(11), BPF_EXIST);
		m.delete(u32(30));
		m.update(u32(30), u64(31), BPF_ANY);
		assertThat(le32(m.nextKey(null))).isEqualTo(10);
		assertThat(le32(m.nextKey(u32(10)))).isEqualTo(20);
		assertThat(le32(m.nextKey(u32(20)))).isEqualTo(30);
		assertThat(m.nextKey(u32(30))).isNull();
		// htab_map_get_next_key: an unknown key gives the first
		assertThat(le32(m.nextKey(u32(999)))).isEqualTo(10);
		assertThat(m.entries()).extracting(e -> le32(e.key()) + "=" + le64(e.value()))
			.containsExactly("10=11", "20=20", "30=31");
	}

	@Test
	void lruEvictsLeastRecentlyUsed() {
		HashTab m = (HashTab) hash(MapType.LRU_HASH, 3, 1);
		m.update(u32(1), u64(1), BPF_ANY);
		m.update(u32(2), u64(2), BPF_ANY);
		m.update(u32(3), u64(3), BPF_ANY);
		assertThat(m.lookup(u32(1))).isNotNull(); // 1 is now most recent: order 2,3,1
		assertThat(m.update(u32(4), u64(4), BPF_NOEXIST)).isZero(); // evicts 2
		assertThat(m.lookup(u32(2))).isNull();
		assertThat(m.size()).isEqualTo(3);
		assertThat(m.lruOrder()).extracting(HashTabTest::le32).containsExactly(3, 1, 4);
		m.update(u32(3), u64(33), BPF_EXIST); // update refreshes: order 1,4,3
		assertThat(m.peek(u32(1))).isNotNull(); // peek does not refresh
		m.update(u32(5), u64(5), BPF_ANY); // evicts 1
		assertThat(m.lruOrder()).extracting(HashTabTest::le32).containsExactly(4, 3, 5);
		assertThat(m.entries()).extracting(e -> le32(e.key())).containsExactly(3, 4, 5);
		// flags still apply when full
		assertThat(m.update(u32(9), u64(9), BPF_EXIST)).isEqualTo(-Errno.ENOENT);
		assertThat(m.update(u32(4), u64(9), BPF_NOEXIST)).isEqualTo(-Errno.EEXIST);
	}

	@Test
	void perCpuValuesAreIsolated() {
		HashTab m = (HashTab) hash(MapType.PERCPU_HASH, 4, 3);
		// a program on CPU 1 inserts: other CPUs start zeroed
		assertThat(m.update(u32(7), 0, u64(11), 0, BPF_ANY, 1)).isZero();
		assertThat(le64(m.lookup(u32(7), 0, 1))).isEqualTo(11);
		assertThat(le64(m.lookup(u32(7), 0, 0))).isZero();
		assertThat(le64(m.lookup(u32(7), 0, 2))).isZero();
		// CPU 2 updates its own copy only
		m.update(u32(7), 0, u64(22), 0, BPF_EXIST, 2);
		assertThat(HashTabTest.longs(m.entries().get(0).values())).containsExactly(0L, 11L, 22L);
		// Java update sets every CPU
		m.update(u32(7), u64(5), BPF_ANY);
		assertThat(HashTabTest.longs(m.entries().get(0).values())).containsExactly(5L, 5L, 5L);
		assertThat(m.updatePerCpu(u32(8), new byte[][] { u64(1), u64(2), u64(3) }, BPF_ANY)).isZero();
		assertThat(le64(m.lookup(u32(8), 0, 2))).isEqualTo(3);
	}

	@Test
	void frozenMapRefusesJavaWritesOnly() {
		BpfMap m = hash(MapType.HASH, 4, 1);
		m.update(u32(1), u64(1), BPF_ANY);
		m.freeze();
		assertThat(m.update(u32(2), u64(2), BPF_ANY)).isEqualTo(-Errno.EPERM);
		assertThat(m.delete(u32(1))).isEqualTo(-Errno.EPERM);
		assertThat(m.update(u32(2), 0, u64(2), 0, BPF_ANY, 0)).isZero();
	}

	@Test
	void manyInsertsAndDeletesKeepTheIndexConsistent() {
		BpfMap m = Maps.create(MapSpec.of("big", MapType.HASH, 8, 8, 5000), 1);
		for (long i = 0; i < 5000; i++) {
			assertThat(m.update(u64(i * 0x9E3779B97F4A7C15L), u64(i), BPF_NOEXIST)).isZero();
		}
		for (long i = 0; i < 5000; i += 2) {
			assertThat(m.delete(u64(i * 0x9E3779B97F4A7C15L))).isZero();
		}
		for (long i = 0; i < 5000; i++) {
			byte[] v = m.lookup(u64(i * 0x9E3779B97F4A7C15L));
			if (i % 2 == 0) {
				assertThat(v).isNull();
			}
			else {
				assertThat(le64(v)).isEqualTo(i);
			}
		}
		List<MapEntry> entries = m.entries();
		assertThat(entries).hasSize(2500);
		assertThat(le64(entries.get(0).value())).isEqualTo(1);
		assertThat(le64(entries.get(2499).value())).isEqualTo(4999);
	}

}
