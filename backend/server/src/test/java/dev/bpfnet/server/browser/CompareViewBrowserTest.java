package dev.bpfnet.server.browser;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compare view in Chromium: lab 1's veth and bpfnet runs (the same pod traffic and
 * seed) picked on the runs page, then side by side: latency per flow, CPU time by
 * context, and the functions on one packet path only ({@code enqueue_to_backlog} and
 * {@code process_backlog} for veth, {@code netkit_xmit} for bpfnet). Also reached from
 * the run view's "Compare with…" picker.
 */
class CompareViewBrowserTest extends BrowserTestSupport {

	@DynamicPropertySource
	static void labs(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.labs-dir", () -> System.getProperty("bpfnet.labs.dir", "../../labs"));
	}

	/** Starts a lab run from the page (the app's own API module sends the CSRF token). */
	String startLabRun(String labRun) {
		Object id = this.page.evaluate("""
				async (labRun) => {
				  const { api } = await import('/js/api.js');
				  const r = await api('POST', '/api/runs', { lab: '01-pod-egress', labRun, duration: '1ms' });
				  if (!r.ok) throw new Error(JSON.stringify(r.problem));
				  for (;;) {
				    const s = await api('GET', '/api/runs/' + r.data.id);
				    if (!['queued', 'running'].includes(s.data.status)) return r.data.id + ' ' + s.data.status;
				    await new Promise((ok) => setTimeout(ok, 100));
				  }
				}""", labRun);
		String[] parts = ((String) id).split(" ");
		assertThat(parts[1]).as("run " + labRun).isEqualTo("finished");
		return parts[0];
	}

	@Test
	void twoRunsSideBySide() {
		signIn(this.page);
		this.page.navigate(url("/runs"));
		String veth = startLabRun("veth");
		String bpfnet = startLabRun("bpfnet");

		this.page.navigate(url("/runs"));
		assertThat(this.page.locator("#compare-a option[value='" + veth + "']")).hasCount(1);
		this.page.locator("#compare-a").selectOption(veth);
		this.page.locator("#compare-b").selectOption(bpfnet);
		this.page.locator("#compare-form button[type=submit]").click();
		this.page.waitForURL(Pattern.compile(".*/compare\\?a=" + veth + "&b=" + bpfnet + "$"));
		assertReady(this.page, "#compare-page");

		assertThat(this.page.locator("#head-a")).containsText("lab1-pod-egress-veth");
		assertThat(this.page.locator("#head-b")).containsText("lab1-pod-egress-bpfnet");
		// latency: the stream flow in both runs, with percentiles and labelled bars
		assertThat(this.page.locator("#latency tr[data-flow=stream][data-side=a]")).containsText("µs");
		assertThat(this.page.locator("#latency tr[data-flow=stream][data-side=b] .cbar")).hasCount(4);
		assertThat(this.page.locator("#latency tr[data-flow=stream][data-side=b]")).containsText("p90");
		// CPU time by context, per CPU and in total
		assertThat(this.page.locator("#cpus tr.total[data-side=a]")).containsText("all CPUs");
		assertThat(this.page.locator("#cpus tr[data-cpu='node1/cpu1'][data-side=a] .seg.softirq")).hasCount(1);
		// path differences: the backlog hop only on veth, netkit_xmit only on bpfnet
		assertThat(this.page.locator("#fn-diff tr[data-function=enqueue_to_backlog] td").nth(1)).containsText("◀");
		assertThat(this.page.locator("#fn-diff tr[data-function=enqueue_to_backlog] td").nth(2)).hasText("0");
		assertThat(this.page.locator("#fn-diff tr[data-function=process_backlog] td").nth(1)).containsText("◀");
		assertThat(this.page.locator("#fn-diff tr[data-function=netkit_xmit] td").nth(2)).containsText("▶");
		assertThat(this.page.locator("#pairs tbody tr").first()).containsText("netkit_xmit");
		assertThat(this.page.locator("#status-bar")).containsText("packets matched");
		screenshot("compare");

		// from the run view's picker
		this.page.navigate(url("/runs/" + bpfnet));
		assertThat(this.page.locator("#compare-b option[value='" + veth + "']")).hasCount(1);
		// the picker is filled again when the replayed stream ends: a choice must survive
		// that
		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", "finished");
		this.page.locator("#compare-b").selectOption(veth);
		this.page.locator("#compare-with button[type=submit]").click();
		this.page.waitForURL(Pattern.compile(".*/compare\\?a=" + bpfnet + "&b=" + veth + "$"));
		assertReady(this.page, "#compare-page");
		assertThat(this.page.locator("#fn-diff tr[data-function=netkit_xmit] td").nth(1)).containsText("◀");
		assertThat(this.pageErrors).isEmpty();
	}

}
