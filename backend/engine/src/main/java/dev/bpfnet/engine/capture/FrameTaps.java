package dev.bpfnet.engine.capture;

import java.util.List;

import dev.bpfnet.engine.trace.FrameTap;

/**
 * One {@link FrameTap} forwarding to several, in order (taps only observe, so the order
 * changes nothing).
 */
public final class FrameTaps {

	private FrameTaps() {
	}

	/** A tap forwarding to all of {@code taps}; {@code null} when there is none. */
	public static FrameTap of(List<? extends FrameTap> taps) {
		FrameTap[] all = taps.toArray(new FrameTap[0]);
		if (all.length == 0) {
			return null;
		}
		if (all.length == 1) {
			return all[0];
		}
		return (timeNs, skbId, cpu, deviceId, direction, buf, offset, length) -> {
			for (FrameTap t : all) {
				t.frame(timeNs, skbId, cpu, deviceId, direction, buf, offset, length);
			}
		};
	}

}
