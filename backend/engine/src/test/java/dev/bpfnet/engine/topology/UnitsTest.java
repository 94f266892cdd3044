package dev.bpfnet.engine.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {

	@Test
	void durations() {
		assertThat(Units.parseDuration("2us")).isEqualTo(2_000);
		assertThat(Units.parseDuration("2µs")).isEqualTo(2_000);
		assertThat(Units.parseDuration("10ms")).isEqualTo(10_000_000);
		assertThat(Units.parseDuration("1.5s")).isEqualTo(1_500_000_000);
		assertThat(Units.parseDuration("750")).isEqualTo(750);
		assertThat(Units.parseDuration("0.5ns")).isEqualTo(-1);
		assertThat(Units.parseDuration("2 weeks")).isEqualTo(-1);
		assertThat(Units.parseDuration("-1us")).isEqualTo(-1);
		assertThat(Units.parseDuration("99999999999999999999s")).isEqualTo(-1);
		assertThat(Units.formatDuration(2_000)).isEqualTo("2us");
		assertThat(Units.formatDuration(1_500_000_000)).isEqualTo("1500ms");
		assertThat(Units.formatDuration(0)).isEqualTo("0ns");
	}

	@Test
	void ratesAreBitsPerSecondWithDecimalPrefixes() {
		assertThat(Units.parseRate("25Gbit")).isEqualTo(25_000_000_000L);
		assertThat(Units.parseRate("100mbit")).isEqualTo(100_000_000L);
		assertThat(Units.parseRate("2.5Gbit")).isEqualTo(2_500_000_000L);
		assertThat(Units.parseRate("1Gbps")).as("bps is ambiguous in tc(8): refused").isEqualTo(-1);
		assertThat(Units.parseRate("fast")).isEqualTo(-1);
		assertThat(Units.formatRate(25_000_000_000L)).isEqualTo("25Gbit");
		assertThat(Units.parsePacketRate("100kpps")).isEqualTo(100_000);
	}

	@Test
	void sizesUseBinaryPrefixes() {
		assertThat(Units.parseSize("1500")).isEqualTo(1500);
		assertThat(Units.parseSize("9k")).isEqualTo(9216);
		assertThat(Units.parseSize("4m")).isEqualTo(4 << 20);
		assertThat(Units.parseSize("9q")).isEqualTo(-1);
		assertThat(Units.formatSize(9216)).isEqualTo("9k");
	}

}
