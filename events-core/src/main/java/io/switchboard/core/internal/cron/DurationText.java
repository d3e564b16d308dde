package io.switchboard.core.internal.cron;

import io.switchboard.api.ConfigurationException;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as text in configuration: compact number-unit pairs ({@code 90s}, {@code 1h30m}, {@code 250ms},
 * {@code 2d}) or ISO-8601 ({@code PT1H30M}). Shared by {@code @every} schedules and the source providers' keys.
 */
public final class DurationText {

    private static final Pattern PAIR = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationText() {
    }

    /**
     * Parses {@code text}.
     *
     * @param what names the setting in the error message, e.g. {@code "key 'period'"}
     * @throws ConfigurationException if the text is not a duration
     */
    public static Duration parse(String what, String text) {
        Objects.requireNonNull(text, what);
        String t = text.trim();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t);
            } catch (RuntimeException e) {
                throw bad(what, text);
            }
        }
        Matcher m = PAIR.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        if (t.isEmpty()) {
            throw bad(what, text);
        }
        while (pos < t.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw bad(what, text);
            }
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw bad(what, text);
            }
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            pos = m.end();
        }
        return total;
    }

    private static ConfigurationException bad(String what, String text) {
        return new ConfigurationException(what + ": '" + text + "' is not a duration; use number-unit pairs such as"
                + " 90s, 1h30m, 250ms (units ms, s, m, h, d) or ISO-8601 such as PT1H30M");
    }
}
