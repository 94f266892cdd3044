package dev.bpfnet.server;

import java.nio.file.Path;

import dev.bpfnet.server.config.BpfnetProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.h2.H2ConnectionConfiguration;
import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import org.flywaydb.core.Flyway;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * For controller slices ({@code @WebFluxTest}), which load no persistence: a real H2 file
 * database in a fresh directory, migrated by Flyway with the application's scripts, and
 * the beans the services need (database client, transactions, a meter registry, the
 * {@code bpfnet.*} properties).
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(BpfnetProperties.class)
public class SliceDatabase {

	@Bean
	ConnectionFactory sliceConnectionFactory() {
		Path file = TestUsers.newDataDir().resolve("bpfnet");
		Flyway.configure().dataSource("jdbc:h2:file:" + file, "sa", "").load().migrate();
		return new H2ConnectionFactory(
				H2ConnectionConfiguration.builder().file(file.toString()).username("sa").build());
	}

	@Bean
	DatabaseClient sliceDatabaseClient(ConnectionFactory connectionFactory) {
		return DatabaseClient.create(connectionFactory);
	}

	@Bean
	TransactionalOperator sliceTransactions(ConnectionFactory connectionFactory) {
		return TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
	}

	@Bean
	MeterRegistry sliceMeters() {
		return new SimpleMeterRegistry();
	}

}
