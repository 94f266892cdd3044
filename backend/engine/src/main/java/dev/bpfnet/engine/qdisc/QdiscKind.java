package dev.bpfnet.engine.qdisc;

/** The root qdisc kinds the model implements, by their kernel names. */
public enum QdiscKind {

	/** {@link NoQueue}. */
	NOQUEUE(NoQueue.KIND),

	/** {@link PfifoFast}. */
	PFIFO_FAST(PfifoFast.KIND),

	/** {@link FqCodel}. */
	FQ_CODEL(FqCodel.KIND);

	private final String key;

	QdiscKind(String key) {
		this.key = key;
	}

	/** The kernel's name ({@code Qdisc_ops.id}), as {@code tc qdisc show} prints it. */
	public String key() {
		return this.key;
	}

	/**
	 * The kind with this kernel name.
	 * @throws IllegalArgumentException for an unknown name
	 */
	public static QdiscKind ofKey(String key) {
		for (QdiscKind kind : values()) {
			if (kind.key.equals(key)) {
				return kind;
			}
		}
		throw new IllegalArgumentException(
				"qdisc: unknown kind '" + key + "', expected one of noqueue, pfifo_fast, fq_codel");
	}

}
