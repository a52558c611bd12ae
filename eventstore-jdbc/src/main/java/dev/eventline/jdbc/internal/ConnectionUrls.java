package dev.eventline.jdbc.internal;

import dev.eventline.core.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Turns the URL forms users have at hand into a JDBC URL plus credentials. */
public final class ConnectionUrls {

    private ConnectionUrls() {
    }

    /**
     * A JDBC URL with the user and password to connect with (either may be null when the URL carries them).
     *
     * @param jdbcUrl the {@code jdbc:} URL
     * @param user the user, or null
     * @param password the password, or null
     */
    public record Target(String jdbcUrl, String user, String password) {
        /** Checks the URL is present. */
        public Target {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        @Override
        public String toString() {
            return "Target[" + jdbcUrl + ", user=" + user + "]";
        }
    }

    /**
     * Accepts {@code jdbc:postgresql:…}, {@code jdbc:h2:…} and the libpq form
     * {@code postgresql://user:password@host:port/database?param=value} (also {@code postgres://}).
     *
     * @param url the URL
     * @return the JDBC URL and the credentials found in it
     */
    public static Target parse(String url) {
        Objects.requireNonNull(url, "url");
        if (url.startsWith("jdbc:")) {
            return new Target(url, null, null);
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new ConfigurationException("Unsupported database URL (url: '" + redact(url) + "'). Use a "
                + "jdbc:postgresql:// or jdbc:h2: URL, or postgresql://user:password@host:port/database.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("Malformed database URL (url: '" + redact(url) + "', problem: "
                + e.getReason() + "). Percent-encode special characters in the user and password.", e);
        }
        if (uri.getHost() == null) {
            throw new ConfigurationException("Database URL has no host (url: '" + redact(url) + "'). Use "
                + "postgresql://user:password@host:port/database.");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Target(jdbc, user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /**
     * @param url a URL that may contain a password
     * @return the URL with any password replaced by {@code ***}, for messages
     */
    public static String redact(String url) {
        return url.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@").replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
