package io.switchboard.core.internal.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The next instants of a cron expression in UTC, for {@code resetOn(cron)}. Accepts Unix 5-field expressions,
 * 6-field Spring expressions (seconds first), 6- or 7-field Quartz expressions (with {@code ?}), and the macros
 * {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight},
 * {@code @hourly}. Parsing is delegated to cron-utils. Immutable and thread-safe.
 */
final class CronSchedule {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private final ExecutionTime executionTime;

    private CronSchedule(ExecutionTime executionTime) {
        this.executionTime = executionTime;
    }

    /**
     * Parses {@code expression}.
     *
     * @throws IllegalArgumentException with cron-utils' explanation if the expression is not valid
     */
    static CronSchedule parse(String expression) {
        String text = expression.trim();
        String macro = MACROS.get(text.toLowerCase(Locale.ROOT));
        if (macro != null) {
            text = macro;
        }
        int fields = text.split("\\s+").length;
        CronType type;
        if (fields == 5) {
            type = CronType.UNIX;
        } else if (fields == 7 || (fields == 6 && text.contains("?"))) {
            type = CronType.QUARTZ;
        } else if (fields == 6) {
            type = CronType.SPRING;
        } else {
            throw new IllegalArgumentException("expected 5 fields (Unix), 6 (Spring, seconds first) or 6-7 (Quartz),"
                    + " or a macro such as @daily; got " + fields + " fields");
        }
        return new CronSchedule(ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type))
                .parse(text)));
    }

    /** The first instant strictly after {@code after}, if the expression has one. */
    Optional<Instant> next(Instant after) {
        return executionTime.nextExecution(after.atZone(ZoneOffset.UTC)).map(z -> z.toInstant());
    }
}
