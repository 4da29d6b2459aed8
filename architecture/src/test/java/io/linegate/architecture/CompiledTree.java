package io.linegate.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository this build runs in, and its compiled classes: main code from the class path, tests from each module. */
final class CompiledTree {
    static final Path ROOT = Path.of(System.getProperty("linegate.root", "..")).toAbsolutePath().normalize();

    private CompiledTree() {
    }

    /** linegate's main classes (every module's, through this module's dependencies). */
    static JavaClasses mainClasses() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.linegate");
    }

    /** The compiled tests of every module of the root POM that has tests. */
    static JavaClasses testClasses() throws IOException {
        return new ClassFileImporter().importPaths(compiledTestsOfEveryModule());
    }

    /** The {@code target/test-classes} of each module of the root POM that has tests (this build puts them there first). */
    static List<Path> compiledTestsOfEveryModule() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<Path> dirs = new ArrayList<>();
        while (module.find()) {
            Path dir = ROOT.resolve(module.group(1).trim());
            if (!Files.isDirectory(dir.resolve("src/test/java")) || dir.endsWith("architecture")) {
                continue;
            }
            Path compiled = dir.resolve("target/test-classes");
            assertThat(compiled).as("the compiled tests of %s (build its tests first)", module.group(1)).isDirectory();
            dirs.add(compiled);
        }
        assertThat(dirs).as("modules with tests in %s", ROOT.resolve("pom.xml")).hasSizeGreaterThan(10);
        return dirs;
    }
}
