package io.linegate.cli;

import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.BotFactory;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * Finds a bot by name: among the bots of the jars given with {@code --bot-jar} (in a class loader of
 * their own, above linegate's), or else among those on linegate's class path. A bot is a
 * {@link BotFactory} listed in {@code META-INF/services/io.linegate.webhook.BotFactory}, or a
 * {@link Bot} with a no-argument constructor listed in {@code META-INF/services/io.linegate.webhook.Bot}.
 * Every way this can go wrong ends in a message that says what and where, never a stack trace.
 */
final class BotLoader implements AutoCloseable {
    /** A bot found by name, not yet built. */
    interface Candidate {
        /** The class that provides the bot, for messages. */
        String className();

        Bot create(BotEnvironment env);
    }

    private final List<Path> jars;
    private final ClassLoader loader;
    private final URLClassLoader own; // null without jars

    private BotLoader(List<Path> jars, ClassLoader loader, URLClassLoader own) {
        this.jars = jars;
        this.loader = loader;
        this.own = own;
    }

    /** Bots of {@code jars}, or of linegate's class path if there are none. */
    static BotLoader of(List<Path> jars) {
        if (jars == null || jars.isEmpty()) {
            return new BotLoader(List.of(), BotLoader.class.getClassLoader(), null);
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.exists(jar)) {
                throw new IllegalArgumentException("--bot-jar " + jar + ": no such file");
            }
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new IllegalArgumentException("--bot-jar " + jar + ": not a readable file");
            }
            try (JarFile ignored = new JarFile(jar.toFile())) {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--bot-jar " + jar + ": " + e.getMessage());
            } catch (IOException e) {
                throw new IllegalArgumentException("--bot-jar " + jar + " is not a jar file (" + e.getMessage() + ")");
            }
        }
        URLClassLoader own = new URLClassLoader("linegate-bots", urls.toArray(new URL[0]), BotLoader.class.getClassLoader());
        return new BotLoader(List.copyOf(jars), own, own);
    }

    /**
     * The bot named {@code name}; with {@code name} null, the only bot there is. Bots whose factory or
     * class cannot even be loaded are named in the error if the wanted one is not found.
     */
    Candidate find(String name) {
        Map<String, Candidate> found = new TreeMap<>();
        List<String> broken = new ArrayList<>();
        for (Iterator<BotFactory> it = ServiceLoader.load(BotFactory.class, loader).iterator(); next(it, broken); ) {
            BotFactory f;
            try {
                f = it.next();
            } catch (ServiceConfigurationError e) {
                broken.add(reason(e));
                continue;
            }
            if (ours(f.getClass())) {
                found.putIfAbsent(f.name(), factory(f));
            }
        }
        for (Iterator<Bot> it = ServiceLoader.load(Bot.class, loader).iterator(); next(it, broken); ) {
            Bot b;
            try {
                b = it.next();
            } catch (ServiceConfigurationError e) {
                broken.add(reason(e));
                continue;
            }
            if (ours(b.getClass())) {
                found.putIfAbsent(b.name(), plain(b));
            }
        }
        String where = jars.isEmpty() ? "on the class path" : "in " + jars.stream().map(Path::toString).collect(Collectors.joining(", "));
        String problems = broken.isEmpty() ? "" : "; could not load: " + String.join("; ", broken);
        if (name == null) {
            if (found.size() == 1) {
                return found.values().iterator().next();
            }
            throw new IllegalArgumentException(found.isEmpty()
                    ? "no bot " + where + " (a jar lists its BotFactory in META-INF/services/io.linegate.webhook.BotFactory)" + problems
                    : "several bots " + where + ": " + String.join(", ", found.keySet()) + "; choose one with --bot");
        }
        Candidate c = found.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no bot named '" + name + "' " + where + " (known: "
                    + (found.isEmpty() ? "none" : String.join(", ", found.keySet())) + ")" + problems);
        }
        return c;
    }

    /** With jars, only their bots count: not linegate's own (the parent loader's). */
    private boolean ours(Class<?> type) {
        return own == null || type.getClassLoader() == own;
    }

    private static boolean next(Iterator<?> it, List<String> broken) {
        for (int failures = 0; failures < 100; failures++) {
            try {
                return it.hasNext();
            } catch (ServiceConfigurationError e) {
                broken.add(reason(e)); // a listed class that is missing or not a bot; the iterator moves past it
            }
        }
        return false;
    }

    private static Candidate factory(BotFactory f) {
        return new Candidate() {
            @Override
            public String className() {
                return f.getClass().getName();
            }

            @Override
            public Bot create(BotEnvironment env) {
                Bot bot;
                try {
                    bot = f.create(env);
                } catch (Exception | LinkageError e) {
                    throw new IllegalArgumentException("the bot '" + f.name() + "' (" + className() + ") could not be built: "
                            + message(e), e);
                }
                if (bot == null) {
                    throw new IllegalArgumentException("the bot factory " + className() + " returned no bot");
                }
                return bot;
            }
        };
    }

    private static Candidate plain(Bot b) {
        return new Candidate() {
            @Override
            public String className() {
                return b.getClass().getName();
            }

            @Override
            public Bot create(BotEnvironment env) {
                return b;
            }
        };
    }

    /** What went wrong loading a listed class, said plainly: the class and the first cause's message. */
    private static String reason(ServiceConfigurationError e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = e.getMessage(); // "io.linegate.webhook.Bot: Provider x.Y could not be instantiated"
        String what = m == null ? "a listed bot" : m.replaceFirst("^[\\w.$]+: ", "");
        return root == e ? what : what + " (" + message(root) + ")";
    }

    private static String message(Throwable t) {
        Throwable shown = t;
        while ((shown.getMessage() == null || shown instanceof InvocationTargetException)
                && shown.getCause() != null) {
            shown = shown.getCause();
        }
        return shown.getClass().getSimpleName() + (shown.getMessage() == null ? "" : ": " + shown.getMessage());
    }

    /** Closes the jars' class loader; call only after the bot is stopped. */
    @Override
    public void close() {
        if (own != null) {
            try {
                own.close();
            } catch (IOException e) {
                // nothing to do: the process is ending
            }
        }
    }
}
