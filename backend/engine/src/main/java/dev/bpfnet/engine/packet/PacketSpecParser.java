package dev.bpfnet.engine.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import java.util.TreeSet;

/**
 * {@link PacketSpec#fromMap}: a spec from a parsed YAML/JSON tree. Every error is a
 * {@link PacketSpecException} naming the path of the field. Addresses are parsed without
 * DNS.
 */
final class PacketSpecParser {

	private static final List<String> TOP = List.of("ethernet", "vlan", "arp", "ipv4", "ipv6", "udp", "tcp", "icmp",
			"payload");

	private final String root;

	private PacketSpecParser(String root) {
		this.root = root;
	}

	static PacketSpec parse(Map<String, ?> map, String root) {
		return new PacketSpecParser(root).spec(map);
	}

	private PacketSpec spec(Map<String, ?> map) {
		if (map == null) {
			throw new PacketSpecException(this.root, "expected a mapping, got none");
		}
		keys(map, this.root, TOP);
		long count = List.of("arp", "ipv4", "ipv6").stream().filter(map::containsKey).count();
		if (count != 1) {
			throw new PacketSpecException(this.root, "expected exactly one of arp, ipv4, ipv6, got " + count);
		}
		long l4 = List.of("udp", "tcp", "icmp").stream().filter(map::containsKey).count();
		if (l4 > 1) {
			throw new PacketSpecException(this.root, "expected at most one of udp, tcp, icmp, got " + l4);
		}
		return guard(this.root, () -> {
			PacketSpec.Ethernet eth = map.containsKey("ethernet") ? ethernet(sub(map, "ethernet")) : null;
			PacketSpec.Vlan vlan = map.containsKey("vlan") ? vlan(sub(map, "vlan")) : null;
			PacketSpec.Network net = map.containsKey("arp") ? arp(sub(map, "arp"))
					: map.containsKey("ipv4") ? ipv4(sub(map, "ipv4")) : ipv6(sub(map, "ipv6"));
			PacketSpec.Transport t = map.containsKey("udp") ? udp(sub(map, "udp")) : map.containsKey("tcp")
					? tcp(sub(map, "tcp")) : map.containsKey("icmp") ? icmp(sub(map, "icmp")) : null;
			PacketSpec.Payload payload = map.containsKey("payload") ? payload(sub(map, "payload"))
					: PacketSpec.Payload.EMPTY;
			return new PacketSpec(eth, vlan, net, t, payload);
		});
	}

	private PacketSpec.Ethernet ethernet(Map<String, ?> m) {
		String p = this.root + ".ethernet";
		keys(m, p, List.of("src", "dst", "type"));
		return guard(this.root,
				() -> new PacketSpec.Ethernet(mac(m, p, "src", 0), mac(m, p, "dst", 0), optInt(m, p, "type")));
	}

	private PacketSpec.Vlan vlan(Map<String, ?> m) {
		String p = this.root + ".vlan";
		keys(m, p, List.of("pcp", "dei", "vid", "type"));
		return guard(this.root, () -> new PacketSpec.Vlan((int) num(m, p, "pcp", 0), bool(m, p, "dei", false),
				(int) req(m, p, "vid"), optInt(m, p, "type")));
	}

	private PacketSpec.Arp arp(Map<String, ?> m) {
		String p = this.root + ".arp";
		keys(m, p, List.of("op", "senderMac", "senderIp", "targetMac", "targetIp"));
		String op = str(m, p, "op", "request");
		if (!op.equals("request") && !op.equals("reply")) {
			throw new PacketSpecException(p + ".op", "expected request or reply, got \"" + op + "\"");
		}
		return guard(this.root, () -> new PacketSpec.Arp(op.equals("reply"), mac(m, p, "senderMac", -1),
				v4(m, p, "senderIp"), mac(m, p, "targetMac", 0), v4(m, p, "targetIp")));
	}

	private PacketSpec.Ipv4 ipv4(Map<String, ?> m) {
		String p = this.root + ".ipv4";
		keys(m, p, List.of("src", "dst", "ttl", "tos", "id", "df", "mf", "fragmentOffset", "protocol", "checksum",
				"options"));
		return guard(this.root,
				() -> new PacketSpec.Ipv4(v4(m, p, "src"), v4(m, p, "dst"), (int) num(m, p, "ttl", 64),
						(int) num(m, p, "tos", 0), (int) num(m, p, "id", 0), bool(m, p, "df", true),
						bool(m, p, "mf", false), (int) num(m, p, "fragmentOffset", 0), optInt(m, p, "protocol"),
						optInt(m, p, "checksum"), options(m, p, "ipv4.options")));
	}

	private PacketSpec.Ipv6 ipv6(Map<String, ?> m) {
		String p = this.root + ".ipv6";
		keys(m, p, List.of("src", "dst", "hopLimit", "trafficClass", "flowLabel", "nextHeader"));
		return guard(this.root,
				() -> new PacketSpec.Ipv6(v6(m, p, "src"), v6(m, p, "dst"), (int) num(m, p, "hopLimit", 64),
						(int) num(m, p, "trafficClass", 0), (int) num(m, p, "flowLabel", 0),
						optInt(m, p, "nextHeader")));
	}

	private PacketSpec.Udp udp(Map<String, ?> m) {
		String p = this.root + ".udp";
		keys(m, p, List.of("src", "dst", "checksum"));
		return guard(this.root,
				() -> new PacketSpec.Udp((int) req(m, p, "src"), (int) req(m, p, "dst"), optInt(m, p, "checksum")));
	}

	private PacketSpec.Tcp tcp(Map<String, ?> m) {
		String p = this.root + ".tcp";
		keys(m, p, List.of("src", "dst", "seq", "ack", "flags", "window", "checksum", "options"));
		int flags = flags(m.get("flags"), p + ".flags");
		return guard(this.root,
				() -> new PacketSpec.Tcp((int) req(m, p, "src"), (int) req(m, p, "dst"), num(m, p, "seq", 0),
						num(m, p, "ack", 0), flags, (int) num(m, p, "window", 65535), optInt(m, p, "checksum"),
						options(m, p, "tcp.options")));
	}

	private PacketSpec.IcmpEcho icmp(Map<String, ?> m) {
		String p = this.root + ".icmp";
		keys(m, p, List.of("type", "id", "seq", "checksum"));
		String type = str(m, p, "type", "echo-request");
		if (!type.equals("echo-request") && !type.equals("echo-reply")) {
			throw new PacketSpecException(p + ".type", "expected echo-request or echo-reply, got \"" + type + "\"");
		}
		return guard(this.root, () -> new PacketSpec.IcmpEcho(type.equals("echo-reply"), (int) num(m, p, "id", 0),
				(int) num(m, p, "seq", 0), optInt(m, p, "checksum")));
	}

	private PacketSpec.Payload payload(Map<String, ?> m) {
		String p = this.root + ".payload";
		keys(m, p, List.of("hex", "text", "size"));
		if (m.size() != 1) {
			throw new PacketSpecException(p, "expected exactly one of hex, text, size, got " + m.size());
		}
		return guard(this.root,
				() -> m.containsKey("hex")
						? PacketSpec.Payload.hex((m.get("hex") instanceof Long n) ? n.toString() : str(m, p, "hex", ""))
						: m.containsKey("text") ? PacketSpec.Payload.text(str(m, p, "text", ""))
								: PacketSpec.Payload.fill((int) req(m, p, "size")));
	}

	private static int flags(Object value, String path) {
		if (value == null) {
			return 0;
		}
		if (value instanceof Number n) {
			return (int) integral(n, path);
		}
		Iterable<?> names = (value instanceof List<?> list) ? list : List.of(String.valueOf(value).split("[,|\\s]+"));
		int flags = 0;
		for (Object o : names) {
			String name = String.valueOf(o).trim().toLowerCase(java.util.Locale.ROOT);
			int bit = List.of(PacketSpec.Tcp.FLAG_NAMES).indexOf(name);
			if (bit < 0) {
				throw new PacketSpecException(path,
						"expected flags among fin, syn, rst, psh, ack, urg, ece, cwr, got \"" + o + "\"");
			}
			flags |= 1 << bit;
		}
		return flags;
	}

	/**
	 * Runs a record constructor, turning its "field: message" errors into path errors.
	 */
	private static <T> T guard(String root, java.util.function.Supplier<T> body) {
		try {
			return body.get();
		}
		catch (PacketSpecException ex) {
			throw ex;
		}
		catch (IllegalArgumentException ex) {
			String msg = String.valueOf(ex.getMessage());
			int colon = msg.indexOf(": ");
			if (colon > 0 && msg.indexOf(' ') > colon) {
				throw new PacketSpecException(root + "." + msg.substring(0, colon), msg.substring(colon + 2));
			}
			throw new PacketSpecException(root, msg);
		}
	}

	private static void keys(Map<String, ?> m, String path, List<String> allowed) {
		for (String key : new TreeSet<>(m.keySet())) {
			if (!allowed.contains(key)) {
				throw new PacketSpecException(path + "." + key,
						"unknown field, expected one of " + String.join(", ", allowed));
			}
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, ?> sub(Map<String, ?> map, String key) {
		Object v = map.get(key);
		if (v instanceof Map<?, ?> m) {
			for (Object k : m.keySet()) {
				if (!(k instanceof String)) {
					throw new PacketSpecException(this.root + "." + key, "expected string keys, got " + k);
				}
			}
			return (Map<String, ?>) m;
		}
		throw new PacketSpecException(this.root + "." + key, "expected a mapping, got " + describe(v));
	}

	private static long req(Map<String, ?> m, String path, String key) {
		if (m.get(key) == null) {
			throw new PacketSpecException(path + "." + key, "required");
		}
		return num(m, path, key, 0);
	}

	private static Integer optInt(Map<String, ?> m, String path, String key) {
		if (m.get(key) == null) {
			return null;
		}
		long v = num(m, path, key, 0);
		if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
			throw new PacketSpecException(path + "." + key, "expected an integer, got " + v);
		}
		return (int) v;
	}

	/** An integer: a YAML/JSON number, or text in decimal or {@code 0x} hex. */
	private static long num(Map<String, ?> m, String path, String key, long dflt) {
		Object v = m.get(key);
		String p = path + "." + key;
		if (v == null) {
			return dflt;
		}
		if (v instanceof Number n) {
			long value = integral(n, p);
			if (value < Integer.MIN_VALUE || value > 0xFFFF_FFFFL) {
				throw new PacketSpecException(p, "expected an integer up to 2^32-1, got " + v);
			}
			return value;
		}
		if (v instanceof String s) {
			try {
				long value = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16)
						: Long.parseLong(s);
				if (value > 0xFFFF_FFFFL) {
					throw new PacketSpecException(p, "expected an integer up to 2^32-1, got " + s);
				}
				return value;
			}
			catch (NumberFormatException ex) {
				throw new PacketSpecException(p, "expected an integer, got \"" + s + "\"");
			}
		}
		throw new PacketSpecException(p, "expected an integer, got " + describe(v));
	}

	private static long integral(Number n, String p) {
		if (n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal) {
			double d = n.doubleValue();
			if (d != Math.rint(d)) {
				throw new PacketSpecException(p, "expected an integer, got " + n);
			}
		}
		if (n instanceof java.math.BigInteger b && b.bitLength() > 63) {
			throw new PacketSpecException(p, "expected an integer up to 2^32-1, got " + n);
		}
		return n.longValue();
	}

	private static boolean bool(Map<String, ?> m, String path, String key, boolean dflt) {
		Object v = m.get(key);
		if (v == null) {
			return dflt;
		}
		if (v instanceof Boolean b) {
			return b;
		}
		throw new PacketSpecException(path + "." + key, "expected true or false, got " + describe(v));
	}

	/** {@code options}: hex text, checked by {@link PacketSpec.Options#hex}. */
	private static PacketSpec.Options options(Map<String, ?> m, String path, String field) {
		Object v = m.get("options");
		// hex digits only ("94040000") may arrive as a number from YAML
		String hex = (v instanceof Long || v instanceof Integer) ? v.toString() : str(m, path, "options", null);
		return (hex == null) ? PacketSpec.Options.NONE : PacketSpec.Options.hex(field, hex);
	}

	private static String str(Map<String, ?> m, String path, String key, String dflt) {
		Object v = m.get(key);
		if (v == null) {
			return dflt;
		}
		if (v instanceof String s) {
			return s;
		}
		throw new PacketSpecException(path + "." + key, "expected text, got " + describe(v));
	}

	private static long mac(Map<String, ?> m, String path, String key, long dflt) {
		Object v = m.get(key);
		if (v == null) {
			if (dflt < 0) {
				throw new PacketSpecException(path + "." + key, "required");
			}
			return dflt;
		}
		String text = (v instanceof String s) ? s : "";
		long value = 0;
		boolean ok = text.length() == 17;
		for (int i = 0; ok && i < 6; i++) {
			int hi = Character.digit(text.charAt(3 * i), 16);
			int lo = Character.digit(text.charAt(3 * i + 1), 16);
			ok = hi >= 0 && lo >= 0 && (i == 5 || text.charAt(3 * i + 2) == ':');
			value = (value << 8) | (hi << 4) | lo;
		}
		if (!ok) {
			throw new PacketSpecException(path + "." + key,
					"expected a MAC address like 02:00:00:00:00:01, got " + describe(v));
		}
		return value;
	}

	private static Inet4Address v4(Map<String, ?> m, String path, String key) {
		Object v = m.get(key);
		String p = path + "." + key;
		if (v == null) {
			throw new PacketSpecException(p, "required");
		}
		String[] parts = (v instanceof String s) ? s.split("\\.", -1) : new String[0];
		byte[] bytes = new byte[4];
		boolean ok = parts.length == 4;
		for (int i = 0; ok && i < 4; i++) {
			ok = parts[i].matches("0|[1-9][0-9]{0,2}") && Integer.parseInt(parts[i]) <= 255;
			bytes[i] = ok ? (byte) Integer.parseInt(parts[i]) : 0;
		}
		if (!ok) {
			throw new PacketSpecException(p, "expected an IPv4 address like 10.0.0.1, got " + describe(v));
		}
		try {
			return (Inet4Address) InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Inet6Address v6(Map<String, ?> m, String path, String key) {
		Object v = m.get(key);
		String p = path + "." + key;
		if (v == null) {
			throw new PacketSpecException(p, "required");
		}
		// only hex digits, ':' and '.', with a ':': InetAddress treats it as a literal,
		// no DNS
		if (v instanceof String s && s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]{2,45}")) {
			try {
				InetAddress a = InetAddress.getByName(s);
				if (a instanceof Inet6Address a6) {
					return a6;
				}
				// an IPv4-mapped literal comes back as Inet4Address; rebuild it as IPv6
				byte[] mapped = new byte[16];
				mapped[10] = (byte) 0xFF;
				mapped[11] = (byte) 0xFF;
				System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
				return Inet6Address.getByAddress(null, mapped, -1);
			}
			catch (UnknownHostException ex) {
				// fall through to the error
			}
		}
		throw new PacketSpecException(p, "expected an IPv6 address like fd00::1, got " + describe(v));
	}

	private static String describe(Object v) {
		return (v == null) ? "none" : (v instanceof String s) ? "\"" + s + "\"" : v.toString();
	}

}
