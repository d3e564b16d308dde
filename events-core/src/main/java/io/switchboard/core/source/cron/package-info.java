/**
 * Time sources: cron schedules and fixed-rate or fixed-delay timers, whose ticks are CloudEvents with a deterministic
 * id ({@code name@scheduled-instant}).
 *
 * <p>Start with {@link io.switchboard.core.source.cron.CronSource#builder(String)} or
 * {@link io.switchboard.core.source.cron.TimerSource#builder(String)}, or declare one by type ({@code cron},
 * {@code timer}) with {@code Switchboard.Builder.source(name, type, config)}; what happens to ticks missed while an
 * application was down is a {@link io.switchboard.core.source.cron.MisfirePolicy}. See {@code docs/sources.md}.
 */
package io.switchboard.core.source.cron;
