package dev.bpfnet.engine.trace;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DropCounterTest {

	@Test
	void countsDropsByReasonAndDevice() {
		DropCounter drops = new DropCounter();
		Events.of(1, 1, Function.VETH_XMIT, 2).feed(drops);
		Events.of(2, 1, Function.KFREE_SKB_REASON, 2).dropped(DropReason.CPU_BACKLOG).feed(drops);
		Events.of(3, 2, Function.KFREE_SKB_REASON, 2).dropped(DropReason.CPU_BACKLOG).feed(drops);
		Events.of(4, 3, Function.KFREE_SKB_REASON, 40).dropped(DropReason.TC_INGRESS).feed(drops);
		Events.of(5, 4, Function.KFREE_SKB_REASON, TraceSink.NO_ID).dropped(DropReason.NO_SOCKET).feed(drops);

		assertThat(drops.total()).isEqualTo(4);
		assertThat(drops.count(DropReason.CPU_BACKLOG)).isEqualTo(2);
		assertThat(drops.count(2)).isEqualTo(2);
		assertThat(drops.count(40, DropReason.TC_INGRESS)).isEqualTo(1);
		assertThat(drops.count(40, DropReason.CPU_BACKLOG)).isZero();
		assertThat(drops.count(1000)).isZero();
		assertThat(drops.byReason()).containsExactly(Map.entry(DropReason.NO_SOCKET, 1L),
				Map.entry(DropReason.CPU_BACKLOG, 2L), Map.entry(DropReason.TC_INGRESS, 1L));
		assertThat(drops.byReason(2)).containsExactly(Map.entry(DropReason.CPU_BACKLOG, 2L));
	}

}
