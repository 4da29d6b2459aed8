package io.linegate.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of linegate's modules, read from the compiled main classes of every module (tests excluded):
 * {@code core <- store <- webhook, messaging (<- clients), login <- runtime <- console <- hosts (Armeria, Spring) <- cli}, the
 * journal on Apache Kafka beside the webhook layer (on core, store and webhook; the command line uses it), the emulator
 * on {@code core} alone, the test kit and the examples on top. Each layer names the layers it may use; a
 * dependency between two linegate packages that the table does not allow fails with the classes, the member
 * and the line that make it.
 */
@AnalyzeClasses(packages = "io.linegate", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    /**
     * Parts of the runtime (configuration, the runtime and its sending adapter, warm-up, the webhook meters) that the Spring host uses
     * and that still live in the Armeria host's package, {@code io.linegate.server}, until the runtime is split
     * from its host into {@code io.linegate.runtime}. They count as the runtime layer; once moved, their names
     * match nothing and this list goes.
     */
    static final DescribedPredicate<JavaClass> RUNTIME = DescribedPredicate.describe(
            "in io.linegate.runtime..", c -> inPackage(c, "io.linegate.runtime"));

    static final DescribedPredicate<JavaClass> ARMERIA_HOST = DescribedPredicate.describe(
            "in io.linegate.server..", c -> inPackage(c, "io.linegate.server"));

    static final String[] BACKENDS = {"io.linegate.store.jdbc..", "io.linegate.store.sqlite..", "io.linegate.store.postgres.."};

    /**
     * The one package cycle of today's tree: the emulator's parts ({@code domain.Platform},
     * {@code domain.WebhookDispatcher}, {@code chat.ChatApi}, {@code control.ConsoleApi}, {@code messaging.MessagesApi},
     * {@code messaging.WebhookSettingsApi}) read {@code EmulatorConfig}, which lives beside the {@code Emulator} that
     * assembles them. It goes once the configuration moves into a package of its own (or into {@code domain});
     * then this exception goes too.
     */
    static final String EMULATOR_CONFIG_IN_THE_ASSEMBLY = "io.linegate.emulator.EmulatorConfig";

    static final String[] LAYERED_PACKAGES = {
            "io.linegate.core..", "io.linegate.store..", "io.linegate.webhook..", "io.linegate.messaging..",
            "io.linegate.clients..", "io.linegate.login..", "io.linegate.journal..", "io.linegate.runtime..", "io.linegate.console..", "io.linegate.server..",
            "io.linegate.spring..",
            "io.linegate.emulator..", "io.linegate.test..", "io.linegate.cli..", "io.linegate.examples.."};

    @ArchTest
    static final ArchRule eachModuleUsesOnlyTheLayersBelowIt = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Core").definedBy("io.linegate.core..")
            .layer("Store").definedBy("io.linegate.store..")
            .layer("Webhook").definedBy("io.linegate.webhook..")
            .layer("Messaging").definedBy("io.linegate.messaging..")
            .layer("Clients").definedBy("io.linegate.clients..")
            .layer("Login").definedBy("io.linegate.login..")
            .layer("Kafka journal").definedBy("io.linegate.journal..")
            .layer("Runtime").definedBy(RUNTIME)
            .layer("Console").definedBy("io.linegate.console..")
            .layer("Armeria host").definedBy(ARMERIA_HOST)
            .layer("Spring host").definedBy("io.linegate.spring..")
            .layer("Emulator").definedBy("io.linegate.emulator..")
            .layer("Test kit").definedBy("io.linegate.test..")
            .layer("Command line").definedBy("io.linegate.cli..")
            .layer("Examples").definedBy("io.linegate.examples..")

            .whereLayer("Core").mayNotAccessAnyLayer()
            .whereLayer("Store").mayOnlyAccessLayers("Core")
            .whereLayer("Webhook").mayOnlyAccessLayers("Core", "Store")
            .whereLayer("Messaging").mayOnlyAccessLayers("Core", "Store")
            .whereLayer("Clients").mayOnlyAccessLayers("Core", "Store", "Messaging")
            .whereLayer("Login").mayOnlyAccessLayers("Core", "Store")
            .whereLayer("Kafka journal").mayOnlyAccessLayers("Core", "Store", "Webhook")
            .whereLayer("Runtime").mayOnlyAccessLayers("Core", "Store", "Webhook", "Messaging", "Login")
            .whereLayer("Console").mayOnlyAccessLayers("Core", "Store", "Webhook", "Messaging", "Login", "Runtime")
            .whereLayer("Armeria host").mayOnlyAccessLayers("Core", "Store", "Webhook", "Messaging", "Login", "Runtime",
                    "Console")
            .whereLayer("Spring host").mayOnlyAccessLayers("Core", "Store", "Webhook", "Messaging", "Clients", "Login",
                    "Runtime", "Console")
            .whereLayer("Emulator").mayOnlyAccessLayers("Core")
            .whereLayer("Test kit").mayOnlyAccessLayers(
                    "Core", "Store", "Webhook", "Messaging", "Login", "Runtime", "Armeria host", "Emulator")
            .whereLayer("Command line").mayOnlyAccessLayers(
                    "Core", "Store", "Webhook", "Messaging", "Login", "Runtime", "Armeria host", "Emulator", "Kafka journal")
            .whereLayer("Examples").mayOnlyAccessLayers(
                    "Core", "Store", "Webhook", "Messaging", "Login", "Runtime", "Armeria host");

    /**
     * The runtime and the console know no HTTP server, and the Spring host brings none into an application: Armeria and the
     * Netty it needs are the Armeria host's alone.
     */
    @ArchTest
    static final ArchRule theRuntimeAndTheSpringHostUseNoArmeriaOrNetty = noClasses()
            .that().resideInAnyPackage("io.linegate.runtime..", "io.linegate.console..", "io.linegate.spring..",
                    "io.linegate.webhook..", "io.linegate.messaging..", "io.linegate.clients..", "io.linegate.login..",
                    "io.linegate.journal..", "io.linegate.store..", "io.linegate.core..")
            .should().dependOnClassesThat().resideInAnyPackage("com.linecorp.armeria..", "io.netty..");

    /** A package outside the table above would escape the layering unseen. */
    @ArchTest
    static final ArchRule everyPackageBelongsToALayer = classes()
            .that().resideInAPackage("io.linegate..")
            .should().resideInAnyPackage(LAYERED_PACKAGES);

    /** Callers hold the store's interfaces; only {@code Store.open} and the providers know a backend. */
    @ArchTest
    static final ArchRule noBackendClassIsUsedOutsideTheStore = noClasses()
            .that().resideOutsideOfPackage("io.linegate.store..")
            .should().dependOnClassesThat().resideInAnyPackage(BACKENDS);

    /** The emulator stands for the LINE Platform: it shares nothing with the runtime it is tested against. */
    @ArchTest
    static final ArchRule theEmulatorDependsOnCoreOnly = noClasses()
            .that().resideInAPackage("io.linegate.emulator..")
            .should().dependOnClassesThat(
                    DescribedPredicate.describe("are in io.linegate but not in core or the emulator",
                            c -> inPackage(c, "io.linegate")
                                    && !inPackage(c, "io.linegate.core") && !inPackage(c, "io.linegate.emulator")));

    /**
     * No two packages use each other, directly or round a loop (between modules the layering forbids it already,
     * so this speaks of the packages inside a module: {@code store} and its backends, the emulator's parts, the
     * command line and its preflight checks).
     */
    @ArchTest
    static final ArchRule noPackageCycles = slices()
            .matching("io.linegate.(**)")
            .should().beFreeOfCycles()
            .ignoreDependency(
                    DescribedPredicate.describe("a part of the emulator", c -> inPackage(c, "io.linegate.emulator")),
                    DescribedPredicate.describe("io.linegate.emulator.EmulatorConfig",
                            c -> topLevelName(c).equals(EMULATOR_CONFIG_IN_THE_ASSEMBLY)));

    /** In the package or one below it. */
    static boolean inPackage(JavaClass c, String pkg) {
        return c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + ".");
    }

    static String topLevelName(JavaClass c) {
        String name = c.getBaseComponentType().getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }
}
