package dev.bpfnet.engine.nic;

import dev.bpfnet.engine.qdisc.QueuedPacket;

/** A frame on the wire: an id and a length. */
record TestFrame(long id, int len) implements QueuedPacket {

	@Override
	public int priority() {
		return 0;
	}

	@Override
	public int flowHash() {
		return (int) this.id;
	}

}
