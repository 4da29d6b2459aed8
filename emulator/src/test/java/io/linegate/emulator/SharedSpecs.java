package io.linegate.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The official OpenAPI specs in {@code shared/line-platform/openapi}, which sits beside the
 * repository (on a developer's machine and in CI alike), found relative to the working directory.
 */
final class SharedSpecs {
    private SharedSpecs() {}

    static Path dir() {
        for (String candidate : new String[] {"../../shared/line-platform/openapi", "../shared/line-platform/openapi"}) {
            Path p = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("the shared OpenAPI specs were not found beside the repository"
                + " (expected shared/line-platform/openapi next to the checkout)");
    }

    static Path file(String name) {
        return dir().resolve(name);
    }
}
