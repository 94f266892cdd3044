package dev.bpfnet.bpf.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.bpf.helpers.Packets;
import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.bpf.maps.ArrayMap;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.DevMap;
import dev.bpfnet.bpf.maps.HashTab;
import dev.bpfnet.bpf.maps.MapEntry;
import dev.bpfnet.bpf.maps.ProgArrayMap;
import dev.bpfnet.bpf.maps.RingBuf;
import org.junit.jupiter.api.Test;

import static dev.bpfnet.bpf.helpers.Packets.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The C programs of src/test/c, loaded from their ELF objects and run over packets: every
 * helper of the toolchain is exercised by at least one of them (clone_redirect, which
 * none uses, is covered by HelpersTest).
 */
class ObjectProgramsTest {

	final TestHost host = new TestHost();

	static ByteBuffer le(byte[] b) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
	}

	static byte[] u32(int v) {
		return le(new byte[4]).putInt(v).array();
	}

	static long u64(byte[] b, int off) {
		return le(b).getLong(off);
	}

	/** A frame's IPv4 address as a program stores it (network order bytes, read LE). */
	static int be(int hostOrder) {
		return Integer.reverseBytes(hostOrder);
	}

	static SkBuff tcp(int src, int dst, int sport, int dport) {
		return new SkBuff(Packets.tcp4(src, dst, sport, dport, "payload".getBytes()));
	}

	static SkBuff udp(int src, int dst, int sport, int dport) {
		return new SkBuff(Packets.udp4(src, dst, sport, dport, new byte[] { 1, 2, 3, 4 }));
	}

	static SkBuff arp() {
		byte[] f = new byte[42];
		f[12] = 0x08;
		f[13] = 0x06;
		return new SkBuff(f);
	}

	@Test
	void flowCounterCountsFlowsAndGlobals() {
		BpfObjectInstance obj = Objects.open("flow_counter", 2).setHost(this.host, 1);
		obj.setGlobal("sample_every", 2);
		obj.load();
		assertThatThrownBy(() -> obj.setGlobal("sample_every", 3)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("is frozen: set 'sample_every' before load()");
		assertThat(obj.globalValue("config_generation")).isEqualTo(7);
		SkBuff a = tcp(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1234, 80);
		obj.vm().setCpu(1);
		for (int i = 0; i < 4; i++) {
			this.host.now = 1000 + i;
			RunResult r = obj.run("count_flows", a);
			assertThat(r.ok()).as("%s", r.fault()).isTrue();
			assertThat(r.verdict()).isEqualTo("TC_ACT_OK");
		}
		obj.vm().setCpu(0);
		assertThat(obj.run("count_flows_tc", udp(ip(10, 0, 0, 3), ip(10, 0, 0, 2), 53, 5353)).ok()).isTrue();
		assertThat(obj.run("tc/ingress", arp()).ok()).isTrue();
		List<MapEntry> flows = obj.map("flows").entries();
		assertThat(flows).hasSize(2);
		byte[] k = flows.get(0).key();
		assertThat(le(k).getInt(0)).isEqualTo(be(ip(10, 0, 0, 1)));
		assertThat(le(k).getInt(4)).isEqualTo(be(ip(10, 0, 0, 2)));
		assertThat(Short.toUnsignedInt(Short.reverseBytes(le(k).getShort(8)))).isEqualTo(1234);
		assertThat(k[12]).isEqualTo((byte) 6);
		byte[] stats = flows.get(0).value();
		assertThat(u64(stats, 0)).as("packets").isEqualTo(4);
		// first packet creates the entry with its length, then every 2nd one adds
		assertThat(u64(stats, 8)).as("bytes").isEqualTo(3L * a.len());
		assertThat(u64(stats, 16)).as("last_seen_ns").isEqualTo(1003);
		assertThat(obj.globalValue("seen_packets")).isEqualTo(6);
		assertThat(obj.globalValue("non_ip_packets")).isEqualTo(1);
		MapEntry packets = obj.map("totals").entries().get(0);
		assertThat(u64(packets.values()[0], 0)).isEqualTo(2);
		assertThat(u64(packets.values()[1], 0)).isEqualTo(4);
	}

	@Test
	void natRewritesBothWaysWithValidChecksums() {
		BpfObjectInstance obj = Objects.open("nat", 1).setHost(this.host, 1);
		obj.setGlobal("service_ip", be(ip(10, 96, 0, 1)));
		obj.setGlobal("service_port", Short.toUnsignedInt(Short.reverseBytes((short) 80)));
		obj.load();
		byte[] backend = le(new byte[8]).putInt(be(ip(10, 244, 1, 7)))
			.putShort(Short.reverseBytes((short) 8080))
			.array();
		assertThat(obj.map("nat_backends").update(u32(0), backend, BpfMap.BPF_ANY)).isZero();
		for (boolean isTcp : new boolean[] { true, false }) {
			SkBuff out = isTcp ? tcp(ip(10, 244, 2, 5), ip(10, 96, 0, 1), 40000, 80)
					: udp(ip(10, 244, 2, 5), ip(10, 96, 0, 1), 40000, 80);
			RunResult r = obj.run("nat_egress", out);
			assertThat(r.verdict()).as("%s", r.fault()).isEqualTo("TC_ACT_OK");
			byte[] f = out.frame();
			assertThat(Packets.be32(f, Packets.IP_DST)).isEqualTo(ip(10, 244, 1, 7));
			assertThat(Packets.be16(f, Packets.L4 + 2)).isEqualTo(8080);
			assertThat(Packets.ipHeaderValid(f)).isTrue();
			assertThat(Packets.l4Valid(f)).as("tcp=%s", isTcp).isTrue();
			SkBuff reply = isTcp ? tcp(ip(10, 244, 1, 7), ip(10, 244, 2, 5), 8080, 40000)
					: udp(ip(10, 244, 1, 7), ip(10, 244, 2, 5), 8080, 40000);
			assertThat(obj.run("nat_ingress", reply).verdict()).isEqualTo("TC_ACT_OK");
			byte[] g = reply.frame();
			assertThat(Packets.be32(g, Packets.IP_SRC)).isEqualTo(ip(10, 96, 0, 1));
			assertThat(Packets.be16(g, Packets.L4)).isEqualTo(80);
			assertThat(Packets.ipHeaderValid(g)).isTrue();
			assertThat(Packets.l4Valid(g)).isTrue();
		}
		assertThat(obj.globalValue("rewritten")).isEqualTo(4);
		SkBuff other = tcp(ip(10, 244, 2, 5), ip(10, 96, 0, 2), 40000, 80);
		byte[] before = other.frame();
		assertThat(obj.run("nat_egress", other).verdict()).isEqualTo("TC_ACT_OK");
		assertThat(other.frame()).isEqualTo(before);
	}

	@Test
	void podEgressRoutesRedirectsAndPeers() {
		BpfObjectInstance obj = Objects.open("pod_egress", 1).setHost(this.host, 1);
		obj.setGlobal("nic_ifindex", 9);
		obj.setGlobal("pod_ifindex", 4);
		obj.setGlobal("pod_ip", be(ip(10, 244, 1, 10)));
		obj.load();
		SkBuff out = tcp(ip(10, 244, 1, 10), ip(192, 0, 2, 2), 40000, 7000);
		out.ingressIfindex = 4;
		RunResult r = obj.run("pod_egress", out);
		assertThat(r.verdict()).isEqualTo("TC_ACT_REDIRECT");
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT);
		assertThat(r.redirect().ifindex()).isEqualTo(7);
		assertThat(Arrays.copyOf(out.frame(), 12)).containsExactly(2, 0, 0, 0, 0, 0xfe, 2, 0, 0, 0, 0, 7);
		assertThat(this.host.lastQuery.ipv4Dst()).isEqualTo(ip(192, 0, 2, 2));
		assertThat(this.host.lastQuery.ifindex()).isEqualTo(4);
		assertThat(this.host.lastQuery.totLen()).isEqualTo(out.len() - 14);
		this.host.fibResult = FibLookupParams.RET_NO_NEIGH;
		this.host.gateway = ip(192, 0, 2, 254);
		r = obj.run("pod_egress", tcp(ip(10, 244, 1, 10), ip(192, 0, 2, 2), 40000, 7000));
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_NEIGH);
		assertThat(r.redirect().ifindex()).isEqualTo(7);
		assertThat(r.redirect().nexthop()).containsExactly(192, 0, 2, 254);
		this.host.fibResult = FibLookupParams.RET_UNREACHABLE;
		r = obj.run("pod_egress", tcp(ip(10, 244, 1, 10), ip(192, 0, 2, 2), 40000, 7000));
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_NEIGH);
		assertThat(r.redirect().ifindex()).isEqualTo(9);
		assertThat(r.redirect().hasNexthop()).isFalse();
		r = obj.run("nic_ingress", tcp(ip(192, 0, 2, 2), ip(10, 244, 1, 10), 7000, 40000));
		assertThat(r.verdict()).isEqualTo("TC_ACT_REDIRECT");
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_PEER);
		assertThat(r.redirect().ifindex()).isEqualTo(4);
		assertThat(obj.run("nic_ingress", tcp(ip(192, 0, 2, 2), ip(10, 244, 1, 11), 7000, 40000)).verdict())
			.isEqualTo("TC_ACT_UNSPEC");
		assertThat(obj.run("pod_ingress", arp()).verdict()).isEqualTo("TC_ACT_OK");
		assertThat(obj.map("verdicts").entries()).extracting(e -> u64(e.value(), 0))
			.containsExactly(1L, 1L, 1L, 1L, 1L);
	}

	@Test
	void allowlistPassesKnownFlowsAndCountsDrops() {
		BpfObjectInstance obj = Objects.open("allowlist", 1).setHost(this.host, 1);
		obj.setGlobal("allow_non_ip", 0);
		obj.load();
		BpfMap allowed = obj.map("allowed");
		byte[] key = le(new byte[8]).putInt(be(ip(10, 0, 0, 9)))
			.putShort(Short.reverseBytes((short) 443))
			.put((byte) 6)
			.array();
		byte[] expiring = le(new byte[8]).putInt(be(ip(10, 0, 0, 10)))
			.putShort(Short.reverseBytes((short) 53))
			.put((byte) 17)
			.array();
		allowed.update(key, new byte[16], BpfMap.BPF_NOEXIST);
		allowed.update(expiring, le(new byte[16]).putLong(100).array(), BpfMap.BPF_NOEXIST);
		assertThat(obj.run("allowlist", tcp(ip(10, 0, 0, 1), ip(10, 0, 0, 9), 5555, 443)).verdict())
			.isEqualTo("TC_ACT_OK");
		assertThat(obj.run("allowlist_cls", tcp(ip(10, 0, 0, 1), ip(10, 0, 0, 9), 5555, 443)).verdict())
			.isEqualTo("TC_ACT_OK");
		assertThat(u64(((HashTab) allowed).peek(key), 8)).as("hits").isEqualTo(2);
		assertThat(obj.run("allowlist", tcp(ip(10, 0, 0, 1), ip(10, 0, 0, 9), 5555, 80)).verdict())
			.isEqualTo("TC_ACT_SHOT");
		this.host.now = 101;
		assertThat(obj.run("allowlist", udp(ip(10, 0, 0, 1), ip(10, 0, 0, 10), 5555, 53)).r0()).isEqualTo(2);
		assertThat(allowed.lookup(expiring)).as("expired entry deleted").isNull();
		assertThat(obj.run("allowlist_cls", arp()).verdict()).isEqualTo("TC_ACT_SHOT");
		assertThat(obj.map("drops").entries()).extracting(e -> u64(e.value(), 0)).containsExactly(1L, 0L, 1L, 1L);
	}

	@Test
	void ringbufLoggerWritesEventsAndReportsLoss() {
		BpfObjectInstance obj = Objects.open("ringbuf_logger", 2).setHost(this.host, 1);
		obj.load();
		obj.vm().setCpu(1);
		SkBuff s = tcp(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, 2);
		s.ifindex = 3;
		s.mark = 0x42;
		this.host.now = 777;
		assertThat(obj.run("log_events", s).ok()).isTrue();
		assertThat(obj.run("log_events_copy", s).ok()).isTrue();
		RingBuf rb = (RingBuf) obj.map("events");
		List<byte[]> events = rb.drain();
		assertThat(events).hasSize(2);
		for (int i = 0; i < 2; i++) {
			ByteBuffer e = le(events.get(i));
			assertThat(events.get(i)).hasSize(32);
			assertThat(e.getLong(0)).isEqualTo(777);
			assertThat(e.getInt(8)).isEqualTo(s.len());
			assertThat(e.getInt(12)).isEqualTo(3);
			assertThat(e.getInt(16)).isEqualTo(1);
			assertThat(e.getInt(20)).isEqualTo(0x42);
			assertThat(Short.toUnsignedInt(e.getShort(24))).isEqualTo(0x0800);
			assertThat(e.get(26)).isEqualTo((byte) (i + 1));
		}
		// 64 KiB ring, 40 bytes per record: full after 1638 records
		int ok = 0;
		RunResult last = null;
		for (int i = 0; i < 1700; i++) {
			last = obj.run("log_events_copy", s);
			ok++;
		}
		assertThat(obj.globalValue("lost_events")).isEqualTo(1700 - (65535 / 40));
		assertThat(last.trace()).containsExactly("ringbuf full, len=" + s.len() + " cpu=1");
		assertThat(this.host.lines).hasSize(1700 - 65535 / 40);
		assertThat(rb.drain()).hasSize(65535 / 40);
		assertThat(ok).isEqualTo(1700);
	}

	@Test
	void ringbufLoggerSamplesWithTheSeededPrng() {
		long[] counts = new long[2];
		for (int round = 0; round < 2; round++) {
			BpfObjectInstance obj = Objects.open("ringbuf_logger", 1).setHost(this.host, 99);
			obj.setGlobal("sample_one_in", 4);
			obj.load();
			for (int i = 0; i < 400; i++) {
				obj.run("log_events", arp());
			}
			counts[round] = ((RingBuf) obj.map("events")).drain().size();
		}
		assertThat(counts[0]).isBetween(60L, 140L).isEqualTo(counts[1]);
	}

	@Test
	void tailCallDispatchesThroughTheProgArray() {
		BpfObjectInstance obj = Objects.open("tail_call", 1).setHost(this.host, 1);
		obj.setGlobal("ipv4_mark", 0x9);
		obj.load();
		SkBuff v4 = tcp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 1, 2);
		RunResult r = obj.run("dispatch", v4);
		assertThat(r.verdict()).isEqualTo("TC_ACT_OK");
		assertThat(v4.mark).isEqualTo(0x9);
		SkBuff other = arp();
		other.mark = 5;
		assertThat(obj.run("dispatch", other).verdict()).isEqualTo("TC_ACT_UNSPEC");
		assertThat(other.mark).isZero();
		assertThat(obj.globalValue("missed_tail_calls")).isZero();
		((ProgArrayMap) obj.map("jmp_table")).set(0, null);
		assertThat(obj.run("dispatch", v4).verdict()).isEqualTo("TC_ACT_OK");
		assertThat(obj.globalValue("missed_tail_calls")).isEqualTo(1);
		assertThat(obj.run("mark_action", v4).verdict()).isEqualTo("TC_ACT_PIPE");
		assertThat(v4.mark).isEqualTo(0x109);
	}

	@Test
	void l2EncapPushesAnEthernetHeader() {
		BpfObjectInstance obj = Objects.open("l2_encap", 1).setHost(this.host, 1);
		obj.setGlobalData(".rodata", 0, new byte[] { 2, 0, 0, 0, 0, 0x0a });
		obj.load();
		byte[] l3 = Arrays.copyOfRange(Packets.udp4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, 2, new byte[4]), 14, 46);
		SkBuff s = new SkBuff(l3, 4);
		s.setEthProtocol(0x0800);
		s.pktType = 3;
		RunResult r = obj.run("add_eth_header", s);
		assertThat(r.verdict()).as("%s", r.fault()).isEqualTo("TC_ACT_OK");
		byte[] f = s.frame();
		assertThat(f).hasSize(l3.length + 14);
		byte[] src = obj.globalBytes("src_mac");
		byte[] dst = obj.globalBytes("dst_mac");
		assertThat(Arrays.copyOfRange(f, 0, 6)).isEqualTo(dst);
		assertThat(Arrays.copyOfRange(f, 6, 12)).isEqualTo(src);
		assertThat(Packets.be16(f, 12)).isEqualTo(0x0800);
		assertThat(Arrays.copyOfRange(f, 14, f.length)).isEqualTo(l3);
		assertThat(s.pktType).isZero();
		assertThat(obj.globalValue("encapsulated")).isEqualTo(1);
	}

	@Test
	void xdpRedirectMapUsesTheDevmap() {
		BpfObjectInstance obj = Objects.open("xdp_redirect", 2).setHost(this.host, 1);
		obj.load();
		DevMap tx = (DevMap) obj.map("tx_ports");
		tx.put(3, 12);
		SkBuff in = tcp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 1, 2);
		in.ingressIfindex = 3;
		RunResult r = obj.run("xdp_forward", in);
		assertThat(r.verdict()).as("%s", r.fault()).isEqualTo("XDP_REDIRECT");
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_MAP);
		assertThat(r.redirect().ifindex()).isEqualTo(12);
		in.ingressIfindex = 4;
		assertThat(obj.run("xdp", in).verdict()).isEqualTo("XDP_PASS");
		assertThat(obj.run("xdp", new SkBuff(new byte[10])).verdict()).isEqualTo("XDP_DROP");
		List<MapEntry> stats = obj.map("xdp_stats").entries();
		assertThat(u64(stats.get(1).value(), 0)).isEqualTo(1);
		assertThat(u64(stats.get(2).value(), 0)).isEqualTo(1);
		assertThat(u64(stats.get(4).value(), 0)).isEqualTo(1);
	}

	@Test
	void legacyMapsObjectCountsProtocolsAndSetsMarks() {
		for (String name : new String[] { "legacy_maps", "legacy_maps_nobtf" }) {
			BpfObjectInstance obj = Objects.open(name, 1).setHost(this.host, 1).load();
			obj.map("mark_by_ifindex").update(u32(6), u32(0x77), BpfMap.BPF_ANY);
			SkBuff s = udp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 1, 2);
			s.ifindex = 6;
			assertThat(obj.run("count_protocols", s).verdict()).isEqualTo("TC_ACT_OK");
			assertThat(s.mark).isEqualTo(0x77);
			assertThat(u64(((ArrayMap) obj.map("proto_count")).value(17), 0)).isEqualTo(1);
		}
	}

	@Test
	void errorsNameWhatIsMissing() {
		BpfObjectInstance obj = Objects.open("nat", 1);
		assertThatThrownBy(() -> obj.program("nat_egress")).isInstanceOf(IllegalStateException.class)
			.hasMessage("object 'nat.o' is not loaded: call load() first");
		obj.load();
		assertThatThrownBy(() -> obj.program("nope")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("object 'nat.o' has no program or section 'nope'; it has [nat_egress (tc/egress)");
		assertThatThrownBy(() -> obj.map("nope")).hasMessageStartingWith("object 'nat.o' has no map 'nope'; it has [");
		assertThatThrownBy(() -> obj.setGlobal("nope", 1)).hasMessage("object 'nat.o' has no global variable 'nope'");
		assertThatThrownBy(() -> obj.setGlobal("rewritten", new byte[3]))
			.hasMessage("global 'rewritten' of object 'nat.o' is 8 bytes, got 3");
		assertThatThrownBy(() -> obj.setGlobal("backend_count", 1L << 33))
			.hasMessage("value 8589934592 does not fit in global 'backend_count' (4 bytes)");
		// .bss stays writable after load, as a skeleton's mmap'ed data
		obj.setGlobal("rewritten", 5);
		assertThat(obj.globalValue("rewritten")).isEqualTo(5);
	}

	@Test
	void aFaultIsReportedNotThrown() {
		BpfObjectInstance obj = Objects.open("flow_counter", 1).load();
		obj.vm().setInstructionBudget(10);
		RunResult r = obj.run("count_flows", arp());
		assertThat(r.ok()).isFalse();
		assertThat(r.verdict()).isEqualTo("FAULT");
		assertThat(r.fault().getMessage()).contains("instruction budget");
	}

}
