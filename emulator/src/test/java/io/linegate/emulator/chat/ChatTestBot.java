package io.linegate.emulator.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A small bot for the chat page's tests, written against the wire (the emulator's tests may not
 * depend on linegate's runtime): it checks the webhook's signature, then answers through the
 * emulator's Messaging API with the message kinds the page must draw and the actions it must send
 * back. Text commands: {@code buttons} (a buttons template with postback, message and datetime
 * picker actions), {@code flex} (a bubble of known layout), {@code quick} (quick replies),
 * {@code evil} (markup as text), {@code coupon} (a type the page does not draw), {@code fail} (the
 * webhook answers 500); anything else is echoed. Postbacks are answered with their data and params.
 */
final class ChatTestBot implements AutoCloseable {
    /** Every event received, in order, as JSON. */
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    /** Webhook requests refused because their signature did not verify. */
    final List<String> badSignatures = new CopyOnWriteArrayList<>();
    private final Server server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService replies = Executors.newSingleThreadExecutor();
    private final String api;
    private final String token;
    private final WebhookSignature signature;

    ChatTestBot(Emulator emulator) throws Exception {
        ChannelInfo ch = emulator.defaultChannel();
        this.api = emulator.baseUrl();
        this.token = ch.accessToken();
        this.signature = WebhookSignature.of(Secret.of(ch.channelSecret(), "channel secret"));
        server = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/webhook", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(agg -> {
                    byte[] body = agg.content().array();
                    if (!signature.verify(body, agg.headers().get(WebhookSignature.HEADER)).isValid()) {
                        badSignatures.add(agg.contentUtf8());
                        return HttpResponse.of(HttpStatus.UNAUTHORIZED);
                    }
                    JsonNode webhook;
                    try {
                        webhook = Json.mapper().readTree(body);
                    } catch (IOException e) {
                        return HttpResponse.of(HttpStatus.BAD_REQUEST);
                    }
                    boolean fail = false;
                    for (JsonNode e : webhook.path("events")) {
                        events.add(e);
                        fail |= "fail".equals(e.path("message").path("text").asText());
                        replies.execute(() -> answer(e));
                    }
                    return HttpResponse.of(fail ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.OK);
                }))).build();
        server.start().join();
        call("PUT", "/v2/bot/channel/webhook/endpoint",
                "{\"endpoint\":\"http://127.0.0.1:" + server.activeLocalPort() + "/webhook\"}");
    }

    /** Events of {@code type} received so far. */
    List<JsonNode> events(String type) {
        return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }

    private void answer(JsonNode e) {
        String token = e.path("replyToken").asText(null);
        if (token == null) {
            return;
        }
        ArrayNode messages = Json.mapper().createArrayNode();
        switch (e.path("type").asText()) {
            case "follow" -> messages.add(text("Welcome! Send buttons, flex or quick."));
            case "postback" -> messages.add(text("postback: " + e.path("postback").path("data").asText()
                    + (e.path("postback").has("params") ? " " + e.path("postback").path("params") : "")));
            case "message" -> messages.add(forMessage(e.path("message")));
            default -> {
                return;
            }
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("replyToken", token);
        body.set("messages", messages);
        call("POST", "/v2/bot/message/reply", body.toString());
    }

    private JsonNode forMessage(JsonNode m) {
        switch (m.path("type").asText()) {
            case "sticker":
                return json("{\"type\":\"sticker\",\"packageId\":\"446\",\"stickerId\":\"1989\"}");
            case "location":
                return text("location: " + m.path("title").asText());
            case "image":
                // Through the real content endpoint, with the channel's token.
                return text("image of " + content(m.path("id").asText()) + " bytes");
            case "text":
                break;
            default:
                return text("a " + m.path("type").asText());
        }
        String t = m.path("text").asText();
        return switch (t) {
            case "buttons" -> json("""
                    {"type":"template","altText":"buttons","template":{"type":"buttons","title":"Menu","text":"Pick one",
                     "actions":[{"type":"postback","label":"Buy","data":"action=buy","displayText":"I'll buy it"},
                                {"type":"message","label":"Say hi","text":"hi there"},
                                {"type":"datetimepicker","label":"When?","data":"action=when","mode":"date",
                                 "initial":"2025-01-15","min":"2025-01-01","max":"2025-12-31"}]}}""");
            case "flex" -> json("""
                    {"type":"flex","altText":"flex","contents":{"type":"bubble","size":"mega",
                     "body":{"type":"box","layout":"vertical","contents":[
                       {"type":"text","text":"Ratios","weight":"bold","size":"xl"},
                       {"type":"box","layout":"horizontal","spacing":"md","margin":"lg","contents":[
                         {"type":"box","layout":"vertical","flex":1,"backgroundColor":"#ff0000","height":"20px","contents":[]},
                         {"type":"box","layout":"vertical","flex":2,"backgroundColor":"#0000ff","height":"20px","contents":[]}]}]},
                     "footer":{"type":"box","layout":"vertical","contents":[
                       {"type":"button","style":"primary","action":{"type":"postback","label":"Order","data":"action=order"}}]}}}""");
            case "quick" -> json("""
                    {"type":"text","text":"Pick a quick reply","quickReply":{"items":[
                      {"type":"action","action":{"type":"message","label":"Yes","text":"yes please"}},
                      {"type":"action","action":{"type":"postback","label":"No","data":"answer=no"}}]}}""");
            case "evil" -> text("<img src=x onerror=\"document.title='pwned'\"><b>bold?</b>");
            case "coupon" -> json("{\"type\":\"coupon\",\"couponId\":\"COUPON123\"}");
            default -> text("echo: " + t);
        };
    }

    private long content(String messageId) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(api + "/v2/bot/message/" + messageId + "/content"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
            var res = http.send(r, BodyHandlers.ofByteArray());
            return res.statusCode() == 200 ? res.body().length : -res.statusCode();
        } catch (Exception ex) {
            return -1;
        }
    }

    /** A push from the bot, as a test scripts it. */
    void push(String to, String messagesJson) {
        call("POST", "/v2/bot/message/push", "{\"to\":\"" + to + "\",\"messages\":" + messagesJson + "}");
    }

    String call(String method, String path, String json) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(api + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(10)).build();
            var res = http.send(r, BodyHandlers.ofString());
            if (res.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " answered " + res.statusCode() + ": " + res.body());
            }
            return res.body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode text(String t) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("type", "text");
        o.put("text", t);
        return o;
    }

    private static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        replies.shutdownNow();
        server.stop(); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
    }
}
