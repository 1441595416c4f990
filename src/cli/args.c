/* args.c: the command line parsed with getopt_long(3) from the tables in
 * table.c, usage errors, the generated usage and each command's --help. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"

bool cli_json_errors;

int usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cli_json_errors) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "diagnostic");
        cJSON_AddStringToObject(o, "severity", "error");
        cJSON_AddStringToObject(o, "code", "E0004");
        sig_arena *a = sig_arena_new(); /* argv may hold any bytes: JSON gets UTF-8 */
        cJSON_AddStringToObject(o, "message", sig_utf8_repair(a, msg));
        sig_arena_free(a);
        cJSON_AddNullToObject(o, "span");
        cJSON_AddNullToObject(o, "label");
        cJSON_AddArrayToObject(o, "notes");
        cJSON_AddStringToObject(o, "help", "see signalsc --help");
        cJSON_AddNullToObject(o, "replacement");
        char *text = cJSON_PrintUnformatted(o);
        if (text) fprintf(stderr, "%s\n", text);
        cJSON_free(text);
        cJSON_Delete(o);
    } else {
        fputs("signalsc: error: ", stderr);
        sig_write_escaped(stderr, msg, strlen(msg), false); /* no raw controls from argv */
        fputs("\nTry 'signalsc --help'.\n", stderr);
    }
    return EXIT_USAGE;
}

const cli_command *cli_find_command(const char *name)
{
    for (const cli_command *k = cli_commands; k->name; k++)
        if (strcmp(k->name, name) == 0) return k;
    return NULL;
}

static size_t option_count(void)
{
    size_t n = 0;
    while (cli_options[n].name) n++;
    return n;
}

/* A number option: non-negative, at most 1e7; `whole` refuses fractions. */
static int number_value(const char *opt, const char *v, bool whole, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || d < 0 || d > 1e7)
        return usage_error("option '%s' takes a non-negative number, not '%s'", opt, v);
    if (whole && d != (double)(long)d)
        return usage_error("option '%s' takes a whole number, not '%s'", opt, v);
    *out = d;
    return 0;
}

static int number_option(cli *c, const char *name, const char *opt, const char *v)
{
    bool seconds = strcmp(name, "timeout") == 0 || strcmp(name, "connect-timeout") == 0;
    double d = 0;
    int rc = number_value(opt, v, !seconds, &d);
    if (rc) return rc;
    if (seconds) {
        if (d <= 0) return usage_error("option '%s' takes a positive number of seconds", opt);
        if (strcmp(name, "timeout") == 0) c->api.timeout = d;
        else c->api.connect_timeout = d;
    } else if (strcmp(name, "retries") == 0) {
        if (d > 20) return usage_error("%s", "--retries is at most 20");
        c->api.retries = (int)d;
    } else if (strcmp(name, "retry-base-ms") == 0) {
        c->api.retry_base_ms = (long)d;
    } else {
        c->api.retry_max_ms = (long)d;
    }
    return 0;
}

static int choice_option(cli *c, const char *name, const char *v)
{
    if (strcmp(name, "format") == 0) {
        if (strcmp(v, "text") == 0) c->format = SIG_DIAG_TEXT;
        else if (strcmp(v, "json") == 0) c->format = SIG_DIAG_JSON;
        else if (strcmp(v, "sarif") == 0) c->format = SIG_DIAG_SARIF;
        else if (strcmp(v, "github") == 0) c->format = SIG_DIAG_GITHUB;
        else return usage_error("--format takes text, json, sarif or github, not '%s'", v);
    } else {
        if (strcmp(v, "auto") == 0) c->color = -1;
        else if (strcmp(v, "always") == 0) c->color = 1;
        else if (strcmp(v, "never") == 0) c->color = 0;
        else return usage_error("--color takes auto, always or never, not '%s'", v);
    }
    return 0;
}

/* The field a string option sets, or NULL when the option is not one. */
static const char **string_slot(cli *c, const char *name)
{
    static const struct { const char *name; size_t offset; } slots[] = {
        {"backend", offsetof(cli, backend)}, {"target", offsetof(cli, target)},
        {"api-version", offsetof(cli, target)}, {"output", offsetof(cli, output)},
        {"project-name", offsetof(cli, project_name)}, {"stdin-filename", offsetof(cli, stdin_name)},
        {"database", offsetof(cli, database)}, {"schema", offsetof(cli, schema)},
        {"table", offsetof(cli, table)}, {"timestamp-field", offsetof(cli, timestamp_field)},
        {"source-name", offsetof(cli, source_name)}, {"created-timestamp-column", offsetof(cli, created_ts)},
        {"api-url", offsetof(cli, api.api_url)}, {"auth-mode", offsetof(cli, api.auth_mode)},
        {"api-key", offsetof(cli, api.api_key)}, {"api-key-id", offsetof(cli, api.api_key_id)},
        {"org-id", offsetof(cli, api.org_id)}, {"sandbox-token", offsetof(cli, api.sandbox_token)},
        {"console-url", offsetof(cli, api.console_url)}, {"depfile", offsetof(cli, depfile)},
        {"since", offsetof(cli, since)}, {"resolver", offsetof(cli, resolver)},
    };
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (strcmp(slots[i].name, name) == 0) return (const char **)(void *)((char *)c + slots[i].offset);
    return NULL;
}

/* Applies option `o` (spelled `opt` on the command line) with value `v`. */
static int apply_option(cli *c, const cli_option *o, const char *opt, const char *v)
{
    const char *n = o->name;
    const char **slot = string_slot(c, n);
    if (slot) *slot = v;
    else if (strcmp(n, "iglu-repo") == 0) c->iglu_repos[c->niglu_repos++] = v;
    else if (strcmp(n, "format") == 0 || strcmp(n, "color") == 0) return choice_option(c, n, v);
    else if (strcmp(n, "warn") == 0) {
        const char *why = NULL;
        if (!sig_warning_policy_option(c->wpolicy, v, &why)) return usage_error("-W%s: %s", v, why);
    } else if (strcmp(n, "yes") == 0) c->yes = true;
    else if (strcmp(n, "verbose") == 0) c->api.verbose = true;
    else if (strcmp(n, "dry-run") == 0) c->api.dry_run = true;
    else if (strcmp(n, "allow-insecure-http") == 0) c->api.allow_insecure_http = true;
    else if (strcmp(n, "exit-code") == 0) c->exit_code = true;
    else if (strcmp(n, "check") == 0) c->check = true;
    else if (strcmp(n, "no-check-auth") == 0) c->no_check_auth = true;
    else if (strcmp(n, "no-check-api") == 0) c->no_check_api = true;
    else if (o->metavar) return number_option(c, n, opt, v);
    return 0;
}

/* getopt_long's tables, made from cli_options: a long option returns 256 +
 * its index; a short one its letter. A leading ':' reports a missing value
 * as ':' so that the message is ours. */
static void getopt_tables(struct option *longopts, char *shortopts)
{
    size_t k = 0;
    shortopts[k++] = ':';
    for (size_t i = 0; cli_options[i].name; i++) {
        const cli_option *o = &cli_options[i];
        longopts[i] = (struct option){o->name, o->metavar ? required_argument : no_argument, NULL,
                                      256 + (int)i};
        if (o->short_name) {
            shortopts[k++] = o->short_name;
            if (o->metavar) shortopts[k++] = ':';
        }
    }
    shortopts[k] = '\0';
    longopts[option_count()] = (struct option){NULL, 0, NULL, 0};
}

static const cli_option *option_for(int ch)
{
    if (ch >= 256) return &cli_options[ch - 256];
    for (size_t i = 0; cli_options[i].name; i++)
        if (cli_options[i].short_name == ch) return &cli_options[i];
    return NULL;
}

/* The command's name is the first operand; options may come anywhere
 * (getopt_long permutes), and "--" ends them. Each option is checked
 * against the command's groups once the command is known. */
int cli_parse(int argc, char **argv, cli *c)
{
    size_t nopt = option_count();
    struct option *longopts = calloc(nopt + 1, sizeof *longopts);
    char *shortopts = calloc(2 * nopt + 2, 1);
    unsigned char *seen = calloc(nopt, 1); /* 1 short, 2 long */
    c->files = calloc((size_t)argc, sizeof *c->files);
    c->iglu_repos = calloc((size_t)argc, sizeof *c->iglu_repos);
    if (!longopts || !shortopts || !seen || !c->files || !c->iglu_repos) {
        free(longopts); free(shortopts); free(seen);
        return usage_error("%s", "out of memory");
    }
    getopt_tables(longopts, shortopts);
    bool help = false, version = false;
    int rc = 0, ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (ch == '?' || ch == ':') {
            const char *spelled = argv[optind - 1];
            char shortname[3] = {'-', (char)optopt, 0};
            const char *what = optopt && optopt < 256 ? shortname : spelled;
            rc = ch == ':' ? usage_error("option '%s' needs a value", what)
                           : usage_error("unknown option '%s'", what);
            break;
        }
        const cli_option *o = option_for(ch);
        size_t idx = (size_t)(o - cli_options);
        char spelled[64];
        if (ch < 256) snprintf(spelled, sizeof spelled, "-%c", ch);
        else snprintf(spelled, sizeof spelled, "--%s", o->name);
        if (!seen[idx]) seen[idx] = ch < 256 ? 1 : 2;
        if (strcmp(o->name, "help") == 0) help = true;
        else if (strcmp(o->name, "version") == 0) version = true;
        else rc = apply_option(c, o, spelled, optarg);
        if (rc) break;
    }
    if (!rc && optind < argc) c->command = argv[optind++];
    while (!rc && optind < argc) c->files[c->nfiles++] = argv[optind++];
    const cli_command *cmd = c->command ? cli_find_command(c->command) : NULL;
    if (!rc && help) {
        if (cmd) cli_print_command_help(stdout, cmd);
        else cli_print_usage(stdout);
        rc = -1;
    } else if (!rc && version) {
        printf("signalsc %s\n", SIGNALS_VERSION);
        rc = -1;
    }
    for (size_t i = 0; !rc && cmd && i < nopt; i++)
        if (seen[i] && !(cli_options[i].groups & cmd->groups)) {
            const cli_option *o = &cli_options[i];
            if (seen[i] == 1) rc = usage_error("option '-%c' is not one of %s's (see signalsc %s --help)",
                                               o->short_name, cmd->name, cmd->name);
            else rc = usage_error("option '--%s' is not one of %s's (see signalsc %s --help)", o->name,
                                  cmd->name, cmd->name);
        }
    free(longopts);
    free(shortopts);
    free(seen);
    return rc;
}
