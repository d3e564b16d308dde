package io.switchboard.bench.dispatch;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer handing events to one consumer thread: Switchboard's asynchronous subscriber (routing, a bounded
 * lock-free lane, a drain task on an executor, the delivery pipeline) against an LMAX Disruptor 1P-1C ring with its
 * default {@link BlockingWaitStrategy}. Both queues hold 65,536 entries; a full queue makes the producer wait, so the
 * measured rate is the sustained hand-off rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AsyncHandoffBenchmark {

    static final int QUEUE = 1 << 16;

    CloudEvent event;
    final AtomicLong consumed = new AtomicLong();
    Switchboard switchboard;
    ExecutorService executor;
    Disruptor<Holder> disruptor;
    RingBuffer<Holder> ring;

    @Setup(Level.Trial)
    public void setUp() {
        event = CloudEventBuilder.v1().withId("order-1").withType("order.created").withSource(URI.create("/shop"))
                .withSubject("alice").build();
        executor = Executors.newSingleThreadExecutor();
        switchboard = Switchboard.builder().bus(new DirectBus()).executor(executor)
                .trigger(Trigger.builder("orders").input("created", "type = 'order.created'")
                        .subscriber(Subscriber.builder("count").concurrency(1).queueCapacity(QUEUE)
                                .whenFull(FullQueuePolicy.block(Duration.ofMinutes(1)))
                                .handler(e -> consumed.lazySet(consumed.get() + 1)).build())
                        .build())
                .build().start();
        disruptor = new Disruptor<>(Holder::new, QUEUE, r -> {
            Thread t = new Thread(r, "disruptor-consumer");
            t.setDaemon(true);
            return t;
        }, ProducerType.SINGLE, new BlockingWaitStrategy());
        disruptor.handleEventsWith((holder, sequence, endOfBatch) -> {
            consumed.lazySet(consumed.get() + 1);
            holder.event = null;
        });
        ring = disruptor.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        switchboard.close();
        executor.shutdownNow();
        disruptor.shutdown();
    }

    @Benchmark
    public Object switchboardAsync() {
        return switchboard.publish(event);
    }

    @Benchmark
    public void disruptor1P1C() {
        ring.publishEvent((holder, sequence, e) -> holder.event = e, event);
    }

    static final class Holder {
        CloudEvent event;
    }
}
