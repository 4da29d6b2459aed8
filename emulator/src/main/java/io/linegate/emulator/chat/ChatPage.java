package io.linegate.emulator.chat;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Router;

/**
 * The chat page, an adapter over the platform like the Messaging API and the control API: its static
 * files, served from the emulator's jar ({@code GET /} and {@code /chat/assets/*}: plain JavaScript
 * modules and CSS, nothing fetched from elsewhere, so the page works offline), what it reads
 * ({@link ChatApi}, through the router) and its live streams ({@link ChatStreams}). Every file is
 * served forbidding framing, sniffing and any script but the page's own: bots' messages are
 * untrusted, and the page renders them as text, never as markup.
 */
public final class ChatPage implements AutoCloseable {
    static final String ASSETS = "/chat/assets/";
    private static final String ROOT = "io/linegate/emulator/chat/";
    /**
     * Scripts, styles and connections: this origin only. Images and media: also what bots send (https
     * URLs) and what the page previews. No framing, no forms, no base URL.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self' https: data: blob:; media-src 'self' https: blob:; object-src 'none';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final Platform platform;
    private final ChatStreams streams;

    /** {@code streamLimit}: streams open at once, beyond which a tab is refused. */
    public ChatPage(Platform platform, int streamLimit) {
        this.platform = platform;
        this.streams = new ChatStreams(platform, streamLimit);
    }

    /** What the page reads, on the emulator's request pipeline. */
    public void register(Router router) {
        new ChatApi(platform).register(router);
    }

    /** The page, its files and its streams, served beside the pipeline. */
    public void serve(ServerBuilder sb) {
        sb.route().get(ChatApi.PREFIX + "/chats/{chatId}/events").build(streams);
        ClassLoader cl = ChatPage.class.getClassLoader();
        HttpService index = HttpFile.builder(cl, ROOT + "index.html")
                .cacheControl(ServerCacheControl.REVALIDATED).build().asService();
        HttpService assets = FileService.builder(cl, ROOT + "assets")
                .cacheControl(ServerCacheControl.REVALIDATED).build();
        sb.route().get("/").build(index.decorate(ChatPage::secured));
        sb.route().get("/index.html").build(index.decorate(ChatPage::secured));
        sb.serviceUnder(ASSETS, assets.decorate(ChatPage::secured));
    }

    /** Streams open now. */
    public int openStreams() {
        return streams.open();
    }

    @Override
    public void close() {
        streams.close();
    }

    private static HttpResponse secured(HttpService delegate,
            ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ctx.addAdditionalResponseHeader(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP);
        ctx.addAdditionalResponseHeader(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        ctx.addAdditionalResponseHeader("x-content-type-options", "nosniff");
        ctx.addAdditionalResponseHeader("referrer-policy", "no-referrer");
        return delegate.serve(ctx, req);
    }
}
