package dev.bpfnet.bpf.maps;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapsCreateTest {

	static Stream<Arguments> refused() {
		return Stream.of(
				Arguments.of(new MapSpec("h", MapType.HASH, 0, 8, 10, 0, null, false), "key_size", Errno.EINVAL,
						"map 'h': key_size 0 must be greater than 0 for HASH maps (EINVAL)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 4, 0, 10, 0, null, false), "value_size", Errno.EINVAL,
						"map 'h': value_size 0 must be greater than 0 for HASH maps (EINVAL)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 4, 8, 0, 0, null, false), "max_entries", Errno.EINVAL,
						"map 'h': max_entries 0 must be greater than 0 for HASH maps (EINVAL)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 4, 8, -1, 0, null, false), "max_entries", Errno.EINVAL,
						"map 'h': max_entries 4294967295 must be greater than 0 for HASH maps (EINVAL)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 513, 8, 10, 0, null, false), "key_size", Errno.E2BIG,
						"map 'h': key_size 513 is larger than the BPF stack (512) (E2BIG)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 4, 70000, 10, 0, null, false), "value_size", Errno.E2BIG,
						"map 'h': value_size 70000 is larger than the limit of 65536 bytes for HASH maps (E2BIG)"),
				Arguments.of(new MapSpec("p", MapType.PERCPU_ARRAY, 4, 40000, 10, 0, null, false), "value_size",
						Errno.E2BIG,
						"map 'p': value_size 40000 is larger than the limit of 32768 bytes for PERCPU_ARRAY maps (E2BIG)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 4, 8, 10, 0x8000, null, false), "map_flags", Errno.EINVAL,
						"map 'h': map_flags 0x8000 has bits 0x8000 not supported by HASH maps (EINVAL)"),
				Arguments.of(new MapSpec("h", MapType.HASH, 4, 8, 10, Maps.BPF_F_NO_COMMON_LRU, null, false),
						"map_flags", Errno.EINVAL, "map 'h': BPF_F_NO_COMMON_LRU is only valid for LRU maps (EINVAL)"),
				Arguments.of(new MapSpec("l", MapType.LRU_HASH, 4, 8, 10, Maps.BPF_F_NO_PREALLOC, null, false),
						"map_flags", Errno.ENOTSUPP,
						"map 'l': LRU maps are always preallocated: BPF_F_NO_PREALLOC is not supported (ENOTSUPP)"),
				Arguments.of(
						new MapSpec("h", MapType.HASH, 4, 8, 10, Maps.BPF_F_RDONLY_PROG | Maps.BPF_F_WRONLY_PROG, null,
								false),
						"map_flags", Errno.EINVAL,
						"map 'h': map_flags 0x180 asks for both read-only and write-only access (EINVAL)"),
				Arguments.of(new MapSpec("a", MapType.ARRAY, 8, 8, 10, 0, null, false), "key_size", Errno.EINVAL,
						"map 'a': key_size 8 must be 4 for ARRAY maps (EINVAL)"),
				Arguments.of(new MapSpec("a", MapType.PERCPU_ARRAY, 4, 8, 10, Maps.BPF_F_MMAPABLE, null, false),
						"map_flags", Errno.EINVAL,
						"map 'a': BPF_F_MMAPABLE and BPF_F_INNER_MAP are only valid for ARRAY maps (EINVAL)"),
				Arguments.of(new MapSpec(".rodata", MapType.ARRAY, 4, 4, 1, 0, new byte[8], true), "initialValue",
						Errno.EINVAL, "map '.rodata': initial value of 8 bytes does not fit value_size 4 (EINVAL)"),
				Arguments.of(new MapSpec("jmp", MapType.PROG_ARRAY, 4, 8, 10, 0, null, false), "value_size",
						Errno.EINVAL, "map 'jmp': value_size 8 must be 4 for PROG_ARRAY maps (EINVAL)"),
				Arguments.of(new MapSpec("tx", MapType.DEVMAP, 4, 6, 10, 0, null, false), "value_size", Errno.EINVAL,
						"map 'tx': value_size 6 must be 4 (ifindex) or 8 (ifindex + program fd) for DEVMAP maps (EINVAL)"),
				Arguments.of(new MapSpec("tx", MapType.DEVMAP_HASH, 2, 4, 10, 0, null, false), "key_size", Errno.EINVAL,
						"map 'tx': key_size 2 must be 4 for DEVMAP_HASH maps (EINVAL)"),
				Arguments.of(new MapSpec("rb", MapType.RINGBUF, 0, 0, 3 * 4096, 0, null, false), "max_entries",
						Errno.EINVAL,
						"map 'rb': max_entries 12288 (the ring size in bytes) must be a power of 2 and a multiple of the page size 4096 (EINVAL)"),
				Arguments.of(new MapSpec("rb", MapType.RINGBUF, 0, 0, 2048, 0, null, false), "max_entries",
						Errno.EINVAL,
						"map 'rb': max_entries 2048 (the ring size in bytes) must be a power of 2 and a multiple of the page size 4096 (EINVAL)"),
				Arguments.of(new MapSpec("rb", MapType.RINGBUF, 4, 0, 4096, 0, null, false), "key_size", Errno.EINVAL,
						"map 'rb': key_size 4 must be 0 for RINGBUF maps (EINVAL)"),
				Arguments.of(new MapSpec("big", MapType.ARRAY, 4, 1024, 1 << 20, 0, null, false), "max_entries",
						Errno.E2BIG,
						"map 'big': max_entries 1048576 with key_size 4 and value_size 1024 would allocate 1090519040 bytes, more than the limit of 268435456 bytes (E2BIG)"),
				Arguments.of(new MapSpec("pc", MapType.PERCPU_HASH, 4, 64, 1 << 20, 0, null, false), "max_entries",
						Errno.E2BIG,
						"map 'pc': max_entries 1048576 with key_size 4 and value_size 64 on 4 CPUs would allocate 377487360 bytes, more than the limit of 268435456 bytes (E2BIG)"));
	}

	@ParameterizedTest
	@MethodSource("refused")
	void refusesLikeMapCreate(MapSpec spec, String field, int errno, String message) {
		assertThatThrownBy(() -> Maps.create(spec, 4)).isInstanceOfSatisfying(MapException.class, e -> {
			assertThat(e).hasMessage(message);
			assertThat(e.field()).isEqualTo(field);
			assertThat(e.errno()).isEqualTo(errno);
			assertThat(e.mapName()).isEqualTo(spec.name());
		});
	}

	@Test
	void createsEveryType() {
		assertThat(Maps.create(MapSpec.of("h", MapType.HASH, 4, 8, 10), 2)).isInstanceOf(HashTab.class);
		assertThat(Maps.create(MapSpec.of("h", MapType.PERCPU_HASH, 4, 8, 10), 2).numCpus()).isEqualTo(2);
		assertThat(Maps.create(MapSpec.of("h", MapType.LRU_HASH, 4, 8, 10), 2).numCpus()).isEqualTo(1);
		assertThat(Maps.create(MapSpec.of("a", MapType.ARRAY, 4, 8, 10), 2)).isInstanceOf(ArrayMap.class);
		assertThat(Maps.create(MapSpec.of("a", MapType.PERCPU_ARRAY, 4, 8, 10), 3).numCpus()).isEqualTo(3);
		assertThat(Maps.create(MapSpec.of("j", MapType.PROG_ARRAY, 4, 4, 10), 2)).isInstanceOf(ProgArrayMap.class);
		assertThat(Maps.create(MapSpec.of("d", MapType.DEVMAP, 4, 4, 10), 2)).isInstanceOf(DevMap.class);
		assertThat(Maps.create(MapSpec.of("d", MapType.DEVMAP_HASH, 4, 8, 10), 2)).isInstanceOf(DevMap.class);
		assertThat(Maps.create(MapSpec.of("r", MapType.RINGBUF, 0, 0, 1 << 16), 2)).isInstanceOf(RingBuf.class);
	}

	@Test
	void memoryLimitIsConfigurable() {
		MapSpec spec = MapSpec.of("small", MapType.HASH, 4, 8, 1000);
		assertThat(Maps.estimateBytes(spec, 1)).isEqualTo(1000L * (8 + 8 + 16 + 32));
		assertThatThrownBy(() -> Maps.create(spec, 1, 1000)).isInstanceOf(MapException.class)
			.hasMessageContaining("more than the limit of 1000 bytes");
		assertThat(Maps.create(spec, 1, 64_000).maxEntries()).isEqualTo(1000);
	}

	@Test
	void rejectsCpuCountsOutOfRange() {
		assertThatThrownBy(() -> Maps.create(MapSpec.of("h", MapType.HASH, 4, 8, 10), 0))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("numCpus must be in [1, 1024], got 0");
	}

}
