package dev.bpfnet.engine.datapath;

import java.util.Objects;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.qdisc.QueuedPacket;
import dev.bpfnet.engine.traffic.SkBuffHolder;

/**
 * The datapath's skb: the CPU layer's {@link Skb} (identity, device, namespace) together
 * with the bytes and {@code struct __sk_buff} fields the programs see ({@link SkBuff}).
 * {@code skb.payload()} points back to this object. It implements {@link QueuedPacket} so
 * that qdiscs and TX rings can hold it.
 *
 * <p>
 * Simplification: one {@code Packet}, one {@link Skb} and one {@link SkBuff} are
 * allocated per packet (no pool yet). Owned by one queue or call chain at a time; not
 * thread-safe.
 */
public final class Packet implements QueuedPacket, SkBuffHolder {

	private final Skb skb;

	private final SkBuff buf;

	private final int flowHash;

	/** When the packet entered its NIC's qdisc, on the enqueuing CPU's clock. */
	long qdiscArrivalNs;

	/** Index (within the node) of the CPU that enqueued it into the qdisc. */
	int qdiscEnqueueCpu;

	Packet(Skb skb, SkBuff buf, int flowHash) {
		this.skb = Objects.requireNonNull(skb, "skb");
		this.buf = Objects.requireNonNull(buf, "buf");
		this.flowHash = flowHash;
		skb.setPayload(this);
	}

	/** The CPU layer's skb (id, device, namespace). */
	public Skb skb() {
		return this.skb;
	}

	/** The packet bytes and the fields programs see. */
	@Override
	public SkBuff buf() {
		return this.buf;
	}

	@Override
	public long id() {
		return this.skb.id();
	}

	@Override
	public int len() {
		return Math.max(1, this.buf.len());
	}

	@Override
	public int priority() {
		return this.buf.priority;
	}

	@Override
	public int flowHash() {
		return this.flowHash;
	}

	/** Byte {@code off} of the packet, counted from the MAC header. */
	int u8(int off) {
		return this.buf.buf()[this.buf.data() + off] & 0xff;
	}

	/** Big-endian 16-bit value at {@code off} from the MAC header. */
	int u16(int off) {
		return (u8(off) << 8) | u8(off + 1);
	}

	/** Big-endian 32-bit value at {@code off} from the MAC header. */
	int u32(int off) {
		return (u16(off) << 16) | u16(off + 2);
	}

	void put8(int off, int v) {
		this.buf.buf()[this.buf.data() + off] = (byte) v;
	}

	void put16(int off, int v) {
		put8(off, v >>> 8);
		put8(off + 1, v);
	}

	/** Writes a 48-bit MAC at {@code off}. */
	void putMac(int off, long mac) {
		for (int i = 0; i < 6; i++) {
			put8(off + i, (int) (mac >>> (40 - 8 * i)));
		}
	}

	@Override
	public String toString() {
		return "Packet[" + this.skb + "]";
	}

}
