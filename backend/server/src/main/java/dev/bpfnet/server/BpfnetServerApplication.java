package dev.bpfnet.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The bpfnet-lab web service: accounts and API tokens ({@code security}), topologies with
 * immutable versions ({@code topology}), shares ({@code share}), on an H2 file database
 * (R2DBC, schema by Flyway) under {@code bpfnet.data-dir}; Actuator and the OpenAPI
 * document ({@code system}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BpfnetServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(BpfnetServerApplication.class, args);
	}

}
