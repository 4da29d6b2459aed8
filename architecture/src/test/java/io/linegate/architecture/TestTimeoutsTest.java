package io.linegate.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A test that starts a process, a server or a browser carries JUnit's {@code @Timeout}, so that a hung child JVM,
 * server or Chromium fails its own test instead of stalling the build.
 *
 * <p>"Starts one" is read from the compiled code: a test class starts one if, through the classes it uses (its
 * own test helpers, other modules' test jars and linegate's main code, followed transitively; never into
 * libraries), it reaches one of {@link #STARTERS}. The compiled tests of every module of the build are read from
 * their {@code target/test-classes}; this module comes last in the build so that they are there.
 */
class TestTimeoutsTest {

    /** What starts a process, a server or a browser (a reference to the type, or to one of its members). */
    static final Set<String> STARTERS = Set.of(
            "java.lang.ProcessBuilder",
            "java.net.ServerSocket",
            "javax.net.ssl.SSLServerSocket",
            "com.sun.net.httpserver.HttpServer",
            "com.sun.net.httpserver.HttpsServer",
            "com.linecorp.armeria.server.Server",
            "com.linecorp.armeria.server.ServerBuilder",
            "io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
            "org.apache.kafka.common.test.KafkaClusterTestKit",
            "org.openqa.selenium.WebDriver",
            "org.openqa.selenium.chrome.ChromeDriver",
            "org.springframework.boot.SpringApplication",
            "org.springframework.boot.builder.SpringApplicationBuilder",
            "org.springframework.boot.test.context.SpringBootTest");

    /** JUnit Jupiter's test methods (Jazzer's {@code @FuzzTest} is a test template too). */
    static final Set<String> TEST_ANNOTATIONS = Set.of(
            "org.junit.jupiter.api.Test",
            "org.junit.jupiter.api.RepeatedTest",
            "org.junit.jupiter.api.TestFactory",
            "org.junit.jupiter.api.TestTemplate",
            "org.junit.jupiter.params.ParameterizedTest",
            "com.code_intelligence.jazzer.junit.FuzzTest");

    @Test
    void everyTestClassThatStartsAProcessAServerOrABrowserCarriesATimeout() throws IOException {
        JavaClasses tests = CompiledTree.testClasses();
        Map<String, JavaClass> code = new HashMap<>();
        CompiledTree.mainClasses().forEach(c -> code.put(c.getName(), c));
        tests.forEach(c -> code.put(c.getName(), c));

        Map<String, String> missing = new TreeMap<>();
        int starting = 0;
        for (JavaClass test : tests) {
            if (!isTestClass(test)) {
                continue;
            }
            Optional<String> route = routeToAStarter(test, code);
            if (route.isEmpty()) {
                continue;
            }
            starting++;
            if (!hasTimeout(test)) {
                missing.put(test.getName(), route.get());
            }
        }
        assertThat(starting).as("test classes found that start something (is the rule reading the tests?)")
                .isGreaterThan(20);
        assertThat(missing)
                .as("test classes that start a process, a server or a browser without a class-level @Timeout"
                        + " (org.junit.jupiter.api.Timeout), each with how it starts one")
                .isEmpty();
    }

    static boolean isTestClass(JavaClass c) {
        return !c.getModifiers().contains(JavaModifier.ABSTRACT)
                && c.getAllMethods().stream().anyMatch(m -> m.getAnnotations().stream()
                        .anyMatch(a -> TEST_ANNOTATIONS.contains(a.getRawType().getName())));
    }

    /** On the class, a superclass (JUnit's {@code @Timeout} is inherited) or an enclosing class. */
    static boolean hasTimeout(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            for (JavaClass s = k; s != null; s = s.getRawSuperclass().orElse(null)) {
                if (s.isAnnotatedWith(Timeout.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The shortest chain of classes from the test to a starter, as "Test -> Helper -> Starter", if any. */
    static Optional<String> routeToAStarter(JavaClass test, Map<String, JavaClass> code) {
        Map<String, String> cameFrom = new LinkedHashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        cameFrom.put(test.getName(), null);
        queue.add(test.getName());
        while (!queue.isEmpty()) {
            JavaClass current = code.get(queue.poll());
            for (Dependency d : current.getDirectDependenciesFromSelf()) {
                String target = d.getTargetClass().getBaseComponentType().getName();
                if (STARTERS.contains(target)) {
                    StringBuilder route = new StringBuilder(simpleName(target));
                    for (String at = current.getName(); at != null; at = cameFrom.get(at)) {
                        route.insert(0, simpleName(at) + " -> ");
                    }
                    return Optional.of(route.toString());
                }
                if (code.containsKey(target) && !cameFrom.containsKey(target)) {
                    cameFrom.put(target, current.getName());
                    queue.add(target);
                }
            }
        }
        return Optional.empty();
    }

    static String simpleName(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
