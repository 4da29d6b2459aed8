package io.linegate.cli;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.webhook.ConversationKey;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code linegate admin}: flip a running server's switches through its admin API. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator switches of a running server (token in LINEGATE_ADMIN_TOKEN).")
final class AdminCommand implements Callable<Integer> {
    @ParentCommand
    Linegate linegate;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", defaultValue = "https://127.0.0.1:8444",
            description = "The server's admin listener (serve --admin-port; default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--trust-self-signed",
            description = "Accept any certificate (a --dev-tls server's self-signed one); development only.")
    boolean trustSelfSigned;

    @Option(names = "--json", description = "status: the server's report as one JSON document instead of a table.")
    boolean json;

    @Parameters(index = "0", paramLabel = "ACTION", description = "status [--json] | mute SOURCE | unmute SOURCE | maintenance on|off")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARG", description = "A user/group/room id, or on/off.")
    String arg;

    @Override
    public Integer call() {
        String token = linegate.env.get("LINEGATE_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("set LINEGATE_ADMIN_TOKEN to the server's admin token");
        }
        HttpMethod method;
        String path;
        switch (action) {
            case "status":
                return status(token);
            case "mute":
            case "unmute":
                if (arg == null) {
                    throw new IllegalArgumentException(action + " needs a source: a user, group or room id");
                }
                if (ConversationKey.ofOperatorInput(arg).isEmpty()) {
                    throw new IllegalArgumentException("'" + arg + "' is no LINE user, group or room id: U, C or R"
                            + " followed by 32 hexadecimal digits (or user:, group:, room: and the id)");
                }
                method = action.equals("mute") ? HttpMethod.PUT : HttpMethod.DELETE;
                path = "/admin/mute/" + arg;
                break;
            case "maintenance":
                if (!"on".equals(arg) && !"off".equals(arg)) {
                    throw new IllegalArgumentException("maintenance needs on or off");
                }
                method = HttpMethod.PUT;
                path = "/admin/maintenance/" + arg;
                break;
            default:
                throw new IllegalArgumentException("unknown action '" + action + "': status, mute, unmute or maintenance");
        }
        AggregatedHttpResponse res = call(token, method, path);
        if (res.status().code() != 200) {
            return refused(res);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(res.contentUtf8());
        out.flush();
        return 0;
    }

    /** The server's report ({@code /admin/status}) and its switches ({@code /admin/controls}), as a table or as JSON. */
    private int status(String token) {
        AggregatedHttpResponse report = call(token, HttpMethod.GET, "/admin/status");
        if (report.status().code() != 200) {
            return refused(report);
        }
        AggregatedHttpResponse controls = call(token, HttpMethod.GET, "/admin/controls");
        if (controls.status().code() != 200) {
            return refused(controls);
        }
        ObjectNode all;
        try {
            all = (ObjectNode) Json.mapper().readTree(report.contentUtf8());
            JsonNode switches = Json.mapper().readTree(controls.contentUtf8());
            all.set("maintenance", switches.path("maintenance"));
            all.set("muted", switches.path("muted"));
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException(url + " answered something that is not linegate's admin status: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(json ? Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all) : StatusTable.of(all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
        return 0;
    }

    /** A refusal by the server, said in the command's terms: a token that does not match names where each side reads it. */
    private int refused(AggregatedHttpResponse res) {
        PrintWriter err = spec.commandLine().getErr();
        String message;
        try {
            message = Json.mapper().readTree(res.contentUtf8()).path("message").asText(res.contentUtf8());
        } catch (IOException e) {
            message = res.contentUtf8();
        }
        if (res.status().code() == 401) {
            err.println(spec.qualifiedName() + ": the admin token does not match: LINEGATE_ADMIN_TOKEN here is not the token the"
                    + " server at " + url + " was started with (its LINEGATE_ADMIN_TOKEN or adminToken)");
        } else {
            err.println(spec.qualifiedName() + ": the server answered " + res.status().code() + ": " + message);
        }
        err.flush();
        return 1;
    }

    private AggregatedHttpResponse call(String token, HttpMethod method, String path) {
        WebClient client = WebClient.builder(url)
                .factory(trustSelfSigned ? ClientFactory.insecure() : ClientFactory.ofDefault())
                .responseTimeout(Duration.ofSeconds(10))
                .build();
        try {
            return client.execute(RequestHeaders.builder(method, path)
                    .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + token).build()).aggregate().join();
        } catch (CompletionException e) {
            throw new IllegalArgumentException(explain(e), e);
        }
    }

    /** What went wrong reaching the server, with the option that fixes the usual causes. */
    private String explain(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "the TLS handshake with " + url + " failed (" + t.getMessage() + "). If the server runs with"
                        + " --dev-tls (a self-signed certificate), pass --trust-self-signed; otherwise check that"
                        + " the server's certificate is valid for this host and trusted by this JVM";
            }
            if (t instanceof ConnectException) {
                return "nothing answers at " + url + " (" + t.getMessage() + "): the admin API is on the server's"
                        + " admin listener (serve --admin-port, 8444 by default, on 127.0.0.1), not on the webhook's port";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "cannot reach " + url + ": " + root;
    }
}
