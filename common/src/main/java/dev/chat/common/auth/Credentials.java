package dev.chat.common.auth;

/**
 * The bearer values the api and the gateway accept: a person's JWT ({@link Tokens}) or a bot's
 * opaque API token ({@link ApiTokens}, told apart by its prefix). Thread-safe.
 */
public final class Credentials implements AutoCloseable {

    private final Tokens jwts;
    private final ApiTokens apiTokens;
    private final DeactivatedUsers deactivated;

    /**
     * @param jwts        signed tokens of people
     * @param apiTokens   API tokens of bots
     * @param deactivated users whose tokens no longer count
     */
    public Credentials(Tokens jwts, ApiTokens apiTokens, DeactivatedUsers deactivated) {
        this.jwts = jwts;
        this.apiTokens = apiTokens;
        this.deactivated = deactivated;
    }

    /**
     * @param token the bearer value
     * @return whom it authenticates
     * @throws Tokens.InvalidToken if it is missing, malformed, forged, expired, unknown or revoked,
     *                             or its user is deactivated
     * @throws IllegalStateException if an API token cannot be looked up (PostgreSQL down)
     */
    public Tokens.Bearer check(String token) throws Tokens.InvalidToken {
        Tokens.Bearer bearer = ApiTokens.isApiToken(token) ? apiTokens.check(token) : jwts.check(token);
        if (deactivated.isDeactivated(bearer.userId())) {
            throw new Tokens.InvalidToken("user " + bearer.userId() + " is deactivated");
        }
        return bearer;
    }

    /** @return the deactivated users (listeners) */
    public DeactivatedUsers deactivated() {
        return deactivated;
    }

    /**
     * The credentials of a service: {@link Tokens#create} and API tokens looked up in PostgreSQL
     * ({@code auth.apitokencacheseconds}, {@code auth.revocationpollmillis}).
     *
     * @param config configuration root
     * @param db     PostgreSQL
     * @return the credentials; {@link #close} stops the pollers
     */
    public static Credentials create(io.helidon.config.Config config, javax.sql.DataSource db) {
        java.time.Duration poll = java.time.Duration.ofMillis(config.get("auth.revocationpollmillis").asLong().orElse(2000L));
        return new Credentials(Tokens.create(config), new ApiTokens(db,
                java.time.Duration.ofSeconds(config.get("auth.apitokencacheseconds").asLong().orElse(60L)), poll),
                new DeactivatedUsers(db, poll));
    }

    @Override
    public void close() {
        apiTokens.close();
        deactivated.close();
    }

    /** @return the signed tokens (to issue JWTs) */
    public Tokens jwts() {
        return jwts;
    }

    /** @return the API tokens (revocation listeners) */
    public ApiTokens apiTokens() {
        return apiTokens;
    }
}
