package dev.chat.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The local stack's Web Push (VAPID) key pair: made once and kept in the stack's state directory,
 * so browsers that subscribed stay subscribed across restarts. Production configures its own
 * ({@code PUSH_VAPIDPUBLICKEY}, {@code PUSH_VAPIDPRIVATEKEY}).
 */
public final class LocalVapidKeys {

    private static final String FILE = "vapid.properties";

    private LocalVapidKeys() {
    }

    /**
     * @param stateDir the stack's state directory
     * @return {@code PUSH_VAPIDPUBLICKEY} and {@code PUSH_VAPIDPRIVATEKEY} (base64url)
     * @throws IOException if the file cannot be read or written
     */
    public static Map<String, String> environment(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        Properties keys = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                keys.load(in);
            }
        } else {
            KeyPair pair = generate();
            keys.setProperty("public", base64Url(uncompressed((ECPublicKey) pair.getPublic())));
            keys.setProperty("private", base64Url(fixed(((ECPrivateKey) pair.getPrivate()).getS())));
            Files.createDirectories(stateDir);
            try (Writer out = Files.newBufferedWriter(file)) {
                keys.store(out, "Web Push VAPID keys of this local stack (base64url)");
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PUSH_VAPIDPUBLICKEY", keys.getProperty("public"));
        env.put("PUSH_VAPIDPRIVATEKEY", keys.getProperty("private"));
        return env;
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 keys are not available", e);
        }
    }

    private static byte[] uncompressed(ECPublicKey key) {
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(fixed(key.getW().getAffineX()), 0, point, 1, 32);
        System.arraycopy(fixed(key.getW().getAffineY()), 0, point, 33, 32);
        return point;
    }

    /** @return the value as exactly 32 big-endian bytes */
    private static byte[] fixed(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
