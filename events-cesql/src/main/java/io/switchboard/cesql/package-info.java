/**
 * CloudEvents SQL (CESQL v1): parse an expression once with {@link io.switchboard.cesql.Cesql#parse(String)},
 * evaluate it against many events.
 */
package io.switchboard.cesql;
