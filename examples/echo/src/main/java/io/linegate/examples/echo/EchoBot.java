package io.linegate.examples.echo;

import com.linecorp.bot.messaging.model.LocationMessage;
import com.linecorp.bot.messaging.model.StickerMessage;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.AccountLinkEvent;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.LinkContent;
import com.linecorp.bot.webhook.model.LocationMessageContent;
import com.linecorp.bot.webhook.model.UserSource;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.login.AccountLinks;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventContext;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.EventRouter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest useful bot: it echoes text and locations, answers stickers with a sticker, greets new friends and
 * logs events it does not know. Run it with {@code linegate serve --bot echo}.
 *
 * <p>With {@link #withAccountLinking} it also links LINE users to a site's members through the
 * Messaging API's account-link flow (Messaging API docs, "Link user accounts"): "link my account" issues a link token and sends
 * the user to the site with it, the {@code accountLink} event completes the link, and "unlink my
 * account" removes it (the guidelines: a member must be able to unlink, and be told so).
 */
public final class EchoBot implements Bot {
    private static final Logger log = LoggerFactory.getLogger(EchoBot.class);
    static final String LINK_COMMAND = "link my account";
    static final String UNLINK_COMMAND = "unlink my account";

    private final String siteLinkUrl;
    private final AccountLinks links;

    public EchoBot() {
        this(null, null);
    }

    private EchoBot(String siteLinkUrl, AccountLinks links) {
        this.siteLinkUrl = siteLinkUrl;
        this.links = links;
    }

    /**
     * @param siteLinkUrl the site's page that starts a link, for example {@code https://example.com/link};
     *                    the bot adds {@code ?linkToken=...}
     */
    public static EchoBot withAccountLinking(String siteLinkUrl, AccountLinks links) {
        return new EchoBot(siteLinkUrl, links);
    }

    /** A sticker from LINE's list of stickers a bot may send (Messaging API docs, "List of available stickers"). */
    static final StickerMessage THUMBS_UP = new StickerMessage("446", "1988");

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public EventHandler handler() {
        return EventRouter.builder()
                .onMessage(TextMessageContent.class, this::onText)
                .onMessage(StickerMessageContent.class, (ctx, sticker) -> ctx.reply(THUMBS_UP))
                .onMessage(LocationMessageContent.class, (ctx, place) -> ctx.reply(echo(place)))
                .on(FollowEvent.class, (ctx, follow) -> ctx.reply(new TextMessage(
                        "Thanks for adding me! Send me a message and I will send it back.")))
                .on(AccountLinkEvent.class, this::onAccountLink)
                .fallback(ctx -> log.info("no route for this event; ignored: {}", ctx.rawJson()))
                .build();
    }

    /** The same place back; a bot's location message needs a title and an address, which a user's may lack. */
    static LocationMessage echo(LocationMessageContent place) {
        String title = place.title() == null || place.title().isBlank() ? "Location" : place.title();
        String address = place.address() == null || place.address().isBlank()
                ? place.latitude() + ", " + place.longitude() : place.address();
        return new LocationMessage(title, address, place.latitude(), place.longitude());
    }

    private void onText(EventContext ctx, TextMessageContent text) throws Exception {
        String command = text.text().strip().toLowerCase(Locale.ROOT);
        if (links != null && command.equals(LINK_COMMAND) && !(ctx.event().source() instanceof UserSource)) {
            // A link token is the user's own: never post it where other members of a group can see it.
            ctx.reply(new TextMessage("Send \"" + LINK_COMMAND + "\" to me in a one-to-one chat."));
        } else if (links != null && command.equals(LINK_COMMAND)) {
            String url = siteLinkUrl + "?linkToken=" + java.net.URLEncoder.encode(ctx.issueLinkToken(),
                    StandardCharsets.UTF_8);
            ctx.reply(new TextMessage("Sign in to link your account (this link works for 10 minutes): " + url));
        } else if (links != null && command.equals(UNLINK_COMMAND) && ctx.event().source() instanceof UserSource u) {
            ctx.reply(new TextMessage(links.unlinkLineUser(u.userId())
                    ? "Your account is unlinked." : "Your LINE account is not linked to a member account."));
        } else {
            ctx.reply(new TextMessage(text.text()));
        }
    }

    private void onAccountLink(EventContext ctx, AccountLinkEvent event) throws Exception {
        if (links == null) {
            return;
        }
        LinkContent link = event.link();
        String user = event.source() instanceof UserSource u ? u.userId() : null;
        String result = link == null || link.result() == null ? null : link.result().name().toLowerCase(Locale.ROOT);
        AccountLinks.Outcome outcome = links.onAccountLinkEvent(result, link == null ? null : link.nonce(), user);
        if (ctx.replyToken().isPresent()) { // a failed event has no source and no reply token
            ctx.reply(new TextMessage(switch (outcome) {
                case LINKED -> "Your account is linked. Send \"" + UNLINK_COMMAND + "\" to unlink it at any time.";
                case WOULD_REPLACE -> "Nothing was changed: your member account or this LINE account is already linked."
                        + " Unlink it first, or confirm replacing it on the site.";
                default -> "The link did not complete; send \"" + LINK_COMMAND + "\" to try again.";
            }));
        }
    }
}
