package io.switchboard.core.source.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Nagle's algorithm off on the connections the JDK's {@code HttpServer} accepts.
 *
 * <p>Why: the JDK 17 server writes a response in two writes, status line and headers first, then the body. With
 * Nagle's algorithm on, the kernel holds the second, small write until the client has acknowledged the first, and a
 * client waiting for the rest of the response delays that acknowledgement (about 40 ms on Linux): every response with
 * a body on a keep-alive connection waited for the delayed acknowledgement, some 23 synchronous invocations per second
 * per connection. The server sets {@code TCP_NODELAY} on the sockets it accepts only when the system property
 * {@value #NODELAY} is {@code true}, and it reads that property once, when the JVM's first {@code HttpServer} is
 * created; the public API offers no other way to reach those sockets. So the property is set here, before this
 * library creates its first server, and only when the application has not chosen a value itself.
 *
 * <p>Limit: if the application created a JDK {@code HttpServer} before the first {@link HttpSource} class was loaded,
 * the server has read the property already and this has no effect; such an application passes
 * {@code -Dsun.net.httpserver.nodelay=true} itself (documented in {@code docs/sources.md}).
 */
final class JdkServerTuning {

    static final String NODELAY = "sun.net.httpserver.nodelay";

    private static final Logger LOG = LoggerFactory.getLogger(JdkServerTuning.class);

    private JdkServerTuning() {
    }

    /**
     * Sets {@value #NODELAY} to {@code true} unless it has a value; returns the value in effect for servers created
     * from now on (if the JVM has not created one yet).
     */
    static String preferNoDelay() {
        try {
            synchronized (JdkServerTuning.class) {
                String chosen = System.getProperty(NODELAY);
                if (chosen != null) {
                    return chosen;
                }
                System.setProperty(NODELAY, "true");
                return "true";
            }
        } catch (SecurityException e) {
            LOG.warn("cannot set {}=true ({}); responses with a body may wait for delayed TCP acknowledgements on"
                    + " keep-alive connections: pass -D{}=true", NODELAY, e.getMessage(), NODELAY);
            return null;
        }
    }
}
