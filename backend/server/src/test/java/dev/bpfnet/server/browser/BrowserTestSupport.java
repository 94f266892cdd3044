package dev.bpfnet.server.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs the whole server on a random port with a real H2 file database in a temporary
 * directory and drives Debian's Chromium through Playwright for Java. Playwright is told
 * not to download browsers; when {@code /usr/bin/chromium} is missing the tests are
 * skipped with a message saying so. Screenshots go to {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class BrowserTestSupport {

	static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

	static final Path SCREENSHOTS = Paths.get("target", "screenshots");

	private static final Path DATA_DIR;

	static {
		try {
			DATA_DIR = Files.createTempDirectory("bpfnet-browser-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static final String PASSWORD = "correct horse battery";

	private static final AtomicInteger USERS = new AtomicInteger();

	static Playwright playwright;

	static Browser browser;

	@LocalServerPort
	int port;

	BrowserContext context;

	Page page;

	/** Uncaught page errors and console errors of the current test's page. */
	final List<String> pageErrors = new ArrayList<>();

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.data-dir", DATA_DIR::toString);
	}

	@BeforeAll
	static void launch() {
		// the machine running the tests may be busy: wait longer than Playwright's 5 s
		PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
		Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
				"browser tests skipped: " + CHROMIUM + " is not installed (apt-get install chromium)");
		playwright = Playwright.create(new Playwright.CreateOptions()
			.setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", "PLAYWRIGHT_BROWSERS_PATH", "0")));
		browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
				.setHeadless(true)
				.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
						"--disable-component-update", "--disable-sync", "--no-first-run")));
	}

	@AfterAll
	static void close() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
		if (playwright != null) {
			playwright.close();
			playwright = null;
		}
	}

	@BeforeEach
	void openPage() {
		this.context = newContext();
		this.page = this.context.newPage();
		watch(this.page);
	}

	/** A user name no other test uses. */
	static String newUserName() {
		return "u" + USERS.incrementAndGet() + "-" + Long.toString(System.nanoTime() & 0xffffff, 36);
	}

	/** Registers {@code user} through {@code POST /api/users}. */
	void register(String user) {
		String body = "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}";
		HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(url("/api/users")))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", "application/json")
			.build());
		if (res.statusCode() != 201) {
			throw new IllegalStateException(
					"registration of " + user + " failed: " + res.statusCode() + " " + res.body());
		}
	}

	/**
	 * Registers a new user and signs {@code p} in through the login form; returns the
	 * name.
	 */
	String signIn(Page p) {
		String user = newUserName();
		register(user);
		p.navigate(url("/login"));
		p.locator("input[name=username]").fill(user);
		p.locator("input[name=password]").fill(PASSWORD);
		p.locator("form[action='/login'] button[type=submit]").click();
		PlaywrightAssertions.assertThat(p.locator("[data-testid=user-name]")).containsText(user);
		return user;
	}

	@AfterEach
	void closePage() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/** A fresh browser context (no cookies, no storage) with a 1280x800 window. */
	BrowserContext newContext() {
		return browser.newContext(
				new Browser.NewContextOptions().setViewportSize(1280, 800).setBaseURL("http://localhost:" + this.port));
	}

	void watch(Page p) {
		p.onPageError((error) -> this.pageErrors.add("page error: " + error));
		p.onConsoleMessage((msg) -> {
			if ("error".equals(msg.type()) && !msg.text().contains("Failed to load resource")) {
				this.pageErrors.add("console: " + msg.text());
			}
		});
	}

	String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	void screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.page
			.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(false));
	}

	/**
	 * Whether the running server has a handler for {@code GET path}, asked with an
	 * account (the APIs land one by one).
	 */
	boolean apiPresent(String path) {
		String user = newUserName();
		register(user);
		String basic = java.util.Base64.getEncoder()
			.encodeToString((user + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
		int status = send(
				HttpRequest.newBuilder(URI.create(url(path))).GET().header("Authorization", "Basic " + basic).build())
			.statusCode();
		return status != 404 && status != 405;
	}

	static HttpResponse<String> send(HttpRequest request) {
		try {
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
