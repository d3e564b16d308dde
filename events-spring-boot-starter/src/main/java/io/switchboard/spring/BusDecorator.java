package io.switchboard.spring;

import io.switchboard.api.EventBus;

import java.util.function.UnaryOperator;

/** Wraps each {@link EventBus} bean before the runtime gets it (e.g. to trace its publishes and deliveries). */
@FunctionalInterface
interface BusDecorator extends UnaryOperator<EventBus> {
}
