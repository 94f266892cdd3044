package dev.bpfnet.engine.cost;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostModelTest {

	private final CostModel model = CostModel.defaults();

	@Test
	void everyDefaultHasABasisAndANonEmptySource() {
		assertThat(this.model.size()).isEqualTo(CostModel.Id.COUNT);
		for (CostEntry e : this.model.entries()) {
			assertThat(e.source()).as(e.function()).isNotBlank();
			assertThat(e.basis()).as(e.function()).isNotEqualTo(Basis.OVERRIDDEN);
			// the costs.md tag is kept at the start of the source text
			assertThat(e.source()).as(e.function()).startsWith("[");
		}
	}

	@Test
	void basisFollowsTheCostsMdTagTakingTheWeakerOfAMixedTag() {
		for (CostEntry e : this.model.entries()) {
			String tag = e.source().substring(1, e.source().indexOf(']'));
			Basis expected = tag.contains("A") ? Basis.ASSUMED : tag.contains("D") ? Basis.DERIVED : Basis.SOURCED;
			assertThat(e.basis()).as(e.function() + " tagged " + tag).isEqualTo(expected);
		}
	}

	@Test
	void idConstantsAreDenseAndNamedAfterTheirFunction() throws IllegalAccessException {
		Set<Integer> seen = new HashSet<>();
		for (Field f : CostModel.Id.class.getFields()) {
			assertThat(Modifier.isStatic(f.getModifiers()) && f.getType() == int.class).isTrue();
			if (f.getName().equals("COUNT")) {
				continue;
			}
			int id = f.getInt(null);
			assertThat(seen.add(id)).as("id %d used twice", id).isTrue();
			String expected = this.model.entry(id).function().replaceFirst("^_+", "").toUpperCase(Locale.ROOT);
			assertThat(f.getName()).isEqualTo(expected);
		}
		assertThat(seen).hasSize(CostModel.Id.COUNT);
		assertThat(seen).allMatch(id -> id >= 0 && id < CostModel.Id.COUNT);
	}

	@Test
	void lookupByIdEqualsLookupByNameForEveryEntry() {
		int[] sizes = { 0, 1, 64, 100, 1500, 9000, 65536 };
		for (int id = 0; id < this.model.size(); id++) {
			CostEntry e = this.model.entry(id);
			assertThat(this.model.id(e.function())).isEqualTo(id);
			assertThat(this.model.entry(e.function())).isSameAs(e);
			assertThat(this.model.cost(id)).isEqualTo(this.model.cost(e.function(), 0));
			for (int bytes : sizes) {
				assertThat(this.model.cost(id, bytes)).as("%s at %d B", e.function(), bytes)
					.isEqualTo(this.model.cost(e.function(), bytes))
					.isEqualTo(e.cost(bytes));
			}
		}
	}

	@Test
	void pinsRowsOfTheCostsMdTable() {
		assertEntry("veth_xmit", 50, 0, Basis.ASSUMED);
		assertEntry("netkit_xmit", 35, 0, Basis.ASSUMED);
		assertEntry("enqueue_to_backlog", 40, 0, Basis.DERIVED);
		assertEntry("process_backlog", 25, 0, Basis.DERIVED);
		assertEntry("__netif_receive_skb_core", 15, 0, Basis.DERIVED);
		assertEntry("__dev_queue_xmit", 40, 0, Basis.ASSUMED);
		assertEntry("bpf_prog_run", 10, 0, Basis.SOURCED);
		assertEntry("bpf_insn", 0, 0.3, Basis.ASSUMED);
		assertEntry("rx_data_miss", 32, 0, Basis.SOURCED);
		assertEntry("try_to_wake_up", 1500, 0, Basis.DERIVED);
		assertEntry("copy_user", 0, 0.10, Basis.ASSUMED);
		assertEntry("copy_user_cold", 0, 0.25, Basis.ASSUMED);
		assertEntry("csum_partial", 0, 0.05, Basis.ASSUMED);
	}

	private void assertEntry(String fn, long ns, double perByte, Basis basis) {
		CostEntry e = this.model.entry(fn);
		assertThat(e.ns()).as(fn).isEqualTo(ns);
		assertThat(e.nsPerByte()).as(fn).isEqualTo(perByte);
		assertThat(e.basis()).as(fn).isEqualTo(basis);
	}

	@Test
	void variableTermIsRoundedPerCall() {
		assertThat(this.model.cost(CostModel.Id.COPY_USER, 1500)).isEqualTo(150);
		assertThat(this.model.cost(CostModel.Id.COPY_USER, 1)).isZero();
		assertThat(this.model.cost(CostModel.Id.COPY_USER, 5)).isEqualTo(1); // 0.5 rounds
																				// up
		assertThat(this.model.cost(CostModel.Id.COPY_USER_COLD, 65536)).isEqualTo(16384);
		assertThat(this.model.cost(CostModel.Id.BPF_INSN, 400)).isEqualTo(120);
		assertThat(this.model.cost(CostModel.Id.VETH_XMIT, 65536)).isEqualTo(50);
	}

	@Test
	void negativeSizesAreRejected() {
		assertThatThrownBy(() -> this.model.cost(CostModel.Id.COPY_USER, -1))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("bytes for copy_user must be >= 0, was -1");
		assertThatThrownBy(() -> this.model.cost("veth_xmit", -1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("bytes for veth_xmit must be >= 0, was -1");
	}

	@Test
	void unknownFunctionNamesItAndListsNearMatches() {
		assertThatThrownBy(() -> this.model.cost("veth_xmt", 0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("unknown cost function 'veth_xmt'; did you mean veth_xmit?");
		assertThatThrownBy(() -> this.model.id("dev_queue_xmit"))
			.hasMessage("unknown cost function 'dev_queue_xmit'; did you mean __dev_queue_xmit?");
		assertThatThrownBy(() -> this.model.id("process_backlg"))
			.hasMessage("unknown cost function 'process_backlg'; did you mean process_backlog?");
		assertThatThrownBy(() -> this.model.id("backlog")).hasMessage("unknown cost function 'backlog'; did you mean "
				+ "enqueue_to_backlog, enqueue_to_backlog_rps, process_backlog, process_backlog_poll?");
		assertThatThrownBy(() -> this.model.id("qqqqqqqqqqqqqqqqqqqq"))
			.hasMessageStartingWith("unknown cost function 'qqqqqqqqqqqqqqqqqqqq'; no similar name, known functions: ")
			.hasMessageContaining("veth_xmit");
		assertThat(this.model.contains("veth_xmit")).isTrue();
		assertThat(this.model.contains("veth_xmt")).isFalse();
	}

	@Test
	void isImmutable() {
		assertThatThrownBy(() -> this.model.entries().set(0, this.model.entry(1)))
			.isInstanceOf(UnsupportedOperationException.class);
		CostModel changed = this.model.withOverrides(java.util.Map.of("veth_xmit", 99L));
		assertThat(this.model.cost(CostModel.Id.VETH_XMIT)).isEqualTo(50);
		assertThat(changed.cost(CostModel.Id.VETH_XMIT)).isEqualTo(99);
		assertThat(changed).isNotEqualTo(this.model);
		assertThat(this.model.withOverrides(java.util.Map.of())).isSameAs(this.model);
		assertThat(changed.withOverrides(java.util.Map.of("veth_xmit", "50ns")).cost(CostModel.Id.VETH_XMIT))
			.isEqualTo(50);
	}

	@Test
	void entriesValidateTheirFields() {
		assertThatThrownBy(() -> new CostEntry("veth xmit", 1, 0, Basis.ASSUMED, "x"))
			.hasMessage("function must be a C identifier ([A-Za-z_][A-Za-z0-9_]*), was 'veth xmit'");
		assertThatThrownBy(() -> new CostEntry("f", -1, 0, Basis.ASSUMED, "x"))
			.hasMessage("ns of f must be in [0, 1000000000], was -1");
		assertThatThrownBy(() -> new CostEntry("f", 1, Double.NaN, Basis.ASSUMED, "x"))
			.hasMessage("nsPerByte of f must be in [0, 1000.0], was NaN");
		assertThatThrownBy(() -> new CostEntry("f", 1, 0, Basis.ASSUMED, " "))
			.hasMessage("source of f must not be blank");
	}

}
