/**
 * HTTP ingress: the CloudEvents HTTP binding (binary, structured and batch), a plain webhook API and function-style
 * invocation, with bearer or HMAC authentication.
 *
 * <p>Start with {@link io.switchboard.core.source.http.HttpSource#builder(String)}, or declare one by type
 * ({@code http}) with {@code Switchboard.Builder.source(name, type, config)}. Endpoints and status codes are listed in
 * {@code docs/sources.md}.
 */
package io.switchboard.core.source.http;
