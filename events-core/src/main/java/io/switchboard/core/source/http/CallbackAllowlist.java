package io.switchboard.core.source.http;

import io.switchboard.api.ConfigurationException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The origins an asynchronous invocation may name in {@code X-Callback-Url}. Without it, a caller could make the
 * server POST to any address it can reach, internal ones included (server-side request forgery), so a source with no
 * allowlist refuses every callback.
 *
 * <p>An entry is {@code scheme://host[:port]}: scheme {@code http} or {@code https}; a host name or IP literal, or
 * {@code *.example.com} for any subdomain of {@code example.com} (not {@code example.com} itself); a port, {@code *}
 * for any port, or none for the scheme's default port (80, 443). Hosts compare case-insensitively, as names: a name
 * that resolves to an internal address is allowed if the name is. Immutable and thread-safe.
 */
final class CallbackAllowlist {

    private record Origin(String scheme, String host, boolean subdomains, int port) {
        boolean allows(String scheme, String host, int port) {
            if (!this.scheme.equals(scheme) || (this.port != ANY_PORT && this.port != port)) {
                return false;
            }
            return subdomains ? host.endsWith("." + this.host) : this.host.equals(host);
        }

        @Override
        public String toString() {
            return scheme + "://" + (subdomains ? "*." : "") + host + (port == ANY_PORT ? ":*" : ":" + port);
        }
    }

    private static final int ANY_PORT = -2;
    static final CallbackAllowlist NONE = new CallbackAllowlist(List.of());

    private final List<Origin> origins;

    private CallbackAllowlist(List<Origin> origins) {
        this.origins = List.copyOf(origins);
    }

    /** Parses the entries; {@code source} names the HTTP source in error messages. */
    static CallbackAllowlist of(String source, List<String> entries) {
        List<Origin> origins = new ArrayList<>();
        for (String entry : entries) {
            origins.add(parse(source, entry));
        }
        return new CallbackAllowlist(origins);
    }

    boolean isEmpty() {
        return origins.isEmpty();
    }

    /** Whether {@code url} (absolute, http or https) points to an allowed origin. */
    boolean allows(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : normalizeHost(url.getHost());
        int port = url.getPort() >= 0 ? url.getPort() : defaultPort(scheme);
        for (Origin origin : origins) {
            if (origin.allows(scheme, host, port)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return origins.toString();
    }

    private static Origin parse(String source, String entry) {
        if (entry == null || entry.isBlank()) {
            throw new ConfigurationException("callback allowlist of HTTP source '" + source
                    + "' has a blank entry: give origins such as https://hooks.example.com or http://127.0.0.1:9000");
        }
        String text = entry.trim();
        boolean anyPort = text.endsWith(":*");
        String parsed = anyPort ? text.substring(0, text.length() - 2) : text;
        boolean subdomains = false;
        int schemeEnd = parsed.indexOf("://");
        if (schemeEnd > 0 && parsed.startsWith("*.", schemeEnd + 3)) {
            subdomains = true;
            parsed = parsed.substring(0, schemeEnd + 3) + parsed.substring(schemeEnd + 5);
        }
        URI uri;
        try {
            uri = new URI(parsed);
        } catch (URISyntaxException e) {
            throw invalid(source, entry, "it is not a URI (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw invalid(source, entry, "the scheme must be http or https");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null) {
            throw invalid(source, entry, "it must name a host (and no user info)");
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath()))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(source, entry, "an entry is an origin, scheme://host[:port], without path, query or fragment");
        }
        if (anyPort && uri.getPort() >= 0) {
            throw invalid(source, entry, "give one port or ':*'");
        }
        int port = anyPort ? ANY_PORT : uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
        return new Origin(scheme, normalizeHost(uri.getHost()), subdomains, port);
    }

    private static ConfigurationException invalid(String source, String entry, String why) {
        return new ConfigurationException("callback allowlist entry '" + entry + "' of HTTP source '" + source
                + "' is invalid: " + why + "; e.g. https://hooks.example.com, https://*.example.com or http://127.0.0.1:9000");
    }

    /** Lower case, without the brackets of an IPv6 literal and without a trailing dot of a fully qualified name. */
    private static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }
}
