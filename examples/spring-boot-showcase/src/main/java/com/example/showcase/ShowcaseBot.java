package com.example.showcase;

import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Action;
import com.linecorp.bot.messaging.model.AudioMessage;
import com.linecorp.bot.messaging.model.ButtonsTemplate;
import com.linecorp.bot.messaging.model.CarouselColumn;
import com.linecorp.bot.messaging.model.CarouselTemplate;
import com.linecorp.bot.messaging.model.ConfirmTemplate;
import com.linecorp.bot.messaging.model.FlexBox;
import com.linecorp.bot.messaging.model.FlexBubble;
import com.linecorp.bot.messaging.model.FlexMessage;
import com.linecorp.bot.messaging.model.FlexText;
import com.linecorp.bot.messaging.model.ImageMessage;
import com.linecorp.bot.messaging.model.ImagemapArea;
import com.linecorp.bot.messaging.model.ImagemapBaseSize;
import com.linecorp.bot.messaging.model.ImagemapMessage;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.MessageAction;
import com.linecorp.bot.messaging.model.MessageImagemapAction;
import com.linecorp.bot.messaging.model.PostbackAction;
import com.linecorp.bot.messaging.model.QuickReply;
import com.linecorp.bot.messaging.model.QuickReplyItem;
import com.linecorp.bot.messaging.model.TemplateMessage;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.GroupSource;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.PostbackEvent;
import com.linecorp.bot.webhook.model.RoomSource;
import com.linecorp.bot.webhook.model.Source;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.spring.EventMapping;
import io.linegate.spring.LineMessageHandler;
import java.util.List;

/**
 * The default channel's bot. Each text command shows one kind of message or one API: {@code image},
 * {@code audio}, {@code imagemap}, {@code buttons}, {@code carousel}, {@code confirm}, {@code flex},
 * {@code menu} (quick replies), {@code profile}, {@code members} (in a group or room) and {@code bye}
 * (leaves the group or room). Replies are returned: linegate sends them with the event's reply token,
 * once, even if the method runs again after a failure.
 */
@LineMessageHandler(channels = "default")
public class ShowcaseBot {
    private final MessagingApiClient api;
    private final PublicUrls urls;

    public ShowcaseBot(MessagingApiClient api, PublicUrls urls) {
        this.api = api;
        this.urls = urls;
    }

    @EventMapping
    public List<Message> text(MessageEvent event, TextMessageContent content) throws Exception {
        Source source = event.source();
        return switch (content.text().trim().toLowerCase()) {
            case "image" -> List.of(new ImageMessage(urls.of("/images/lantern.png"), urls.of("/images/lantern.png")));
            case "audio" -> List.of(new AudioMessage(urls.of("/audio/chime.m4a"), 2_000L));
            case "imagemap" -> List.of(new ImagemapMessage.Builder(urls.of("/imagemap"), "A lantern map",
                    new ImagemapBaseSize(1040, 1040), List.of(
                            new MessageImagemapAction.Builder(new ImagemapArea(0, 0, 520, 1040), "left half").build(),
                            new MessageImagemapAction.Builder(new ImagemapArea(520, 0, 520, 1040), "right half").build()))
                    .build());
            case "buttons" -> List.of(new TemplateMessage("Order a lantern", new ButtonsTemplate.Builder("Which colour?",
                    List.of(postback("Orange", "colour=orange"), postback("Blue", "colour=blue")))
                    .thumbnailImageUrl(urls.of("/images/lantern.png")).title("Lanterns").build()));
            case "carousel" -> List.of(new TemplateMessage("Our lanterns", new CarouselTemplate(List.of(
                    column("Paper", "Light and warm", "paper"), column("Silk", "For the garden", "silk")), null, null)));
            case "confirm" -> List.of(new TemplateMessage("Confirm the order", new ConfirmTemplate.Builder("Order it?",
                    List.of(say("Yes", "yes, order it"), say("No", "no, thanks"))).build()));
            case "flex" -> List.of(new FlexMessage("A receipt", new FlexBubble.Builder()
                    .body(new FlexBox.Builder(FlexBox.Layout.VERTICAL, List.of(
                            new FlexText.Builder().text("Receipt").weight(FlexText.Weight.BOLD).size("xl").build(),
                            new FlexText.Builder().text("1 paper lantern").build(),
                            new FlexText.Builder().text("Total: 1,200 JPY").build())).build())
                    .build()));
            case "menu" -> List.of(new TextMessage.Builder("What would you like to see?").quickReply(new QuickReply(List.of(
                    new QuickReplyItem(say("An image", "image")), new QuickReplyItem(say("A receipt", "flex")),
                    new QuickReplyItem(say("My profile", "profile"))))).build());
            case "profile" -> List.of(new TextMessage(profile(event)));
            case "members" -> List.of(new TextMessage(members(source)));
            case "bye" -> leave(source);
            default -> List.of(new TextMessage("Try: image, audio, imagemap, buttons, carousel, confirm, flex, menu,"
                    + " profile, members, bye"));
        };
    }

    @EventMapping
    public Message postback(PostbackEvent event) {
        return new TextMessage("You chose " + event.postback().data());
    }

    private String profile(MessageEvent event) throws Exception {
        String userId = event.source().userId();
        if (userId == null) {
            return "I cannot see who you are here.";
        }
        String name = event.source() instanceof GroupSource g
                ? api.getGroupMemberProfile(g.groupId(), userId).get().body().displayName()
                : api.getProfile(userId).get().body().displayName();
        return "You are " + name + ".";
    }

    private String members(Source source) throws Exception {
        if (source instanceof GroupSource g) {
            var summary = api.getGroupSummary(g.groupId()).get().body();
            long count = api.getGroupMemberCount(g.groupId()).get().body().count();
            return summary.groupName() + " has " + count + " members.";
        }
        if (source instanceof RoomSource r) {
            return "This room has " + api.getRoomMemberCount(r.roomId()).get().body().count() + " members.";
        }
        return "Only in a group or a room.";
    }

    /** Says goodbye, then leaves: the goodbye is pushed, as the reply token dies with the membership. */
    private List<Message> leave(Source source) throws Exception {
        if (source instanceof GroupSource g) {
            api.leaveGroup(g.groupId()).get();
            return null; // nothing to say: the bot is gone
        }
        if (source instanceof RoomSource r) {
            api.leaveRoom(r.roomId()).get();
            return null; // nothing to say: the bot is gone
        }
        return List.of(new TextMessage("I can only leave groups and rooms."));
    }

    private static Action postback(String label, String data) {
        return new PostbackAction.Builder().label(label).data(data).displayText(label).build();
    }

    private static Action say(String label, String text) {
        return new MessageAction.Builder().label(label).text(text).build();
    }

    private CarouselColumn column(String title, String text, String kind) {
        return new CarouselColumn.Builder(text, List.of(postback("Choose " + title, "kind=" + kind)))
                .title(title).thumbnailImageUrl(urls.of("/images/lantern.png")).build();
    }
}
