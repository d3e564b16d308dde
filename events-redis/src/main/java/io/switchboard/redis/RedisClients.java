package io.switchboard.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.HashedWheelTimer;
import io.switchboard.api.ConfigurationException;
import io.switchboard.core.time.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A Lettuce client with its own, small, named thread pools, so that closing a bus or a source releases every
 * thread it started; and the translation of connection failures into messages that say what to fix.
 */
final class RedisClients implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisClients.class);
    /** String keys, binary values: event data and attribute text travel as bytes, key names as text. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String name;
    private final RedisURI uri;
    private final String settingName;
    private final HashedWheelTimer timer;
    private final ClientResources resources;
    private final RedisClient client;

    /**
     * @param name        prefix of every thread name
     * @param uriText     the server
     * @param settingName the configuration key of the URI, for messages
     */
    RedisClients(String name, String uriText, String username, char[] password, Duration commandTimeout,
                 String settingName) {
        this(name, uriText, username, password, commandTimeout, commandTimeout, settingName);
    }

    /**
     * @param commandTimeout how long a synchronous command waits (reads, group creation, connection checks)
     * @param asyncTimeout   how long an asynchronous command may take, time queued in the client included
     *                       (publishes, acknowledgements); callers that need less bound their own wait
     */
    RedisClients(String name, String uriText, String username, char[] password, Duration commandTimeout,
                 Duration asyncTimeout, String settingName) {
        this.name = name;
        this.settingName = settingName;
        this.uri = RedisURI.create(uriText);
        if (password != null) {
            io.lettuce.core.RedisCredentials credentials = io.lettuce.core.RedisCredentials.just(username, password);
            uri.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(() -> credentials));
        }
        uri.setTimeout(commandTimeout);
        this.timer = new HashedWheelTimer(Schedulers.daemonThreads(name + "-timer"));
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .threadFactoryProvider(pool -> Schedulers.daemonThreads(name + "-" + pool))
                .timer(timer)
                // reconnect quickly after a server restart: 50 ms doubling to 2 s (Lettuce's default climbs to 30 s)
                .reconnectDelay(io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2),
                        2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(asyncTimeout))
                .build());
    }

    /** The database number the URI selects. */
    int database() {
        return uri.getDatabase();
    }

    /** The server's address, without credentials, for messages. */
    String address() {
        return (uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort()) + "/" + uri.getDatabase();
    }

    /**
     * A connection, or a {@link ConfigurationException} saying why there is none: server unreachable, credentials
     * refused, …
     */
    StatefulRedisConnection<String, byte[]> connect(String purpose) {
        try {
            return client.connect(CODEC, uri);
        } catch (RuntimeException e) {
            throw explain(e, purpose);
        }
    }

    StatefulRedisPubSubConnection<String, byte[]> connectPubSub(String purpose) {
        try {
            return client.connectPubSub(CODEC, uri);
        } catch (RuntimeException e) {
            throw explain(e, purpose);
        }
    }

    ConfigurationException explain(RuntimeException e, String purpose) {
        String text = messages(e);
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("wrongpass") || lower.contains("noauth") || lower.contains("invalid password")
                || lower.contains("invalid username-password") || lower.contains("auth")) {
            return new ConfigurationException("Redis at " + address() + " refused the credentials for the " + purpose
                    + " (" + text + "): set the password the server requires (requirepass or the ACL user's) in '"
                    + settingName + "' as redis://:password@host:port or in 'redis.password'", e);
        }
        if (e instanceof RedisConnectionException || lower.contains("connection refused")
                || lower.contains("unable to connect")) {
            return new ConfigurationException("cannot connect to Redis at " + address() + " for the " + purpose + " ("
                    + text + "): check '" + settingName + "' and that the server is running and reachable", e);
        }
        if (e instanceof RedisCommandExecutionException) {
            return new ConfigurationException("Redis at " + address() + " refused the " + purpose + ": " + text, e);
        }
        return new ConfigurationException("cannot use Redis at " + address() + " for the " + purpose + ": " + text, e);
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            if (t.getMessage() != null && sb.indexOf(t.getMessage()) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return sb.length() == 0 ? e.toString() : sb.toString();
    }

    /** Closes the client and stops every thread it started, without the Netty quiet period. */
    @Override
    public void close() {
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.debug("{}: shutting the Redis client down failed", name, e);
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("{}: shutting the Redis client resources down failed", name, e);
        }
        timer.stop();
    }
}
