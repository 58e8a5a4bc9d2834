package dev.chat.notifier;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Reads the PKCS #8 private keys push providers hand out (an FCM service account's RSA key, an APNs .p8 EC key). */
final class PemKeys {

    private PemKeys() {
    }

    /**
     * @param pem       {@code -----BEGIN PRIVATE KEY----- …}
     * @param algorithm RSA or EC
     * @return the key
     * @throws IllegalStateException if it is not such a key
     */
    static PrivateKey privateKey(String pem, String algorithm) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("not a PKCS #8 " + algorithm + " private key (-----BEGIN PRIVATE KEY-----): "
                    + e.getMessage(), e);
        }
    }
}
