package dev.bpfnet.engine.trace;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NamesTest {

	@Test
	void resolvesIdsAndNamesPerKind() {
		Names names = new Names();
		names.register(Names.Kind.DEVICE, 0, "node1/host/eth0");
		names.register(Names.Kind.DEVICE, 20, "node1/pod1/eth0");
		names.register(Names.Kind.QUEUE, 0, "node1/cpu0/backlog");

		assertThat(names.name(Names.Kind.DEVICE, 20)).isEqualTo("node1/pod1/eth0");
		assertThat(names.name(Names.Kind.DEVICE, 3)).isEqualTo("device#3");
		assertThat(names.name(Names.Kind.TASK, TraceSink.NO_ID)).isEqualTo("-");
		assertThat(names.id(Names.Kind.DEVICE, "node1/host/eth0")).isZero();
		assertThat(names.id(Names.Kind.QUEUE, "node1/host/eth0")).isEqualTo(TraceSink.NO_ID);
		assertThat(names.all(Names.Kind.DEVICE)).containsKeys("node1/host/eth0", "node1/pod1/eth0");
	}

	@Test
	void rejectsDuplicatesWithBothNames() {
		Names names = new Names();
		names.register(Names.Kind.TASK, 5, "node1/ksoftirqd/1");
		assertThatIllegalArgumentException().isThrownBy(() -> names.register(Names.Kind.TASK, 5, "netperf"))
			.withMessage("task 5: already registered as 'node1/ksoftirqd/1', cannot register 'netperf'");
		assertThatIllegalArgumentException().isThrownBy(() -> names.register(Names.Kind.TASK, 6, "node1/ksoftirqd/1"))
			.withMessage("task name 'node1/ksoftirqd/1': already used by task 5");
		assertThatIllegalArgumentException().isThrownBy(() -> names.register(Names.Kind.FLOW, -1, "rr"))
			.withMessage("flow id: must be >= 0, got -1");
	}

}
