package io.linegate.cli.preflight;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** The bot server accepts connections where the webhook URL points. */
final class BotReachable extends Check {
    BotReachable() {
        super(Gates.BOT, "bot server reachable", Guidelines.RELEASE);
    }

    @Override
    public CheckResult run(Deployment d) {
        InetSocketAddress address = new InetSocketAddress(d.host(), d.port());
        if (address.isUnresolved()) {
            return fail("unknown host " + d.host());
        }
        try (Socket s = new Socket()) {
            s.connect(address, (int) d.timeout().toMillis());
            return pass("connected to " + d.host() + ":" + d.port() + " (" + address.getAddress().getHostAddress() + ")");
        } catch (IOException e) {
            return fail("cannot connect to " + d.host() + ":" + d.port() + ": " + Http.describe(e, d.timeout()));
        }
    }
}
