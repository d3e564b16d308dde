package io.switchboard.core.internal.cron;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.switchboard.api.ConfigurationException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed schedule: the instants at which a cron expression (or an {@code @every} period) fires.
 *
 * <p>Design note: parsing and field semantics are cron-utils'; this class only decides which dialect an
 * expression is written in, adds {@code @every <duration>}, and makes daylight-saving changes predictable:
 * <ul>
 *   <li><b>Dialects</b> are told apart by shape: a leading {@code @every} is a period, another leading {@code @}
 *       a macro; 5 fields are Unix cron; 6 or 7 fields containing {@code ?} are Quartz (7 = with year);
 *       6 fields without {@code ?} are Spring. The distinction matters for day-of-week numbers: Quartz counts
 *       1 = Sunday, Unix and Spring count 0 (or 7) = Sunday, 1 = Monday.</li>
 *   <li><b>Spring forward</b>: a local time that does not exist on the day clocks go forward (02:30 in
 *       Europe/Berlin) fires at the instant that local time maps to with the offset before the change (01:30Z,
 *       i.e. 03:30 summer time), as {@link ZonedDateTime#of} resolves it, so a daily schedule never loses a day.</li>
 *   <li><b>Fall back</b>: a fixed local time that occurs twice fires once, at its first occurrence; schedules
 *       that step through the repeated hour (every 20 minutes) fire in both occurrences, as elapsed time goes on.</li>
 *   <li><b>{@code @every}</b> periods are anchored at the Unix epoch (ticks at whole multiples of the period), so
 *       every instance of an application computes the same tick instants; the zone does not matter for them.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Tick instants have whole-second precision for cron expressions.
 */
public final class CronSchedule {

    /** The expression dialect a schedule was parsed as. */
    public enum Format {
        /** Five fields: minute hour day-of-month month day-of-week (0 or 7 = Sunday). */
        UNIX,
        /** Six or seven fields with seconds (and year), {@code ?} in day-of-month or day-of-week, 1 = Sunday. */
        QUARTZ,
        /** Six fields with seconds, no {@code ?}, 0 or 7 = Sunday. */
        SPRING,
        /** {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}, {@code @hourly}. */
        MACRO,
        /** {@code @every <duration>}: a fixed period anchored at the Unix epoch. */
        EVERY
    }

    /** The formats this parser accepts, for error messages. */
    public static final String SUPPORTED_FORMATS = "Unix cron with 5 fields (\"0 2 * * *\"), Quartz with seconds and"
            + " '?' in day-of-month or day-of-week, optionally a year (\"0 0 2 ? * MON-FRI\"), Spring with 6 fields and"
            + " no '?' (\"0 0 2 * * MON-FRI\"), a macro (@yearly, @annually, @monthly, @weekly, @daily, @midnight,"
            + " @hourly) or @every <duration> (\"@every 90s\", \"@every 1h30m\", units ms, s, m, h, d)";

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    /** Above this many ticks inside a repeated (fall-back) hour, cron-utils' own answer is used; see {@link #next}. */
    private static final int OVERLAP_SCAN_LIMIT = 1_000;

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final CronParser SPRING = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

    private final String expression;
    private final Format format;
    private final ExecutionTime executionTime; // null for EVERY
    private final Duration period;             // null unless EVERY

    private CronSchedule(String expression, Format format, ExecutionTime executionTime, Duration period) {
        this.expression = expression;
        this.format = format;
        this.executionTime = executionTime;
        this.period = period;
    }

    /**
     * Parses a schedule expression in any supported format (see the class description).
     *
     * @throws ConfigurationException naming the expression, what was wrong, and the supported formats
     */
    public static CronSchedule parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        String trimmed = expression.trim().replaceAll("\\s+", " ");
        if (trimmed.isEmpty()) {
            throw invalid(expression, "it is empty");
        }
        if (trimmed.startsWith("@")) {
            String lower = trimmed.toLowerCase(Locale.ROOT);
            if (lower.startsWith("@every ") || lower.equals("@every")) {
                String text = trimmed.substring("@every".length()).trim();
                return new CronSchedule(trimmed, Format.EVERY, null, parsePeriod(expression, text));
            }
            String unix = MACROS.get(lower);
            if (unix == null) {
                throw invalid(expression, "'" + trimmed + "' is not a known macro");
            }
            return new CronSchedule(trimmed, Format.MACRO, ExecutionTime.forCron(UNIX.parse(unix)), null);
        }
        String[] fields = trimmed.split(" ");
        boolean question = trimmed.indexOf('?') >= 0;
        Format format;
        CronParser parser;
        if (fields.length == 5) {
            format = Format.UNIX;
            parser = UNIX;
        } else if ((fields.length == 6 || fields.length == 7) && question) {
            format = Format.QUARTZ;
            parser = QUARTZ;
        } else if (fields.length == 6) {
            format = Format.SPRING;
            parser = SPRING;
        } else if (fields.length == 7) {
            throw invalid(expression, "7 fields is Quartz with a year, which needs '?' in day-of-month or day-of-week");
        } else {
            throw invalid(expression, "it has " + fields.length + " fields");
        }
        checkStepsAndRanges(expression, fields, format);
        CronSchedule schedule;
        try {
            Cron cron = parser.parse(trimmed);
            cron.validate();
            schedule = new CronSchedule(trimmed, format, ExecutionTime.forCron(cron), null);
        } catch (IllegalArgumentException e) {
            throw invalid(expression, "as " + format + " cron: " + e.getMessage());
        }
        if (fields.length == 6 || fields.length == 5) { // not with a Quartz year, which may lie in the past on purpose
            checkFires(expression, schedule);
        }
        return schedule;
    }

    private static final String[] FIELD_NAMES_WITH_SECONDS = {"second", "minute", "hour", "day-of-month", "month",
            "day-of-week", "year"};
    private static final java.util.regex.Pattern STEP = java.util.regex.Pattern.compile("/0*(?:[^0-9]|$)");
    private static final java.util.regex.Pattern NUMERIC_RANGE = java.util.regex.Pattern.compile("(\\d+)-(\\d+)");

    /**
     * cron-utils reports a zero step as "Period 0 not in range [0, 59]" and accepts a descending range in Quartz
     * and Spring expressions (Unix ones it refuses); both are mistakes whatever the dialect, so they are refused here
     * with a message that says what to write instead.
     */
    private static void checkStepsAndRanges(String expression, String[] fields, Format format) {
        int offset = format == Format.UNIX ? 1 : 0; // Unix has no seconds field
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            String name = FIELD_NAMES_WITH_SECONDS[Math.min(i + offset, FIELD_NAMES_WITH_SECONDS.length - 1)];
            if (STEP.matcher(field).find()) {
                throw invalid(expression, "the step in " + name + " field '" + field + "' is 0; a step (/n) must be at"
                        + " least 1, e.g. */5");
            }
            java.util.regex.Matcher range = NUMERIC_RANGE.matcher(field);
            while (range.find()) {
                if (Integer.parseInt(range.group(1)) > Integer.parseInt(range.group(2))) {
                    throw invalid(expression, "the range " + range.group() + " in " + name + " field '" + field
                            + "' goes backwards; write it as two ascending ranges, e.g. " + range.group(1) + "-max,min-"
                            + range.group(2));
                }
            }
        }
    }

    /**
     * Refuses a schedule that can never fire (30 February, 31 April, the sixth Friday of a month), which would
     * otherwise start and silently do nothing. Without a year field the calendar repeats, and every date that exists
     * at all (29 February included) occurs within 9 years of any start, so one look-ahead decides it.
     */
    private static void checkFires(String expression, CronSchedule schedule) {
        Instant start = Instant.parse("2000-01-01T00:00:00Z");
        Optional<Instant> first = schedule.executionTime.nextExecution(ZonedDateTime.ofInstant(start, ZoneOffset.UTC))
                .map(ZonedDateTime::toInstant);
        if (first.isEmpty() || first.get().isAfter(start.plus(Duration.ofDays(9 * 366)))) {
            throw invalid(expression, "it never fires (no calendar date matches all of its fields, e.g. 30 February)");
        }
    }

    /** A schedule firing every {@code period}, at whole multiples of it since the Unix epoch. */
    public static CronSchedule every(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new ConfigurationException("period must be positive, got " + period);
        }
        return new CronSchedule("@every " + period, Format.EVERY, null, period);
    }

    /** The expression as parsed (whitespace normalised). */
    public String expression() {
        return expression;
    }

    public Format format() {
        return format;
    }

    /** The period of an {@link Format#EVERY} schedule, empty for cron expressions. */
    public Optional<Duration> period() {
        return Optional.ofNullable(period);
    }

    /**
     * The first tick strictly after {@code after}, with the schedule's local times read in {@code zone}; empty if the
     * schedule never fires again (e.g. a Quartz year in the past).
     */
    public Optional<Instant> next(Instant after, ZoneId zone) {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(zone, "zone");
        if (period != null) {
            long k = Math.floorDiv(nanosSinceEpoch(after), period.toNanos());
            return Optional.of(Instant.EPOCH.plusNanos(period.toNanos() * (k + 1)));
        }
        Instant from = after.truncatedTo(ChronoUnit.SECONDS);
        ZoneRules rules = zone.getRules();
        Optional<Instant> candidate = insideRepeatedHour(from, rules)
                .map(overlap -> nextAcrossOverlap(from, zone, overlap))
                .orElseGet(() -> cronUtilsNext(from, zone));
        return Optional.ofNullable(earliestInGap(from, candidate.orElse(null), zone).orElse(candidate.orElse(null)));
    }

    /**
     * The latest tick at or before {@code atOrBefore}, empty if there is none. Used to find the most recent missed
     * tick without stepping through every tick since a long pause. (Inside a repeated fall-back hour this may name
     * the second occurrence of a fixed local time, which {@link #next} would not produce.)
     */
    public Optional<Instant> previous(Instant atOrBefore, ZoneId zone) {
        Objects.requireNonNull(atOrBefore, "atOrBefore");
        Objects.requireNonNull(zone, "zone");
        if (period != null) {
            long k = Math.floorDiv(nanosSinceEpoch(atOrBefore), period.toNanos());
            return Optional.of(Instant.EPOCH.plusNanos(period.toNanos() * k));
        }
        Instant bound = atOrBefore.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Optional<Instant> last = executionTime.lastExecution(ZonedDateTime.ofInstant(bound, zone)).map(ZonedDateTime::toInstant);
        // a skipped spring-forward tick fires after the gap (see next); prefer it when it is later
        Optional<Instant> gapTick = last.flatMap(l -> earliestInGap(l, atOrBefore, zone))
                .filter(g -> !g.isAfter(atOrBefore));
        return gapTick.isPresent() ? gapTick : last;
    }

    @Override
    public String toString() {
        return expression + " (" + format + ")";
    }

    private Optional<Instant> cronUtilsNext(Instant from, ZoneId zone) {
        return executionTime.nextExecution(ZonedDateTime.ofInstant(from, zone)).map(ZonedDateTime::toInstant);
    }

    /**
     * cron-utils answers differently inside a repeated hour depending on where it starts (from before the hour a
     * daily 02:30 fires once; from inside it, it also offers the second 02:30). Starting before the hour and
     * stepping forward gives the one consistent answer.
     */
    private Optional<Instant> nextAcrossOverlap(Instant from, ZoneId zone, ZoneOffsetTransition overlap) {
        Instant t = overlap.getInstant().minus(overlap.getDuration().abs()).minusSeconds(1);
        for (int i = 0; i < OVERLAP_SCAN_LIMIT; i++) {
            Optional<Instant> n = cronUtilsNext(t, zone);
            if (n.isEmpty() || n.get().isAfter(from)) {
                return n;
            }
            t = n.get();
        }
        return cronUtilsNext(from, zone);
    }

    private static Optional<ZoneOffsetTransition> insideRepeatedHour(Instant t, ZoneRules rules) {
        ZoneOffsetTransition next = rules.nextTransition(t.minusNanos(1));
        ZoneOffsetTransition prev = rules.previousTransition(t.plusNanos(1));
        for (ZoneOffsetTransition tr : new ZoneOffsetTransition[] {prev, next}) {
            if (tr != null && tr.isOverlap()) {
                Duration len = tr.getDuration().abs();
                Instant start = tr.getInstant().minus(len);
                Instant end = tr.getInstant().plus(len);
                if (!t.isBefore(start) && t.isBefore(end)) {
                    return Optional.of(tr);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The earliest tick whose local time falls in a spring-forward gap between {@code after} (exclusive) and
     * {@code limit} (inclusive; {@code null} = one year), mapped with the offset before the change.
     */
    private Optional<Instant> earliestInGap(Instant after, Instant limit, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        Instant end = limit != null ? limit : after.plus(Duration.ofDays(366));
        ZoneOffsetTransition tr = rules.nextTransition(after.minus(Duration.ofHours(3)));
        while (tr != null && !tr.getInstant().isAfter(end)) {
            if (tr.isGap()) {
                ZoneOffset before = tr.getOffsetBefore();
                Instant searchFrom = after.isAfter(tr.getInstant()) ? after : tr.getInstant().minusSeconds(1);
                Optional<ZonedDateTime> g = executionTime.nextExecution(ZonedDateTime.ofInstant(searchFrom, before));
                if (g.isPresent() && g.get().toLocalDateTime().isBefore(tr.getDateTimeAfter())
                        && g.get().toInstant().isAfter(after) && !g.get().toInstant().isAfter(end)) {
                    return Optional.of(g.get().toInstant());
                }
            }
            tr = rules.nextTransition(tr.getInstant());
        }
        return Optional.empty();
    }

    private static long nanosSinceEpoch(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static Duration parsePeriod(String expression, String text) {
        if (text.isEmpty()) {
            throw invalid(expression, "@every needs a duration, e.g. \"@every 90s\" or \"@every 1h30m\"");
        }
        Duration d;
        try {
            d = DurationText.parse("@every", text);
        } catch (ConfigurationException e) {
            throw invalid(expression, e.getMessage());
        }
        if (d.toMillis() < 1) {
            throw invalid(expression, "the @every period must be at least 1ms");
        }
        return d;
    }

    private static ConfigurationException invalid(String expression, String what) {
        return new ConfigurationException("invalid schedule \"" + expression + "\": " + what + ". Supported: "
                + SUPPORTED_FORMATS);
    }
}
