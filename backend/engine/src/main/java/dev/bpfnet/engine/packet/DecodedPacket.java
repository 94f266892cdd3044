package dev.bpfnet.engine.packet;

import java.util.ArrayList;
import java.util.List;

/**
 * A frame decoded layer by layer for display, as {@link PacketDecoder} makes it.
 *
 * @param linkType how the frame starts
 * @param length the frame length in bytes
 * @param layers the layers in order, outermost first
 * @param problems what could not be decoded, each naming the layer and offset
 * ({@code TCP at offset 34: needs 20 bytes, 12 present}); empty for a well-formed frame
 */
public record DecodedPacket(LinkType linkType, int length, List<Layer> layers, List<String> problems) {

	public DecodedPacket {
		layers = List.copyOf(layers);
		problems = List.copyOf(problems);
	}

	/** The first layer with this name, or {@code null}. */
	public Layer layer(String name) {
		for (Layer layer : this.layers) {
			if (layer.name().equals(name)) {
				return layer;
			}
		}
		return null;
	}

	/**
	 * What changed between two decodings of a packet (before and after a hop or a
	 * program): fields whose value differs, fields or layers present on one side only.
	 * Layers are matched by position; fields by name within a layer. The result is in
	 * layer order, then field order.
	 */
	public static List<Change> diff(DecodedPacket before, DecodedPacket after) {
		List<Change> changes = new ArrayList<>();
		int n = Math.max(before.layers.size(), after.layers.size());
		for (int i = 0; i < n; i++) {
			Layer b = (i < before.layers.size()) ? before.layers.get(i) : null;
			Layer a = (i < after.layers.size()) ? after.layers.get(i) : null;
			if (b == null || a == null || !b.name().equals(a.name())) {
				Layer any = (a != null) ? a : b;
				changes.add(new Change(i, any.name(), "(layer)", (b == null) ? "(absent)" : b.name(),
						(a == null) ? "(absent)" : a.name(), any.offset(), any.length()));
				continue;
			}
			for (Field fb : b.fields()) {
				Field fa = a.field(fb.name());
				if (fa == null) {
					changes.add(new Change(i, b.name(), fb.name(), fb.value(), "(absent)", fb.offset(), fb.length()));
				}
				else if (!fa.value().equals(fb.value())) {
					changes.add(new Change(i, b.name(), fb.name(), fb.value(), fa.value(), fa.offset(), fa.length()));
				}
			}
			for (Field fa : a.fields()) {
				if (b.field(fa.name()) == null) {
					changes.add(new Change(i, a.name(), fa.name(), "(absent)", fa.value(), fa.offset(), fa.length()));
				}
			}
		}
		return changes;
	}

	/**
	 * One protocol layer.
	 *
	 * @param name {@code Ethernet}, {@code 802.1Q}, {@code ARP}, {@code IPv4},
	 * {@code IPv6}, {@code UDP}, {@code TCP}, {@code ICMPv4}, {@code ICMPv6},
	 * {@code ICMPv4 Echo}, {@code ICMPv6 Echo}, {@code Payload}, or the Pcap4J name of
	 * another layer
	 * @param offset first byte in the frame
	 * @param length header length in bytes (the payload's length for {@code Payload})
	 * @param fields the header fields in wire order
	 */
	public record Layer(String name, int offset, int length, List<Field> fields) {

		public Layer {
			fields = List.copyOf(fields);
		}

		/** The field with this name, or {@code null}. */
		public Field field(String fieldName) {
			for (Field f : this.fields) {
				if (f.name().equals(fieldName)) {
					return f;
				}
			}
			return null;
		}

	}

	/**
	 * One header field. Bit fields report the bytes that contain them (IPv4 {@code df}
	 * and {@code fragmentOffset} share bytes 6..7).
	 *
	 * @param name the field name, as {@link PacketSpec#fromMap} spells it where it has
	 * one
	 * @param value the value as text (numbers in decimal, types and checksums in hex with
	 * a meaning: {@code 0x0800 (IPv4)}, {@code 0x1c46 (correct)})
	 * @param offset first byte in the frame
	 * @param length bytes
	 */
	public record Field(String name, String value, int offset, int length) {
	}

	/**
	 * One difference found by {@link #diff}.
	 *
	 * @param layerIndex position of the layer
	 * @param layer layer name
	 * @param field field name, or {@code (layer)} when the layer itself differs
	 * @param before value before
	 * @param after value after
	 * @param offset first byte of the field (after the change)
	 * @param length bytes
	 */
	public record Change(int layerIndex, String layer, String field, String before, String after, int offset,
			int length) {

		@Override
		public String toString() {
			return this.layer + "." + this.field + ": " + this.before + " -> " + this.after;
		}

	}

}
