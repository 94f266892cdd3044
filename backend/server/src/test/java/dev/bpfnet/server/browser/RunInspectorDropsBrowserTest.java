package dev.bpfnet.server.browser;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drops in the run view: lab 4's burst past {@code netdev_max_backlog} drops packets with
 * {@code CPU_BACKLOG}; the packet list filtered to dropped packets says why in words, and
 * the inspector marks the step where the kernel dropped the packet.
 */
class RunInspectorDropsBrowserTest extends BrowserTestSupport {

	@DynamicPropertySource
	static void labs(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.labs-dir", () -> System.getProperty("bpfnet.labs.dir", "../../labs"));
	}

	@Test
	void aDroppedPacketSaysWhyInWords() {
		signIn(this.page);
		this.page.navigate(url("/runs"));
		String id = (String) this.page.evaluate("""
				async () => {
				  const { api } = await import('/js/api.js');
				  const r = await api('POST', '/api/runs', { lab: '04-backlog-overflow', labRun: 'overflow' });
				  if (!r.ok) throw new Error(JSON.stringify(r.problem));
				  return r.data.id;
				}""");
		this.page.navigate(url("/runs/" + id));
		assertThat(this.page.locator("#run-page")).hasAttribute("data-status", Pattern.compile("finished"));
		this.page.locator("#filters select[name=dropped]").selectOption("true");
		this.page.locator("#filters button[type=submit]").click();
		assertThat(this.page.locator("#packets tbody tr").first())
			.containsText("CPU_BACKLOG: the per-CPU backlog is full (netdev_max_backlog exceeded)");
		this.page.locator("#packets tbody tr").first().click();
		assertThat(this.page.locator("#inspector-hint")).containsText("✕ dropped at");
		assertThat(this.page.locator("#inspector tbody tr.fate-drop")).containsText("✕ drop: CPU_BACKLOG");
		this.page.locator("#inspector tbody tr.fate-drop").first().click();
		assertThat(this.page.locator("#hop-detail .drop-words"))
			.containsText("The kernel dropped the packet here: CPU_BACKLOG");
		assertThat(this.page.locator("#hop-detail")).hasAttribute("data-state", "shown");
		assertThat(this.pageErrors).isEmpty();
	}

}
