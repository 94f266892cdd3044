package dev.bpfnet.engine.traffic;

import dev.bpfnet.bpf.ctx.SkBuff;

/**
 * A {@link dev.bpfnet.engine.cpu.Skb#payload()} that wraps the packet's {@link SkBuff}
 * (the datapath's packet object). Endpoints read the frame through it when the payload is
 * not the {@code SkBuff} itself; sources always send a bare {@code SkBuff}.
 */
@FunctionalInterface
public interface SkBuffHolder {

	/** The packet bytes and fields. */
	SkBuff buf();

}
