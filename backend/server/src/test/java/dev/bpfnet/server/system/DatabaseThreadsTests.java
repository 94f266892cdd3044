package dev.bpfnet.server.system;

import java.util.Map;

import dev.bpfnet.server.ServerIntegrationTest;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * H2 runs on the {@code bpfnet-db} threads, not on the Netty event loop that handles the
 * request: a request whose handler (on the event loop) runs a query through the
 * application's {@link DatabaseClient}; the query calls a Java function inside H2 that
 * reports the thread executing the statement, and the row mapping reports its own thread.
 * The probe sits under the public {@code GET /api/labs/**} so that no authentication
 * query runs before the handler (which would already move it to a database thread).
 */
public class DatabaseThreadsTests extends ServerIntegrationTest {

	/**
	 * Called by H2 (alias {@code BPFNET_TEST_THREAD}) on the thread running the query.
	 */
	public static String threadName() {
		return Thread.currentThread().getName();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ThreadProbe {

		@Bean
		RouterFunction<ServerResponse> dbThreadProbe(DatabaseClient db) {
			return RouterFunctions.route().GET("/api/labs/_probe/db-thread", (request) -> {
				String handler = Thread.currentThread().getName();
				return db
					.sql("CREATE ALIAS IF NOT EXISTS BPFNET_TEST_THREAD FOR '" + DatabaseThreadsTests.class.getName()
							+ ".threadName'")
					.then()
					.then(db.sql("SELECT BPFNET_TEST_THREAD()")
						.map((row) -> Map.of("handler", handler, "h2", row.get(0, String.class), "row",
								Thread.currentThread().getName()))
						.one())
					.flatMap((m) -> ServerResponse.ok().bodyValue(m));
			}).build();
		}

	}

	@Autowired
	WebTestClient client;

	@Autowired
	ConnectionFactory connectionFactory;

	@Test
	void queriesRunOnTheDatabaseThreadsNotOnTheEventLoop() {
		Map<String, String> threads = this.client.get()
			.uri("/api/labs/_probe/db-thread")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, String>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(threads).isNotNull();
		// the probe is meaningful: its handler did run on an event loop
		assertThat(threads.get("handler")).as("handler thread").matches(".*-http-(epoll|nio|kqueue)-\\d+");
		assertThat(threads.get("h2")).as("thread running the H2 statement").startsWith("bpfnet-db");
		assertThat(threads.get("row")).as("thread mapping the row").startsWith("bpfnet-db");
	}

	@Test
	void theWrapperKeepsThePoolReachable() {
		assertThat(this.connectionFactory).isInstanceOf(DatabaseThreads.class).isInstanceOf(Wrapped.class);
		assertThat(((DatabaseThreads) this.connectionFactory).unwrap()).isInstanceOf(ConnectionPool.class);
		assertThat(((DatabaseThreads) this.connectionFactory).threads()).isEqualTo(10);
		assertThat(Mono.from(this.connectionFactory.create())
			.flatMap((c) -> Mono.from(c.close()).thenReturn(true))
			.block()).isTrue();
	}

}
