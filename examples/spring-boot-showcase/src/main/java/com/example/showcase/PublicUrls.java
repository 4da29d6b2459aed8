package com.example.showcase;

import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Public URLs of the application's static files, for image, audio and imagemap messages (LINE fetches
 * them, over HTTPS only): {@code showcase.public-base-url} when it is set, otherwise the base of the
 * webhook's request as the application's forwarded-header settings resolve it, which the linegate
 * starter keeps for the handler that runs after the webhook was answered.
 */
@Component
public class PublicUrls {
    private final String configured;

    public PublicUrls(@Value("${showcase.public-base-url:}") String configured) {
        this.configured = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }

    /** The public URL of {@code path} (such as {@code /images/lantern.png}). */
    public URI of(String path) {
        if (!configured.isEmpty()) {
            return URI.create(configured + path);
        }
        return ServletUriComponentsBuilder.fromCurrentContextPath().path(path).build().toUri();
    }
}
