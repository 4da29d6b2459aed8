package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.emulator.domain.ApiException.Detail;
import java.time.Instant;
import java.util.List;

/**
 * What the platform does when a user confirms {@code access.line.me/dialog/bot/accountLink} (Messaging API
 * docs, "Link user accounts"). One implementation for the control API (tests that play the user) and the dialog page (browsers).
 */
public final class AccountLink {
    private AccountLink() {}

    /**
     * The token's own user gets an {@code ok} event with a reply token; anyone else a {@code failed}
     * event without source or reply token; an unknown, expired or used token gives no webhook at all
     * (a 400 here, an error screen in the dialog). The token is used up in every case.
     */
    public static ObjectNode link(Platform platform, Channel ch, String userId, String linkToken, String nonce, Instant now) {
        if (nonce == null || nonce.length() < 10 || nonce.length() > 255) {
            throw ApiException.invalid(List.of(new Detail("Length must be between 10 and 255", "nonce")));
        }
        LinkToken link = linkToken == null ? null : ch.linkTokens().remove(linkToken);
        if (link == null || !now.isBefore(link.expiresAt())) {
            throw ApiException.badRequest("The link token is invalid, expired or already used");
        }
        boolean ok = link.userId().equals(userId);
        ObjectNode e = platform.event("accountLink", ok ? Platform.userSource(userId) : null);
        ObjectNode l = e.putObject("link");
        l.put("result", ok ? "ok" : "failed");
        l.put("nonce", nonce);
        platform.emit(ch, List.of(e));
        return e;
    }

    /** The channel that issued {@code linkToken}, or null: the dialog's URL names no channel. */
    public static Channel issuer(Platform platform, String linkToken) {
        if (linkToken == null) {
            return null;
        }
        for (Channel ch : platform.state().channels()) {
            if (ch.linkTokens().containsKey(linkToken)) {
                return ch;
            }
        }
        return null;
    }
}
