package io.linegate.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code linegate admin}: flip a running server's switches through its admin API. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator switches of a running server (token in LINEGATE_ADMIN_TOKEN).")
final class AdminCommand implements Callable<Integer> {
    @ParentCommand
    Linegate linegate;

    @Option(names = "--url", defaultValue = "https://127.0.0.1:8443", description = "Server base URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--trust-self-signed", description = "Accept the server's self-signed certificate (--dev-tls servers).")
    boolean trustSelfSigned;

    @Parameters(index = "0", paramLabel = "ACTION", description = "status | mute SOURCE | unmute SOURCE | maintenance on|off")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARG", description = "A user/group/room id, or on/off.")
    String arg;

    @Override
    public Integer call() throws Exception {
        String token = linegate.env.get("LINEGATE_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("set LINEGATE_ADMIN_TOKEN to the server's admin token");
            return 2;
        }
        HttpRequest.Builder req;
        switch (action) {
            case "status":
                req = HttpRequest.newBuilder(url.resolve("/admin/controls")).GET();
                break;
            case "mute":
            case "unmute":
                if (arg == null) {
                    System.err.println(action + " needs a source: a user, group or room id");
                    return 2;
                }
                req = HttpRequest.newBuilder(url.resolve("/admin/mute/" + arg));
                req = action.equals("mute") ? req.PUT(HttpRequest.BodyPublishers.noBody()) : req.DELETE();
                break;
            case "maintenance":
                if (!"on".equals(arg) && !"off".equals(arg)) {
                    System.err.println("maintenance needs on or off");
                    return 2;
                }
                req = HttpRequest.newBuilder(url.resolve("/admin/maintenance/" + arg)).PUT(HttpRequest.BodyPublishers.noBody());
                break;
            default:
                System.err.println("unknown action '" + action + "': status, mute, unmute or maintenance");
                return 2;
        }
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (trustSelfSigned) {
            client.sslContext(trustAll());
        }
        HttpResponse<String> res = client.build().send(req.header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        (res.statusCode() == 200 ? System.out : System.err).println(res.body());
        return res.statusCode() == 200 ? 0 : 1;
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        return ctx;
    }
}
