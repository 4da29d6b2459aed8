package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.MessageContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.webhook.EventContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official starter's rules for {@code @EventMapping} methods, checked when the application starts. */
class HandlerMethodsTest {

    static class Mixed {
        @EventMapping
        public void anyEvent(Event e) {}

        @EventMapping
        public void anyContent(MessageContent c) {}

        @EventMapping
        public Message text(TextMessageContent c, @LineBotDestination String destination) { return null; }

        @EventMapping
        public void messageWithContext(MessageEvent e, EventContext ctx) {}

        @EventMapping(priority = 5000)
        public void first(Event e) {}

        public void notMapped(Event e) {}
    }

    @Test
    void methodsAreTriedByTheOfficialDefaultPrioritiesBiggestFirst() {
        assertThat(HandlerMethods.of("default", List.of(new Mixed())).describe())
                .extracting(d -> d.substring(0, d.indexOf(' ')) + " " + d.substring(d.indexOf("Mixed.") + 6, d.indexOf('(')))
                .containsExactly("5000 first", "101 text", "100 messageWithContext", "10 anyContent", "0 anyEvent");
    }

    static class GenericParameter {
        @EventMapping
        public void handle(Map<String, String> notAnEvent) {}
    }

    static class WrongReturn {
        @EventMapping
        public String handle(Event e) { return "a reply is a Message"; }
    }

    static class DestinationNotAString {
        @EventMapping
        public void handle(Event e, @LineBotDestination Integer destination) {}
    }

    static class NoParameter {
        @EventMapping
        public void handle() {}
    }

    @Test
    void aMethodThatCannotWorkStopsTheStartNamingIt() {
        assertThatThrownBy(() -> HandlerMethods.of("default", List.of(new GenericParameter())))
                .hasMessageContaining("GenericParameter.handle").hasMessageContaining("generic type");
        assertThatThrownBy(() -> HandlerMethods.of("default", List.of(new WrongReturn())))
                .hasMessageContaining("WrongReturn.handle").hasMessageContaining("returns java.lang.String");
        assertThatThrownBy(() -> HandlerMethods.of("default", List.of(new DestinationNotAString())))
                .hasMessageContaining("@LineBotDestination parameter of type java.lang.Integer");
        assertThatThrownBy(() -> HandlerMethods.of("default", List.of(new NoParameter())))
                .hasMessageContaining("NoParameter.handle").hasMessageContaining("takes no parameter");
    }
}
