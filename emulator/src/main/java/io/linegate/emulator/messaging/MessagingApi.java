package io.linegate.emulator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Router;
import io.linegate.emulator.login.LoginApi;
import java.util.Map;

/**
 * The stateful operations of {@code messaging-api.yml} (api.line.me and api-data.line.me paths),
 * one class per part of the reference: messages, users, the bot and its chats, webhook settings,
 * group chats, content (the spec's {@code messaging-api-blob} tag), rich menus; and the
 * operations of {@code channel-access-token.yml}, whose token endpoints LINE Login shares.
 */
public final class MessagingApi {
    private final Platform platform;
    private final LoginApi login;

    public MessagingApi(Platform platform, LoginApi login) {
        this.platform = platform;
        this.login = login;
    }

    /** The operations the emulator simulates. */
    public void register(Router r) {
        new OAuthApi(platform.tokens(), login).register(r);
        new MessagesApi(platform).register(r);
        new UsersApi(platform).register(r);
        new BotApi().register(r);
        new WebhookSettingsApi(platform).register(r);
        new GroupChatsApi(platform).register(r);
        new ContentApi(platform).register(r);
        new RichMenuApi().register(r);
        new AudienceApi().register(r);
        new InsightApi(platform).register(r);
        new ShopApi(platform).register(r);
        new ModuleApi(platform).register(r);
    }

    /** File uploads (Manage Audience by file) take larger bodies than LINE's 2 MB: the paths and their limit. */
    public static Map<String, Long> uploadPaths() {
        return Map.of(AudienceApi.BY_FILE, AudienceApi.MAX_FILE_BODY);
    }

    /**
     * Every other operation of {@code spec} (messaging-api.yml), validated, stored and answered in the
     * spec's shape: registered last, after every adapter, so that it never hides one.
     */
    public void registerUnsimulated(Router r, JsonNode spec) {
        new SpecOperations(spec, platform.clock()).register(r);
    }
}
