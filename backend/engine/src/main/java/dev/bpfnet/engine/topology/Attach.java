package dev.bpfnet.engine.topology;

import java.util.OptionalInt;

/**
 * Attaches a program to a device hook. tcx hooks exist on every device; {@code primary}
 * and {@code peer} only on a bpfnet primary (netkit attaches through the primary's
 * ifindex).
 *
 * @param program program name
 * @param device the device
 * @param hook where it runs
 * @param order position in the hook's multi-program chain ({@code bpf_mprog}), lower runs
 * first; empty = after the explicitly ordered ones, in document order
 */
public record Attach(String program, DeviceRef device, Hook hook, OptionalInt order) {

	/** Attach points ({@code enum bpf_attach_type}). */
	public enum Hook implements Keyed {

		/**
		 * BPF_TCX_INGRESS: {@code sch_handle_ingress} in
		 * {@code __netif_receive_skb_core}.
		 */
		TCX_INGRESS("tcx-ingress"),
		/** BPF_TCX_EGRESS: {@code sch_handle_egress} in {@code __dev_queue_xmit}. */
		TCX_EGRESS("tcx-egress"),
		/** BPF_NETKIT_PRIMARY: runs on primary→peer transmit. */
		PRIMARY("primary"),
		/** BPF_NETKIT_PEER: runs on peer→primary transmit. */
		PEER("peer");

		private final String key;

		Hook(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	public Attach {
		Names.require("program", program);
		if (device == null || hook == null || order == null) {
			throw new IllegalArgumentException("device, hook and order must not be null");
		}
		if (order.isPresent() && order.getAsInt() < 0) {
			throw new IllegalArgumentException("order must be >= 0, got " + order.getAsInt());
		}
	}

}
