package dev.bpfnet.engine.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files the project writes, read back by Debian's {@code tshark -r} (installed by
 * {@code .ci/run}): frame counts, protocol trees, and for the path capture the interface
 * names and skb comments. Skipped, with a message, only when tshark is not installed.
 */
class TsharkTest {

	@TempDir
	Path dir;

	private static Boolean present;

	static synchronized boolean present() {
		if (present == null) {
			findTshark();
		}
		return present;
	}

	@BeforeAll
	static void findTshark() {
		try {
			Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
			p.getInputStream().readAllBytes();
			present = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
		}
		catch (IOException | InterruptedException ex) {
			present = false;
		}
	}

	static List<String> tshark(Path file, String... fields) {
		Assumptions.assumeTrue(present(), "tshark is not installed (apt-get install tshark, as .ci/run does)");
		List<String> cmd = new ArrayList<>(
				List.of("tshark", "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=|"));
		for (String f : fields) {
			cmd.add("-e");
			cmd.add(f);
		}
		try {
			Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(p.exitValue()).as("tshark exit status for %s", file).isZero();
			return out.isEmpty() ? List.of() : List.of(out.split("\n"));
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void deviceCaptureDecodesAsTheCraftedProtocols() {
		Path pcap = CaptureRoundTripTest.craftedPcap(this.dir, CaptureRoundTripTest.crafted());
		CaptureRoundTripTest.Run r = CaptureRoundTripTest.replay(Fixtures.twoNodes(true), pcap, this.dir, true);
		List<String> lines = tshark(r.files().get(0), "frame.protocols", "ip.src", "ip.dst", "tcp.flags.str",
				"udp.checksum.status");
		assertThat(lines).hasSize(5);
		assertThat(lines.get(0)).startsWith("eth:ethertype:ip:udp:").contains("|192.0.2.2|10.244.1.10|");
		assertThat(lines.get(1)).startsWith("eth:ethertype:ip:tcp|").contains("S");
		assertThat(lines.get(2)).startsWith("eth:ethertype:ip:tcp");
		assertThat(lines.get(3)).startsWith("eth:ethertype:ip:icmp:data|");
		assertThat(lines.get(4)).startsWith("eth:ethertype:ip:udp:");
	}

	@Test
	void pathCaptureShowsEachPacketAtEachHopWithItsSkb() {
		Path pcap = CaptureRoundTripTest.craftedPcap(this.dir, CaptureRoundTripTest.crafted());
		CaptureRoundTripTest.Run r = CaptureRoundTripTest.replay(Fixtures.twoNodes(true), pcap, this.dir, true);
		List<String> lines = tshark(r.files().get(2), "frame.interface_name", "frame.comment", "frame.protocols");
		// five crafted packets at three hops, and the pod's echo reply to the ICMP one
		// leaving the pod
		assertThat(lines).hasSize(16);
		assertThat(lines.stream().map(l -> l.split("\\|")[0]).distinct().toList())
			.containsExactly("remote/host/eth0:out", "node1/host/eth0:in", "node1/pod1/eth0:in", "node1/pod1/eth0:out");
		assertThat(lines.stream().filter(l -> l.startsWith("node1/pod1/eth0:out|")).toList()).singleElement()
			.satisfies(l -> assertThat(l).endsWith("|eth:ethertype:ip:icmp:data"));
		// the first packet's three hops carry the same skb comment
		String skb = lines.get(0).split("\\|")[1];
		assertThat(skb).startsWith("skb ");
		assertThat(lines.stream().filter(l -> l.split("\\|")[1].equals(skb)).count()).isEqualTo(3);
	}

}
