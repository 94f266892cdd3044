package dev.bpfnet.engine.hook;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import dev.bpfnet.bpf.prog.SectionDefs;
import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Verdict;

/**
 * The tcx programs of one device and direction (include/net/tcx.h, kernel/bpf/tcx.c): an
 * ordered {@code bpf_mprog} chain run by {@link #run}, which models {@code tcx_run()}
 * followed by {@code tcx_action_code()}:
 *
 * <pre>
 * ret = TCX_NEXT;
 * for each program: ret = bpf_prog_run(prog, skb); if (ret != TCX_NEXT) break;
 * switch (ret) { PASS: skb->tc_index = tc_classid; PASS/DROP/REDIRECT: return ret; default: return TCX_NEXT; }
 * </pre>
 *
 * So a program returning an unknown code (1, 3, 8, ...) stops the chain like any code
 * other than {@code TCX_NEXT}, and the hook then acts as for {@code TCX_NEXT}: the legacy
 * clsact chain (not modelled) and the stack continue. What {@code sch_handle_ingress} /
 * {@code sch_handle_egress} (net/core/dev.c) then do is in {@link HookResult}:
 * {@code TC_ACT_SHOT} drops with {@code SKB_DROP_REASON_TC_INGRESS} / {@code TC_EGRESS};
 * {@code TC_ACT_REDIRECT} goes to {@code skb_do_redirect()}, which drops when no helper
 * set a target ({@code dev_get_by_index_rcu(net, 0)} fails) and drops
 * {@code bpf_redirect_peer} outside tc ingress ({@code skb_at_tc_ingress}).
 *
 * <p>
 * <b>Simplifications.</b> A program fault (impossible for a verified program in the
 * kernel, possible here for helper failures or the instruction budget) stops the chain
 * and drops the packet with the direction's TC drop reason, as a {@code TC_ACT_SHOT}
 * would. {@code skb->tc_at_ingress} is not a {@link SkBuff} field: the chain's direction
 * stands for it. On ingress the caller says how many L2 bytes to re-expose
 * ({@code __skb_push(skb, skb->mac_len)} around the programs).
 */
public final class TcxChain {

	/** {@code BPF_TCX_INGRESS} or {@code BPF_TCX_EGRESS}. */
	public enum Direction {

		/** {@code sch_handle_ingress}, in {@code __netif_receive_skb_core}. */
		INGRESS,
		/** {@code sch_handle_egress}, in {@code __dev_queue_xmit}. */
		EGRESS

	}

	private final String device;

	private final Direction direction;

	private final Mprog mprog;

	/**
	 * @param device the device, for messages ({@code node/ns/dev})
	 * @param direction ingress or egress
	 */
	public TcxChain(String device, Direction direction) {
		if (device == null || device.isEmpty()) {
			throw new IllegalArgumentException("device must not be empty, got " + device);
		}
		this.device = device;
		this.direction = Objects.requireNonNull(direction, "direction");
		this.mprog = new Mprog("tcx " + (direction == Direction.INGRESS ? "ingress" : "egress") + " of " + device);
	}

	/**
	 * The chain for a topology {@code tcx-ingress} / {@code tcx-egress} hook.
	 * @throws IllegalArgumentException for the netkit hooks
	 */
	public static TcxChain of(String device, Attach.Hook hook) {
		return switch (Objects.requireNonNull(hook, "hook")) {
			case TCX_INGRESS -> new TcxChain(device, Direction.INGRESS);
			case TCX_EGRESS -> new TcxChain(device, Direction.EGRESS);
			case PRIMARY, PEER -> throw new IllegalArgumentException(
					"hook '" + hook.key() + "' is a netkit hook, not tcx (device " + device + ")");
		};
	}

	/**
	 * Attaches {@code program}: with an {@code order} among the explicitly ordered ones
	 * (lowest first), without one after them in attach order.
	 * @throws IllegalArgumentException for a program type tcx does not take (only
	 * SCHED_CLS), a program already attached here, or a full chain
	 */
	public void attach(HookProgram program, OptionalInt order) {
		AttachType at = this.direction == Direction.INGRESS ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS;
		ProgramType type = program.program().type();
		if (!SectionDefs.compatible(type, at) && type != ProgramType.UNSPEC) {
			throw new IllegalArgumentException("program '" + program.name() + "' of type " + type + " cannot attach to "
					+ at + " of " + this.device + " (only SCHED_CLS)");
		}
		this.mprog.attach(program, order);
	}

	/** Attaches {@code program} after the ones attached so far. */
	public void attach(HookProgram program) {
		attach(program, OptionalInt.empty());
	}

	/** Detaches the program with this topology name; false if it was not attached. */
	public boolean detach(String name) {
		return this.mprog.detach(name);
	}

	/** The programs in run order. */
	public List<HookProgram> programs() {
		return this.mprog.programs();
	}

	/** Whether no program is attached (the hook is then skipped). */
	public boolean isEmpty() {
		return this.mprog.isEmpty();
	}

	public String device() {
		return this.device;
	}

	public Direction direction() {
		return this.direction;
	}

	/** {@link #run(SkBuff, HookEnv, int)} with no L2 bytes to re-expose. */
	public HookResult run(SkBuff skb, HookEnv env) {
		return run(skb, env, 0);
	}

	/**
	 * Runs the chain over {@code skb} on {@code env}'s CPU.
	 * @param macLen ingress only: bytes before {@code skb.data()} that
	 * {@code tcx_run(entry, skb, true)} pushes before the programs and pulls after them
	 * ({@code skb->mac_len}); 0 when the skb already starts at the MAC header
	 * @return {@code env.result()}, filled
	 */
	public HookResult run(SkBuff skb, HookEnv env, int macLen) {
		if (macLen < 0 || (macLen > 0 && this.direction == Direction.EGRESS)) {
			throw new IllegalArgumentException(
					"macLen must be 0 on egress and >= 0 on ingress, got " + macLen + " on " + this.mprog);
		}
		HookResult r = env.result();
		r.reset();
		if (macLen > 0) {
			skb.push(macLen);
		}
		int ret = this.mprog.run(skb, env, r);
		if (macLen > 0) {
			skb.pull(macLen);
		}
		DropReason tcDrop = this.direction == Direction.INGRESS ? DropReason.TC_INGRESS : DropReason.TC_EGRESS;
		if (r.fault() != null) {
			r.finish(Verdict.DROP);
			r.drop(tcDrop,
					"program '" + r.program(r.programsRun() - 1).name() + "' faulted: " + r.fault().getMessage());
			return r;
		}
		Verdict v = Verdict.tcx(ret);
		if (v == Verdict.PASS) {
			skb.tcIndex = skb.tcClassid;
		}
		r.finish(v);
		if (v == Verdict.DROP) {
			r.drop(tcDrop, "TC_ACT_SHOT");
		}
		else if (v == Verdict.REDIRECT) {
			RedirectInfo ri = r.redirect();
			if (!ri.isSet()) {
				r.drop(DropReason.NOT_SPECIFIED, "TC_ACT_REDIRECT without a redirect target (skb_do_redirect)");
			}
			else if (ri.kind() == RedirectInfo.Kind.REDIRECT_PEER && this.direction == Direction.EGRESS) {
				r.drop(DropReason.NOT_SPECIFIED, "bpf_redirect_peer outside tc ingress (skb_do_redirect)");
			}
		}
		return r;
	}

	@Override
	public String toString() {
		return this.mprog.toString();
	}

}
