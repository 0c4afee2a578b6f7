package io.nagatha.discordbot.service;

/**
 * A Discord message as the core sees it — a thin, JDA-free view, so the core is driven the same
 * way by JDA's events and by tests. {@code mentionsBot} is true when the bot is mentioned
 * directly; {@code content} is the text with the bot's own mention taken out.
 */
public record InboundMessage(String messageId, String channelId, String guildId, String authorId, boolean authorIsBot,
        String content, boolean mentionsBot) {

    /** A direct message (no guild). */
    public boolean isDirect() {
        return guildId == null;
    }

    /** The Nagatha identity of the author. */
    public String identity() {
        return "discord:" + authorId;
    }
}
