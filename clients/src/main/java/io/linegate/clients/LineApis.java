package io.linegate.clients;

import com.linecorp.bot.client.base.ApiAuthenticatedClientBuilder;
import com.linecorp.bot.client.base.ApiClientBuilder;
import com.linecorp.bot.client.base.ExceptionBuilder;
import io.linegate.clients.channelaccesstoken.ChannelAccessTokenApi;
import io.linegate.clients.insight.InsightApi;
import io.linegate.clients.liff.LiffApi;
import io.linegate.clients.manageaudience.ManageAudienceApi;
import io.linegate.clients.manageaudience.ManageAudienceBlobApi;
import io.linegate.clients.module.LineModuleApi;
import io.linegate.clients.moduleattach.LineModuleAttachApi;
import io.linegate.clients.shop.ShopApi;
import io.linegate.messaging.LineApiException;
import io.linegate.messaging.MessageSender;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Response;

/**
 * Typed clients of LINE's APIs beside the Messaging API's sends (Insight, Manage Audience and its
 * content API, LIFF, Module, Module Attach, Shop, channel access token), generated from LINE's OpenAPI
 * files, sent the way a {@link MessageSender} sends: its channel access token (a managed one is renewed),
 * its timeouts, LINE's rate limits waited for on the client side, and every request in the API request
 * log. Each API is built once, on first use.
 *
 * <pre>{@code
 * LineApis apis = LineApis.of(sender);
 * long followers = LineApis.call(apis.insight().getNumberOfFollowers("20250101")).getFollowers();
 * }</pre>
 *
 * The Module and Module Attach APIs are a module channel's (build them on that channel's sender), the
 * LIFF server API a LINE Login channel's (its channel access token).
 */
public final class LineApis {
    private final MessageSender sender;
    private final URI apiBase;
    private final URI dataApiBase;
    private final URI managerBase;
    /** An error status as the {@link LineApiException} of that status, with LINE's message and request id. */
    private static final ExceptionBuilder ERRORS = response -> {
        String message;
        try (ResponseBody body = response.body()) {
            message = body == null ? "" : body.string();
        }
        return new Failed(LineApiException.of(response.code(), response.header("x-line-request-id"), bounded(message)));
    };

    /** How an error status leaves the SDK's client (its error builder makes IOExceptions); {@link #call} unwraps it. */
    private static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;

        Failed(LineApiException cause) {
            super(cause.getMessage(), cause);
        }

        LineApiException error() {
            return (LineApiException) getCause();
        }
    }
    private volatile InsightApi insight;
    private volatile ManageAudienceApi manageAudience;
    private volatile ManageAudienceBlobApi manageAudienceBlob;
    private volatile LiffApi liff;
    private volatile LineModuleApi module;
    private volatile LineModuleAttachApi moduleAttach;
    private volatile ShopApi shop;
    private volatile ChannelAccessTokenApi channelAccessToken;

    private LineApis(MessageSender sender) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.apiBase = sender.apiBase();
        this.dataApiBase = sender.dataApiBase();
        this.managerBase = managerBase(apiBase);
    }

    /** The APIs on {@code sender}'s channel, token and sending stack. */
    public static LineApis of(MessageSender sender) {
        return new LineApis(sender);
    }

    /**
     * Module Attach's base: {@code https://manager.line.biz} beside LINE's {@code https://api.line.me};
     * anything else (the emulator) serves it on the same base.
     */
    static URI managerBase(URI apiBase) {
        return "api.line.me".equalsIgnoreCase(apiBase.getHost()) ? URI.create("https://manager.line.biz/") : apiBase;
    }

    public InsightApi insight() {
        InsightApi a = insight;
        return a != null ? a : (insight = authenticated(InsightApi.class, apiBase));
    }

    public ManageAudienceApi manageAudience() {
        ManageAudienceApi a = manageAudience;
        return a != null ? a : (manageAudience = authenticated(ManageAudienceApi.class, apiBase));
    }

    /** Audiences from uploaded files: on the content API's base. */
    public ManageAudienceBlobApi manageAudienceBlob() {
        ManageAudienceBlobApi a = manageAudienceBlob;
        return a != null ? a : (manageAudienceBlob = authenticated(ManageAudienceBlobApi.class, dataApiBase));
    }

    public LiffApi liff() {
        LiffApi a = liff;
        return a != null ? a : (liff = authenticated(LiffApi.class, apiBase));
    }

    public LineModuleApi module() {
        LineModuleApi a = module;
        return a != null ? a : (module = authenticated(LineModuleApi.class, apiBase));
    }

    public LineModuleAttachApi moduleAttach() {
        LineModuleAttachApi a = moduleAttach;
        return a != null ? a : (moduleAttach = authenticated(LineModuleAttachApi.class, managerBase));
    }

    public ShopApi shop() {
        ShopApi a = shop;
        return a != null ? a : (shop = authenticated(ShopApi.class, apiBase));
    }

    /** Issuing, verifying and revoking tokens: its requests carry the channel's credentials, not a bearer token. */
    public ChannelAccessTokenApi channelAccessToken() {
        ChannelAccessTokenApi a = channelAccessToken;
        return a != null ? a : (channelAccessToken = sender.configure(
                new ApiClientBuilder<>(apiBase, ChannelAccessTokenApi.class, ERRORS)).build());
    }

    private <T> T authenticated(Class<T> api, URI base) {
        return sender.configure(new ApiAuthenticatedClientBuilder<>(base, api, ERRORS,
                sender.channelTokenSupplier())).build();
    }

    /**
     * Makes {@code call} and gives its body (null for an answer without one); an error status is thrown
     * as the {@link LineApiException} of that status, with LINE's message and request id.
     */
    public static <T> T call(Call<T> call) throws LineApiException, IOException {
        Response<T> r;
        try {
            r = call.execute();
        } catch (Failed e) {
            throw e.error();
        }
        if (!r.isSuccessful()) { // the client's error interceptor throws first; kept for a client built otherwise
            String message;
            try (ResponseBody body = r.errorBody()) {
                message = body == null ? "" : body.string();
            }
            throw LineApiException.of(r.code(), r.headers().get("x-line-request-id"), bounded(message));
        }
        return r.body();
    }

    private static String bounded(String message) {
        return message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
    }

    @Override
    public String toString() {
        return "LineApis[" + apiBase + "]";
    }
}
