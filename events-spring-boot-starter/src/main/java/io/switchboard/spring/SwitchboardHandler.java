package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the Switchboard handler of the given name. Subscribers name it with
 * {@code handler: <name>} in {@code switchboard.*} properties or a {@code switchboard.yaml}.
 *
 * <p>Parameters, in any order, each at most once: {@link io.cloudevents.CloudEvent} (the event that completed the
 * firing), {@link io.switchboard.api.Firing} (every contributing event by input name, or a batch), and one parameter
 * of any other type, which receives the completing event's data read as JSON with Jackson (e.g. a record
 * {@code Order}). Return {@code void}, a {@link io.cloudevents.CloudEvent} (the reply to a request; {@code null} for
 * none), or a {@link java.util.concurrent.CompletionStage} (the attempt ends when it completes). A thrown exception
 * is a failed attempt: the subscriber's delivery policy retries it or dead-letters the event.
 *
 * <pre>{@code
 * @Component
 * class Shipping {
 *     @SwitchboardHandler("ship")
 *     void ship(Order order, CloudEvent event) { ... }
 * }
 * }</pre>
 *
 * <p>A handler name must be unique in the application context, across annotated methods and handler beans; the
 * application fails to start otherwise, naming both.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SwitchboardHandler {

    /** The handler's name, as subscribers refer to it. */
    String value();
}
