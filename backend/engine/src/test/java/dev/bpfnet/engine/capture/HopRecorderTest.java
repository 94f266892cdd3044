package dev.bpfnet.engine.capture;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.DecodedPacket;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.traffic.FrameSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** A packet decoded at each hop with the header diff, as the UI's inspector shows it. */
class HopRecorderTest {

	static Engine forwarded(HopRecorder[] out, long maxBytes) {
		Engine e = new Engine(Fixtures.twoNodes(false), Fixtures.OBJECTS, Datapath.Options.of(TraceSink.NONE));
		HopRecorder hops = new HopRecorder(e.names(), maxBytes);
		out[0] = hops;
		e.setFrameTap(hops);
		Injection.crafted(e, "one", Fixtures.podBound().get(0),
				FrameSource.Target.device(DeviceRef.of("remote/host/eth0")), 1_000, 1, 1, 0);
		e.run(1_000_000);
		return e;
	}

	@Test
	void eachHopIsDecodedWithWhatChangedSinceThePreviousOne() {
		HopRecorder[] h = new HopRecorder[1];
		forwarded(h, HopRecorder.DEFAULT_MAX_BYTES);
		List<HopRecorder.Hop> hops = h[0].hops(0);
		assertThat(hops).extracting(hop -> hop.device() + ":" + hop.direction())
			.containsExactly("remote/host/eth0:out", "node1/host/eth0:in", "node1/host/nk0:out", "node1/pod1/eth0:in");
		assertThat(hops.get(0).changes()).isEmpty();
		assertThat(hops.get(1).changes()).isEmpty();
		// node1 forwards: ip_forward decrements the TTL, neigh_output writes the NOARP
		// netkit's zero MACs
		assertThat(hops.get(2).changes()).extracting(c -> c.layer() + "." + c.field())
			.containsExactly("Ethernet.dst", "Ethernet.src", "IPv4.ttl", "IPv4.checksum");
		assertThat(hops.get(3).changes()).isEmpty();
		DecodedPacket.Change ttl = hops.get(2).changes().get(2);
		assertThat(ttl.before()).isEqualTo("64");
		assertThat(ttl.after()).isEqualTo("63");
		assertThat(ttl.offset()).isEqualTo(22);
		assertThat(hops.get(3).packet().layer("UDP").field("dst").value()).isEqualTo("7000");
		assertThat(hops.get(0).timeNs()).isLessThan(hops.get(3).timeNs());
	}

	@Test
	void hopsSerialiseAsJsonForTheApi() {
		HopRecorder[] h = new HopRecorder[1];
		forwarded(h, HopRecorder.DEFAULT_MAX_BYTES);
		JsonMapper json = JsonMapper.builder().build();
		JsonNode n = json.readTree(json.writeValueAsString(h[0].hops(0)));
		assertThat(n.get(2).get("changes").get(2).get("field").asString()).isEqualTo("ttl");
		assertThat(n.get(0).get("packet").get("layers").get(0).get("name").asString()).isEqualTo("Ethernet");
		assertThat(n.get(0).get("packet").get("layers").get(2).get("fields").get(0).get("offset").asInt())
			.isEqualTo(34);
	}

	@Test
	void theByteBoundStopsKeepingFramesAndCountsThem() {
		HopRecorder[] h = new HopRecorder[1];
		forwarded(h, 100);
		assertThat(h[0].hops(0)).hasSize(1);
		assertThat(h[0].dropped()).isEqualTo(3);
		assertThat(h[0].bytes()).isLessThanOrEqualTo(100);
	}

}
