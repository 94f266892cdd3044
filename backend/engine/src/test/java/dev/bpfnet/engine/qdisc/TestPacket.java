package dev.bpfnet.engine.qdisc;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.trace.DropReason;

/** A minimal skb for qdisc tests. */
record TestPacket(long id, int len, int priority, int flowHash) implements QueuedPacket {

	/** A flow hash that fq_codel with 1024 flows puts in queue {@code flow}. */
	static int hashOfFlow(int flow) {
		return flow << 22;
	}

	/** Records drops and depth changes. */
	static final class Recorder implements QdiscListener<TestPacket> {

		final List<TestPacket> dropped = new ArrayList<>();

		final List<DropReason> reasons = new ArrayList<>();

		final List<Long> dropTimes = new ArrayList<>();

		int lastDepth = -1;

		long lastBytes = -1;

		int depthCalls;

		@Override
		public void dropped(long nowNs, TestPacket packet, DropReason reason) {
			this.dropped.add(packet);
			this.reasons.add(reason);
			this.dropTimes.add(nowNs);
		}

		@Override
		public void depthChanged(long nowNs, int packets, long bytes) {
			this.lastDepth = packets;
			this.lastBytes = bytes;
			this.depthCalls++;
		}

	}

}
