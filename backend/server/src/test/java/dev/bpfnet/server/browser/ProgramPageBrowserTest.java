package dev.bpfnet.server.browser;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The program page in Chromium: assembly that reads an uninitialised register is stored
 * with the verifier's verdict and the failing instruction (1) is highlighted in the
 * disassembly beside the log; an assembly syntax error marks its source line.
 */
class ProgramPageBrowserTest extends BrowserTestSupport {

	static final String BAD_ASM = "r1 = 0\nr0 = r5\nexit\n";

	void paste(String source) {
		signIn(this.page);
		this.page.navigate(url("/programs"));
		this.page.locator("#tab-asm").click();
		this.page.locator("#prog-name").fill("bad-read");
		this.page.locator("#asm-section").fill("tcx/ingress");
		this.page.locator("#asm-source").fill(source);
		this.page.locator("#btn-create").click();
	}

	@Test
	void verifierErrorIsHighlightedInTheDisassembly() {
		Assumptions.assumeTrue(apiPresent("/api/programs"), "skipped: /api/programs is not in this build yet");
		paste(BAD_ASM);
		this.page.waitForURL(Pattern.compile(".*/programs/[A-Za-z0-9_-]+$|.*/programs$"));
		if (this.page.url().endsWith("/programs")) {
			// refused instead of stored: the error names instruction 1
			assertThat(this.page.locator("#create-errors")).containsText("insn 1");
			screenshot("program-refused");
			return;
		}
		assertThat(this.page.locator("#program-page")).hasAttribute("data-ready", "true");
		assertThat(this.page.locator("#verdict")).containsText("Rejected");
		assertThat(this.page.locator("#disassembly li.failing")).hasCount(1);
		assertThat(this.page.locator("#disassembly li.failing")).hasAttribute("data-insn", "1");
		assertThat(this.page.locator("#disassembly li.failing")).containsText("r5");
		assertThat(this.page.locator("#verifier-log li").first()).isVisible();
		screenshot("program-verifier-error");
	}

	@Test
	void assemblySyntaxErrorMarksTheLine() {
		Assumptions.assumeTrue(apiPresent("/api/programs"), "skipped: /api/programs is not in this build yet");
		paste("r0 = 0\nr0 = = 1\nexit\n");
		assertThat(this.page.locator("#create-errors")).containsText("line 2");
		assertThat(this.page.locator("#source-lines li.failing")).hasAttribute("data-line", "2");
		screenshot("program-syntax-error");
	}

}
