package dev.bpfnet.engine.cpu;

/**
 * A socket buffer as the CPU layer sees it: an identity, a length and where it is. The
 * kernel's {@code struct sk_buff} (include/linux/skbuff.h) reduced to what the backlog
 * and the trace need; the datapath keeps the packet itself (a
 * {@code dev.bpfnet.bpf.ctx.SkBuff}) in {@link #payload()}.
 *
 * <p>
 * Mutable, because an skb moves between devices and namespaces (veth/netkit forwarding,
 * redirects) and may later be pooled; it is owned by exactly one queue or call chain at a
 * time and is not thread-safe.
 */
public final class Skb {

	private final long id;

	private final int len;

	private final long createdNs;

	private long originNs;

	private Object payload;

	private int deviceId;

	private int netnsId;

	/**
	 * Creates an skb.
	 * @param id the run-wide skb id (trace events carry it), {@code >= 0}
	 * @param len length in bytes ({@code skb->len}), {@code >= 0}
	 * @param payload the datapath's packet object, may be {@code null}
	 * @param deviceId the device it is on ({@code skb->dev}), or
	 * {@link dev.bpfnet.engine.trace.TraceSink#NO_ID}
	 * @param netnsId the network namespace of that device, or
	 * {@link dev.bpfnet.engine.trace.TraceSink#NO_ID}
	 * @param createdNs simulated time of allocation, {@code >= 0}
	 */
	public Skb(long id, int len, Object payload, int deviceId, int netnsId, long createdNs) {
		if (id < 0) {
			throw new IllegalArgumentException("id must be >= 0, was " + id);
		}
		if (len < 0) {
			throw new IllegalArgumentException("len must be >= 0, was " + len);
		}
		if (createdNs < 0) {
			throw new IllegalArgumentException("createdNs must be >= 0, was " + createdNs);
		}
		this.id = id;
		this.len = len;
		this.payload = payload;
		this.deviceId = deviceId;
		this.netnsId = netnsId;
		this.createdNs = createdNs;
		this.originNs = createdNs;
	}

	/** The run-wide skb id. */
	public long id() {
		return this.id;
	}

	/** Length in bytes. */
	public int len() {
		return this.len;
	}

	/** The datapath's packet object, or {@code null}. */
	public Object payload() {
		return this.payload;
	}

	/** Replaces the datapath's packet object. */
	public void setPayload(Object payload) {
		this.payload = payload;
	}

	/** The device the skb is on ({@code skb->dev}). */
	public int deviceId() {
		return this.deviceId;
	}

	/** The namespace of {@link #deviceId()}. */
	public int netnsId() {
		return this.netnsId;
	}

	/**
	 * Moves the skb to another device ({@code skb->dev = dev}, e.g.
	 * {@code __dev_forward_skb}).
	 * @param deviceId the new device
	 * @param netnsId its namespace
	 */
	public void moveTo(int deviceId, int netnsId) {
		this.deviceId = deviceId;
		this.netnsId = netnsId;
	}

	/** Simulated allocation time in ns. */
	public long createdNs() {
		return this.createdNs;
	}

	/**
	 * When the packet was first sent, in ns: {@link #createdNs()}, except for an skb a
	 * NIC built from a frame off the wire, which keeps the sending node's time (the model
	 * knows what a receiver could only learn from a timestamp in the payload; latency
	 * measurement of datagrams too short to carry one uses it).
	 */
	public long originNs() {
		return this.originNs;
	}

	/**
	 * Sets {@link #originNs()} (the receiving NIC copies the sender's).
	 * @param originNs the first send time, {@code 0..createdNs()}
	 */
	public void setOriginNs(long originNs) {
		if (originNs < 0 || originNs > this.createdNs) {
			throw new IllegalArgumentException("originNs must be 0.." + this.createdNs + ", was " + originNs);
		}
		this.originNs = originNs;
	}

	@Override
	public String toString() {
		return "Skb[id=" + this.id + ", len=" + this.len + ", dev=" + this.deviceId + "]";
	}

}
