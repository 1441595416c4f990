/* table.c: every signalsc command and option, once. The parser
 * (getopt_long), the usage text, each command's --help, the man page's
 * lists and the shell completions are all made from these two tables. */
#include "cli.h"

const char *const cli_group_titles[] = {
    "Diagnostics",
    "Build",
    "Output",
    "Signals API client (flags > environment > ~/.config/snowplow/snowplow.yml)",
    "Applying changes",
    "Plan",
    "Batch source (sync)",
    "Connection checks",
    "Build systems",
    "Versions",
    "Iglu schemas",
    "Pulling schemas",
    "Formatting",
};


const cli_command cli_commands[] = {
    {"check", "FILE|DIR...", "parse and check specs; print diagnostics",
     "Each FILE is a spec of its own with its imports; a DIR means every .signals\n"
     "file under it (sorted); a FILE that another one imports is checked once.\n"
     "With --backend (or --target), also runs that backend's own checks, writing\n"
     "nothing. Exit status 0 when there are no errors (warnings do not count\n"
     "unless promoted), 1 when there are.",
     CLI_G_COMMON | CLI_G_BUILD | CLI_G_CHECK | CLI_G_IGLU, false, cmd_check},
    {"watch", "FILE|DIR...", "check, then check again whenever a .signals file changes",
     "Runs check as above, then watches the directories of every file the specs\n"
     "read (inotify) and checks again after each change, until interrupted.\n"
     "For editors without a signalsc integration.",
     CLI_G_COMMON | CLI_G_BUILD | CLI_G_CHECK | CLI_G_IGLU, false, cmd_watch},
    {"compile", "-o OUT FILE...", "check, then generate code with a backend",
     "Checks the specs, then writes the backend's output to OUT (a directory, or a\n"
     "file for one-file backends; '-' for standard output). Only files signalsc\n"
     "wrote before are replaced; the previous output stays when anything fails.",
     CLI_G_COMMON | CLI_G_BUILD | CLI_G_OUTPUT | CLI_G_DEP | CLI_G_IGLU, false, cmd_compile},
    {"fmt", "FILE|DIR...", "rewrite .signals files in the canonical layout",
     "Rewrites each FILE (a DIR: every .signals file under it) in place in the one\n"
     "layout (docs/language.md, \"Layout\"), comments kept; a file that would not\n"
     "change is not touched. '-' reads standard input and prints the result. A\n"
     "file with syntax errors is left as it is (the diagnostics, exit status 1).",
     CLI_G_COMMON | CLI_G_FMT, false, cmd_fmt},
    {"explain", "CODE|AGGREGATION", "explain a diagnostic code (E0301) or an aggregation (mean)",
     "Prints a diagnostic code's explanation, or what an aggregation reads, yields,\n"
     "keeps per entity and day, how it finishes, and which API eras carry it.",
     CLI_G_COMMON, false, cmd_explain},
    {"codes", "", "list every diagnostic code", NULL, CLI_G_COMMON, false, cmd_codes},
    {"aggregations", "", "list every aggregation", NULL, CLI_G_COMMON, false, cmd_aggregations},
    {"import", "[-o OUT] FILE", "Signals API JSON (views, attribute groups) to a .signals spec",
     "Reads Signals API or SDK JSON (views, attribute groups, services) and prints\n"
     "an equivalent .signals spec, or writes it to OUT.",
     CLI_G_COMMON | CLI_G_OUTPUT, false, cmd_import},
    {"debug", "model|plan FILE...", "print the resolved model, or the offline views' plans, as JSON",
     NULL, CLI_G_COMMON | CLI_G_IGLU, false, cmd_debug},
    {"schemas", "pull FILE...", "fetch the Iglu schemas of the spec's events and contexts",
     "Fetches the JSON Schema of each event and context the spec names from the\n"
     "resolver's repositories (default: Iglu Central) into iglu_schemas/ next to\n"
     "the first FILE (or -o DIR), with iglu-lock.json recording the resolved\n"
     "versions. check and compile read that directory and never use the network.",
     CLI_G_COMMON | CLI_G_OUTPUT | CLI_G_PULL, false, cmd_schemas},
    {"completions", "SHELL", "print a completion script for bash, zsh or fish",
     "Prints a completion script made from this command table:\n"
     "  bash: source <(signalsc completions bash)   (or save it in\n"
     "        ~/.local/share/bash-completion/completions/signalsc)\n"
     "  zsh:  signalsc completions zsh > ~/.zfunc/_signalsc  (fpath+=~/.zfunc)\n"
     "  fish: signalsc completions fish > ~/.config/fish/completions/signalsc.fish",
     CLI_G_COMMON, false, cmd_completions},
    {"lsp", "", "a language server (LSP 3.17) on standard input and output",
     "Speaks JSON-RPC with Content-Length framing on stdin/stdout to an editor:\n"
     "diagnostics on every change (checked as check does, from the editor's text),\n"
     "quick fixes, document symbols, go to definition, references, rename, hover\n"
     "and completion.\n"
     "Positions count UTF-16 code units. Neovim: vim.lsp.start{cmd={'signalsc','lsp'}}.",
     CLI_G_COMMON | CLI_G_IGLU, false, cmd_lsp},
    {"help", "[COMMAND]", "show this help, or a command's", NULL, CLI_G_COMMON, false, cmd_help},
    {"version", "", "show the version", NULL, CLI_G_COMMON, false, cmd_version},
    {"plan", "FILE...", "show what publishing would create or update, field by field", NULL,
     CLI_G_COMMON | CLI_G_API | CLI_G_PLAN | CLI_G_IGLU, true, cmd_plan},
    {"publish", "FILE...", "show the plan, confirm, then create or update and publish", NULL,
     CLI_G_COMMON | CLI_G_API | CLI_G_APPLY | CLI_G_IGLU, true, cmd_publish},
    {"unpublish", "FILE...", "set is_published false on the deployed objects of the spec", NULL,
     CLI_G_COMMON | CLI_G_API | CLI_G_APPLY | CLI_G_IGLU, true, cmd_unpublish},
    {"delete", "FILE...", "delete the spec's deployed objects (services, groups, keys)", NULL,
     CLI_G_COMMON | CLI_G_API | CLI_G_APPLY | CLI_G_IGLU, true, cmd_delete},
    {"sync", "VIEW[:VERSION] [FILE...]", "register a view's batch source, publish it to the engines",
     NULL, CLI_G_COMMON | CLI_G_API | CLI_G_SYNC, true, cmd_sync},
    {"test-connection", "", "check authentication and GET /health-all", NULL,
     CLI_G_COMMON | CLI_G_API | CLI_G_CONN, true, cmd_test_connection},
    {NULL, NULL, NULL, NULL, 0, false, NULL},
};

#define API CLI_G_API
const cli_option cli_options[] = {
    {"format", 0, "text|json|sarif|github", "diagnostics as text (default), json (one object per line),\n"
                            "sarif (a SARIF 2.1.0 log) or github (Actions annotations)", CLI_G_COMMON},
    {"warn", 'W', "OPT", "warnings: -W CODE, -Wno-CODE, -Werror, -Werror=CODE,\n"
                         "-Wno-error=CODE (later options win)", CLI_G_COMMON},
    {"color", 0, "auto|always|never", "colours in text diagnostics (default auto: a terminal\n"
                                      "without NO_COLOR)", CLI_G_COMMON},
    {"stdin-filename", 0, "NAME", "name shown for '-' (standard input)", CLI_G_COMMON},
    {"backend", 'b', "NAME", "backend (default: dbt)", CLI_G_BUILD},
    {"target", 't', "NAME", "backend target (default: the backend's first); for the API\n"
                            "commands, the API era as --api-version", CLI_G_BUILD | API},
    {"project-name", 0, "NAME", "name of the generated project (default: from the first FILE)",
     CLI_G_BUILD},
    {"output", 'o', "PATH", "output directory (or file, for one-file backends; '-':\n"
                            "standard output); only files signalsc wrote are replaced", CLI_G_OUTPUT},
    {"since", 0, "DIR", "warn (W0105) about views changed under the same version since\n"
                        "DIR, an earlier compile --backend api output", CLI_G_CHECK},
    {"iglu-repo", 0, "DIR", "check fields against the JSON Schemas of a static Iglu\n"
                            "repository DIR/schemas/... (repeatable, priority order)", CLI_G_IGLU},
    {"resolver", 0, "FILE", "Snowplow resolver configuration (resolver-config 1-0-x);\n"
                            "default: Iglu Central", CLI_G_PULL},
    {"depfile", 0, "FILE", "also write a make rule: OUT depends on every file read,\n"
                           "imports and Iglu schemas included (as gcc -MD -MP)", CLI_G_DEP},
    {"api-url", 0, "URL", "SNOWPLOW_API_URL", API},
    {"api-version", 0, "attribute-groups|views", "the API era (default attribute-groups)", API},
    {"auth-mode", 0, "bdp|sandbox", "SNOWPLOW_AUTH_MODE (default bdp)", API},
    {"api-key", 0, "KEY", "SNOWPLOW_API_KEY; snowplow.yml console.api-key", API},
    {"api-key-id", 0, "ID", "SNOWPLOW_API_KEY_ID; snowplow.yml console.api-key-id", API},
    {"org-id", 0, "ORG", "SNOWPLOW_ORG_ID; snowplow.yml console.org-id", API},
    {"sandbox-token", 0, "TOK", "SNOWPLOW_SANDBOX_TOKEN", API},
    {"console-url", 0, "URL", "SNOWPLOW_CONSOLE_URL (BDP_NEXT: the next console)", API},
    {"allow-insecure-http", 0, NULL, "allow http:// URLs to hosts that are not loopback", API | CLI_G_PULL},
    {"connect-timeout", 0, "S", "seconds to connect (default 10; schemas pull: 5)", API | CLI_G_PULL},
    {"timeout", 0, "S", "seconds for a whole request (default 30; schemas pull: 20)", API | CLI_G_PULL},
    {"retries", 0, "N", "retries of a failed request (default 3, at most 20)", API},
    {"retry-base-ms", 0, "MS", "first back-off (default 500)", API},
    {"retry-max-ms", 0, "MS", "longest back-off (default 30000)", API},
    {"verbose", 'v', NULL, "log every request and answer (secrets redacted)", API | CLI_G_PULL},
    {"dry-run", 0, NULL, "print the requests that would be sent; send nothing", API},
    {"yes", 'y', NULL, "apply without asking", CLI_G_APPLY},
    {"exit-code", 0, NULL, "exit 3 when there are changes, 0 when none", CLI_G_PLAN},
    {"check", 0, NULL, "write nothing; print a unified diff and exit 1 when a file\n"
                       "would change (for CI)", CLI_G_FMT},
    {"database", 0, "DB", "the batch source's database", CLI_G_SYNC},
    {"schema", 0, "S", "the batch source's schema", CLI_G_SYNC},
    {"table", 0, "T", "the batch source's table", CLI_G_SYNC},
    {"timestamp-field", 0, "F", "the batch source's timestamp column", CLI_G_SYNC},
    {"source-name", 0, "N", "the batch source's name", CLI_G_SYNC},
    {"created-timestamp-column", 0, "C", "the batch source's created-timestamp column", CLI_G_SYNC},
    {"no-check-auth", 0, NULL, "skip the authentication check", CLI_G_CONN},
    {"no-check-api", 0, NULL, "skip GET /health-all", CLI_G_CONN},
    {"help", 'h', NULL, "show this help (or a command's: signalsc COMMAND --help)", ~0u},
    {"version", 'V', NULL, "show the version", ~0u},
    {NULL, 0, NULL, NULL, 0},
};
#undef API
