package io.switchboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The router's version, written into {@code version.properties} by the build. */
final class Version {

    private Version() {
    }

    static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: an unknown version is not a reason to refuse to run
        }
        return "(unknown version)";
    }
}
