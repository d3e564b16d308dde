/**
 * CloudEvents SQL (CESQL v1): a standalone engine that parses an expression once and evaluates it against many
 * events, with the conformance suite's semantics (errors included). Depends only on the CloudEvents API, so other
 * projects can use it without the Switchboard runtime.
 */
module io.switchboard.cesql {
    requires transitive io.cloudevents.api;

    exports io.switchboard.cesql;
}
