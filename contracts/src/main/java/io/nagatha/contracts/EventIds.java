package io.nagatha.contracts;

import java.util.Comparator;
import java.util.regex.Pattern;

/** Event ids are Redis stream entry ids, {@code <milliseconds>-<sequence>}; this orders them. */
public final class EventIds {

    private static final Pattern FORMAT = Pattern.compile("\\d{1,19}-\\d{1,19}");

    /** Orders ids the way the stream does. Both must be {@link #isValid valid}. */
    public static final Comparator<String> ORDER = (a, b) -> {
        int dash1 = a.indexOf('-');
        int dash2 = b.indexOf('-');
        int byTime = Long.compareUnsigned(Long.parseUnsignedLong(a, 0, dash1, 10), Long.parseUnsignedLong(b, 0, dash2, 10));
        return byTime != 0 ? byTime
                : Long.compareUnsigned(Long.parseUnsignedLong(a, dash1 + 1, a.length(), 10),
                        Long.parseUnsignedLong(b, dash2 + 1, b.length(), 10));
    };

    private EventIds() {
    }

    public static boolean isValid(String id) {
        if (id == null || !FORMAT.matcher(id).matches()) {
            return false;
        }
        try {
            ORDER.compare(id, id);
            return true;
        } catch (NumberFormatException tooBig) {
            return false;
        }
    }

    public static boolean isAfter(String id, String other) {
        return ORDER.compare(id, other) > 0;
    }
}
