package io.switchboard.kafka;

import java.util.concurrent.CompletionStage;

/** What a {@link ConsumerLoop} does with each unit of work; the stage's normal completion settles it. */
@FunctionalInterface
interface WorkHandler {
    CompletionStage<Void> handle(Work work) throws Exception;
}
