package io.linegate.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import com.tngtech.archunit.core.domain.JavaClass;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md maps each guideline section to the classes that keep it and the tests that show it; a map that
 * names a class or a test that is gone sends a new engineer nowhere, so every name it gives is checked here.
 */
class DesignDocumentTest {

    /** {@code `Name`} or {@code `Name.member`}: a class, or one of its methods or fields. */
    static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)(?:\\.([a-z][A-Za-z0-9]*))?`");

    @Test
    void everyClassAndTestTheGuidelineTableNamesExistsAndEveryRowHasBoth() throws IOException {
        List<String> rows = guidelineRows();
        assertThat(rows).as("rows of the guideline table in docs/design.md").hasSizeGreaterThan(30);

        Map<String, List<JavaClass>> bySimpleName = new HashMap<>();
        CompiledTree.mainClasses().forEach(c -> bySimpleName.computeIfAbsent(c.getSimpleName(), k -> new ArrayList<>()).add(c));
        CompiledTree.testClasses().forEach(c -> bySimpleName.computeIfAbsent(c.getSimpleName(), k -> new ArrayList<>()).add(c));

        List<String> unknown = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|");
            String section = cells[1].trim();
            List<String> keptBy = namesIn(cells[2]);
            List<String> shownBy = namesIn(cells[3]);
            for (String name : concat(keptBy, shownBy)) {
                if (!exists(name, bySimpleName)) {
                    unknown.add(section + ": " + name);
                }
            }
            if (keptBy.isEmpty() || shownBy.stream().noneMatch(n -> n.split("\\.")[0].endsWith("Test"))) {
                incomplete.add(section);
            }
        }
        assertSoftly(soft -> {
            soft.assertThat(unknown)
                    .as("names in docs/design.md's guideline table that are no class, method or field of the tree")
                    .isEmpty();
            soft.assertThat(incomplete).as("guideline sections without a class that keeps them or a test that shows it")
                    .isEmpty();
        });
    }

    /** The table's rows under "## The guidelines in the code", its header and rule left out. */
    static List<String> guidelineRows() throws IOException {
        String doc = Files.readString(CompiledTree.ROOT.resolve("docs/design.md"));
        int start = doc.indexOf("## The guidelines in the code");
        assertThat(start).as("the section \"The guidelines in the code\" in docs/design.md").isNotNegative();
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : doc.substring(start).split("\n")) {
            if (line.startsWith("|")) {
                if (inTable && !line.startsWith("|---")) {
                    rows.add(line);
                }
                inTable = true;
            } else if (inTable) {
                break;
            }
        }
        return rows;
    }

    static List<String> namesIn(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(cell);
        while (m.find()) {
            names.add(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
        }
        return names;
    }

    static boolean exists(String name, Map<String, List<JavaClass>> bySimpleName) {
        String[] parts = name.split("\\.");
        List<JavaClass> classes = bySimpleName.getOrDefault(parts[0], List.of());
        if (parts.length == 1) {
            return !classes.isEmpty();
        }
        return classes.stream().anyMatch(c -> c.getAllMethods().stream().anyMatch(m -> m.getName().equals(parts[1]))
                || c.getAllFields().stream().anyMatch(f -> f.getName().equals(parts[1])));
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
