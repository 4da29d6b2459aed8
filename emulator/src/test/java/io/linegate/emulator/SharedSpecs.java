package io.linegate.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LINE's official OpenAPI specs (github.com/line/line-openapi, Apache-2.0) as bundled with the
 * emulator, read from the module's resources (tests run with the module as working directory).
 */
final class SharedSpecs {
    private SharedSpecs() {}

    static Path dir() {
        Path p = Path.of("src/main/resources/openapi").toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("the bundled OpenAPI specs were not found at " + p);
        }
        return p;
    }

    static Path file(String name) {
        return dir().resolve(name);
    }
}
