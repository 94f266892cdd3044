package dev.bpfnet.engine.nic;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.sim.Simulator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireTest {

	record Seen(String what, long frameId, long timeNs) {
	}

	static final class Recorder implements Wire.Port<TestFrame> {

		final List<Seen> seen = new ArrayList<>();

		@Override
		public void frameDeparted(TestFrame frame, long nowNs) {
			this.seen.add(new Seen("tx", frame.id(), nowNs));
		}

		@Override
		public void frameArrived(TestFrame frame, long nowNs) {
			this.seen.add(new Seen("rx", frame.id(), nowNs));
		}

	}

	@Test
	void framesDepartAndArriveInOrderAfterTheLatency() {
		Simulator sim = new Simulator();
		Wire<TestFrame> wire = new Wire<>(sim, 1_000);
		Recorder a = new Recorder();
		Recorder b = new Recorder();
		wire.attach(Wire.A, a);
		wire.attach(Wire.B, b);
		wire.transmit(Wire.A, new TestFrame(1, 64), 100);
		wire.transmit(Wire.A, new TestFrame(2, 64), 100);
		wire.transmit(Wire.A, new TestFrame(3, 64), 500);
		wire.transmit(Wire.B, new TestFrame(9, 64), 50);
		assertThat(wire.inFlight(Wire.A)).isEqualTo(3);
		sim.run();
		assertThat(a.seen).containsExactly(new Seen("tx", 1, 100), new Seen("tx", 2, 100), new Seen("tx", 3, 500),
				new Seen("rx", 9, 1_050));
		assertThat(b.seen).containsExactly(new Seen("tx", 9, 50), new Seen("rx", 1, 1_100), new Seen("rx", 2, 1_100),
				new Seen("rx", 3, 1_500));
		assertThat(wire.sent(Wire.A)).isEqualTo(3);
		assertThat(wire.delivered(Wire.A)).isEqualTo(3);
		assertThat(wire.delivered(Wire.B)).isEqualTo(1);
		assertThat(wire.inFlight(Wire.A)).isZero();
	}

	@Test
	void zeroLatencyDeliversAtTheDeparture() {
		Simulator sim = new Simulator();
		Wire<TestFrame> wire = new Wire<>(sim, 0);
		Recorder a = new Recorder();
		Recorder b = new Recorder();
		wire.attach(Wire.A, a);
		wire.attach(Wire.B, b);
		for (int i = 0; i < 40; i++) { // grows the direction's buffer
			wire.transmit(Wire.A, new TestFrame(i, 64), 10 + i);
		}
		sim.run();
		assertThat(b.seen).hasSize(40).first().isEqualTo(new Seen("rx", 0, 10));
		assertThat(b.seen).last().isEqualTo(new Seen("rx", 39, 49));
	}

	@Test
	void misuseIsRejected() {
		Simulator sim = new Simulator();
		Wire<TestFrame> wire = new Wire<>(sim, 0);
		assertThatThrownBy(() -> new Wire<TestFrame>(sim, -1)).hasMessageContaining("latencyNs")
			.hasMessageContaining("-1");
		assertThatThrownBy(() -> wire.transmit(Wire.A, new TestFrame(1, 64), 5))
			.isInstanceOf(IllegalStateException.class);
		wire.attach(Wire.A, new Recorder());
		wire.attach(Wire.B, new Recorder());
		assertThatThrownBy(() -> wire.attach(Wire.B, new Recorder())).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(() -> wire.transmit(2, new TestFrame(1, 64), 5)).hasMessageContaining("side");
		wire.transmit(Wire.A, new TestFrame(1, 64), 5);
		assertThatThrownBy(() -> wire.transmit(Wire.A, new TestFrame(2, 64), 4)).hasMessageContaining("departureNs 4");
	}

}
