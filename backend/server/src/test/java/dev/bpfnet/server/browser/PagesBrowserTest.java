package dev.bpfnet.server.browser;

import java.util.regex.Pattern;

import com.microsoft.playwright.options.LoadState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every page renders in a 1280x800 window with the header, its title and no script error.
 */
class PagesBrowserTest extends BrowserTestSupport {

	@ParameterizedTest
	@CsvSource({ "/, home, bpfnet-lab", "/topologies, topologies, Topologies", "/topologies/new, editor, ",
			"/programs, programs, Programs", "/runs, runs, Runs", "/labs, labs, Labs" })
	void pageRendersWithNavigation(String path, String shot, String heading) {
		signIn(this.page);
		this.page.navigate(url(path));
		assertThat(this.page.locator("header nav a")).hasCount(4);
		assertThat(this.page.locator("header nav")).containsText("Labs");
		if (heading != null) {
			assertThat(this.page.locator("h1").first()).hasText(heading);
		}
		this.page.waitForLoadState(LoadState.NETWORKIDLE);
		screenshot("page-" + shot);
		assertThat(this.pageErrors).as("script errors on " + path).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "/login, login, Sign in", "/register, register, Create an account" })
	void publicPagesRenderSignedOut(String path, String shot, String heading) {
		this.page.navigate(url(path));
		assertThat(this.page.locator("h1").first()).hasText(heading);
		assertThat(this.page.locator("header .login-state")).containsText("Log in");
		screenshot("page-" + shot);
		assertThat(this.pageErrors).as("script errors on " + path).isEmpty();
	}

	@Test
	void pagesNeedAnAccount() {
		this.page.navigate(url("/topologies/new"));
		assertThat(this.page).hasURL(Pattern.compile(".*/login$"));
	}

}
