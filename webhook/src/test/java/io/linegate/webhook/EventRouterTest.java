package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.LinkContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every routing form of {@link EventRouter}, on events parsed by the official SDK as the dispatcher parses them. */
class EventRouterTest {
    static final ObjectMapper SDK = ModelObjectMapper.createNewObjectMapper();
    static final String SOURCE = "\"source\":{\"type\":\"user\",\"userId\":\"U00000000000000000000000000000001\"}";
    static final String GROUP = "\"source\":{\"type\":\"group\",\"groupId\":\"C1\",\"userId\":\"U00000000000000000000000000000001\"}";
    static final String COMMON = ",\"timestamp\":1,\"mode\":\"active\",\"webhookEventId\":\"01J0\","
            + "\"deliveryContext\":{\"isRedelivery\":false}";

    final List<String> ran = new ArrayList<>();
    final List<Message> replied = new ArrayList<>();

    /** A context that gives the event and records replies; nothing else is needed by routing. */
    EventContext context(String eventJson) throws Exception {
        Event event = SDK.readValue(eventJson, Event.class);
        return (EventContext) Proxy.newProxyInstance(EventContext.class.getClassLoader(), new Class<?>[] {EventContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "event" -> event;
                    case "rawJson" -> eventJson;
                    case "reply" -> {
                        Object a = args[0];
                        if (a instanceof List<?> l) {
                            l.forEach(m -> replied.add((Message) m));
                        } else {
                            for (Object m : (Object[]) a) {
                                replied.add((Message) m);
                            }
                        }
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static String text(String text) {
        return "{\"type\":\"message\",\"replyToken\":\"r\",\"message\":{\"type\":\"text\",\"id\":\"1\",\"quoteToken\":\"q\","
                + "\"text\":" + quote(text) + "}," + SOURCE + COMMON + "}";
    }

    static String postback(String data) {
        return "{\"type\":\"postback\",\"replyToken\":\"r\",\"postback\":{\"data\":" + quote(data) + "}," + SOURCE + COMMON + "}";
    }

    static String quote(String s) {
        try {
            return SDK.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void handle(EventHandler router, String eventJson) throws Exception {
        router.handle(context(eventJson));
    }

    @Test
    void theFirstMatchingRouteWinsInRegistrationOrder() throws Exception {
        EventRouter router = EventRouter.builder()
                .onText("help", (ctx, t) -> ran.add("help"))
                .onText(Pattern.compile("^weather"), (ctx, m) -> ran.add("weather"))
                .onMessage(TextMessageContent.class, (ctx, t) -> ran.add("any text: " + t.text()))
                .onText("never", (ctx, t) -> ran.add("registered after 'any text', so never reached"))
                .fallback(ctx -> ran.add("fallback"))
                .build();
        handle(router, text("help"));
        handle(router, text("weather Tokyo"));
        handle(router, text("never"));
        assertThat(ran).containsExactly("help", "weather", "any text: never");
    }

    @Test
    void aHigherPriorityIsTriedFirstWhateverTheRegistrationOrder() throws Exception {
        EventRouter router = EventRouter.builder()
                .onMessage(TextMessageContent.class, (ctx, t) -> ran.add("general"))
                .route(10, EventMatcher.text("stop"), (ctx, t) -> ran.add("priority 10"))
                .route(5, EventMatcher.text("stop"), (ctx, t) -> ran.add("priority 5"))
                .build();
        handle(router, text("stop"));
        handle(router, text("go"));
        assertThat(ran).containsExactly("priority 10", "general");
    }

    @Test
    void anExactWordMatchesTheWholeTextCaseSensitivelyIgnoringSurroundingWhiteSpace() throws Exception {
        EventRouter router = EventRouter.builder()
                .onText("help", (ctx, t) -> ran.add("help:" + t.text()))
                .fallback(ctx -> ran.add("fallback"))
                .build();
        handle(router, text("  help\n"));
        handle(router, text("Help"));
        handle(router, text("help me"));
        assertThat(ran).containsExactly("help:  help\n", "fallback", "fallback");
    }

    @Test
    void aRegularExpressionGivesTheRouteItsMatchAndGroups() throws Exception {
        EventRouter router = EventRouter.builder()
                .onText(Pattern.compile("^weather (?<city>\\w+)( tomorrow)?$", Pattern.CASE_INSENSITIVE),
                        (ctx, m) -> ran.add(m.group("city") + "|" + m.group(2) + "|" + m.text()))
                .fallback(ctx -> ran.add("fallback"))
                .build();
        handle(router, text("Weather Tokyo tomorrow"));
        handle(router, text("weather Osaka"));
        handle(router, text("the weather Osaka"));
        assertThat(ran).containsExactly("Tokyo| tomorrow|Weather Tokyo tomorrow", "Osaka|null|weather Osaka", "fallback");
    }

    @Test
    void postbacksRouteByDataPrefix() throws Exception {
        EventRouter router = EventRouter.builder()
                .onPostback("menu:", (ctx, p) -> ran.add("menu " + p.postback().data()))
                .fallback(ctx -> ran.add("fallback"))
                .build();
        handle(router, postback("menu:settings"));
        handle(router, postback("other"));
        assertThat(ran).containsExactly("menu menu:settings", "fallback");
    }

    @Test
    void postbacksRouteByParsedQueryParameters() throws Exception {
        Map<String, String> buyAnyItem = new HashMap<>();
        buyAnyItem.put("action", "buy");
        buyAnyItem.put("item", null); // present, any value
        EventRouter router = EventRouter.builder()
                .onPostback(buyAnyItem, (ctx, p) -> ran.add("buy " + p.param("item") + " x" + p.param("qty")))
                .onPostback(Map.of("action", "cancel"), (ctx, p) -> ran.add("cancel " + p.params()))
                .fallback(ctx -> ran.add("fallback " + ((com.linecorp.bot.webhook.model.PostbackEvent) ctx.event()).postback().data()))
                .build();
        handle(router, postback("action=buy&item=green%20tea&qty=2"));
        handle(router, postback("item=7&action=cancel"));
        handle(router, postback("action=buy")); // no item
        handle(router, postback("action=buy&item=%zz&x")); // item cannot be decoded: not a parameter
        handle(router, postback("action=buyx&item=1"));
        assertThat(ran).containsExactly("buy green tea x2", "cancel {item=7, action=cancel}", "fallback action=buy",
                "fallback action=buy&item=%zz&x", "fallback action=buyx&item=1");
    }

    @Test
    void followUnfollowJoinLeaveAndMemberEventsHaveTheirRoutes() throws Exception {
        EventRouter router = EventRouter.builder()
                .onFollow((ctx, f) -> ran.add("follow unblocked=" + f.follow().isUnblocked()))
                .onUnfollow((ctx, u) -> ran.add("unfollow"))
                .onJoin((ctx, j) -> ran.add("join"))
                .onLeave((ctx, l) -> ran.add("leave"))
                .onMemberJoined((ctx, m) -> ran.add("joined " + m.joined().members().size()))
                .onMemberLeft((ctx, m) -> ran.add("left " + m.left().members().size()))
                .build();
        handle(router, "{\"type\":\"follow\",\"replyToken\":\"r\",\"follow\":{\"isUnblocked\":true}," + SOURCE + COMMON + "}");
        handle(router, "{\"type\":\"unfollow\"," + SOURCE + COMMON + "}");
        handle(router, "{\"type\":\"join\",\"replyToken\":\"r\"," + GROUP + COMMON + "}");
        handle(router, "{\"type\":\"leave\"," + GROUP + COMMON + "}");
        String members = "{\"members\":[{\"type\":\"user\",\"userId\":\"U1\"},{\"type\":\"user\",\"userId\":\"U2\"}]}";
        handle(router, "{\"type\":\"memberJoined\",\"replyToken\":\"r\",\"joined\":" + members + "," + GROUP + COMMON + "}");
        handle(router, "{\"type\":\"memberLeft\",\"left\":" + members + "," + GROUP + COMMON + "}");
        assertThat(ran).containsExactly("follow unblocked=true", "unfollow", "join", "leave", "joined 2", "left 2");
    }

    @Test
    void accountLinkResultsRouteSeparately() throws Exception {
        EventRouter router = EventRouter.builder()
                .onAccountLink(LinkContent.Result.OK, (ctx, a) -> ran.add("ok " + a.link().nonce()))
                .onAccountLink(LinkContent.Result.FAILED, (ctx, a) -> ran.add("failed " + a.link().nonce()))
                .onAccountLink((ctx, a) -> ran.add("other"))
                .build();
        handle(router, "{\"type\":\"accountLink\",\"replyToken\":\"r\",\"link\":{\"result\":\"ok\",\"nonce\":\"n1\"}," + SOURCE + COMMON + "}");
        handle(router, "{\"type\":\"accountLink\",\"link\":{\"result\":\"failed\",\"nonce\":\"n2\"}" + COMMON + "}");
        assertThat(ran).containsExactly("ok n1", "failed n2");
    }

    @Test
    void typeRoutesMatchSubtypesAndMessageContent() throws Exception {
        EventRouter router = EventRouter.builder()
                .onMessage(StickerMessageContent.class, (ctx, s) -> ran.add("sticker " + s.packageId()))
                .on(MessageEvent.class, (ctx, m) -> ran.add("some message"))
                .on(Event.class, (ctx, e) -> ran.add("any event"))
                .build();
        handle(router, "{\"type\":\"message\",\"replyToken\":\"r\",\"message\":{\"type\":\"sticker\",\"id\":\"1\",\"quoteToken\":\"q\","
                + "\"packageId\":\"446\",\"stickerId\":\"1988\",\"stickerResourceType\":\"STATIC\"}," + SOURCE + COMMON + "}");
        handle(router, text("hi"));
        handle(router, "{\"type\":\"follow\",\"replyToken\":\"r\",\"follow\":{\"isUnblocked\":false}," + SOURCE + COMMON + "}");
        assertThat(ran).containsExactly("sticker 446", "some message", "any event");
    }

    @Test
    void unknownTypesAndUnmatchedEventsReachTheFallback() throws Exception {
        EventRouter router = EventRouter.builder()
                .on(FollowEvent.class, (ctx, f) -> ran.add("follow"))
                .onMessage(TextMessageContent.class, (ctx, t) -> ran.add("text"))
                .fallback(ctx -> ran.add("fallback " + ctx.event().getClass().getSimpleName()))
                .build();
        handle(router, "{\"type\":\"hologram\",\"hologram\":{\"depth\":3}," + SOURCE + COMMON + "}");
        handle(router, text("x").replace("\"type\":\"text\"", "\"type\":\"smell\""));
        handle(router, "{\"type\":\"unfollow\"," + SOURCE + COMMON + "}");
        assertThat(ran).containsExactly("fallback UnknownEvent", "fallback MessageEvent", "fallback UnfollowEvent");
    }

    @Test
    void aRespondingRouteRepliesWithWhatItReturnsAndNothingForNothing() throws Exception {
        EventRouter router = EventRouter.builder()
                .onText("ping", EventRouter.replying((ctx, t) -> List.of(new TextMessage("pong"))))
                .onText("quiet", EventRouter.replying((ctx, t) -> List.of()))
                .onText("null", EventRouter.replying((ctx, t) -> null))
                .build();
        handle(router, text("ping"));
        handle(router, text("quiet"));
        handle(router, text("null"));
        assertThat(replied).extracting(m -> ((TextMessage) m).text()).containsExactly("pong");
    }

    @Test
    void routesAndMatchersAreRequired() {
        assertThatThrownBy(() -> EventRouter.builder().route(null, (ctx, v) -> { })).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("matcher");
        assertThatThrownBy(() -> EventRouter.builder().onText("x", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("route");
    }
}
