package dev.bpfnet.engine.datapath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.capture.HopRecorder;
import dev.bpfnet.engine.packet.DecodedPacket;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.Tee;

import static dev.bpfnet.engine.trace.Function.CONSUME_SKB;
import static dev.bpfnet.engine.trace.Function.ICMP_RCV;
import static dev.bpfnet.engine.trace.Function.ICMP_REPLY;
import static dev.bpfnet.engine.trace.Function.IP_OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ICMP echo endpoint (issue 3's "ICMP echo"): every local address answers an echo
 * request ({@code icmp_rcv} → {@code icmp_echo} → {@code icmp_reply}, as with
 * {@code icmp_echo_ignore_all = 0}). A crafted request from the remote host to the pod of
 * {@code pod-egress-veth.yaml} gets a reply that travels back over veth, the host and the
 * wire, and arrives at the remote as a well-formed echo reply.
 */
class IcmpEchoTest {

	static String topology(String traffic) throws IOException {
		String yaml = Files.readString(Path.of("src/test/resources/engine/pod-egress-veth.yaml"));
		return yaml.substring(0, yaml.indexOf("traffic:")) + "traffic:\n" + traffic;
	}

	@Test
	void aPodAnswersAnEchoRequestAndTheReplyGoesBackToTheSender() throws IOException {
		String yaml = topology("""
				  - name: ping
				    kind: packet
				    from: remote/host
				    packet:
				      ipv4: { src: 192.0.2.2, dst: 10.244.1.10 }
				      icmp: { type: echo-request, id: 7, seq: 1 }
				      payload: { text: "ping" }
				""");
		PathRecorder paths = new PathRecorder();
		Engine e = new Engine(TopologyParser.parse(yaml, Format.YAML), Labs.OBJECTS,
				Datapath.Options.of(Tee.of(paths)));
		HopRecorder hops = new HopRecorder(e.names(), 1 << 20);
		e.setFrameTap(hops);
		e.run(1_000_000);

		assertThat(e.skbsCreated()).as("the request and its reply").isEqualTo(2);
		List<String> request = names(paths.path(0));
		List<String> reply = names(paths.path(1));
		// the pod receives the request, answers it, then consumes it
		assertThat(request).containsSubsequence("icmp_rcv", "consume_skb");
		Step answered = paths.path(1).get(0);
		assertThat(answered.fn()).isEqualTo(ICMP_REPLY);
		assertThat(answered.ctx()).isEqualTo(Context.SOFTIRQ);
		assertThat(paths.path(0).stream().filter(s -> s.fn() == ICMP_RCV).findFirst().orElseThrow().netnsId())
			.isEqualTo(answered.netnsId());
		// the reply leaves the pod through ip_output, crosses the host and the wire, and
		// the remote's stack takes it
		assertThat(reply).containsSubsequence("icmp_reply", "ip_output", "veth_xmit", "phy_tx", "icmp_rcv",
				"consume_skb");
		assertThat(paths.path(1).get(paths.path(1).size() - 1).fn()).isEqualTo(CONSUME_SKB);
		assertThat(paths.path(1).stream().filter(s -> s.fn() == IP_OUTPUT).count()).isEqualTo(1);

		// as the remote's NIC sees it: an echo reply from the pod, checksums good
		List<HopRecorder.Hop> at = hops.hops(1);
		DecodedPacket arrived = at.get(at.size() - 1).packet();
		assertThat(field(arrived, "IPv4", "src")).isEqualTo("10.244.1.10");
		assertThat(field(arrived, "IPv4", "dst")).isEqualTo("192.0.2.2");
		assertThat(field(arrived, "ICMPv4", "type")).startsWith("0");
		assertThat(arrived.problems()).isEmpty();
	}

	static List<String> names(List<Step> steps) {
		List<String> out = new ArrayList<>();
		for (Step s : steps) {
			out.add(s.fn().kernelName());
		}
		return out;
	}

	static String field(DecodedPacket p, String layer, String name) {
		for (DecodedPacket.Layer l : p.layers()) {
			if (l.name().equals(layer)) {
				for (DecodedPacket.Field f : l.fields()) {
					if (f.name().equals(name)) {
						return f.value();
					}
				}
			}
		}
		throw new AssertionError("no " + layer + "." + name + " in " + p);
	}

}
