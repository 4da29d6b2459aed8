package io.linegate.bench.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot side of the {@code spring} benchmark (issue 13): an ordinary Spring Boot 3.5 web
 * application (embedded Tomcat, Spring MVC) with the linegate starter on its classpath and one
 * {@link BenchHandler}. Everything else comes from {@code application.properties} and the command line
 * that {@code bench/run.sh} gives it: {@code --server.port}, {@code --linegate.store=sqlite:DIR},
 * {@code --linegate.workers}, {@code --bench.handler-ms}, {@code --bench.stats-port}.
 */
@SpringBootApplication
public class SpringBenchApp {
    public static void main(String[] args) {
        SpringApplication.run(SpringBenchApp.class, args);
    }
}
