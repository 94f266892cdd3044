package dev.bpfnet.engine.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, Interface
 * Description Blocks added at any time (each before its first packet), and Enhanced
 * Packet Blocks with nanosecond timestamps ({@code if_tsresol} 9) and an optional
 * comment. Little-endian, no Simple Packet, Name Resolution or Statistics blocks.
 *
 * <p>
 * Written by hand because Pcap4J 1.8.2 only dumps classic pcap ({@code pcap_dump}) and
 * libpcap has no pcapng writer API; the format is a few fixed layouts, checked by
 * {@code PcapngWriterTest} byte for byte and read back by libpcap and {@code tshark}.
 */
public final class PcapngWriter implements Closeable {

	static final int SHB = 0x0A0D0D0A, IDB = 0x00000001, EPB = 0x00000006;

	static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

	static final int OPT_END = 0, OPT_COMMENT = 1, SHB_USERAPPL = 4, IF_NAME = 2, IF_DESCRIPTION = 3, IF_TSRESOL = 9;

	private final OutputStream out;

	private int interfaces;

	private ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

	/**
	 * Writes the section header to {@code out}.
	 * @param out the stream (closed by {@link #close()})
	 * @param application the {@code shb_userappl} text
	 */
	public PcapngWriter(OutputStream out, String application) {
		this.out = new BufferedOutputStream(out, 1 << 16);
		begin(SHB);
		this.buf.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
		option(SHB_USERAPPL, application.getBytes(StandardCharsets.UTF_8));
		endOptions();
		finish();
	}

	/**
	 * Adds an interface; returns its id (0, 1, ... in order).
	 * @param linkType the {@code LINKTYPE_*} value
	 * @param snaplen the snapshot length
	 * @param name {@code if_name}
	 * @param description {@code if_description}, or {@code null}
	 */
	public int addInterface(int linkType, int snaplen, String name, String description) {
		begin(IDB);
		this.buf.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
		option(IF_NAME, name.getBytes(StandardCharsets.UTF_8));
		if (description != null) {
			option(IF_DESCRIPTION, description.getBytes(StandardCharsets.UTF_8));
		}
		option(IF_TSRESOL, new byte[] { 9 });
		endOptions();
		finish();
		return this.interfaces++;
	}

	/**
	 * Writes one packet.
	 * @param interfaceId an id from {@link #addInterface}
	 * @param timeNs timestamp in ns since the epoch
	 * @param data bytes
	 * @param offset first byte
	 * @param length captured length (also the original length)
	 * @param comment {@code opt_comment}, or {@code null}
	 */
	public void packet(int interfaceId, long timeNs, byte[] data, int offset, int length, String comment) {
		if (interfaceId < 0 || interfaceId >= this.interfaces) {
			throw new IllegalArgumentException(
					"interfaceId: no interface " + interfaceId + " (have " + this.interfaces + ")");
		}
		begin(EPB);
		ensure(length + 64 + ((comment != null) ? comment.length() * 3 : 0));
		this.buf.putInt(interfaceId).putInt((int) (timeNs >>> 32)).putInt((int) timeNs).putInt(length).putInt(length);
		this.buf.put(data, offset, length);
		pad(length);
		if (comment != null) {
			option(OPT_COMMENT, comment.getBytes(StandardCharsets.UTF_8));
			endOptions();
		}
		finish();
	}

	/** Interfaces added so far. */
	public int interfaces() {
		return this.interfaces;
	}

	private void begin(int type) {
		this.buf.clear();
		this.buf.putInt(type).putInt(0);
	}

	private void option(int code, byte[] value) {
		ensure(value.length + 8);
		this.buf.putShort((short) code).putShort((short) value.length).put(value);
		pad(value.length);
	}

	private void endOptions() {
		this.buf.putShort((short) OPT_END).putShort((short) 0);
	}

	private void pad(int length) {
		for (int i = length; (i & 3) != 0; i++) {
			this.buf.put((byte) 0);
		}
	}

	private void ensure(int more) {
		if (this.buf.remaining() < more + 16) {
			ByteBuffer bigger = ByteBuffer.allocate(Math.max(this.buf.capacity() * 2, this.buf.position() + more + 64))
				.order(ByteOrder.LITTLE_ENDIAN);
			this.buf.flip();
			bigger.put(this.buf);
			this.buf = bigger;
		}
	}

	private void finish() {
		ensure(4);
		int total = this.buf.position() + 4;
		this.buf.putInt(total);
		this.buf.putInt(4, total);
		try {
			this.out.write(this.buf.array(), 0, total);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.out.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
