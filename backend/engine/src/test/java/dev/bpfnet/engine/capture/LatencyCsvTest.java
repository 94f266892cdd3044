package dev.bpfnet.engine.capture;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.traffic.FrameSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-packet latency CSV against the recorded paths of the same run. */
class LatencyCsvTest {

	@TempDir
	Path dir;

	@Test
	void oneLinePerSkbWithItsFirstAndLastStepAndFate() {
		PathRecorder rec = new PathRecorder();
		LatencyCsv csv = new LatencyCsv();
		Engine e = new Engine(Fixtures.twoNodes(true), Fixtures.OBJECTS, Datapath.Options.of(Tee.of(rec, csv)));
		Injection.crafted(e, "crafted", Fixtures.podBound().get(0),
				FrameSource.Target.device(DeviceRef.of("remote/host/eth0")), 5_000, 3, 100_000, 0);
		e.run(1_000_000);
		StringWriter out = new StringWriter();
		csv.write(out, e.names());
		List<String> lines = out.toString().lines().toList();
		assertThat(lines.get(0)).isEqualTo(LatencyCsv.HEADER);
		assertThat(lines).hasSize(1 + 3);
		for (int skb = 0; skb < 3; skb++) {
			List<Step> path = rec.path(skb);
			Step first = path.get(0);
			Step last = path.get(path.size() - 1);
			assertThat(lines.get(1 + skb)).isEqualTo(skb + "," + first.timeNs() + "," + last.timeNs() + ","
					+ (last.timeNs() - first.timeNs()) + "," + path.size() + ",remote/host/eth0,node1/pod1/eth0,"
					+ last.fn().kernelName() + ",delivered,");
		}
		// sent at 5 µs, 15 µs, 25 µs
		assertThat(lines.get(2).split(",")[1]).isEqualTo(Long.toString(rec.path(1).get(0).timeNs()));
		assertThat(rec.path(1).get(0).timeNs()).isGreaterThanOrEqualTo(15_000);
	}

}
