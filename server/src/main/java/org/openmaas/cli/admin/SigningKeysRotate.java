package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Sign new tokens with a new key; tokens signed by the others stay valid until they expire.")
final class SigningKeysRotate extends AdminSubcommand {

    @Override
    JsonNode run() {
        return server.call("POST", "/v1/admin/signing-keys/rotate", null);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        SigningKeysList.printKeys(result, out);
    }
}
