package dev.bpfnet.engine.qdisc;

/**
 * Creates a device's root qdisc with the kernel's defaults, as {@code qdisc_create_dflt}
 * does for {@code default_qdisc_ops} (datapath.md §2.6).
 */
public final class QdiscFactory {

	private QdiscFactory() {
	}

	/**
	 * A root qdisc.
	 * @param kind the kind
	 * @param txqueuelen {@code dev->tx_queue_len}: pfifo_fast's per-band limit; unused by
	 * noqueue and fq_codel (fq_codel's limit is its own, 10240)
	 * @param mtu the device MTU: fq_codel's quantum and CoDel mtu are MTU + 14
	 * @param <P> the packet type
	 * @return a new, empty qdisc
	 */
	public static <P extends QueuedPacket> Qdisc<P> create(QdiscKind kind, int txqueuelen, int mtu) {
		return switch (kind) {
			case NOQUEUE -> new NoQueue<>();
			case PFIFO_FAST -> new PfifoFast<>(txqueuelen);
			case FQ_CODEL -> new FqCodel<>(FqCodel.Config.defaults(mtu));
		};
	}

	/**
	 * A root qdisc by kernel name ({@code noqueue}, {@code pfifo_fast},
	 * {@code fq_codel}).
	 * @see #create(QdiscKind, int, int)
	 */
	public static <P extends QueuedPacket> Qdisc<P> create(String kind, int txqueuelen, int mtu) {
		return create(QdiscKind.ofKey(kind), txqueuelen, mtu);
	}

}
