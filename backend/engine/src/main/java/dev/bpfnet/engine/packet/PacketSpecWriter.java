package dev.bpfnet.engine.packet;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PacketSpec#toMap}: the YAML/JSON tree {@link PacketSpec#fromMap} reads back into
 * an equal spec (the topology writer uses it for {@code kind: packet} traffic). Defaults
 * are written too, so the tree is explicit; payloads are hex.
 */
final class PacketSpecWriter {

	private PacketSpecWriter() {
	}

	static Map<String, Object> write(PacketSpec spec) {
		Map<String, Object> m = new LinkedHashMap<>();
		if (spec.ethernet() != null) {
			Map<String, Object> e = new LinkedHashMap<>();
			e.put("src", mac(spec.ethernet().src()));
			e.put("dst", mac(spec.ethernet().dst()));
			putIf(e, "type", spec.ethernet().etherType());
			m.put("ethernet", e);
		}
		if (spec.vlan() != null) {
			Map<String, Object> v = new LinkedHashMap<>();
			v.put("pcp", spec.vlan().pcp());
			v.put("dei", spec.vlan().dei());
			v.put("vid", spec.vlan().vid());
			putIf(v, "type", spec.vlan().etherType());
			m.put("vlan", v);
		}
		if (spec.network() instanceof PacketSpec.Arp a) {
			Map<String, Object> n = new LinkedHashMap<>();
			n.put("op", a.reply() ? "reply" : "request");
			n.put("senderMac", mac(a.senderMac()));
			n.put("senderIp", a.senderIp().getHostAddress());
			n.put("targetMac", mac(a.targetMac()));
			n.put("targetIp", a.targetIp().getHostAddress());
			m.put("arp", n);
		}
		else if (spec.network() instanceof PacketSpec.Ipv4 ip) {
			Map<String, Object> n = new LinkedHashMap<>();
			n.put("src", ip.src().getHostAddress());
			n.put("dst", ip.dst().getHostAddress());
			n.put("ttl", ip.ttl());
			n.put("tos", ip.tos());
			n.put("id", ip.id());
			n.put("df", ip.df());
			n.put("mf", ip.mf());
			n.put("fragmentOffset", ip.fragmentOffset());
			putIf(n, "protocol", ip.protocol());
			putIf(n, "checksum", ip.checksum());
			if (ip.options().length() > 0) {
				n.put("options", HexFormat.of().formatHex(ip.options().bytes()));
			}
			m.put("ipv4", n);
		}
		else {
			PacketSpec.Ipv6 ip = (PacketSpec.Ipv6) spec.network();
			Map<String, Object> n = new LinkedHashMap<>();
			n.put("src", ip.src().getHostAddress());
			n.put("dst", ip.dst().getHostAddress());
			n.put("hopLimit", ip.hopLimit());
			n.put("trafficClass", ip.trafficClass());
			n.put("flowLabel", ip.flowLabel());
			putIf(n, "nextHeader", ip.nextHeader());
			m.put("ipv6", n);
		}
		if (spec.transport() instanceof PacketSpec.Udp u) {
			Map<String, Object> t = new LinkedHashMap<>();
			t.put("src", u.srcPort());
			t.put("dst", u.dstPort());
			putIf(t, "checksum", u.checksum());
			m.put("udp", t);
		}
		else if (spec.transport() instanceof PacketSpec.Tcp tcp) {
			Map<String, Object> t = new LinkedHashMap<>();
			t.put("src", tcp.srcPort());
			t.put("dst", tcp.dstPort());
			t.put("seq", tcp.seq());
			t.put("ack", tcp.ack());
			List<String> flags = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				if ((tcp.flags() & (1 << i)) != 0) {
					flags.add(PacketSpec.Tcp.FLAG_NAMES[i]);
				}
			}
			t.put("flags", flags);
			t.put("window", tcp.window());
			putIf(t, "checksum", tcp.checksum());
			if (tcp.options().length() > 0) {
				t.put("options", HexFormat.of().formatHex(tcp.options().bytes()));
			}
			m.put("tcp", t);
		}
		else if (spec.transport() instanceof PacketSpec.IcmpEcho icmp) {
			Map<String, Object> t = new LinkedHashMap<>();
			t.put("type", icmp.reply() ? "echo-reply" : "echo-request");
			t.put("id", icmp.id());
			t.put("seq", icmp.seq());
			putIf(t, "checksum", icmp.checksum());
			m.put("icmp", t);
		}
		if (spec.payload().length() > 0) {
			m.put("payload", Map.of("hex", HexFormat.of().formatHex(spec.payload().bytes())));
		}
		return m;
	}

	private static void putIf(Map<String, Object> m, String key, Integer value) {
		if (value != null) {
			m.put(key, value);
		}
	}

	private static String mac(long v) {
		StringBuilder sb = new StringBuilder();
		for (int i = 5; i >= 0; i--) {
			sb.append(String.format("%02x", (v >>> (8 * i)) & 0xFF));
			if (i > 0) {
				sb.append(':');
			}
		}
		return sb.toString();
	}

}
