package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mission stickers (shop.yml's one operation) over plain HTTP: given to a friend, refused by name otherwise. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShopApiTest {
    @Test
    void missionStickerV3GivesAFriendTheStickerPackage() {
        try (Emulator e = Emulator.builder().rateLimits(false).build().start()) {
            Http control = new Http(e.baseUrl(), null);
            Http http = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            String friend = control.post("/control/v1/users", "{\"displayName\":\"F\"}").json().path("userId").asText();
            control.post("/control/v1/users/" + friend + "/follow", "");
            String stranger = control.post("/control/v1/users", "{\"displayName\":\"S\"}").json().path("userId").asText();

            Http.Res ok = http.post("/shop/v3/mission", "{\"to\":\"" + friend + "\",\"productId\":\"1234\",\"productType\":\"STICKER\",\"sendPresentMessage\":false}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).isEmpty();
            assertThat(control.get("/control/v1/users/" + friend + "/missionStickers").json().path("productIds").toString()).isEqualTo("[\"1234\"]");

            Http.Res notFriend = http.post("/shop/v3/mission", "{\"to\":\"" + stranger + "\",\"productId\":\"1234\",\"productType\":\"STICKER\",\"sendPresentMessage\":false}");
            assertThat(notFriend.status()).isEqualTo(400);
            assertThat(notFriend.json().path("details").get(0).path("property").asText()).isEqualTo("to");
            assertThat(control.get("/control/v1/users/" + stranger + "/missionStickers").json().path("productIds")).isEmpty();

            Http.Res bad = http.post("/shop/v3/mission", "{\"to\":\"U1\",\"productId\":\"1\",\"productType\":\"THEME\",\"sendPresentMessage\":true}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("details").findValuesAsText("property")).contains("to", "productType", "sendPresentMessage");

            Http.Res missing = http.post("/shop/v3/mission", "{\"to\":\"" + friend + "\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().path("details").findValuesAsText("property")).contains("productId");

            assertThat(new Http(e.baseUrl(), null).post("/shop/v3/mission", "{}").status()).isEqualTo(401);
        }
    }
}
