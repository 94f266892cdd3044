package dev.bpfnet.engine.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders the tables of docs/costs.md from the model, so the doc and the engine cannot
 * drift.
 */
final class CostDocs {

	private CostDocs() {
	}

	static String costTable(CostModel m) {
		StringBuilder sb = new StringBuilder();
		sb.append("| id | function | ns | ns/B | basis | source |\n");
		sb.append("|---:|---|---:|---:|---|---|\n");
		for (int id = 0; id < m.size(); id++) {
			CostEntry e = m.entry(id);
			sb.append("| ")
				.append(id)
				.append(" | `")
				.append(e.function())
				.append("` | ")
				.append(e.ns())
				.append(" | ")
				.append(e.nsPerByte() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", e.nsPerByte()))
				.append(" | ")
				.append(e.basis().name().toLowerCase(Locale.ROOT))
				.append(" | ")
				.append(e.source().replace("|", "\\|"))
				.append(" |\n");
		}
		return sb.toString();
	}

	record TcpRr(long sender, long receiver, long oneDirection, long roundTrip, long extraPerCrossing,
			long extraPerRoundTrip) {

		static TcpRr of(CostModel m) {
			long s = TcpRrCpuPaths.sum(m, TcpRrCpuPaths.sender());
			long r = TcpRrCpuPaths.sum(m, TcpRrCpuPaths.receiverPeer());
			long x = TcpRrCpuPaths.sum(m, TcpRrCpuPaths.extraPerBacklogCrossing());
			return new TcpRr(s, r, s + r, 2 * (s + r), x, 2 * x);
		}

		/**
		 * (measured redirect_peer RT + predicted extra CPU) / measured redirect_peer RT.
		 */
		double predictedRatio() {
			return (44_450.0 + this.extraPerRoundTrip) / 44_450.0;
		}

	}

	static String tcpRrTable(CostModel m) {
		TcpRr t = TcpRr.of(m);
		StringBuilder sb = new StringBuilder();
		sb.append("| quantity (CPU only) | costs.md §4 | this table |\n");
		sb.append("|---|---:|---:|\n");
		row(sb, "sender node, one direction (process context)", "≈1.8 µs (1 850 ns)", t.sender());
		row(sb, "receiver node, one direction (softirq + wake-up + recv)", "≈3.3 µs (3 296 ns)", t.receiver());
		row(sb, "one direction", "≈5.1 µs", t.oneDirection());
		row(sb, "round trip with `bpf_redirect_peer`", "≈10 µs", t.roundTrip());
		row(sb, "extra per backlog crossing with `bpf_redirect`", "≈+0.20 µs (202 ns)", t.extraPerCrossing());
		row(sb, "extra per round trip (two crossings)", "≈+0.4 µs", t.extraPerRoundTrip());
		sb.append("| predicted RT(redirect) / RT(redirect_peer), on the measured 44.45 µs | ≈1.01–1.03 | ")
			.append(String.format(Locale.ROOT, "%.4f", t.predictedRatio()))
			.append(" |\n");
		sb.append(
				"| measured RT(redirect) − RT(redirect_peer) (9aa1206e8f48) | 78 µs mean, 75 µs P50, 13 µs min | — |\n");
		sb.append("| measured ratio | 2.75 | — |\n");
		return sb.toString();
	}

	private static void row(StringBuilder sb, String what, String costsMd, long ns) {
		sb.append("| ").append(what).append(" | ").append(costsMd).append(" | ").append(ns).append(" ns |\n");
	}

	/** docs/costs.md of the checkout, found by walking up from the working directory. */
	static Path docPath() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			Path candidate = dir.resolve("docs").resolve("costs.md");
			if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("backend"))) {
				return candidate;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException("docs/costs.md not found above " + Path.of("").toAbsolutePath());
	}

	static String doc() throws IOException {
		return Files.readString(docPath());
	}

}
