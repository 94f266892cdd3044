package dev.bpfnet.server.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frame times of the run view at about 20 000 trace events per wall-clock second
 * (docs/benchmarks.md, "Run view frame times"). A batch run of the same topology gives
 * the trace events per simulated nanosecond; the paced run's pace is chosen so that its
 * SSE stream carries about 20 000 events per wall second. The page then measures the
 * intervals between {@code requestAnimationFrame} callbacks for {@value #MEASURE_MS} ms
 * while the stream flows. Only functional facts are asserted (events arrived, frames were
 * rendered); the numbers are printed, not judged: timing depends on the machine.
 */
class RunViewFrameTimeBrowserTest extends BrowserTestSupport {

	static final int TARGET_EVENTS_PER_SECOND = 20_000;

	static final int MEASURE_MS = 6_000;

	/** Two pods on one node, routed by the host, with a steady 100 kpps UDP stream. */
	static final String STREAM = RunViewBrowserTest.TWO_PODS.replace(
			"  - { name: bursts, kind: burst, from: node1/pod-a, to: 10.244.1.20:7000, size: 128, burst: 32, interval: 100us, count: 10, cpu: 1 }",
			"  - { name: stream, kind: constant-rate, from: node1/pod-a, to: 10.244.1.20:7000, size: 128, rate: 100kpps, count: 10000000, cpu: 1 }");

	static final String START = """
			async ({ yaml, duration, pace }) => {
			  const { api } = await import('/js/api.js');
			  const body = { yaml, duration };
			  if (pace) body.pace = { simNsPerWallMs: pace, paused: true };
			  const r = await api('POST', '/api/runs', body);
			  if (!r.ok) throw new Error(JSON.stringify(r.problem));
			  if (pace) return r.data;
			  for (;;) {
			    const s = await api('GET', '/api/runs/' + r.data.id);
			    if (!['queued', 'running'].includes(s.data.status)) return s.data;
			    await new Promise((ok) => setTimeout(ok, 100));
			  }
			}""";

	static final String MEASURE = """
			async (ms) => {
			  const st = window.bpfnetRun.state;
			  const intervals = [];
			  const e0 = st.received, s0 = st.sampled;
			  let longTasks = 0, longTaskMs = 0;
			  const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) { longTasks++; longTaskMs += e.duration; } });
			  obs.observe({ entryTypes: ['longtask'] });
			  const t0 = performance.now();
			  let last = t0;
			  await new Promise((done) => {
			    const f = (now) => {
			      intervals.push(now - last);
			      last = now;
			      if (now - t0 < ms) requestAnimationFrame(f); else done();
			    };
			    requestAnimationFrame(f);
			  });
			  const seconds = (performance.now() - t0) / 1000;
			  obs.disconnect();
			  return { intervals, events: st.received - e0, sampled: st.sampled - s0, seconds,
			    packetRows: document.querySelectorAll('#packets tbody tr').length,
			    dots: document.querySelectorAll('#scene .pkt').length,
			    phases: JSON.stringify(window.bpfnetRun.phases), longTasks, longTaskMs, chunks: st.stream ? st.stream.chunks : -1 };
			}""";

	@Test
	void frameTimesAtTwentyThousandEventsPerSecond() throws Exception {
		assertThat(STREAM).as("the stream traffic replaced the bursts").contains("kind: constant-rate");
		signIn(this.page);
		this.page.navigate(url("/runs"));
		@SuppressWarnings("unchecked")
		Map<String, Object> batch = (Map<String, Object>) this.page.evaluate(START,
				Map.of("yaml", STREAM, "duration", "5ms"));
		assertThat(batch.get("status")).isEqualTo("finished");
		double perNs = ((Number) batch.get("traceEvents")).doubleValue()
				/ ((Number) batch.get("simulatedNs")).doubleValue();
		// events per wall ms = perNs * pace => pace = target per ms / perNs
		double pace = (TARGET_EVENTS_PER_SECOND / 1000.0) / perNs;
		long durationNs = (long) (pace * (MEASURE_MS + 6_000));
		@SuppressWarnings("unchecked")
		Map<String, Object> paced = (Map<String, Object>) this.page.evaluate(START,
				Map.of("yaml", STREAM, "duration", durationNs + "ns", "pace", pace));
		String id = (String) paced.get("id");

		this.page.navigate(url("/runs/" + id));
		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", "paused");
		// the keyboard: → steps one event, Shift+→ one hop, + / - change the speed, Space
		// plays and pauses
		this.page.locator("body").press("ArrowRight");
		this.page.waitForFunction("() => window.bpfnetRun.state.run && window.bpfnetRun.state.run.events >= 1");
		long afterStep = ((Number) this.page.evaluate("() => window.bpfnetRun.state.run.events")).longValue();
		this.page.keyboard().press("Shift+ArrowRight");
		this.page.waitForFunction("(n) => window.bpfnetRun.state.run.events > n", (double) afterStep);
		int speed = ((Number) this.page.evaluate("() => document.getElementById('speed').selectedIndex")).intValue();
		this.page.keyboard().press("-");
		assertThat(this.page.locator("#speed")).hasJSProperty("selectedIndex", speed - 1);
		this.page.keyboard().press("+");
		assertThat(this.page.locator("#speed")).hasJSProperty("selectedIndex", speed);
		this.page.keyboard().press(" ");
		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", "running");
		this.page.keyboard().press(" ");
		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", "paused");
		// resume at the computed pace
		this.page.evaluate("async ({ id, pace }) => { const { api } = await import('/js/api.js');"
				+ " const r = await api('POST', '/api/runs/' + id + '/resume', { simNsPerWallMs: pace });"
				+ " if (!r.ok) throw new Error(JSON.stringify(r.problem)); }", Map.of("id", id, "pace", pace));
		this.page.waitForFunction("() => window.bpfnetRun.state.received > 2000");
		@SuppressWarnings("unchecked")
		Map<String, Object> m = (Map<String, Object>) this.page.evaluate(MEASURE, MEASURE_MS);
		screenshot("run-view-20k");
		this.page.evaluate("async (id) => { const { api } = await import('/js/api.js');"
				+ " await api('POST', '/api/runs/' + id + '/stop'); }", id);

		List<Double> f = new ArrayList<>();
		for (Object o : (List<?>) m.get("intervals")) {
			f.add(((Number) o).doubleValue());
		}
		f.remove(0); // the wait for the first callback
		Collections.sort(f);
		long events = ((Number) m.get("events")).longValue();
		double seconds = ((Number) m.get("seconds")).doubleValue();
		String cpu = Files.readAllLines(Path.of("/proc/cpuinfo"))
			.stream()
			.filter((l) -> l.startsWith("model name"))
			.findFirst()
			.map((l) -> l.substring(l.indexOf(':') + 2))
			.orElse("?");
		System.out.printf(
				"run view frame times: batch %.5f events/sim ns, pace %.1f sim ns per wall ms; %d frames in %.2f s: "
						+ "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; %.0f events/s received (%d), %d sampled "
						+ "away; %s rows, %s dots; Chromium %s; %s, %d cores%n",
				perNs, pace, f.size(), seconds, pct(f, 0.50), pct(f, 0.95), pct(f, 0.99), f.get(f.size() - 1),
				events / seconds, events, ((Number) m.get("sampled")).longValue(), m.get("packetRows"), m.get("dots"),
				browser.version(), cpu, Runtime.getRuntime().availableProcessors());

		System.out.println("run view phases (ms summed over the run so far): " + m.get("phases") + "; SSE chunks read: "
				+ m.get("chunks") + "; long tasks (> 50 ms) while measuring: " + m.get("longTasks") + ", "
				+ m.get("longTaskMs") + " ms");
		assertThat(events).as("trace events received while measuring").isPositive();
		assertThat(f).as("animation frames rendered while measuring").hasSizeGreaterThan(10);
		assertThat(this.pageErrors).isEmpty();
	}

	static double pct(List<Double> sorted, double p) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
	}

}
