package dev.bpfnet.engine.cost;

import java.util.LinkedHashMap;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostOverridesTest {

	private static final CostModel DEFAULTS = CostModel.defaults();

	private static CostEntry override(String fn, Object value) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put(fn, value);
		return DEFAULTS.withOverrides(m).entry(fn);
	}

	@Test
	void numbersAreFixedNanosecondsAndKeepThePerByteTerm() {
		assertThat(override("veth_xmit", 120L).ns()).isEqualTo(120);
		assertThat(override("veth_xmit", 120).ns()).isEqualTo(120);
		assertThat(override("veth_xmit", 120.0).ns()).isEqualTo(120);
		CostEntry copy = override("copy_user", 7);
		assertThat(copy.ns()).isEqualTo(7);
		assertThat(copy.nsPerByte()).isEqualTo(0.10);
		assertThat(copy.basis()).isEqualTo(Basis.OVERRIDDEN);
		assertThat(copy.source()).isEqualTo("override 7 (default 0 ns + 0.1 ns/B, assumed)");
	}

	@Test
	void stringsNameTheTermsTheySet() {
		assertThat(override("veth_xmit", "120ns").ns()).isEqualTo(120);
		assertThat(override("veth_xmit", "120").ns()).isEqualTo(120);
		assertThat(override("veth_xmit", "1.5us").ns()).isEqualTo(1500);
		assertThat(override("veth_xmit", "2µs").ns()).isEqualTo(2000);
		assertThat(override("veth_xmit", "0.002ms").ns()).isEqualTo(2000);
		CostEntry perByte = override("veth_xmit", "0.25ns/B");
		assertThat(perByte.ns()).isEqualTo(50);
		assertThat(perByte.nsPerByte()).isEqualTo(0.25);
		CostEntry both = override("copy_user", " 120ns + 0.25 ns/B ");
		assertThat(both.ns()).isEqualTo(120);
		assertThat(both.nsPerByte()).isEqualTo(0.25);
		assertThat(both.cost(1000)).isEqualTo(370);
		assertThat(both.source()).isEqualTo("override \" 120ns + 0.25 ns/B \" (default 0 ns + 0.1 ns/B, assumed)");
		assertThat(override("bpf_insn", "0.5ns/insn").nsPerByte()).isEqualTo(0.5);
	}

	@Test
	void overridesAreVisibleThroughTheIdLookup() {
		CostModel m = DEFAULTS.withOverrides(Map.of("bpf_insn", "1ns/insn", "__dev_queue_xmit", "45ns"));
		assertThat(m.cost(CostModel.Id.BPF_INSN, 400)).isEqualTo(400);
		assertThat(m.cost(CostModel.Id.DEV_QUEUE_XMIT, 0)).isEqualTo(45);
		assertThat(m.cost(CostModel.Id.VETH_XMIT, 0)).isEqualTo(50);
	}

	@Test
	void rejectsUnknownFunctionsWithNearMatches() {
		assertThatThrownBy(() -> override("netkit_xmti", 1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("unknown cost function 'netkit_xmti'; did you mean netkit_xmit?");
	}

	@Test
	void rejectsMalformedValuesWithPreciseMessages() {
		String expected = " (expected e.g. 120, \"120ns\", \"1.5us\", \"0.25ns/B\" or \"120ns + 0.25ns/B\")";
		assertThatThrownBy(() -> override("veth_xmit", "12x")).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("cost override for veth_xmit: \"12x\": cannot parse '12x'" + expected);
		assertThatThrownBy(() -> override("veth_xmit", "-5ns"))
			.hasMessage("cost override for veth_xmit: \"-5ns\": cannot parse '-5ns'" + expected);
		assertThatThrownBy(() -> override("veth_xmit", "1ns + 2ns"))
			.hasMessage("cost override for veth_xmit: \"1ns + 2ns\": two fixed terms" + expected);
		assertThatThrownBy(() -> override("veth_xmit", "1ns/B + 2ns/B"))
			.hasMessage("cost override for veth_xmit: \"1ns/B + 2ns/B\": two variable terms" + expected);
		assertThatThrownBy(() -> override("veth_xmit", "1ns + 2ns/B + 3ns"))
			.hasMessage("cost override for veth_xmit: \"1ns + 2ns/B + 3ns\": at most one fixed and one per-byte term"
					+ expected);
		assertThatThrownBy(() -> override("veth_xmit", "1us/B"))
			.hasMessage("cost override for veth_xmit: \"1us/B\": a variable term is written in ns/B" + expected);
		assertThatThrownBy(() -> override("veth_xmit", "1ns/insn"))
			.hasMessage("cost override for veth_xmit: \"1ns/insn\": the variable term is per byte: ns/B" + expected);
		assertThatThrownBy(() -> override("bpf_insn", "0.3ns/B")).hasMessage(
				"cost override for bpf_insn: \"0.3ns/B\": the variable term of bpf_insn is per instruction: ns/insn"
						+ expected);
		assertThatThrownBy(() -> override("veth_xmit", ""))
			.hasMessage("cost override for veth_xmit: \"\": cannot parse ''" + expected);
	}

	@Test
	void rejectsOutOfRangeValuesWithPreciseMessages() {
		assertThatThrownBy(() -> override("veth_xmit", -5L))
			.hasMessage("cost override for veth_xmit: -5 must be >= 0 ns");
		assertThatThrownBy(() -> override("veth_xmit", "0.5ns")).hasMessage(
				"cost override for veth_xmit: \"0.5ns\" is not a whole number of ns; fixed costs are integral ns");
		assertThatThrownBy(() -> override("veth_xmit", 12.5))
			.hasMessage("cost override for veth_xmit: 12.5 is not a whole number of ns; fixed costs are integral ns");
		assertThatThrownBy(() -> override("veth_xmit", "2000ms"))
			.hasMessage("cost override for veth_xmit: \"2000ms\" exceeds 1000000000 ns (1 s)");
		assertThatThrownBy(() -> override("copy_user", "2000ns/B"))
			.hasMessage("cost override for copy_user: \"2000ns/B\" exceeds 1000.0 ns/B");
		assertThatThrownBy(() -> override("veth_xmit", Double.NaN))
			.hasMessage("cost override for veth_xmit: NaN must be >= 0 ns");
		assertThatThrownBy(() -> override("veth_xmit", null)).hasMessage("cost override for veth_xmit has no value");
		assertThatThrownBy(() -> override("veth_xmit", true)).hasMessage(
				"cost override for veth_xmit must be a number of ns or a string like \"120ns\" or \"0.25ns/B\", was a Boolean");
	}

	@Test
	void firstErrorDoesNotDependOnMapOrder() {
		Map<String, Object> a = new LinkedHashMap<>();
		a.put("zzz_unknown", 1);
		a.put("aaa_unknown", 1);
		Map<String, Object> b = new LinkedHashMap<>();
		b.put("aaa_unknown", 1);
		b.put("zzz_unknown", 1);
		assertThatThrownBy(() -> DEFAULTS.withOverrides(a))
			.hasMessageStartingWith("unknown cost function 'aaa_unknown'");
		assertThatThrownBy(() -> DEFAULTS.withOverrides(b))
			.hasMessageStartingWith("unknown cost function 'aaa_unknown'");
	}

	@Property
	void numberAndNanosecondStringAgree(@ForAll @LongRange(min = 0, max = CostEntry.MAX_NS) long ns) {
		CostModel byNumber = DEFAULTS.withOverrides(Map.of("veth_xmit", ns));
		CostModel byString = DEFAULTS.withOverrides(Map.of("veth_xmit", ns + "ns"));
		assertThat(byNumber.cost(CostModel.Id.VETH_XMIT, 1500)).isEqualTo(ns)
			.isEqualTo(byString.cost(CostModel.Id.VETH_XMIT, 1500));
	}

	@Property
	void overridingOneRowLeavesTheOthersAlone(@ForAll @LongRange(min = 0, max = 1_000_000) long ns) {
		CostModel m = DEFAULTS.withOverrides(Map.of("enqueue_to_backlog", ns));
		for (int id = 0; id < m.size(); id++) {
			if (id != CostModel.Id.ENQUEUE_TO_BACKLOG) {
				assertThat(m.entry(id)).isSameAs(DEFAULTS.entry(id));
			}
		}
	}

}
