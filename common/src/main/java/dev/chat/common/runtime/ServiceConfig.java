package dev.chat.common.runtime;

import java.nio.file.Path;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Loads a service's configuration. First match wins: environment variables (REDIS_ADDRESS sets
 * {@code redis.address}), system properties, the file named by {@code CHAT_CONFIG} if set, the
 * service's {@code application.yaml}, then the shared {@code chat-common.yaml} (both on the class
 * path, copied from {@code config/} by the build).
 */
public final class ServiceConfig {

    private ServiceConfig() {
    }

    /** @return the merged configuration */
    public static Config load() {
        return load(Map.of());
    }

    /**
     * The configuration with {@code overrides} above every other source (tests point a service at
     * the local stack this way).
     *
     * @param overrides dotted key to value
     * @return the merged configuration
     */
    public static Config load(Map<String, String> overrides) {
        Config.Builder builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(overrides))
                .addSource(ConfigSources.environmentVariables())
                .addSource(ConfigSources.systemProperties());
        String file = System.getenv("CHAT_CONFIG");
        if (file != null && !file.isBlank()) {
            builder.addSource(ConfigSources.file(Path.of(file)));
        }
        return builder
                .addSource(ConfigSources.classpath("application.yaml").optional())
                .addSource(ConfigSources.classpath("chat-common.yaml"))
                .build();
    }

    /**
     * Whether the service runs on the local profile ({@code chat.profile: local}, environment
     * {@code CHAT_PROFILE}): a developer machine, where the public signing key and the name-only
     * login are allowed. {@code chatctl up} and the tests set it; the default is {@code production}.
     *
     * @param config configuration root
     * @return true on the local profile
     * @throws IllegalStateException if the profile is neither local nor production
     */
    public static boolean localProfile(Config config) {
        String profile = config.get("chat.profile").asString().orElse("production").strip();
        return switch (profile) {
            case "local" -> true;
            case "production" -> false;
            default -> throw new IllegalStateException("Configuration 'chat.profile' (CHAT_PROFILE) must be local or production, was '"
                    + profile + "'");
        };
    }

    /**
     * A required string, failing fast with the key's name.
     *
     * @param config configuration
     * @param key    dotted key
     * @return the non-blank value
     */
    public static String required(Config config, String key) {
        return config.get(key).asString().filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException("Missing configuration '" + key
                        + "' (set it in application.yaml or as " + envName(key) + ")"));
    }

    /**
     * @param config configuration root
     * @param key    a comma-separated list of user ids (e.g. {@code api.admins})
     * @return the ids (empty when unset)
     * @throws IllegalStateException naming the key and its environment variable when it is not such a list
     */
    public static java.util.Set<Long> userIds(Config config, String key) {
        String value = config.get(key).asString().orElse("");
        try {
            return java.util.Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .map(Long::parseLong).collect(java.util.stream.Collectors.toUnmodifiableSet());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Configuration '" + key + "' (" + envName(key) + ") must list user ids, was '"
                    + value + "'");
        }
    }

    /**
     * A positive integer, failing fast with the key's name.
     *
     * @param config       configuration
     * @param key          dotted key
     * @param defaultValue value when absent
     * @return the value
     */
    public static int positiveInt(Config config, String key, int defaultValue) {
        String raw = config.get(key).asString().orElse(Integer.toString(defaultValue));
        try {
            int value = Integer.parseInt(raw.strip());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException("Configuration '" + key + "' (" + envName(key)
                + ") must be a positive integer, was '" + raw + "'");
    }

    /**
     * An integer within bounds, failing fast with the key's name.
     *
     * @param config       configuration
     * @param key          dotted key
     * @param defaultValue value when absent
     * @param min          smallest value allowed
     * @param max          largest value allowed
     * @return the value
     */
    public static int intBetween(Config config, String key, int defaultValue, int min, int max) {
        String raw = config.get(key).asString().orElse(Integer.toString(defaultValue));
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException("Configuration '" + key + "' (" + envName(key) + ") must be an integer from "
                + min + " to " + max + ", was '" + raw + "'");
    }

    /**
     * @param key dotted key
     * @return the environment variable that overrides it
     */
    public static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }
}
