package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mission stickers ({@code shop.yml}; partner docs, "Send mission stickers (v3)"): the bot gives a
 * user a sticker package. {@code to} is a user ID, {@code productType} is {@code STICKER} and
 * {@code sendPresentMessage} {@code false}, the only values the reference documents; the user must
 * exist and be a friend (UNCONFIRMED: LINE's status and wording for another user). The control API
 * shows what each user was given ({@code GET /control/v1/users/{id}/missionStickers}). The answer is
 * 200 with an empty body, as the reference says.
 */
final class ShopApi {
    private final Platform platform;

    ShopApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(POST, "/shop/v3/mission").to(this::mission);
    }

    private Reply mission(Call c) {
        JsonNode b = c.jsonObject();
        List<Detail> bad = new ArrayList<>();
        String to = b.path("to").asText("");
        if (!Ids.isUserId(to)) {
            bad.add(new Detail(to.isEmpty() ? "May not be empty" : "Must be a user ID: U followed by 32 lowercase hexadecimal characters", "to"));
        }
        String productId = b.path("productId").asText("");
        if (productId.isEmpty()) {
            bad.add(new Detail("May not be empty", "productId"));
        }
        if (!"STICKER".equals(b.path("productType").asText())) {
            bad.add(new Detail("Must be one of the following values: [STICKER]", "productType"));
        }
        if (!b.path("sendPresentMessage").isBoolean() || b.path("sendPresentMessage").asBoolean()) {
            bad.add(new Detail("Must be false", "sendPresentMessage"));
        }
        if (!bad.isEmpty()) {
            throw ApiException.invalid(bad);
        }
        if (platform.state().users().get(to) == null || !c.channel().isFriend(to)) {
            throw ApiException.invalid(List.of(new Detail("The user is not a friend of the bot", "to")));
        }
        platform.state().missionStickers().computeIfAbsent(to, k -> ConcurrentHashMap.newKeySet()).add(productId);
        return Reply.emptyBody();
    }
}
