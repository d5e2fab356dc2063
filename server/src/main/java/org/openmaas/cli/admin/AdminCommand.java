package org.openmaas.cli.admin;

import picocli.CommandLine.Command;

/**
 * {@code maas admin}: manage a running server over its admin API with an admin client's credentials. Each leaf
 * command is its own class; these groups only gather them.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Manage cloud accounts, clients, API keys, entitlements, limits, usage, signing keys, products "
                + "and console users of a running server.",
        subcommands = {AdminCommand.Accounts.class, AdminCommand.Clients.class, AdminCommand.ApiKeys.class,
                AdminCommand.Entitlements.class,
                AdminCommand.Limits.class, Usage.class, AdminCommand.SigningKeys.class, Engines.class,
                AdminCommand.Products.class, AdminCommand.Users.class})
public final class AdminCommand extends CommandGroup {

    @Command(name = "accounts", mixinStandardHelpOptions = true, description = "Cloud accounts.",
            subcommands = {AccountsList.class, AccountsCreate.class, AccountsUpdate.class})
    static final class Accounts extends CommandGroup {
    }

    @Command(name = "clients", mixinStandardHelpOptions = true, description = "API clients and their secrets.",
            subcommands = {ClientsList.class, ClientsCreate.class, ClientsRevoke.class, ClientsRotate.class})
    static final class Clients extends CommandGroup {
    }

    @Command(name = "api-keys", mixinStandardHelpOptions = true,
            description = "Clients' API keys, for tools that only take a static key.",
            subcommands = {ApiKeysList.class, ApiKeysCreate.class, ApiKeysRevoke.class})
    static final class ApiKeys extends CommandGroup {
    }

    @Command(name = "entitlements", mixinStandardHelpOptions = true, description = "Which products an account may use.",
            subcommands = {EntitlementsShow.class, EntitlementsSet.class})
    static final class Entitlements extends CommandGroup {
    }

    @Command(name = "limits", mixinStandardHelpOptions = true,
            description = "Client rate limits and account quotas.", subcommands = {LimitsShow.class, LimitsSet.class})
    static final class Limits extends CommandGroup {
    }

    @Command(name = "products", mixinStandardHelpOptions = true,
            description = "The products the server serves, added, changed and removed while it runs.",
            subcommands = {ProductsList.class, ProductsAdd.class, ProductsSet.class, ProductsRemove.class})
    static final class Products extends CommandGroup {
    }

    @Command(name = "users", mixinStandardHelpOptions = true,
            description = "The console's users; a new one signs in through a one-time invite link.",
            subcommands = {UsersList.class, UsersCreate.class})
    static final class Users extends CommandGroup {
    }

    @Command(name = "signing-keys", mixinStandardHelpOptions = true, description = "Token signing keys.",
            subcommands = {SigningKeysList.class, SigningKeysRotate.class})
    static final class SigningKeys extends CommandGroup {
    }
}
