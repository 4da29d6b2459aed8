package io.linegate.cli;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
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

    @Parameters(index = "0", paramLabel = "ACTION", description = "status | mute SOURCE | unmute SOURCE | maintenance on|off")
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
                method = HttpMethod.GET;
                path = "/admin/controls";
                break;
            case "mute":
            case "unmute":
                if (arg == null) {
                    throw new IllegalArgumentException(action + " needs a source: a user, group or room id");
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
        WebClient client = WebClient.builder(url)
                .factory(trustSelfSigned ? ClientFactory.insecure() : ClientFactory.ofDefault())
                .responseTimeout(Duration.ofSeconds(10))
                .build();
        AggregatedHttpResponse res;
        try {
            res = client.execute(RequestHeaders.builder(method, path)
                    .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + token).build()).aggregate().join();
        } catch (CompletionException e) {
            throw new IllegalArgumentException(explain(e), e);
        }
        boolean ok = res.status().code() == 200;
        PrintWriter out = ok ? spec.commandLine().getOut() : spec.commandLine().getErr();
        out.println(res.contentUtf8());
        out.flush();
        return ok ? 0 : 1;
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
