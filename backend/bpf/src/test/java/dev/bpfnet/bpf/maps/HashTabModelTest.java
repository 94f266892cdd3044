package dev.bpfnet.bpf.maps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HASH against a model: a {@link LinkedHashMap} (insertion order, as our
 * {@code get_next_key}) with the kernel's flag and capacity rules written out plainly.
 */
class HashTabModelTest {

	static final int MAX = 24;

	record Op(int kind, int key, long value, long flags) {
	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<Op> op = Combinators
			.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 40), Arbitraries.longs(),
					Arbitraries.of(0L, 1L, 2L, 3L, 4L))
			.as(Op::new);
		return op.list().ofMaxSize(300);
	}

	static byte[] key(int k) {
		// 6-byte keys: exercises the hash tail path
		return new byte[] { (byte) k, (byte) (k >>> 8), 0x5a, 0, (byte) (k * 31), 1 };
	}

	static byte[] value(long v) {
		return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
	}

	static long le64(byte[] b) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
	}

	@Property(tries = 300)
	void behavesLikeTheModel(@ForAll("ops") List<Op> ops) {
		BpfMap map = Maps.create(MapSpec.of("m", MapType.HASH, 6, 8, MAX), 1);
		Map<Integer, Long> model = new LinkedHashMap<>();
		for (Op op : ops) {
			switch (op.kind()) {
				case 0, 1 -> {
					long f = op.flags() & ~BpfMap.BPF_F_LOCK;
					boolean present = model.containsKey(op.key());
					int expected;
					if (f > BpfMap.BPF_EXIST) {
						expected = -Errno.EINVAL;
					}
					else if (present && f == BpfMap.BPF_NOEXIST) {
						expected = -Errno.EEXIST;
					}
					else if (!present && f == BpfMap.BPF_EXIST) {
						expected = -Errno.ENOENT;
					}
					else if (!present && model.size() >= MAX) {
						expected = -Errno.E2BIG;
					}
					else {
						expected = 0;
						model.put(op.key(), op.value());
					}
					assertThat(map.update(key(op.key()), op.value() == 0 ? value(1) : value(op.value()), op.flags()))
						.isEqualTo(expected);
					if (expected == 0 && op.value() == 0) {
						model.put(op.key(), 1L);
					}
				}
				case 2 -> {
					int expected = model.remove(op.key()) != null ? 0 : -Errno.ENOENT;
					assertThat(map.delete(key(op.key()))).isEqualTo(expected);
				}
				default -> {
					byte[] v = map.lookup(key(op.key()));
					Long m = model.get(op.key());
					if (m == null) {
						assertThat(v).isNull();
					}
					else {
						assertThat(le64(v)).isEqualTo(m);
					}
				}
			}
			assertThat(map.size()).isEqualTo(model.size());
		}
		List<Integer> order = new ArrayList<>();
		for (byte[] k = map.nextKey(null); k != null; k = map.nextKey(k)) {
			order.add((k[0] & 0xff) | (k[1] & 0xff) << 8);
		}
		assertThat(order).containsExactlyElementsOf(model.keySet());
		assertThat(map.entries()).extracting(e -> le64(e.value())).containsExactlyElementsOf(model.values());
	}

}
