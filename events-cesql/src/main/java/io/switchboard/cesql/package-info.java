/**
 * CloudEvents SQL (CESQL v1): parse an expression once with {@link io.switchboard.cesql.Cesql#parse(String)},
 * evaluate it against many events.
 *
 * <p>Start with {@link io.switchboard.cesql.Cesql#parse(String)}, then {@code test(event)} for filter semantics or
 * {@code evaluate(event)} for the value and every error; user-defined functions are added with
 * {@link io.switchboard.cesql.Cesql#builder()}. Where the specification is loose, the choices are listed in
 * {@code docs/cesql.md}.
 */
package io.switchboard.cesql;
