package dev.bpfnet.engine.trace;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class VocabularyTest {

	@Test
	void functionIdsAreDenseStableAndRoundTrip() {
		for (Function fn : Function.values()) {
			assertThat(Function.ofId(fn.id())).isSameAs(fn);
		}
		assertThat(Function.DEV_QUEUE_XMIT.id()).isEqualTo(14);
		assertThat(Function.ENQUEUE_TO_BACKLOG.id()).isEqualTo(40);
		assertThat(Function.SCHEDULE.id()).isEqualTo(Function.values().length - 1);
		assertThatIllegalArgumentException().isThrownBy(() -> Function.ofId(Function.values().length))
			.withMessage("function id: no function has id " + Function.values().length);
	}

	@Test
	void functionKernelNamesAreUniqueAndCoverTheDatapathPaths() {
		Set<String> names = new HashSet<>();
		for (Function fn : Function.values()) {
			assertThat(names.add(fn.kernelName())).as(fn.kernelName()).isTrue();
		}
		assertThat(names).contains("__dev_queue_xmit", "tcx_egress", "tcx_ingress", "veth_xmit", "__dev_forward_skb",
				"netif_rx", "__netif_rx", "enqueue_to_backlog", "napi_schedule_rps", "net_rx_action", "process_backlog",
				"__netif_receive_skb_core", "netkit_xmit", "netkit_run", "skb_do_redirect", "__bpf_redirect_neigh_v4",
				"neigh_output", "ip_rcv", "ip_forward", "ip_output", "ip_finish_output2", "udp_rcv",
				"dev_hard_start_xmit", "sch_direct_xmit", "__qdisc_run", "qdisc_enqueue", "qdisc_dequeue",
				"ndo_start_xmit", "napi_gro_receive", "netif_receive_skb", "kfree_skb_reason", "consume_skb",
				"irq_handler", "__do_softirq", "wakeup_softirqd", "schedule");
	}

	@Test
	void contextAndDropReasonIdsRoundTrip() {
		for (Context ctx : Context.values()) {
			assertThat(Context.ofId(ctx.id())).isSameAs(ctx);
		}
		for (DropReason reason : DropReason.values()) {
			assertThat(DropReason.ofId(reason.id())).isSameAs(reason);
		}
		assertThat(Arrays.stream(DropReason.values()).filter(r -> !r.isDrop()))
			.containsExactly(DropReason.NOT_DROPPED_YET);
		assertThat(DropReason.CPU_BACKLOG.kernelName()).isEqualTo("SKB_DROP_REASON_CPU_BACKLOG");
		assertThat(DropReason.NOT_DROPPED_YET.kernelName()).isEqualTo("SKB_NOT_DROPPED_YET");
		assertThatIllegalArgumentException().isThrownBy(() -> Context.ofId(4))
			.withMessage("context id: no context has id 4");
	}

	@Test
	void tcxContinuesOnUnknownCodesWhileNetkitDropsThem() {
		assertThat(Verdict.tcx(7)).isEqualTo(Verdict.REDIRECT);
		assertThat(Verdict.tcx(1)).isEqualTo(Verdict.NEXT);
		assertThat(Verdict.tcx(42)).isEqualTo(Verdict.NEXT);
		assertThat(Verdict.netkit(-1)).isEqualTo(Verdict.NEXT);
		assertThat(Verdict.netkit(1)).isEqualTo(Verdict.DROP);
		assertThat(Verdict.netkit(42)).isEqualTo(Verdict.DROP);
		assertThat(Verdict.ofCode(3)).isNull();
		assertThat(Verdict.DROP.code()).isEqualTo(2);
	}

}
