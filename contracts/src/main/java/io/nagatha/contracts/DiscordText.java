package io.nagatha.contracts;

import java.util.ArrayList;
import java.util.List;

/**
 * Discord's message rule, shared by the gateway's interactions endpoint and the bot: a message is
 * at most 2,000 characters, so a longer reply is split — at a paragraph, line or sentence end where
 * one is in reach, else at a space, else anywhere — and a code block cut in two is closed and
 * reopened so both parts render.
 */
public final class DiscordText {

    /** Discord's limit on a message's content, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 2000;

    private static final String FENCE = "```";

    private DiscordText() {
    }

    /** {@code text} in parts of at most {@link #MAX_MESSAGE_LENGTH} characters. */
    public static List<String> split(String text) {
        return split(text, MAX_MESSAGE_LENGTH);
    }

    /** {@code text} in parts of at most {@code limit} characters (at least 16), none of them blank. */
    public static List<String> split(String text, int limit) {
        if (limit < 16) {
            throw new IllegalArgumentException("limit must be at least 16");
        }
        List<String> parts = new ArrayList<>();
        String rest = text == null ? "" : text.strip();
        String reopen = "";
        while (!rest.isEmpty()) {
            rest = reopen + rest;
            if (rest.length() <= limit) {
                parts.add(rest);
                break;
            }
            // Room for a closing fence, in case the cut falls inside a code block.
            int room = limit - FENCE.length() - 1;
            int cut = cutPoint(rest, room);
            String part = rest.substring(0, cut).stripTrailing();
            rest = rest.substring(cut).stripLeading();
            if (countFences(part) % 2 == 1) {
                part = part + "\n" + FENCE;
                reopen = FENCE + "\n";
            } else {
                reopen = "";
            }
            parts.add(part);
        }
        return parts;
    }

    /** Where to cut {@code text} so the first part is at most {@code room} characters. */
    private static int cutPoint(String text, int room) {
        int floor = room / 2; // a boundary earlier than this would make a needlessly short part
        int paragraph = text.lastIndexOf("\n\n", room - 2);
        if (paragraph >= floor) {
            return paragraph + 2;
        }
        // The latest line or sentence end (a stop followed by white space).
        for (int i = room - 1; i >= floor; i--) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '.' || c == '!' || c == '?' || c == '…') && Character.isWhitespace(text.charAt(i + 1))) {
                return i + 1;
            }
        }
        for (int i = room; i >= floor; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        // No boundary at all: cut hard, but never between the two halves of a surrogate pair.
        return Character.isLowSurrogate(text.charAt(room)) ? room - 1 : room;
    }

    private static int countFences(String part) {
        int count = 0;
        for (int i = part.indexOf(FENCE); i >= 0; i = part.indexOf(FENCE, i + FENCE.length())) {
            count++;
        }
        return count;
    }
}
