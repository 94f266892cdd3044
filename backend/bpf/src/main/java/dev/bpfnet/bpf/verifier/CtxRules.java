package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.ctx.SkBuffLayout;
import dev.bpfnet.bpf.ctx.SkBuffLayout.Access;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * The {@code is_valid_access} callback of each program type's {@code bpf_verifier_ops}
 * (net/core/filter.c): {@code tc_cls_act_is_valid_access()} and
 * {@code sk_filter_is_valid_access()} through {@link SkBuffLayout}, and
 * {@code xdp_is_valid_access()} for {@code struct xdp_md} here.
 */
final class CtxRules {

	private CtxRules() {
	}

	/**
	 * {@code sizeof(struct xdp_md)}: data, data_end, data_meta, ingress_ifindex,
	 * rx_queue_index, egress_ifindex.
	 */
	static final int XDP_MD_SIZE = 24;

	static Access check(ProgramType type, int off, int size, boolean write) {
		return switch (type) {
			case SCHED_CLS, SCHED_ACT -> SkBuffLayout.check(off, size, write);
			case SOCKET_FILTER -> SkBuffLayout.checkSocketFilter(off, size, write);
			case XDP -> xdp(off, size, write);
			default -> Access.INVALID;
		};
	}

	/**
	 * {@code xdp_is_valid_access()} for a program not attached to a devmap: read-only,
	 * 4-byte aligned loads, {@code egress_ifindex} refused.
	 */
	private static Access xdp(int off, int size, boolean write) {
		if (off == 20 || write) {
			return Access.INVALID;
		}
		if (off < 0 || off >= XDP_MD_SIZE || size != 4 || off % size != 0) {
			return Access.INVALID;
		}
		return switch (off) {
			case 0 -> Access.PKT;
			case 4 -> Access.PKT_END;
			case 8 -> Access.PKT_META;
			default -> Access.SCALAR;
		};
	}

}
