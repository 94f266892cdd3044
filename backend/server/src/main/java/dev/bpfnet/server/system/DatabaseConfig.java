package dev.bpfnet.server.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import dev.bpfnet.server.config.BpfnetProperties;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Where the H2 file database lives: {@code ${bpfnet.data-dir}/bpfnet.mv.db}, with the
 * data directory resolved to an absolute path once, so that R2DBC (which reads
 * {@code r2dbc:h2:file:///x} as the absolute path {@code /x}) and Flyway's JDBC
 * connection open the same file whatever the working directory and however the directory
 * was written ({@code ./data}, {@code data}, {@code /srv/bpfnet}).
 *
 * <p>
 * The database closes when the last connection closes (no {@code DB_CLOSE_DELAY=-1}), so
 * stopping the application context really closes the file.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

	/** The database file path without H2's {@code .mv.db} suffix. */
	public static Path databasePath(BpfnetProperties properties) {
		Path dir = properties.dataDir().toAbsolutePath().normalize();
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the data directory " + dir, ex);
		}
		return dir.resolve("bpfnet");
	}

	/**
	 * Wraps the auto-configured connection pool so that all H2 work runs on the
	 * {@code bpfnet-db} threads, never on a Netty event loop ({@link DatabaseThreads}),
	 * with as many threads as the pool has connections at most
	 * ({@code spring.r2dbc.pool.max-size}).
	 * @param r2dbc the R2DBC properties (read when the pool bean is created)
	 * @return the post-processor
	 */
	@Bean
	static BeanPostProcessor databaseThreads(ObjectProvider<R2dbcProperties> r2dbc) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof ConnectionFactory factory && !(bean instanceof DatabaseThreads)) {
					R2dbcProperties properties = r2dbc.getIfAvailable();
					int max = (properties != null && properties.getPool().getMaxSize() > 0)
							? properties.getPool().getMaxSize() : 10;
					return new DatabaseThreads(factory, max);
				}
				return bean;
			}
		};
	}

	@Bean
	ConnectionFactoryOptionsBuilderCustomizer h2FileDatabase(BpfnetProperties properties) {
		String database = databasePath(properties).toString();
		return (builder) -> builder.option(ConnectionFactoryOptions.DATABASE, database);
	}

	/** The JDBC data source Flyway migrates with; the application itself uses R2DBC. */
	@Bean
	DataSource dataSource(BpfnetProperties properties) {
		return DataSourceBuilder.create()
			.url("jdbc:h2:file:" + databasePath(properties))
			.username("sa")
			.password("")
			.build();
	}

	/** The one transaction manager: R2DBC (the JDBC data source is only Flyway's). */
	@Bean
	R2dbcTransactionManager transactionManager(ConnectionFactory connectionFactory) {
		return new R2dbcTransactionManager(connectionFactory);
	}

	@Bean
	TransactionalOperator transactionalOperator(R2dbcTransactionManager transactionManager) {
		return TransactionalOperator.create(transactionManager);
	}

}
