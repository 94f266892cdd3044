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
import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Verdict;

/**
 * The two program slots of a bpfnet (netkit) pair and the verdict logic of
 * {@code netkit_xmit()} around {@code netkit_run()} (drivers/net/netkit.c, datapath.md
 * §1.2):
 *
 * <pre>
 * ret = nk->policy;                              // PASS or DROP, used when no program is attached
 * if (entry) for each program: ret = bpf_prog_run(prog, skb); if (ret != NETKIT_NEXT) break;
 * switch (ret) { NEXT, PASS: __netif_rx(skb); REDIRECT: skb_do_redirect(skb); DROP, default: drop; }
 * </pre>
 *
 * <ul>
 * <li>{@link Side#PRIMARY} programs ({@code BPF_NETKIT_PRIMARY}) run in
 * {@code netkit_xmit(primary)}: host → pod.</li>
 * <li>{@link Side#PEER} programs ({@code BPF_NETKIT_PEER}) live in the peer's
 * {@code active} entry and run in {@code netkit_xmit(peer)}: pod → host.</li>
 * <li>Both are attached through the primary ({@code netkit_dev_fetch} refuses the peer's
 * ifindex with {@code -EACCES}); the policies only accept PASS and DROP.</li>
 * <li>Unknown return codes drop (unlike tcx), a final NETKIT_NEXT passes, and every drop
 * of netkit is {@code kfree_skb}: {@link DropReason#NOT_SPECIFIED}.
 * {@code bpf_redirect_peer} cannot work here (the skb is not at tc ingress), and REDIRECT
 * without a target is dropped by {@code skb_do_redirect}.</li>
 * </ul>
 *
 * <p>
 * Not here: {@code netkit_prep_forward} (scrub, {@code pkt_type}), setting
 * {@code skb->dev} to the other end before the programs, and what happens after the
 * verdict; the device model does those. A program fault (not possible in the kernel)
 * drops with NOT_SPECIFIED.
 */
public final class NetkitSlot {

	/** Which end transmits, i.e. which slot runs. */
	public enum Side {

		/** {@code BPF_NETKIT_PRIMARY}: runs on primary → peer transmit (host → pod). */
		PRIMARY,
		/** {@code BPF_NETKIT_PEER}: runs on peer → primary transmit (pod → host). */
		PEER

	}

	private final DeviceRef primary;

	private final Mprog primaryProgs;

	private final Mprog peerProgs;

	private BpfnetDevice.Policy policy;

	private BpfnetDevice.Policy peerPolicy;

	/**
	 * @param primary the primary device (host side), the only attach point
	 * @param policy {@code IFLA_NETKIT_POLICY}: verdict of the primary slot while empty
	 * @param peerPolicy {@code IFLA_NETKIT_PEER_POLICY}: the same for the peer slot
	 */
	public NetkitSlot(DeviceRef primary, BpfnetDevice.Policy policy, BpfnetDevice.Policy peerPolicy) {
		this.primary = Objects.requireNonNull(primary, "primary");
		this.policy = Objects.requireNonNull(policy, "policy");
		this.peerPolicy = Objects.requireNonNull(peerPolicy, "peerPolicy");
		this.primaryProgs = new Mprog("netkit primary of " + primary);
		this.peerProgs = new Mprog("netkit peer of " + primary);
	}

	/** The slots of a topology bpfnet device declared as {@code primary}. */
	public static NetkitSlot of(DeviceRef primary, BpfnetDevice device) {
		if (!primary.device().equals(device.name())) {
			throw new IllegalArgumentException(
					"device ref " + primary + " does not name bpfnet device '" + device.name() + "'");
		}
		return new NetkitSlot(primary, device.policy(), device.peerPolicy());
	}

	/**
	 * Attaches as the topology says: {@code hook: primary} or {@code hook: peer} on the
	 * primary device.
	 * @throws IllegalArgumentException when the attachment names another device (the
	 * peer's: -EACCES) or a tcx hook
	 */
	public void attach(Attach attach, HookProgram program) {
		if (!attach.device().equals(this.primary)) {
			throw new IllegalArgumentException("netkit programs attach through the primary " + this.primary + ", not "
					+ attach.device() + " (netkit_dev_fetch: -EACCES)");
		}
		Side side = switch (attach.hook()) {
			case PRIMARY -> Side.PRIMARY;
			case PEER -> Side.PEER;
			case TCX_INGRESS, TCX_EGRESS -> throw new IllegalArgumentException(
					"hook '" + attach.hook().key() + "' is a tcx hook, not netkit (" + this.primary + ")");
		};
		attach(side, program, attach.order());
	}

	/**
	 * Attaches {@code program} to a slot, ordered as in {@link TcxChain#attach}.
	 * @throws IllegalArgumentException for a program type netkit does not take (only
	 * SCHED_CLS), a program already attached there, or a full slot
	 */
	public void attach(Side side, HookProgram program, OptionalInt order) {
		AttachType at = side == Side.PRIMARY ? AttachType.NETKIT_PRIMARY : AttachType.NETKIT_PEER;
		ProgramType type = program.program().type();
		if (!SectionDefs.compatible(type, at) && type != ProgramType.UNSPEC) {
			throw new IllegalArgumentException("program '" + program.name() + "' of type " + type + " cannot attach to "
					+ at + " of " + this.primary + " (only SCHED_CLS)");
		}
		slot(side).attach(program, order);
	}

	/** Detaches the program with this topology name; false if it was not attached. */
	public boolean detach(Side side, String name) {
		return slot(side).detach(name);
	}

	/** The programs of a slot in run order. */
	public List<HookProgram> programs(Side side) {
		return slot(side).programs();
	}

	/** The verdict of a slot while it has no program. */
	public BpfnetDevice.Policy policy(Side side) {
		return side == Side.PRIMARY ? this.policy : this.peerPolicy;
	}

	/** Changes a policy ({@code netkit_change_link}, through the primary). */
	public void setPolicy(Side side, BpfnetDevice.Policy newPolicy) {
		Objects.requireNonNull(newPolicy, "newPolicy");
		if (side == Side.PRIMARY) {
			this.policy = newPolicy;
		}
		else {
			this.peerPolicy = newPolicy;
		}
	}

	public DeviceRef primary() {
		return this.primary;
	}

	private Mprog slot(Side side) {
		return Objects.requireNonNull(side, "side") == Side.PRIMARY ? this.primaryProgs : this.peerProgs;
	}

	/**
	 * The program part of {@code netkit_xmit()} of the end {@code side}: runs that slot's
	 * programs (or applies its policy) over {@code skb}.
	 * @return {@code env.result()}, filled
	 */
	public HookResult xmit(Side side, SkBuff skb, HookEnv env) {
		Mprog progs = slot(side);
		HookResult r = env.result();
		r.reset();
		int ret;
		if (progs.isEmpty()) {
			ret = (policy(side) == BpfnetDevice.Policy.PASS) ? Verdict.PASS.code() : Verdict.DROP.code();
			r.policy(ret);
		}
		else {
			ret = progs.run(skb, env, r);
		}
		if (r.fault() != null) {
			r.finish(Verdict.DROP);
			r.drop(DropReason.NOT_SPECIFIED,
					"program '" + r.program(r.programsRun() - 1).name() + "' faulted: " + r.fault().getMessage());
			return r;
		}
		Verdict v = Verdict.netkit(ret);
		if (v == Verdict.NEXT) {
			v = Verdict.PASS;
		}
		r.finish(v);
		if (v == Verdict.DROP) {
			r.drop(DropReason.NOT_SPECIFIED, r.policyApplied() ? "netkit policy drop" : (Verdict.ofCode(ret) == null
					? "unknown netkit verdict " + ret + " (default: drop)" : "NETKIT_DROP"));
		}
		else if (v == Verdict.REDIRECT) {
			RedirectInfo ri = r.redirect();
			if (!ri.isSet()) {
				r.drop(DropReason.NOT_SPECIFIED, "NETKIT_REDIRECT without a redirect target (skb_do_redirect)");
			}
			else if (ri.kind() == RedirectInfo.Kind.REDIRECT_PEER) {
				r.drop(DropReason.NOT_SPECIFIED, "bpf_redirect_peer outside tc ingress (skb_do_redirect)");
			}
		}
		return r;
	}

	@Override
	public String toString() {
		return "NetkitSlot[" + this.primary + ", primary " + programs(Side.PRIMARY) + " policy " + this.policy.key()
				+ ", peer " + programs(Side.PEER) + " policy " + this.peerPolicy.key() + "]";
	}

}
