package dev.bpfnet.server;

import java.nio.file.Path;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the full-context integration tests: the whole application on a random port with
 * the real H2 file database in a fresh directory under {@code target/test-data}, shared
 * by every subclass (one context). The topology limit is lowered to 20000 bytes so that
 * the 413 tests stay small, and lab visitors may hold 3 runs together. The client timeout
 * is generous because BCrypt with strength 12 is slow on a loaded two-core machine;
 * nothing asserts on time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "bpfnet.limits.max-topology-bytes=20000", "bpfnet.limits.max-visitor-runs=3" })
@AutoConfigureWebTestClient(timeout = "PT2M")
public abstract class ServerIntegrationTest {

	protected static final Path DATA_DIR = TestUsers.newDataDir();

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.data-dir", DATA_DIR::toString);
		// the repository's labs/ (surefire passes the folder; see the parent pom)
		registry.add("bpfnet.labs-dir", () -> System.getProperty("bpfnet.labs.dir", "../../labs"));
	}

}
