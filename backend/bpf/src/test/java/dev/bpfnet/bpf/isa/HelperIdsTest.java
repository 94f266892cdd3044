package dev.bpfnet.bpf.isa;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Spot checks against include/uapi/linux/bpf.h ({@code __BPF_FUNC_MAPPER}). */
class HelperIdsTest {

	@ParameterizedTest
	@CsvSource({ "1, map_lookup_elem", "2, map_update_elem", "3, map_delete_elem", "4, probe_read", "5, ktime_get_ns",
			"6, trace_printk", "7, get_prandom_u32", "8, get_smp_processor_id", "9, skb_store_bytes",
			"10, l3_csum_replace", "11, l4_csum_replace", "12, tail_call", "13, clone_redirect",
			"14, get_current_pid_tgid", "23, redirect", "26, skb_load_bytes", "28, csum_diff", "32, skb_change_type",
			"39, skb_pull_data", "43, skb_change_head", "51, redirect_map", "69, fib_lookup", "130, ringbuf_output",
			"131, ringbuf_reserve", "132, ringbuf_submit", "133, ringbuf_discard", "134, ringbuf_query",
			"152, redirect_neigh", "155, redirect_peer", "211, cgrp_storage_delete" })
	void knownIds(int id, String name) {
		assertThat(HelperIds.name(id)).isEqualTo(name);
		assertThat(HelperIds.symbol(id)).isEqualTo("bpf_" + name);
		assertThat(HelperIds.id(name)).isEqualTo(id);
		assertThat(HelperIds.id("bpf_" + name)).isEqualTo(id);
	}

	@Test
	void everyIdHasAUniqueNameAndResolvesBack() {
		for (int id = 1; id <= HelperIds.MAX_ID; id++) {
			String name = HelperIds.name(id);
			assertThat(name).as("id %d", id).isNotBlank().doesNotStartWith("bpf_");
			assertThat(HelperIds.id(name)).isEqualTo(id);
		}
	}

	@Test
	void unknownIdsAndNames() {
		assertThat(HelperIds.name(0)).isNull();
		assertThat(HelperIds.name(-1)).isNull();
		assertThat(HelperIds.name(HelperIds.MAX_ID + 1)).isNull();
		assertThat(HelperIds.symbol(0)).isNull();
		assertThat(HelperIds.id("unspec")).isEqualTo(-1);
		assertThat(HelperIds.id("bpf_no_such_helper")).isEqualTo(-1);
		assertThat(HelperIds.id(null)).isEqualTo(-1);
	}

}
