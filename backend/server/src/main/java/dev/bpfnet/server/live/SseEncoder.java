package dev.bpfnet.server.live;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Encodes Server-Sent Events to their wire text once, so that a batch of them can be
 * written as one buffer: {@code id:<id>\n} (if any), {@code event:<name>\n},
 * {@code data:<JSON>\n\n}, byte for byte what Spring's
 * {@code ServerSentEventHttpMessageWriter} writes for a {@code ServerSentEvent} with the
 * same id, name and data, with the data as JSON by the application's {@link JsonMapper}
 * (the one WebFlux's JSON encoder uses), a {@code String} as text with each line its own
 * {@code data:} line. {@code SseEncoderTest} compares the two.
 */
@Component
public final class SseEncoder {

	private static final byte[] ID = "id:".getBytes(StandardCharsets.UTF_8);

	private static final byte[] EVENT = "event:".getBytes(StandardCharsets.UTF_8);

	private static final byte[] DATA = "data:".getBytes(StandardCharsets.UTF_8);

	private final JsonMapper json;

	public SseEncoder(JsonMapper json) {
		this.json = json;
	}

	/**
	 * One message.
	 * @param id the event id, or {@code null}
	 * @param event the event name
	 * @param data the data: a {@code String} as text, anything else as JSON
	 * @return the message's UTF-8 bytes, ending with the blank line
	 */
	public byte[] message(String id, String event, Object data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		if (id != null) {
			out.writeBytes(ID);
			out.writeBytes(id.getBytes(StandardCharsets.UTF_8));
			out.write('\n');
		}
		if (event != null) {
			out.writeBytes(EVENT);
			out.writeBytes(event.getBytes(StandardCharsets.UTF_8));
			out.write('\n');
		}
		if (data != null) {
			out.writeBytes(DATA);
			if (data instanceof String text) {
				out.writeBytes(text.replace("\n", "\ndata:").getBytes(StandardCharsets.UTF_8));
			}
			else {
				out.writeBytes(this.json.writeValueAsBytes(data));
			}
			out.write('\n');
		}
		out.write('\n');
		return out.toByteArray();
	}

	/**
	 * Messages joined into chunks of at most {@code max} messages each.
	 * @param messages encoded messages
	 * @param max messages per chunk
	 * @return the chunks
	 */
	public static List<byte[]> join(List<byte[]> messages, int max) {
		List<byte[]> out = new java.util.ArrayList<>((messages.size() + max - 1) / max);
		for (int i = 0; i < messages.size(); i += max) {
			out.add(join(messages.subList(i, Math.min(messages.size(), i + max))));
		}
		return out;
	}

	/**
	 * Messages joined into one chunk.
	 * @param messages encoded messages
	 * @return their concatenation
	 */
	public static byte[] join(List<byte[]> messages) {
		if (messages.size() == 1) {
			return messages.get(0);
		}
		int n = 0;
		for (byte[] m : messages) {
			n += m.length;
		}
		byte[] out = new byte[n];
		int at = 0;
		for (byte[] m : messages) {
			System.arraycopy(m, 0, out, at, m.length);
			at += m.length;
		}
		return out;
	}

}
