package dev.bpfnet.engine.trace;

/**
 * The return codes of tcx and netkit programs (include/uapi/linux/bpf.h
 * {@code enum tcx_action_base}, include/uapi/linux/if_link.h {@code enum netkit_action};
 * the kernel keeps both equal with {@code BUILD_BUG_ON} in {@code netkit_init()}). A
 * trace event carries the program's raw return value as an {@code int}
 * ({@link TraceSink#NO_VERDICT} when no program ran), so unknown values stay visible;
 * {@link #tcx(int)} and {@link #netkit(int)} apply each hook's rule for them.
 */
public enum Verdict {

	/**
	 * {@code TCX_NEXT} / {@code NETKIT_NEXT} (= TC_ACT_UNSPEC, -1): continue with the
	 * next program.
	 */
	NEXT(-1),

	/**
	 * {@code TCX_PASS} / {@code NETKIT_PASS} (= TC_ACT_OK, 0): let the packet through.
	 */
	PASS(0),

	/** {@code TCX_DROP} / {@code NETKIT_DROP} (= TC_ACT_SHOT, 2): drop the packet. */
	DROP(2),

	/**
	 * {@code TCX_REDIRECT} / {@code NETKIT_REDIRECT} (= TC_ACT_REDIRECT, 7):
	 * {@code skb_do_redirect()}.
	 */
	REDIRECT(7);

	private final int code;

	Verdict(int code) {
		this.code = code;
	}

	/** The kernel's numeric value of this verdict. */
	public int code() {
		return this.code;
	}

	/**
	 * The verdict with exactly this numeric value, or {@code null} for any other value.
	 */
	public static Verdict ofCode(int code) {
		return switch (code) {
			case -1 -> NEXT;
			case 0 -> PASS;
			case 2 -> DROP;
			case 7 -> REDIRECT;
			default -> null;
		};
	}

	/**
	 * How tcx reads a program's return value: {@code tcx_action_code()}
	 * (include/net/tcx.h) maps every unknown code to {@code TCX_NEXT}, so the chain
	 * continues.
	 */
	public static Verdict tcx(int code) {
		Verdict verdict = ofCode(code);
		return (verdict != null) ? verdict : NEXT;
	}

	/**
	 * How netkit reads a program's return value: in {@code netkit_xmit()}
	 * (drivers/net/netkit.c) every unknown code falls into {@code default:} and is
	 * dropped.
	 */
	public static Verdict netkit(int code) {
		Verdict verdict = ofCode(code);
		return (verdict != null) ? verdict : DROP;
	}

}
