package dev.bpfnet.bpf.ctx;

import dev.bpfnet.bpf.ctx.SkBuffLayout.Access;
import dev.bpfnet.bpf.ctx.SkBuffLayout.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code struct __sk_buff} table and the tc access rules of
 * {@code tc_cls_act_is_valid_access()} / {@code bpf_skb_is_valid_access()}.
 */
class SkBuffLayoutTest {

	@Test
	void layoutMatchesUapi() {
		assertThat(SkBuffLayout.SIZE).isEqualTo(192);
		int expectedOff = 0;
		for (Field f : SkBuffLayout.FIELDS) {
			if (f.name().equals("data_meta")) {
				assertThat(f.off()).isEqualTo(140);
			}
			if (f.name().equals("hwtstamp")) {
				// 3 bytes of padding after tstamp_type
				expectedOff = 184;
			}
			if (f.size() == 8 && expectedOff % 8 != 0) {
				expectedOff += 4;
			}
			assertThat(f.off()).as(f.name()).isEqualTo(expectedOff);
			expectedOff += f.size();
		}
		assertThat(expectedOff).isEqualTo(SkBuffLayout.SIZE);
		assertThat(SkBuffLayout.fieldAt(SkBuffLayout.OFF_CB + 9).name()).isEqualTo("cb[2]");
		assertThat(SkBuffLayout.fieldAt(181)).isNull();
		assertThat(SkBuffLayout.fieldAt(-1)).isNull();
		assertThat(SkBuffLayout.fieldAt(192)).isNull();
	}

	@ParameterizedTest(name = "off={0} size={1} write={2} -> {3}")
	@CsvSource({
			// reads: narrow loads of __u32 fields
			"0, 4, false, SCALAR", "0, 2, false, SCALAR", "2, 2, false, SCALAR", "3, 1, false, SCALAR",
			"0, 8, false, INVALID", "1, 2, false, INVALID", "16, 4, false, SCALAR",
			// packet pointers: 4-byte loads only
			"76, 4, false, PKT", "80, 4, false, PKT_END", "140, 4, false, PKT_META", "76, 2, false, INVALID",
			"76, 8, false, INVALID", "78, 2, false, INVALID", "76, 4, true, INVALID",
			// writable fields
			"8, 4, true, SCALAR", "44, 4, true, SCALAR", "32, 4, true, SCALAR", "72, 4, true, SCALAR",
			"48, 4, true, SCALAR", "64, 4, true, SCALAR", "12, 4, true, SCALAR", "152, 8, true, SCALAR",
			"8, 2, true, INVALID", "0, 4, true, INVALID", "4, 4, true, INVALID", "16, 4, true, INVALID",
			"68, 4, true, INVALID", "152, 4, true, INVALID",
			// cb[]: 8-byte access inside, not across the end
			"48, 8, false, SCALAR", "64, 8, false, INVALID",
			// forbidden for tc: family .. local_port, flow_keys, padding
			"88, 4, false, INVALID", "100, 4, false, INVALID", "136, 4, false, INVALID", "144, 8, false, INVALID",
			"182, 1, false, INVALID",
			// 64-bit fields and tstamp_type
			"152, 8, false, SCALAR", "152, 4, false, INVALID", "184, 8, false, SCALAR", "184, 8, true, INVALID",
			"168, 8, false, SOCK_COMMON_OR_NULL", "168, 8, true, INVALID", "180, 1, false, SCALAR",
			"180, 1, true, INVALID", "180, 4, false, INVALID",
			// out of the struct
			"192, 4, false, INVALID", "-4, 4, false, INVALID", "0, 3, false, INVALID" })
	void tcAccessRules(int off, int size, boolean write, Access expected) {
		assertThat(SkBuffLayout.check(off, size, write)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "off={0} size={1} write={2} -> {3}")
	@CsvSource({ "0, 4, false, SCALAR", "48, 4, true, SCALAR", "8, 4, true, INVALID", "76, 4, false, INVALID",
			"72, 4, false, INVALID", "152, 8, false, INVALID", "160, 4, false, INVALID" })
	void socketFilterAccessRules(int off, int size, boolean write, Access expected) {
		assertThat(SkBuffLayout.checkSocketFilter(off, size, write)).isEqualTo(expected);
	}

}
