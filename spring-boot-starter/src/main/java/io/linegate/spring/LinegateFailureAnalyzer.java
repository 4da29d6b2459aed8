package io.linegate.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * The starter's configuration mistakes as Spring Boot's "APPLICATION FAILED TO START" report, naming
 * the property and the fix, instead of a bean-creation stack trace. Registered in
 * {@code META-INF/spring.factories}.
 */
final class LinegateFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLinegateConfiguration> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidLinegateConfiguration cause) {
        String property = cause.property();
        String description = "The LINE channel configuration of linegate-spring-boot-starter is not usable:\n\n    "
                + cause.getMessage() + (property == null ? "" : "\n\nProperty: " + property);
        String action = property == null
                ? "Change the @EventMapping method named above as the description says."
                : "Set " + property + " as the description says: in application.properties or application.yaml, or"
                        + " through the environment variable " + InvalidLinegateConfiguration.environmentVariable(property)
                        + ". The starter's README lists every property under 'Configuration'.";
        return new FailureAnalysis(description, action, cause);
    }
}
