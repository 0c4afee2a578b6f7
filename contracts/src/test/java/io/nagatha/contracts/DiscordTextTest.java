package io.nagatha.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiscordTextTest {

    @Test
    void aShortReplyIsOnePart() {
        assertEquals(List.of("Hello there."), DiscordText.split("  Hello there.\n"));
        assertEquals(List.of(), DiscordText.split("   "));
    }

    @Test
    void aLongReplyIsCutAtSentenceEndsWithinTheLimit() {
        String sentence = "This sentence is exactly fifty characters long ok. ";
        String text = sentence.repeat(100).strip(); // 5,099 characters
        List<String> parts = DiscordText.split(text);
        assertEquals(3, parts.size());
        for (String part : parts) {
            assertTrue(part.length() <= DiscordText.MAX_MESSAGE_LENGTH, "part of " + part.length());
            assertTrue(part.endsWith("ok."), "cut at a sentence end: …" + part.substring(part.length() - 10));
        }
        assertEquals(text.replace(" ", ""), String.join("", parts).replace(" ", ""), "nothing lost");
    }

    @Test
    void aParagraphBreakWinsOverALaterSentenceEnd() {
        String text = "a".repeat(60) + "\n\n" + "Short one. ".repeat(5) + "b".repeat(40);
        List<String> parts = DiscordText.split(text, 100);
        assertEquals("a".repeat(60), parts.get(0));
    }

    @Test
    void textWithoutBoundariesIsCutHardAndACodeBlockIsReopened() {
        List<String> hard = DiscordText.split("x".repeat(4500));
        assertEquals(3, hard.size());
        assertTrue(hard.stream().allMatch(p -> p.length() <= 2000));
        assertEquals(4500, String.join("", hard).length());

        String code = "```java\n" + "int x = 1;\n".repeat(300) + "```";
        List<String> parts = DiscordText.split(code);
        assertTrue(parts.size() > 1);
        for (String part : parts) {
            assertTrue(part.length() <= 2000);
            assertEquals(0, (part.split("```", -1).length - 1) % 2, "balanced fences in: " + part.substring(0, 20));
        }
        assertTrue(parts.get(1).startsWith("```\n"));
    }
}
