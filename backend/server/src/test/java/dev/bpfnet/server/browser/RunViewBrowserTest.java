package dev.bpfnet.server.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run view in Chromium: a topology saved in the editor is run from its Run button;
 * the view receives trace events (the count and the packet dots change while it plays),
 * lists packets, and a clicked packet's path shows the kernel functions it passed. Frame
 * times measured in the page are printed for docs/benchmarks.md.
 */
class RunViewBrowserTest extends BrowserTestSupport {

	/**
	 * labs/02-netif-rx/backlog.yaml without its program: the host routes pod A to pod B.
	 */
	static final String TWO_PODS = """
			name: two-pods
			seed: 11
			nodes:
			  - name: node1
			    cpus: 2
			    namespaces:
			      - name: host
			        forwarding: true
			        devices:
			          - name: lxc-a
			            kind: veth
			            mac: "02:00:00:00:0a:01"
			            peer: { namespace: pod-a, name: eth0, mac: "02:00:00:00:0a:02", addresses: [10.244.1.10/32] }
			          - name: lxc-b
			            kind: veth
			            mac: "02:00:00:00:0b:01"
			            peer: { namespace: pod-b, name: eth0, mac: "02:00:00:00:0b:02", addresses: [10.244.1.20/32] }
			        routes:
			          - { to: 10.244.1.10/32, dev: lxc-a }
			          - { to: 10.244.1.20/32, dev: lxc-b }
			        neighbours:
			          - { ip: 10.244.1.10, mac: "02:00:00:00:0a:02", dev: lxc-a }
			          - { ip: 10.244.1.20, mac: "02:00:00:00:0b:02", dev: lxc-b }
			      - name: pod-a
			        routes: [ { to: 0.0.0.0/0, dev: eth0 } ]
			        neighbours: [ { ip: 10.244.1.20, mac: "02:00:00:00:0a:01", dev: eth0 } ]
			      - name: pod-b
			        routes: [ { to: 0.0.0.0/0, dev: eth0 } ]
			        neighbours: [ { ip: 10.244.1.10, mac: "02:00:00:00:0b:01", dev: eth0 } ]
			traffic:
			  - { name: bursts, kind: burst, from: node1/pod-a, to: 10.244.1.20:7000, size: 128, burst: 32, interval: 100us, count: 10, cpu: 1 }
			""";

	@Test
	void packetsMoveAndAPacketShowsItsPath() throws Exception {
		Assumptions.assumeTrue(apiPresent("/api/runs"), "skipped: /api/runs is not in this build yet");
		signIn(this.page);
		this.page.navigate(url("/topologies/new"));
		assertThat(this.page.locator("#editor")).hasAttribute("data-ready", "true");
		Path file = Files.createTempFile("two-pods", ".yaml");
		Files.writeString(file, TWO_PODS);
		this.page.locator("#import-file").setInputFiles(file);
		assertThat(this.page.locator("[data-device=\"node1/pod-b/eth0\"]")).hasCount(1);
		this.page.locator("#btn-save").click();
		assertThat(this.page.locator("#status-bar")).containsText("Saved");
		this.page.locator("#btn-run").click();
		this.page.waitForURL(Pattern.compile(".*/runs/[A-Za-z0-9_-]+$"));

		this.page.waitForFunction("() => Number(document.getElementById('run-page').dataset.events || 0) > 0");
		long first = ((Number) this.page.evaluate("() => Number(document.getElementById('run-page').dataset.events)"))
			.longValue();
		this.page.waitForFunction("(n) => Number(document.getElementById('run-page').dataset.events) > n",
				(double) first);
		assertThat(this.page.locator("#scene .pkt").first()).isVisible();
		screenshot("run-playing");

		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", Pattern.compile("finished|stopped"));
		// the packet totals add up, and say so in words
		assertThat(this.page.locator("#run-totals")).isVisible();
		assertThat(this.page.locator("#run-totals")).containsText(Pattern.compile(
				"Packets: \\d+ sent = \\d+ delivered \\+ \\d+ dropped.* \\+ \\d+ left the topology \\+ \\d+ still in flight"));
		String totals = this.page.locator("#run-totals").textContent();
		Matcher m = Pattern
			.compile(
					"(\\d+) sent = (\\d+) delivered \\+ (\\d+) dropped.* \\+ (\\d+) left the topology \\+ (\\d+) still")
			.matcher(totals);
		assertThat(m.find()).as(totals).isTrue();
		assertThat(Long.parseLong(m.group(1))).as(totals)
			.isEqualTo(Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) + Long.parseLong(m.group(4))
					+ Long.parseLong(m.group(5)))
			.isPositive();
		// the stream reader loses nothing: every trace event of the run arrived or was
		// counted in a `sampled` notice
		String counts = null;
		for (int i = 0; i < 300; i++) {
			counts = (String) this.page.evaluate("() => { const s = window.bpfnetRun.state; return s.received + ' '"
					+ " + s.sampled + ' ' + (s.run ? s.run.traceEvents : -1) + ' ' + s.pending.length + ' opens=' + s.stream.opens + ' ids=' + s.stream.ids + ' last=' + s.stream.lastId; }");
			String[] c = counts.split(" ");
			if (Long.parseLong(c[0]) + Long.parseLong(c[1]) == Long.parseLong(c[2]) && c[3].equals("0")) {
				break;
			}
			this.page.waitForTimeout(200);
		}
		String[] c = counts.split(" ");
		System.out.println("run view stream: received, sampled, traceEvents, pending = " + counts);
		assertThat(Long.parseLong(c[0]) + Long.parseLong(c[1]))
			.as("received + sampled vs traceEvents, pending: " + counts)
			.isEqualTo(Long.parseLong(c[2]));
		assertThat(this.page.locator("#packets tbody tr").first()).isVisible();

		// depth plots (uPlot) from the recorded series, one per queue, beside the gauges
		assertThat(this.page.locator("#queue-plots")).hasAttribute("data-source", "recorded");
		assertThat(this.page.locator("#queue-plots .qplot[data-queue$='/backlog'] canvas").first()).isVisible();
		assertThat(this.page.locator("#queues .gauge").first()).isVisible();
		this.page.evaluate("() => window.scrollTo(0, 0)");
		screenshot("run-view");

		// the CPU timeline: hovering a span names its CPU, context, functions and time
		this.page.locator("#timeline").scrollIntoViewIfNeeded();
		@SuppressWarnings("unchecked")
		Map<String, Object> point = (Map<String, Object>) this.page.evaluate("() => window.bpfnetRun.spanPoint()");
		assertThat(point).isNotNull();
		this.page.mouse().move(((Number) point.get("x")).doubleValue(), ((Number) point.get("y")).doubleValue());
		assertThat(this.page.locator("#timeline-tip")).isVisible();
		assertThat(this.page.locator("#timeline-tip")).containsText("function");
		assertThat(this.page.locator("#timeline-tip")).containsText((String) point.get("fn"));
		assertThat(this.page.locator("#timeline-tip"))
			.containsText(Pattern.compile("softirq|process context|ksoftirqd"));
		screenshot("run-timeline");

		this.page.locator("#packets tbody tr").first().click();
		assertThat(this.page.locator("#inspector tbody")).containsText("veth_xmit");
		screenshot("run-inspector");

		// the last step on the host's lxc-b: the packet after forwarding, with the MACs
		// rewritten and the TTL decremented against the hop before
		this.page.locator("#inspector tbody tr", new Page.LocatorOptions().setHasText("lxc-b")).last().click();
		assertThat(this.page.locator("#hop-detail")).hasAttribute("data-state", "shown");
		assertThat(this.page.locator("#hop-detail details[data-layer=IPv4]")).containsText("ttl");
		assertThat(this.page.locator("#hop-detail details[data-layer=Ethernet]")).containsText("bytes 0–5");
		assertThat(this.page.locator("#hop-detail .changes")).containsText("✎");
		assertThat(this.page.locator("#hop-detail tr.changed").first()).containsText("changed: ");
		assertThat(this.page.locator("#hop-detail")).containsText("IPv4.ttl changed: 64 → 63");
		this.page.locator("#hop-detail").scrollIntoViewIfNeeded();
		screenshot("run-inspector-hops");

		@SuppressWarnings("unchecked")
		Map<String, Object> frames = (Map<String, Object>) this.page.evaluate("() => window.bpfnetRun.frames()");
		System.out.println("run view frame times (ms): " + frames);
		assertThat(this.pageErrors).isEmpty();
	}

}
