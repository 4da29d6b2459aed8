package io.linegate.login;

/**
 * A member of the site asks to link their LINE account: who they are on the site, the session the
 * request came with, the CSRF token the form posted (see {@link CsrfTokens}), and the client's
 * address (for the per-client cap on started links). Starting or confirming a link is refused
 * without a matching token, so a page on another origin cannot do it in the member's name.
 */
public record LinkRequest(String memberId, String siteSessionId, String csrfToken, String clientAddress) {
    @Override
    public String toString() {
        return "LinkRequest[member=" + memberId + ", client=" + clientAddress + "]";
    }
}
