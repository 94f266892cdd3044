package dev.bpfnet.bpf.helpers;

/**
 * Return codes of tc programs ({@code TC_ACT_*} in {@code include/uapi/linux/pkt_cls.h})
 * and of tcx/netkit programs ({@code TCX_*}, which deliberately share the values), plus
 * the XDP actions used by {@code bpf_redirect_map}.
 */
public final class TcAct {

	public static final int UNSPEC = -1;

	public static final int OK = 0;

	public static final int RECLASSIFY = 1;

	public static final int SHOT = 2;

	public static final int PIPE = 3;

	public static final int STOLEN = 4;

	public static final int QUEUED = 5;

	public static final int REPEAT = 6;

	public static final int REDIRECT = 7;

	public static final int TRAP = 8;

	/** {@code TCX_NEXT} = TC_ACT_UNSPEC. */
	public static final int TCX_NEXT = -1;

	/** {@code TCX_PASS} = TC_ACT_OK. */
	public static final int TCX_PASS = 0;

	/** {@code TCX_DROP} = TC_ACT_SHOT. */
	public static final int TCX_DROP = 2;

	/** {@code TCX_REDIRECT} = TC_ACT_REDIRECT. */
	public static final int TCX_REDIRECT = 7;

	public static final int XDP_ABORTED = 0;

	public static final int XDP_DROP = 1;

	public static final int XDP_PASS = 2;

	public static final int XDP_TX = 3;

	public static final int XDP_REDIRECT = 4;

	private TcAct() {
	}

	/** The name of a tc verdict ({@code r0} as a signed 32-bit value). */
	public static String name(long r0) {
		return switch ((int) r0) {
			case UNSPEC -> "TC_ACT_UNSPEC";
			case OK -> "TC_ACT_OK";
			case RECLASSIFY -> "TC_ACT_RECLASSIFY";
			case SHOT -> "TC_ACT_SHOT";
			case PIPE -> "TC_ACT_PIPE";
			case STOLEN -> "TC_ACT_STOLEN";
			case QUEUED -> "TC_ACT_QUEUED";
			case REPEAT -> "TC_ACT_REPEAT";
			case REDIRECT -> "TC_ACT_REDIRECT";
			case TRAP -> "TC_ACT_TRAP";
			default -> "TC_ACT_" + (int) r0 + " (unknown)";
		};
	}

	/** The name of an XDP action. */
	public static String xdpName(long r0) {
		return switch ((int) r0) {
			case XDP_ABORTED -> "XDP_ABORTED";
			case XDP_DROP -> "XDP_DROP";
			case XDP_PASS -> "XDP_PASS";
			case XDP_TX -> "XDP_TX";
			case XDP_REDIRECT -> "XDP_REDIRECT";
			default -> "XDP_" + (int) r0 + " (unknown)";
		};
	}

}
