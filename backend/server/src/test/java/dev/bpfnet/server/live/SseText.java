package dev.bpfnet.server.live;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: SSE text parsed back into messages (id, event, data). */
record SseText(String id, String event, String data) {

	static List<SseText> parse(List<byte[]> chunks) {
		StringBuilder all = new StringBuilder();
		for (byte[] c : chunks) {
			all.append(new String(c, StandardCharsets.UTF_8));
		}
		return parse(all.toString());
	}

	static List<SseText> parse(String text) {
		List<SseText> out = new ArrayList<>();
		if (!text.endsWith("\n\n")) {
			throw new IllegalArgumentException("not whole messages: " + text);
		}
		for (String block : text.split("\n\n")) {
			String id = null;
			String event = null;
			StringBuilder data = null;
			for (String line : block.split("\n")) {
				if (line.startsWith("id:")) {
					id = line.substring(3);
				}
				else if (line.startsWith("event:")) {
					event = line.substring(6);
				}
				else if (line.startsWith("data:")) {
					data = (data == null) ? new StringBuilder() : data.append('\n');
					data.append(line.substring(5));
				}
				else {
					throw new IllegalArgumentException("unexpected line: " + line);
				}
			}
			out.add(new SseText(id, event, (data != null) ? data.toString() : null));
		}
		return out;
	}

}
