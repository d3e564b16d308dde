/**
 * OpenTelemetry traces for Switchboard, carried on events by the CloudEvents Distributed Tracing extension. Start with
 * {@link io.switchboard.opentelemetry.SwitchboardTracing}; the spans are described in docs/observability.md.
 */
package io.switchboard.opentelemetry;
