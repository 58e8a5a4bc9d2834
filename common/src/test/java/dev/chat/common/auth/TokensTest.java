package dev.chat.common.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.chat.common.runtime.ServiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final String ISSUER = "chat-test";

    private final Tokens tokens = new Tokens(SECRET, ISSUER);

    @Test
    void issuedTokenVerifiesToItsUserId() throws Exception {
        assertThat(tokens.verify(tokens.issue(42L, Duration.ofMinutes(5)))).isEqualTo(42L);
        assertThat(tokens.verify(tokens.issue(Long.MAX_VALUE, Duration.ofMinutes(5)))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void tokenFromAnotherInstanceWithTheSameSecretAndIssuerVerifies() throws Exception {
        String token = new Tokens(SECRET, ISSUER).issue(7L, Duration.ofHours(1));

        assertThat(new Tokens(SECRET, ISSUER).verify(token)).isEqualTo(7L);
    }

    @Test
    void issuedTokenIsHs256WithSubjectIssuerAndExpiry() {
        Instant before = Instant.now().minusSeconds(1);
        DecodedJWT jwt = JWT.decode(tokens.issue(99L, Duration.ofMinutes(30)));

        assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
        assertThat(jwt.getSubject()).isEqualTo("99");
        assertThat(jwt.getIssuer()).isEqualTo(ISSUER);
        assertThat(jwt.getIssuedAtAsInstant()).isAfterOrEqualTo(before.truncatedTo(ChronoUnit.SECONDS));
        assertThat(Duration.between(jwt.getIssuedAtAsInstant(), jwt.getExpiresAtAsInstant()))
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void tokenSignedWithAnotherSecretIsRejected() {
        String forged = new Tokens("another-secret-of-at-least-32-chars!", ISSUER).issue(42L, Duration.ofMinutes(5));

        assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @Test
    void tokenWithSwappedPayloadIsRejected() {
        String genuine = tokens.issue(42L, Duration.ofMinutes(5));
        String[] parts = genuine.split("\\.");
        String otherPayload = JWT.decode(tokens.issue(1L, Duration.ofMinutes(5))).getPayload();
        String forged = parts[0] + "." + otherPayload + "." + parts[2];

        assertThat(forged).isNotEqualTo(genuine);
        assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @Test
    void tokenWithAlgorithmNoneIsRejected() {
        String unsigned = JWT.create().withIssuer(ISSUER).withSubject("42")
                .withExpiresAt(Instant.now().plusSeconds(300)).sign(Algorithm.none());

        assertThatThrownBy(() -> tokens.verify(unsigned)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @Test
    void tokenOfAnotherIssuerIsRejected() {
        String other = new Tokens(SECRET, "someone-else").issue(42L, Duration.ofMinutes(5));

        assertThatThrownBy(() -> tokens.verify(other)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessageContaining("iss");
    }

    @Test
    void tokenExpiredLongerAgoThanTheLeewayIsRejected() {
        String expired = tokens.issue(42L, Tokens.DEFAULT_LEEWAY.plusSeconds(5).negated());

        assertThatThrownBy(() -> tokens.verify(expired)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessageContaining("expired");
    }

    @Test
    void tokenExpiredWithinTheLeewayIsStillAccepted() throws Exception {
        String justExpired = tokens.issue(42L, Duration.ofSeconds(-10));

        assertThat(tokens.verify(justExpired)).isEqualTo(42L);
    }

    @Test
    void withoutLeewayATokenExpiredOneSecondAgoIsRejected() {
        Tokens strict = new Tokens(SECRET, List.of(), ISSUER, Duration.ZERO);
        String expired = strict.issue(42L, Duration.ofSeconds(-1));

        assertThatThrownBy(() -> strict.verify(expired)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessageContaining("expired");
    }

    @Test
    void checkReturnsTheExpiry() throws Exception {
        Tokens.Bearer bearer = tokens.check(tokens.issue(42L, Duration.ofMinutes(5)));

        assertThat(bearer.userId()).isEqualTo(42L);
        assertThat(bearer.expiresAt()).isBetween(Instant.now().plusSeconds(290), Instant.now().plusSeconds(301));
    }

    @Test
    void aRotatedOutKeyStillVerifiesButNewTokensUseTheNewKey() throws Exception {
        String newKey = "a-brand-new-signing-key-of-32-chars!!";
        Tokens rotated = new Tokens(newKey, List.of(SECRET), ISSUER, Tokens.DEFAULT_LEEWAY);

        assertThat(rotated.verify(tokens.issue(7L, Duration.ofMinutes(5)))).isEqualTo(7L);
        String fresh = rotated.issue(8L, Duration.ofMinutes(5));
        assertThat(new Tokens(newKey, ISSUER).verify(fresh)).isEqualTo(8L);
        assertThatThrownBy(() -> tokens.verify(fresh)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @Test
    void productionWithoutASigningKeyRefusesToStartNamingAuthSecret() {
        assertThatThrownBy(() -> Tokens.create(ServiceConfig.load(Map.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AUTH_SECRET")
                .hasMessageContaining("CHAT_PROFILE=local");
    }

    @Test
    void productionWithThePublicLocalKeyRefusesToStart() {
        assertThatThrownBy(() -> Tokens.create(ServiceConfig.load(Map.of("auth.secret", Tokens.LOCAL_SECRET))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("public key");
        assertThatThrownBy(() -> Tokens.create(ServiceConfig.load(Map.of("auth.secret", SECRET,
                "auth.previoussecrets", Tokens.LOCAL_SECRET)))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLocalProfileRunsWithThePublicKey() throws Exception {
        Tokens local = Tokens.create(ServiceConfig.load(Map.of("chat.profile", "local")));

        assertThat(new Tokens(Tokens.LOCAL_SECRET, "chat").verify(local.issue(3L, Duration.ofMinutes(1)))).isEqualTo(3L);
    }

    @Test
    void anUnknownProfileIsRefused() {
        assertThatThrownBy(() -> Tokens.create(ServiceConfig.load(Map.of("chat.profile", "prod", "auth.secret", SECRET))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CHAT_PROFILE");
    }

    @Test
    void tokenNotYetValidIsRejected() {
        String early = JWT.create().withIssuer(ISSUER).withSubject("42")
                .withNotBefore(Instant.now().plusSeconds(600))
                .withExpiresAt(Instant.now().plusSeconds(6000))
                .sign(Algorithm.HMAC256(SECRET));

        assertThatThrownBy(() -> tokens.verify(early)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @Test
    void tokenWithoutExpiryIsRejected() {
        String forever = JWT.create().withIssuer(ISSUER).withSubject("42").sign(Algorithm.HMAC256(SECRET));

        assertThatThrownBy(() -> tokens.verify(forever)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessageContaining("exp");
    }

    @Test
    void tokenWithNonNumericSubjectIsRejected() {
        String token = JWT.create().withIssuer(ISSUER).withSubject("alice")
                .withExpiresAt(Instant.now().plusSeconds(300)).sign(Algorithm.HMAC256(SECRET));

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessageContaining("subject");
    }

    @Test
    void tokenWithoutSubjectIsRejected() {
        String token = JWT.create().withIssuer(ISSUER)
                .withExpiresAt(Instant.now().plusSeconds(300)).sign(Algorithm.HMAC256(SECRET));

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30", "Bearer x.y.z", "...."})
    void garbageIsRejected(String token) {
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @Test
    void headerAndPayloadThatAreNotJsonAreRejected() {
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString("not json".getBytes(UTF_8));

        assertThatThrownBy(() -> tokens.verify(b64 + "." + b64 + "." + b64)).isInstanceOf(Tokens.InvalidToken.class);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t\n"})
    void blankOrMissingTokenIsRejected(String token) {
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessageContaining("missing");
    }

    @Test
    void secretShorterThan32CharactersIsRefused() {
        assertThatThrownBy(() -> new Tokens("x".repeat(Tokens.MIN_SECRET_LENGTH - 1), ISSUER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("auth.secret").hasMessageContaining("AUTH_SECRET");
    }

    @Test
    void nullSecretIsRefused() {
        assertThatThrownBy(() -> new Tokens(null, ISSUER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void secretOfExactly32CharactersIsAccepted() {
        assertThatCode(() -> new Tokens("x".repeat(Tokens.MIN_SECRET_LENGTH), ISSUER)).doesNotThrowAnyException();
    }

    @Test
    void createReadsSecretAndIssuerFromConfig() throws Exception {
        Tokens configured = Tokens.create(ServiceConfig.load(Map.of("auth.secret", SECRET, "auth.issuer", ISSUER)));

        assertThat(tokens.verify(configured.issue(5L, Duration.ofMinutes(1)))).isEqualTo(5L);
        assertThat(configured.verify(tokens.issue(6L, Duration.ofMinutes(1)))).isEqualTo(6L);
    }

    @Test
    void createWithBlankSecretFailsNamingTheKey() {
        assertThatThrownBy(() -> Tokens.create(ServiceConfig.load(Map.of("auth.secret", " "))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auth.secret");
    }

    @Test
    void createWithShortSecretFails() {
        assertThatThrownBy(() -> Tokens.create(ServiceConfig.load(Map.of("auth.secret", "short"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32");
    }
}
