package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat page's server side over HTTP: its files and their headers, what it reads, its live
 * streams and their bounds, and the control API actions it relies on (group postbacks, members
 * joining and leaving, raw uploads) reaching the bot as LINE sends them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ChatApiTest extends ReceiverFixture {
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Sse> streams = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        streams.forEach(Sse::close);
    }

    JsonNode event() throws Exception {
        return Json.mapper().readTree(receiver.take().content().array()).path("events").get(0);
    }

    @Test
    void thePageAndItsFilesAreServedWithHeadersThatKeepBotContentInert() throws Exception {
        startEmulator(b -> b);
        Http.Res page = control.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("/chat/assets/app.js").doesNotContain("<script>").doesNotContain("http://").doesNotContain("https://");
        String csp = page.header("content-security-policy");
        assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
        assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
        for (String asset : List.of("app.js", "render.js", "flex.js")) {
            Http.Res js = control.get("/chat/assets/" + asset);
            assertThat(js.status()).isEqualTo(200);
            assertThat(js.header("content-type")).matches("(text|application)/javascript.*");
            assertThat(js.header("content-security-policy")).isEqualTo(csp);
            // Bot content is never parsed as markup by the page.
            assertThat(js.body()).doesNotContain("innerHTML").doesNotContain("insertAdjacentHTML").doesNotContain("eval(");
        }
        assertThat(control.get("/chat/assets/chat.css").header("content-type")).startsWith("text/css");
        assertThat(control.get("/chat/assets/nothing.js").status()).isEqualTo(404);
        assertThat(control.get("/nothing").json().path("message").asText()).isEqualTo("Not found");
    }

    @Test
    void theDirectoryListsABoundedNumberOfUsersAndNoSecrets() {
        startEmulator(b -> b);
        control.post("/control/v1/users/bulk", "{\"count\":1000}");
        control.post("/control/v1/users", "{\"displayName\":\"Zoe Findme\"}");
        Http.Res all = control.get("/chat/v1/directory");
        assertThat(all.json().path("users")).hasSize(200);
        assertThat(all.json().path("usersMatching").asLong()).isEqualTo(1001);
        assertThat(all.json().path("usersTotal").asLong()).isEqualTo(1001);
        Http.Res found = control.get("/chat/v1/directory?q=findme");
        assertThat(found.json().path("users")).singleElement()
                .satisfies(u -> assertThat(u.path("displayName").asText()).isEqualTo("Zoe Findme"));
        assertThat(all.body()).doesNotContain(emulator.defaultChannel().channelSecret())
                .doesNotContain(emulator.defaultChannel().accessToken());
    }

    @Test
    void theTranscriptInterleavesBothSidesWithEachDeliveryAndEachCall() throws Exception {
        startEmulator(b -> b);
        String u = friend("Ann");
        control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"hi\"}");
        JsonNode e = event();
        String key = UUID.randomUUID().toString();
        http.post("/v2/bot/message/reply", "{\"replyToken\":\"" + e.path("replyToken").asText()
                + "\",\"messages\":[{\"type\":\"text\",\"text\":\"hello\"}]}");
        http.post("/v2/bot/message/push", "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"pushed\"}]}",
                Map.of("X-Line-Retry-Key", key, "Authorization", "Bearer " + emulator.defaultChannel().accessToken()));
        await().atMost(Duration.ofSeconds(5)).until(() -> transcript(u).get(1).path("delivery").hasNonNull("statusCode"));
        List<JsonNode> items = transcript(u);
        assertThat(items).extracting(i -> i.path("side").asText()).containsExactly("user", "user", "bot", "bot");
        assertThat(items.get(0).path("event").path("type").asText()).isEqualTo("follow");
        JsonNode mine = items.get(1);
        assertThat(mine.path("event").path("message").path("text").asText()).isEqualTo("hi");
        // The event as the webhook carried it, and what became of that webhook.
        assertThat(mine.path("event")).isEqualTo(e);
        assertThat(mine.path("delivery").path("statusCode").asInt()).isEqualTo(200);
        assertThat(mine.path("delivery").path("success").asBoolean()).isTrue();
        assertThat(items.get(2).path("via").asText()).isEqualTo("reply");
        assertThat(items.get(2).path("requestId").asText()).isNotEmpty();
        assertThat(items.get(3).path("via").asText()).isEqualTo("push");
        assertThat(items.get(3).path("retryKey").asText()).isEqualTo(key);
        assertThat(items).extracting(i -> i.path("seq").asLong()).isSorted();
        // After a seq, only what came later.
        assertThat(control.get("/chat/v1/chats/" + u + "/transcript?after=" + items.get(2).path("seq").asLong())
                .json().path("items")).hasSize(1);
        assertThat(control.get("/chat/v1/chats/" + u + "/transcript?after=x").status()).isEqualTo(400);
    }

    @Test
    void aStreamTellsEveryTabOfNewItemsAndOfDeliveryOutcomes() throws Exception {
        startEmulator(b -> b);
        String u = friend("Ben");
        receiver.status = 500;
        Sse a = stream(u, 0);
        Sse b = stream(u, 0);
        control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"one\"}");
        receiver.take();
        for (Sse s : List.of(a, b)) {
            // The item when it happens, then again when its delivery failed. (The follow's own delivery
            // outcome may come on the stream first: it is not the item looked for.)
            JsonNode failed = s.awaitItem(i -> i.path("delivery").path("success").isBoolean()
                    && i.path("event").path("type").asText().equals("message"));
            assertThat(failed.path("event").path("message").path("text").asText()).isEqualTo("one");
            assertThat(failed.path("delivery").path("statusCode").asInt()).isEqualTo(500);
            assertThat(failed.path("delivery").path("reason").asText()).isEqualTo("ERROR_STATUS_CODE");
        }
        http.post("/v2/bot/message/push", "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"two\"}]}");
        for (Sse s : List.of(a, b)) {
            assertThat(s.awaitItem(i -> i.path("side").asText().equals("bot")).path("message").path("text").asText()).isEqualTo("two");
        }
    }

    @Test
    void aStreamFromASeqFirstCatchesUpSoThatNothingFallsBetweenTranscriptAndStream() throws Exception {
        startEmulator(b -> b);
        String u = friend("Cat");
        long follow = transcript(u).get(0).path("seq").asLong();
        http.post("/v2/bot/message/push", "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"missed\"}]}");
        Sse s = stream(u, follow);
        assertThat(s.awaitItem(i -> i.path("side").asText().equals("bot")).path("message").path("text").asText()).isEqualTo("missed");
    }

    @Test
    void streamsAreBoundedAndAFreedSlotIsReused() throws Exception {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.chatStreamLimit = 2;
        startEmulator(b -> b.config(cfg));
        String u = friend("Dan");
        Sse first = stream(u, 0);
        stream(u, 0);
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl()
                + "/chat/v1/chats/" + u + "/events")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(refused.body()).path("message").asText()).contains("chatStreamLimit");
        first.close();
        // A closed tab frees its slot.
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.openChatStreams() == 1);
        stream(u, 0);
        assertThat(control.get("/chat/v1/chats/nobody/events").status()).isEqualTo(400);
    }

    @Test
    void aStreamThatFallsTooFarBehindIsToldToResyncInsteadOfHoldingEverything() throws Exception {
        startEmulator(b -> b);
        String u = friend("Eve");
        Sse s = stream(u, 0);
        // Far more events at once than a stream holds between two writes (2,000), so that it falls behind
        // however fast this machine writes.
        StringBuilder events = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 10_000; i++) {
            events.append(i == 0 ? "" : ",").append("{\"type\":\"postback\",\"postback\":{\"data\":\"").append(i)
                    .append("\"},\"source\":{\"type\":\"user\",\"userId\":\"").append(u).append("\"}}");
        }
        assertThat(control.post("/control/v1/events", events.append("]}").toString()).status()).isEqualTo(200);
        s.awaitEvent("resync");
    }

    @Test
    void aResetTellsTheStreamsTheirConversationIsGone() throws Exception {
        startEmulator(b -> b);
        String u = friend("Fay");
        Sse s = stream(u, 0);
        control.post("/control/v1/reset", "{}");
        s.awaitEvent("reset");
    }

    @Test
    void contentUsersSentIsServedInlineOnlyAsMediaAndNeverSniffed() throws Exception {
        startEmulator(b -> b);
        String u = friend("Gus");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
        String image = upload(u, "image", "image/png", png, "").path("messageId").asText();
        JsonNode imageEvent = event();
        assertThat(imageEvent.path("message").path("type").asText()).isEqualTo("image");
        assertThat(imageEvent.path("message").path("contentProvider").path("type").asText()).isEqualTo("line");
        // The bot downloads it from the real content endpoint.
        Http.Res content = http.get("/v2/bot/message/" + image + "/content");
        assertThat(content.header("content-type")).isEqualTo("image/png");
        assertThat(content.raw().body().getBytes(StandardCharsets.ISO_8859_1).length).isGreaterThan(0);
        Http.Res shown = control.get("/chat/v1/content/" + image);
        assertThat(shown.header("content-type")).isEqualTo("image/png");
        assertThat(shown.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(shown.header("content-security-policy")).startsWith("sandbox");

        // An "image" that is really HTML is never served as HTML from the page's origin.
        String html = upload(u, "image", "text/html", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8), "")
                .path("messageId").asText();
        event();
        Http.Res attachment = control.get("/chat/v1/content/" + html);
        assertThat(attachment.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(attachment.header("content-disposition")).isEqualTo("attachment");

        String file = upload(u, "file", "application/pdf", new byte[] {1, 2, 3}, "&fileName=report.pdf").path("messageId").asText();
        JsonNode fileEvent = event();
        assertThat(fileEvent.path("message").path("fileName").asText()).isEqualTo("report.pdf");
        assertThat(fileEvent.path("message").path("fileSize").asInt()).isEqualTo(3);
        assertThat(file).isEqualTo(fileEvent.path("message").path("id").asText());

        HttpResponse<String> bad = rawPost("/control/v1/users/" + u + "/messages?type=sticker", "image/png", png);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"property\":\"type\"");
        assertThat(rawPost("/control/v1/users/" + u + "/messages?type=image", "image/png", new byte[0]).statusCode()).isEqualTo(400);
    }

    @Test
    void groupMembersJoinLeaveTapPostbacksAndUnsendAsLineSendsIt() throws Exception {
        startEmulator(b -> b);
        String a = friend("Amy");
        String b2 = control.post("/control/v1/users", "{\"displayName\":\"Bob\"}").json().path("userId").asText();
        String c = control.post("/control/v1/users", "{\"displayName\":\"Cid\"}").json().path("userId").asText();
        String g = control.post("/control/v1/groups", "{\"name\":\"Club\",\"members\":[\"" + a + "\",\"" + b2 + "\"]}")
                .json().path("groupId").asText();
        assertThat(event().path("type").asText()).isEqualTo("join");

        assertThat(control.post("/control/v1/groups/" + g + "/members", "{\"userIds\":[\"" + c + "\"]}").status()).isEqualTo(200);
        JsonNode joined = event();
        assertThat(joined.path("type").asText()).isEqualTo("memberJoined");
        assertThat(joined.path("source").path("groupId").asText()).isEqualTo(g);
        assertThat(joined.path("joined").path("members").get(0).path("userId").asText()).isEqualTo(c);
        assertThat(joined.hasNonNull("replyToken")).isTrue();
        Http.Res again = control.post("/control/v1/groups/" + g + "/members", "{\"userIds\":[\"" + c + "\"]}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body()).contains("userIds[0]");

        Http.Res pb = control.post("/control/v1/groups/" + g + "/postback",
                "{\"userId\":\"" + b2 + "\",\"data\":\"vote=yes\",\"displayText\":\"Yes!\",\"params\":{\"date\":\"2025-01-02\"}}");
        assertThat(pb.status()).isEqualTo(200);
        JsonNode postback = event();
        assertThat(postback.path("source").path("type").asText()).isEqualTo("group");
        assertThat(postback.path("source").path("userId").asText()).isEqualTo(b2);
        assertThat(postback.path("postback").path("params").path("date").asText()).isEqualTo("2025-01-02");
        // displayText is what the chat shows; LINE does not send it to the bot.
        assertThat(postback.toString()).doesNotContain("Yes!");
        assertThat(transcript(g).get(transcript(g).size() - 1).path("displayText").asText()).isEqualTo("Yes!");
        assertThat(control.post("/control/v1/groups/" + g + "/postback", "{\"userId\":\"" + b2 + "\",\"data\":\"x\",\"params\":1}")
                .status()).isEqualTo(400);

        String said = control.post("/control/v1/groups/" + g + "/messages", "{\"userId\":\"" + c + "\",\"type\":\"text\",\"text\":\"hi\"}")
                .json().path("messageId").asText();
        event();
        assertThat(control.post("/control/v1/groups/" + g + "/unsend", "{\"userId\":\"" + b2 + "\",\"messageId\":\"" + said + "\"}")
                .status()).isEqualTo(404); // only its sender unsends a message
        control.post("/control/v1/groups/" + g + "/unsend", "{\"userId\":\"" + c + "\",\"messageId\":\"" + said + "\"}");
        JsonNode unsend = event();
        assertThat(unsend.path("unsend").path("messageId").asText()).isEqualTo(said);
        assertThat(unsend.path("source").path("groupId").asText()).isEqualTo(g);

        control.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/groups/" + g + "/members/" + c)).DELETE(), false);
        JsonNode left = event();
        assertThat(left.path("type").asText()).isEqualTo("memberLeft");
        assertThat(left.path("left").path("members").get(0).path("userId").asText()).isEqualTo(c);
        assertThat(left.has("replyToken")).isFalse();

        control.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/groups/" + g + "/bot")).DELETE(), false);
        assertThat(event().path("type").asText()).isEqualTo("leave");
        // With the bot gone, members come and go unheard.
        control.post("/control/v1/groups/" + g + "/members", "{\"userIds\":[\"" + c + "\"]}");
        control.post("/control/v1/groups/" + g + "/bot", "");
        assertThat(event().path("type").asText()).isEqualTo("join");
        assertThat(control.get("/control/v1/groups").json().path("groups").get(0).path("members")).hasSize(3);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    List<JsonNode> transcript(String chatId) {
        List<JsonNode> out = new ArrayList<>();
        control.get("/chat/v1/chats/" + chatId + "/transcript").json().path("items").forEach(out::add);
        return out;
    }

    JsonNode upload(String user, String type, String contentType, byte[] bytes, String query) throws Exception {
        HttpResponse<String> r = rawPost("/control/v1/users/" + user + "/messages?type=" + type + query, contentType, bytes);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    HttpResponse<String> rawPost(String path, String contentType, byte[] bytes) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    Sse stream(String chatId, long after) throws Exception {
        Sse s = new Sse(emulator.baseUrl(), "/chat/v1/chats/" + chatId + "/events" + (after > 0 ? "?after=" + after : ""));
        streams.add(s);
        return s;
    }

    /**
     * A server-sent-events client on a plain socket (HTTP/1.1), so that closing it really closes the
     * connection, as a closed tab does: collects {@code event}/{@code data} pairs.
     */
    static final class Sse {
        record Event(String name, String data) {}

        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final Socket socket;

        Sse(String base, String path) throws Exception {
            URI uri = URI.create(base);
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertThat(status).startsWith("HTTP/1.1 200");
            boolean eventStream = false;
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                eventStream |= h.toLowerCase(Locale.ROOT).startsWith("content-type: text/event-stream");
            }
            assertThat(eventStream).isTrue();
            Thread reader = new Thread(() -> {
                String name = null;
                try {
                    // Chunk-size lines of the chunked encoding are skipped: every event is written whole.
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("event: ")) {
                            name = line.substring(7);
                        } else if (line.startsWith("data: ")) {
                            events.add(new Event(name, line.substring(6)));
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        Event awaitEvent(String name) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                Event e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && name.equals(e.name())) {
                    return e;
                }
            }
            throw new AssertionError("no " + name + " event within 10 s");
        }

        JsonNode awaitItem(Predicate<JsonNode> which) throws InterruptedException, IOException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                Event e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && "items".equals(e.name())) {
                    for (JsonNode i : Json.mapper().readTree(e.data()).path("items")) {
                        if (which.test(i)) {
                            return i;
                        }
                    }
                }
            }
            throw new AssertionError("no such item within 10 s");
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
