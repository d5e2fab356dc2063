package org.openmaas.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Client secrets at rest: salted PBKDF2-HMAC-SHA256, compared in constant time.
 *
 * <p>Generated secrets carry 256 bits of entropy, but operators may set their own (bootstrap variables), so the hash
 * is deliberately slow. The iteration count is kept moderate because the guide's client fetches a fresh token before
 * every call: each token request pays one hash.
 */
public final class SecretHasher {

    private static final String PREFIX = "pbkdf2-sha256";
    private static final int ITERATIONS = 20_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretHasher() {
    }

    public static String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PREFIX + "$" + ITERATIONS + "$" + b64(salt) + "$" + b64(derive(secret, salt, ITERATIONS));
    }

    public static boolean matches(String secret, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(secret, salt, Integer.parseInt(parts[1])));
    }

    /** A new random secret: 32 bytes, URL-safe Base64 (no characters that need escaping in Basic auth or forms). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The lower-case hex SHA-256 of a secret with 256 random bits (an API key, a session id, an invite token): there
     * is nothing to guess, so a fast hash is enough, and it is computed on every request such a secret comes with.
     */
    public static String sha256(String randomSecret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(randomSecret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] derive(String secret, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

}
