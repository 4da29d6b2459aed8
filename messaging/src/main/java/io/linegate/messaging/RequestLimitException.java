package io.linegate.messaging;

import io.linegate.core.Retryable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A send request that breaks one of LINE's documented limits, caught before anything is sent.
 * Each violation names the property as LINE's {@code details[].property} would
 * ({@code messages[0].text}, {@code to}, ...). Sending the same request again cannot succeed.
 */
public final class RequestLimitException extends IllegalArgumentException implements Retryable {
    /** One broken limit. */
    public record Violation(String property, String message) {
        @Override
        public String toString() {
            return property + ": " + message;
        }
    }

    private final List<Violation> violations;

    RequestLimitException(List<Violation> violations) {
        super("The request breaks " + violations.size() + " limit(s): "
                + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    @Override
    public boolean retryCanSucceed() {
        return false;
    }

    public List<Violation> violations() {
        return violations;
    }
}
