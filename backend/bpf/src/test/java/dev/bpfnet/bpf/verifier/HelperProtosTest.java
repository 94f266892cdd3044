package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.HelperIds;

import dev.bpfnet.bpf.prog.ProgramType;
import dev.bpfnet.bpf.verifier.HelperProtos.ArgType;
import dev.bpfnet.bpf.verifier.HelperProtos.Proto;
import dev.bpfnet.bpf.verifier.HelperProtos.RetType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HelperProtosTest {

	@Test
	void theToolchainsHelpersHavePrototypes() {
		int[] ids = { 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 23, 26, 28, 32, 39, 43, 51, 69, 130, 131, 132, 133, 152,
				155 };
		assertThat(HelperProtos.all()).extracting(Proto::id)
			.containsExactly(ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8], ids[9], ids[10],
					ids[11], ids[12], ids[13], ids[14], ids[15], ids[16], ids[17], ids[18], ids[19], ids[20], ids[21],
					ids[22], ids[23], ids[24], ids[25]);
		for (Proto p : HelperProtos.all()) {
			assertThat(p.name()).isEqualTo(HelperProtos.name(p.id())).startsWith("bpf_");
		}
	}

	@Test
	void namesFollowTheUapiList() {
		assertThat(HelperProtos.name(1)).isEqualTo("bpf_map_lookup_elem");
		assertThat(HelperProtos.name(51)).isEqualTo("bpf_redirect_map");
		assertThat(HelperProtos.name(155)).isEqualTo("bpf_redirect_peer");
		assertThat(HelperProtos.name(211)).isEqualTo("bpf_cgrp_storage_delete");
		assertThat(HelperProtos.name(212)).isEqualTo("unknown");
		assertThat(HelperProtos.name(-1)).isEqualTo("unknown");
	}

	@Test
	void prototypesAsInTheKernel() {
		Proto lookup = HelperProtos.proto(HelperIds.MAP_LOOKUP_ELEM);
		assertThat(lookup.ret()).isEqualTo(RetType.PTR_TO_MAP_VALUE_OR_NULL);
		assertThat(lookup.arg(0)).isEqualTo(ArgType.CONST_MAP_PTR);
		assertThat(lookup.arg(1)).isEqualTo(ArgType.PTR_TO_MAP_KEY);
		assertThat(lookup.arg(2)).isEqualTo(ArgType.DONTCARE);
		assertThat(lookup.pktAccess()).isTrue();
		Proto reserve = HelperProtos.proto(HelperIds.RINGBUF_RESERVE);
		assertThat(reserve.ret()).isEqualTo(RetType.PTR_TO_MEM_OR_NULL);
		assertThat(reserve.acquires()).isTrue();
		assertThat(HelperProtos.proto(HelperIds.RINGBUF_SUBMIT).releases(0)).isTrue();
		assertThat(HelperProtos.proto(HelperIds.SKB_LOAD_BYTES).arg(2)).isEqualTo(ArgType.PTR_TO_UNINIT_MEM);
		assertThat(HelperProtos.proto(HelperIds.TAIL_CALL).ret()).isEqualTo(RetType.VOID);
		assertThat(HelperProtos.proto(HelperIds.TRACE_PRINTK).gplOnly()).isTrue();
	}

	@Test
	void packetDataChangesFollowBpfHelperChangesPktData() {
		for (int id : new int[] { 9, 10, 11, 13, 39, 43 }) {
			assertThat(HelperProtos.proto(id).changesPktData()).as(HelperProtos.name(id)).isTrue();
		}
		for (int id : new int[] { 1, 23, 26, 28, 32, 69, 152, 155 }) {
			assertThat(HelperProtos.proto(id).changesPktData()).as(HelperProtos.name(id)).isFalse();
		}
	}

	@Test
	void programTypesThatMayCall() {
		assertThat(HelperProtos.proto(HelperIds.REDIRECT_MAP, ProgramType.SCHED_CLS)).isNull();
		assertThat(HelperProtos.proto(HelperIds.REDIRECT_MAP, ProgramType.XDP)).isNotNull();
		assertThat(HelperProtos.proto(HelperIds.SKB_STORE_BYTES, ProgramType.XDP)).isNull();
		assertThat(HelperProtos.proto(HelperIds.SKB_STORE_BYTES, ProgramType.SCHED_ACT)).isNotNull();
		assertThat(HelperProtos.proto(HelperIds.SKB_LOAD_BYTES, ProgramType.SOCKET_FILTER)).isNotNull();
		assertThat(HelperProtos.proto(HelperIds.MAP_LOOKUP_ELEM, ProgramType.SOCKET_FILTER)).isNotNull();
		assertThat(HelperProtos.proto(4, ProgramType.SCHED_CLS)).isNull();
	}

}
