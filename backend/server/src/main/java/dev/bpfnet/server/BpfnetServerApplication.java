package dev.bpfnet.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The bpfnet-lab web service. At this stage it serves the start page and Actuator health;
 * the API, persistence, runs and labs arrive with the server issue.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BpfnetServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(BpfnetServerApplication.class, args);
	}

}
