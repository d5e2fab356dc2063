package org.openmaas.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK's public API, as applications compiled against it see it, is written down in {@code client/api.txt}: every
 * public type of {@code org.openmaas.client} with its public and protected members, read from the compiled classes.
 * A change to it is a change for every application that uses the SDK, so it must be made on purpose: this test fails
 * until the listing is updated with the change (run it with {@code -Dopenmaas.updateApi=true}) and both are committed
 * together, where a reviewer sees them.
 */
class PublicApiTest {

    static final Path LISTING = Path.of("api.txt"); // surefire runs in the module's directory
    static final String PACKAGE = MaasClient.class.getPackageName();

    @Test
    void thePublicApiIsTheOneWrittenInApiTxt() throws Exception {
        String actual = listing();
        if (Boolean.getBoolean("openmaas.updateApi")) {
            Files.writeString(LISTING, actual);
        }
        String recorded = Files.exists(LISTING) ? Files.readString(LISTING) : "";
        assertThat(actual)
                .as("the SDK's public API differs from client/api.txt. If the change is intended, rewrite the listing "
                        + "with `mvn -pl client test -Dtest=PublicApiTest -Dopenmaas.updateApi=true` and commit it "
                        + "with the change")
                .isEqualTo(recorded);
    }

    @Test
    void thePublicApiNamesNoTypeOfTheInternalPackage() throws Exception {
        assertThat(listing().lines().filter(line -> line.contains(PACKAGE + ".internal.")))
                .as("public signatures that expose org.openmaas.client.internal")
                .isEmpty();
    }

    /** One block per public type, sorted by name: the type's declaration, then its members, one per line, sorted. */
    static String listing() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(MaasClient.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(PACKAGE.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.class$", "");
                Class<?> type = Class.forName(PACKAGE + "." + name, false, PublicApiTest.class.getClassLoader());
                if (visible(type)) {
                    types.add(type);
                }
            }
        }
        types.sort(Comparator.comparing(Class::getCanonicalName));
        StringBuilder out = new StringBuilder("# The public API of the SDK (" + PACKAGE + "), written by PublicApiTest from "
                + "the compiled classes: a change here is a change for every application that uses it.\n\n");
        for (Class<?> type : types) {
            out.append(declaration(type)).append('\n');
            members(type).forEach(member -> out.append("  ").append(member).append('\n'));
            out.append('\n');
        }
        return out.toString();
    }

    /** Public, and reachable by name from outside: every enclosing type public too; not anonymous or local. */
    private static boolean visible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static String declaration(Class<?> type) {
        StringBuilder line = new StringBuilder(type.toGenericString());
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            line.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (interfaces.length > 0) {
            line.append(type.isInterface() ? " extends " : " implements ")
                    .append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        if (type.isSealed()) {
            line.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getTypeName)
                    .sorted().collect(Collectors.joining(", ")));
        }
        return line.toString();
    }

    private static List<String> members(Class<?> type) {
        List<Member> members = new ArrayList<>();
        members.addAll(List.of(type.getDeclaredFields()));
        members.addAll(List.of(type.getDeclaredConstructors()));
        members.addAll(List.of(type.getDeclaredMethods()));
        String qualifier = type.getTypeName() + ".";
        return members.stream()
                .filter(m -> !m.isSynthetic() && !(m instanceof Method method && method.isBridge()))
                .filter(m -> Modifier.isPublic(m.getModifiers())
                        || (Modifier.isProtected(m.getModifiers()) && !Modifier.isFinal(type.getModifiers())))
                .map(m -> (m instanceof Field f ? f.toGenericString()
                        : m instanceof Constructor<?> c ? c.toGenericString()
                        : ((Method) m).toGenericString()).replace(qualifier, ""))
                .sorted()
                .toList();
    }
}
