package dev.bpfnet.server.browser;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab catalog and the lab pages in Chromium, on the repository's five labs: the
 * catalog works signed out and a visitor runs a lab from its page; lab 1's bpfnet run
 * started from its lab page moves packets on the lab's drawing and in the run view, where
 * a packet's path shows {@code netkit_xmit} and {@code skb_do_redirect}; "Check the lab"
 * passes every check of all five labs.
 */
class LabsBrowserTest extends BrowserTestSupport {

	static final List<String> LABS = List.of("01-pod-egress", "02-netif-rx", "03-redirect-peer", "04-backlog-overflow",
			"05-default-drop");

	@DynamicPropertySource
	static void labsDir(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.labs-dir", () -> System.getProperty("bpfnet.labs.dir", "../../labs"));
	}

	@Test
	void catalogAndLabPageWorkSignedOutAndRunAsAVisitor() {
		this.page.navigate(url("/labs"));
		assertReady(this.page, "#labs-page");
		Locator cards = this.page.locator(".lab-card");
		assertThat(cards).hasCount(5);
		assertThat(cards.locator(".lab-number"))
			.containsText(new String[] { "Lab 1", "Lab 2", "Lab 3", "Lab 4", "Lab 5" });
		for (int i = 0; i < 5; i++) {
			assertThat(cards.nth(i).locator(".lab-question")).containsText("?");
			assertThat(cards.nth(i).locator(".lab-compares")).containsText(" vs ");
		}
		assertThat(cards.nth(0).locator(".lab-compares")).containsText("bpfnet (⬡ bpfnet, ▭ NIC)");
		assertThat(cards.nth(0).locator(".lab-compares")).containsText("veth (◯ veth, ▭ NIC)");
		// markdown is rendered as elements, never as markup from the server
		assertThat(cards.nth(0).locator(".lab-summary code").first()).hasText("__netif_rx");
		screenshot("lab-catalog");

		cards.nth(0).locator("h2 a").click();
		this.page.waitForURL(Pattern.compile(".*/labs/01-pod-egress(#.*)?$"));
		assertReady(this.page, "#lab-page");
		assertThat(this.page.locator("#lab-title")).containsText("Pod egress");
		assertThat(this.page.locator("#step-count")).hasText(Pattern.compile("Step 1 of \\d+"));
		// the drawing shows the first run (veth): the pod's eth0 is the peer end of the
		// pair
		assertThat(this.page.locator("#lab-scene .lt-dev[data-device='node1/pod1/eth0']")).hasAttribute("data-role",
				"peer");
		// signed out, the page runs the lab as a lab visitor and says so
		assertThat(this.page.locator("[data-testid=visitor-note]")).containsText("lab visitor");
		assertThat(this.page.locator("[data-testid=login-to-run]")).hasCount(0);
		this.page.locator("#step-actions button[data-run=bpfnet]").click();
		waitForMore(this.page, "lab-topology", 0);
		assertThat(this.page.locator("[data-testid=visitor-note]"))
			.containsText(Pattern.compile("deleted after \\d+ (h|min)"));
		screenshot("lab-01-signed-out");
		this.page.locator("#run-link").click();
		this.page.waitForURL(Pattern.compile(".*/runs/[A-Za-z0-9_-]+$"));
		waitForMore(this.page, "run-page", 0);
		assertThat(this.page.locator("#scene .pkt").first()).isVisible();
		this.page.goBack();
		assertReady(this.page, "#lab-page");

		// the lab markdown renderer makes elements with text only: markup stays text, and
		// only http(s) and site-relative links become links
		@SuppressWarnings("unchecked")
		Map<String, Object> md = (Map<String, Object>) this.page.evaluate(
				"""
						async () => {
						  const { renderMarkdown } = await import('/js/lab-markdown.js');
						  const box = document.createElement('div');
						  box.append(renderMarkdown('<img src=x onerror="window.hit=1"> **b** `c`\\n\\n- [x](javascript:alert(1))\\n- [y](/labs)\\n\\n```\\n<b>code</b>\\n```'));
						  return { imgs: box.querySelectorAll('img').length, bolds: box.querySelectorAll('b').length,
						           text: box.querySelector('p').textContent, items: box.querySelectorAll('li').length,
						           links: [...box.querySelectorAll('a')].map((a) => a.getAttribute('href')),
						           pre: box.querySelector('pre code').textContent, strong: box.querySelector('strong').textContent };
						}
						""");
		assertThat(((Number) md.get("imgs")).intValue()).isZero();
		assertThat(((Number) md.get("bolds")).intValue()).isZero();
		assertThat(((Number) md.get("items")).intValue()).isEqualTo(2);
		assertThat(md).containsEntry("links", List.of("/labs"))
			.containsEntry("pre", "<b>code</b>")
			.containsEntry("strong", "b");
		assertThat((String) md.get("text")).startsWith("<img src=x onerror=");
		assertThat(this.page.evaluate("() => window.hit === undefined")).isEqualTo(true);

		// an unknown lab says so
		this.page.navigate(url("/labs/99-nope"));
		assertReady(this.page, "#lab-page");
		assertThat(this.page.locator("#lab-title")).hasText("No such lab");
		assertThat(this.page.locator("#status-bar")).containsText("There is no lab \"99-nope\"");
		assertThat(this.pageErrors).allMatch((e) -> e.contains("404"), "only the 404 of the unknown lab");
	}

	@Test
	void labOneRunsLiveFromItsPageAndAllFiveLabsCheck() {
		signIn(this.page);
		this.page.navigate(url("/labs"));
		assertReady(this.page, "#labs-page");
		assertThat(this.page.locator(".lab-card")).hasCount(5);
		this.page.locator(".lab-card[data-lab='01-pod-egress'] a.button").click();
		assertReady(this.page, "#lab-page");

		// walk the steps with the keyboard and the buttons
		String steps = this.page.locator("#step-count").textContent().replaceAll(".* of ", "");
		this.page.keyboard().press("ArrowRight");
		assertThat(this.page.locator("#step-count")).hasText("Step 2 of " + steps);
		assertThat(this.page.locator("#step-title")).containsText("follow one packet");
		assertThat(this.page.locator("#lab-steps .step-link[aria-current=step]")).hasAttribute("data-step", "2");
		this.page.keyboard().press("End");
		assertThat(this.page.locator("#step-count")).hasText("Step " + steps + " of " + steps);
		this.page.locator("#btn-prev").click();
		this.page.keyboard().press("Home");
		this.page.keyboard().press("ArrowRight");
		assertThat(this.page.locator("#step-count")).hasText("Step 2 of " + steps);

		// run bpfnet live: packets move on the lab's drawing
		this.page.locator("#step-actions button[data-run=bpfnet]").click();
		assertThat(this.page.locator("#run-tabs button[data-run=bpfnet]")).hasAttribute("aria-pressed", "true");
		long first = waitForMore(this.page, "lab-topology", 0);
		waitForMore(this.page, "lab-topology", first);
		assertThat(this.page.locator("#lab-scene .lt-pkt").first()).isVisible();
		assertThat(this.page.locator("#live-state"))
			.containsText(Pattern.compile("Run bpfnet: \\w+ · [1-9]\\d* trace events"));
		screenshot("lab-01-live");

		// the run view of that run: packets move there too, and a packet's path shows the
		// redirect inside netkit_xmit
		this.page.locator("#run-link").click();
		this.page.waitForURL(Pattern.compile(".*/runs/[A-Za-z0-9_-]+$"));
		long seen = waitForMore(this.page, "run-page", 0);
		waitForMore(this.page, "run-page", seen);
		assertThat(this.page.locator("#scene .pkt").first()).isVisible();
		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", Pattern.compile("finished|stopped"));
		this.page.locator("#packets tbody tr").first().click();
		assertThat(this.page.locator("#inspector tbody")).containsText("netkit_xmit");
		assertThat(this.page.locator("#inspector tbody")).containsText("skb_do_redirect");
		screenshot("lab-01-run-view");

		// every check of every lab passes
		for (int i = 0; i < LABS.size(); i++) {
			String lab = LABS.get(i);
			this.page.navigate(url("/labs/" + lab));
			assertReady(this.page, "#lab-page");
			Locator checks = this.page.locator("#checks li");
			int declared = checks.count();
			assertThat(declared).as(lab + " declares checks").isPositive();
			this.page.locator("#btn-check").click();
			assertThat(this.page.locator("#checks-box")).hasAttribute("data-state", "done");
			assertThat(checks).hasCount(declared);
			for (int k = 0; k < declared; k++) {
				assertThat(checks.nth(k)).hasAttribute("data-passed", "true");
				assertThat(checks.nth(k).locator(".check-mark")).hasText("✓ pass");
				assertThat(checks.nth(k).locator(".check-measured")).containsText(Pattern.compile("Measured: \\S"));
			}
			assertThat(this.page.locator("#checks-summary"))
				.hasText("✓ " + declared + " of " + declared + " checks pass.");
			this.page.locator("#checks-box").scrollIntoViewIfNeeded();
			screenshot("lab-0" + (i + 1));
		}
		assertThat(this.pageErrors).isEmpty();
	}

	/**
	 * Waits until {@code data-events} of the element with this id exceeds {@code than};
	 * returns the value then. No bound on how fast: only that it changes.
	 */
	static long waitForMore(Page p, String id, long than) {
		try {
			p.waitForFunction("([id, n]) => Number(document.getElementById(id)?.dataset.events || 0) > n",
					List.of(id, (double) than));
		}
		catch (com.microsoft.playwright.TimeoutError ex) {
			throw new AssertionError("no more than " + than + " events on #" + id + " at " + p.url() + "; data: "
					+ p.evaluate("(id) => JSON.stringify(document.getElementById(id)?.dataset)", id) + "; status: "
					+ p.locator("#status-bar").textContent(), ex);
		}
		return ((Number) p.evaluate("(id) => Number(document.getElementById(id).dataset.events)", id)).longValue();
	}

}
