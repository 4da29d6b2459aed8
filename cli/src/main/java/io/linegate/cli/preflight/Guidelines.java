package io.linegate.cli.preflight;

/**
 * The sections of LY Corporation's "Development guidelines for corporate customers" (and, where the
 * guidelines defer to them, of LINE's documentation) that the checks come from, by their titles.
 */
final class Guidelines {
    static final String RELEASE = "Items to check before releasing the LINE bot";
    static final String WEBHOOK_SETTING = "Webhook ON/OFF setting";
    static final String AUTO_REPLY = "Webhook ON/OFF and auto reply message settings";
    static final String TLS = "HTTPS communication compatible with TLS 1.2 or later";
    static final String TLS_SPEC = "Messaging API docs: SSL/TLS specification of the webhook source";
    static final String SECURITY = "Build an environment that complies with security guidelines";
    static final String SIGNATURE = "Verification of received webhook events";
    static final String PROCESSING = "Processing flow when receiving a webhook request";
    static final String MASS_DELIVERY = "Support for mass and intensive webhook event delivery";
    static final String TOKENS = "Issuing channel access tokens";
    static final String REISSUE = "Reissuing channel access tokens";
    static final String API_LOGS = "Message delivery request";
    static final String RETRY = "Retry message delivery request";
    static final String ID_TOKEN = "Verify the ID token";
    static final String CALLBACK_URLS = "About callback URLs";
    static final String STATE = "state verification";

    private Guidelines() {}
}
