package io.github.sasredis.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A demo authorization server that keeps its authorizations in Redis through the sas-redis starter.
 */
@SpringBootApplication
@EnableConfigurationProperties(DemoProperties.class)
public class DemoServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoServerApplication.class, args);
	}

}
