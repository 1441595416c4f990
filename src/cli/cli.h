/* cli.h: the signalsc command line's shared state, its command and option
 * tables, and the handlers (src/cli/ and src/main.c; public headers only). */
#ifndef SIGNALSC_CLI_H
#define SIGNALSC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "signals/signals.h"
#include "signals/client.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_CHANGES = 3 };

/* Option groups: a command takes the options of the groups in its mask. */
enum {
    CLI_G_COMMON = 1u << 0,  /* diagnostics format, colour, stdin name */
    CLI_G_BUILD = 1u << 1,   /* backend, target, project name */
    CLI_G_OUTPUT = 1u << 2,  /* -o */
    CLI_G_API = 1u << 3,     /* API client configuration */
    CLI_G_APPLY = 1u << 4,   /* --yes */
    CLI_G_PLAN = 1u << 5,    /* --exit-code */
    CLI_G_SYNC = 1u << 6,    /* a batch source */
    CLI_G_CONN = 1u << 7,    /* test-connection's checks */
    CLI_G_DEP = 1u << 8,     /* --depfile */
    CLI_G_CHECK = 1u << 9,   /* check's own: --since */
    CLI_G_IGLU = 1u << 10,   /* --iglu-repo: where the Iglu schemas are */
    CLI_G_PULL = 1u << 11,   /* schemas pull's own: --resolver */
    CLI_G_FMT = 1u << 12,    /* fmt's own: --check */
    CLI_G_LAST = CLI_G_FMT
};

typedef struct cli {
    const char *command;
    const char *backend, *target, *output, *project_name, *stdin_name;
    sig_diag_format format;
    int color; /* -1 auto, 0 never, 1 always */
    const char **files;
    size_t nfiles;
    api_config api;     /* flags of the API verbs */
    bool yes, exit_code, no_check_auth, no_check_api;
    const char *database, *schema, *table, *timestamp_field, *source_name, *created_ts;
    sig_warning_policy *wpolicy; /* -W options, in order */
    const char *depfile;         /* --depfile */
    const char *since;           /* check --since DIR */
    const char **iglu_repos;     /* --iglu-repo DIR, in order (argc slots) */
    size_t niglu_repos;
    const char *resolver;        /* schemas pull --resolver FILE */
    bool check;                  /* fmt --check */
} cli;

typedef struct cli_command {
    const char *name;
    const char *args;     /* "FILE...", shown in usage */
    const char *summary;  /* one line */
    const char *details;  /* printed by COMMAND --help, or NULL */
    unsigned groups;      /* CLI_G_* it takes */
    bool api;             /* listed under "Signals API" */
    int (*run)(const cli *c);
} cli_command;

typedef struct cli_option {
    const char *name;    /* long name, without "--" */
    char short_name;     /* 0: none */
    const char *metavar; /* NULL: a flag */
    const char *help;
    unsigned groups;     /* CLI_G_* it belongs to */
} cli_option;

extern const cli_command cli_commands[];
extern const cli_option cli_options[];
extern const char *const cli_group_titles[];

/* Parsing (src/cli/args.c). Returns 0, or an exit status to stop with
 * (help and version print and return EXIT_OK). */
int cli_parse(int argc, char **argv, cli *c);
const cli_command *cli_find_command(const char *name);
void cli_print_usage(FILE *out);
void cli_print_command_help(FILE *out, const cli_command *cmd);

/* Usage errors: text on stderr, or a JSON diagnostic when --format json. */
extern bool cli_json_errors;
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shared by the handlers (src/cli/build.c). */
bool want_color(const cli *c);
int finish(sig_ctx *ctx, const cli *c, int status);
/* Adds c's files as one spec, checks it and runs the model warnings for
 * `backend` (NULL: none). */
const sig_model *load_and_check(sig_ctx *ctx, const cli *c, const char *backend);
/* The backend (default dbt) and c->target validated; usage error if not. */
int cli_resolve_backend(const cli *c, const char **backend);
char *project_name_from(sig_arena *a, const char *path);
/* Writes c->depfile: `target` depends on every file ctx read (specs.c).
 * False after queuing E0903. */
bool cli_write_depfile(sig_ctx *ctx, const cli *c, const char *target);

/* Handlers. */
int cmd_check(const cli *c);
int cmd_watch(const cli *c);
int cmd_compile(const cli *c);
int cmd_debug(const cli *c);
int cmd_import(const cli *c);
int cmd_explain(const cli *c);
int cmd_codes(const cli *c);
int cmd_aggregations(const cli *c);
int cmd_help(const cli *c);
int cmd_version(const cli *c);
int cmd_completions(const cli *c);
int cmd_plan(const cli *c);
int cmd_publish(const cli *c);
int cmd_unpublish(const cli *c);
int cmd_delete(const cli *c);
int cmd_sync(const cli *c);
int cmd_test_connection(const cli *c);
int cmd_schemas(const cli *c);
int cmd_lsp(const cli *c);
int cmd_fmt(const cli *c);

/* c's FILE arguments with each DIR replaced by every .signals file under it
 * (sorted; an empty DIR stays, to fail as a file), as check reads them
 * (specs.c). Free with cli_free_files(). */
char **cli_expand_files(const cli *c, size_t *n);
void cli_free_files(char **files, size_t n);

/* Adds c's --iglu-repo directories to ctx, in order (before its files). */
void cli_add_iglu_repos(sig_ctx *ctx, const cli *c);

#endif
