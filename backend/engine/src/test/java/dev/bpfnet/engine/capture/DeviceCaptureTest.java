package dev.bpfnet.engine.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.trace.FrameTap.Direction;
import dev.bpfnet.engine.traffic.ReplayFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pcap files written by Pcap4J's dumper keep nanosecond timestamps and filter by device
 * and direction.
 */
class DeviceCaptureTest {

	@TempDir
	Path dir;

	@Test
	void nanosecondTimestampsAndFilteringSurviveTheRoundTrip() throws Exception {
		Path file = this.dir.resolve("d.pcap");
		byte[] frame = CaptureRoundTripTest.crafted().get(0);
		try (DeviceCapture c = new DeviceCapture(file, 3, EnumSet.of(Direction.IN), 1_000_000_000L)) {
			c.frame(1, 0, 0, 3, Direction.IN, frame, 0, frame.length);
			c.frame(2, 1, 0, 3, Direction.OUT, frame, 0, frame.length);
			c.frame(3, 2, 0, 4, Direction.IN, frame, 0, frame.length);
			c.frame(1_234_567_891L, 3, 0, 3, Direction.IN, frame, 0, frame.length);
			assertThat(c.frames()).isEqualTo(2);
		}
		// nanosecond pcap magic, little-endian
		assertThat(Files.readAllBytes(file)).startsWith((byte) 0x4d, (byte) 0x3c, (byte) 0xb2, (byte) 0xa1);
		List<ReplayFile.Frame> frames = ReplayFile.read(file, ReplayFile.Options.defaults()).frames();
		assertThat(frames).extracting(ReplayFile.Frame::timeNs).containsExactly(1_000_000_001L, 2_234_567_891L);
		assertThat(frames.get(0).data()).isEqualTo(frame);
		assertThat(TsharkTest.tshark(file, "frame.time_epoch")).containsExactly("1.000000001", "2.234567891");
	}

}
