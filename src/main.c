/* main.c: the signalsc command line, a thin layer over libsignals.
 *
 * Exit status: 0 success, 1 errors in the input (or the output could not be
 * written, or the Signals API failed), 2 usage errors (also: the API client
 * is not configured, or a change was not confirmed with no terminal to ask
 * on), 3 `plan --exit-code` found changes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "signals/plan.h"
#include "signals/signals.h"
#include "signals/client.h"
#include "signals/deploy.h"
#include "signals/import.h"
#include "signals/iglu.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_CHANGES = 3 };

static const char usage_text[] =
    "usage: signalsc <command> [options] FILE...\n"
    "\n"
    "Commands:\n"
    "  check FILE...            parse and check specs; print diagnostics\n"
    "  compile -o OUT FILE...   check, then generate code with a backend\n"
    "  explain CODE             explain a diagnostic code (E0301)\n"
    "  codes                    list every diagnostic code\n"
    "  import [-o OUT] FILE     Signals API JSON (views, attribute groups) to a .signals spec\n"
    "  debug model FILE...      print the resolved model as JSON\n"
    "  debug plan FILE...       print the offline views' plans as JSON\n"
    "  schemas pull FILE...     fetch the Iglu schemas of the spec's events and contexts\n"
    "                           into iglu_schemas/ next to it (signalsc schemas --help)\n"
    "\n"
    "Signals API (compile to API bodies in memory, then talk to the API):\n"
    "  plan FILE...             show what publishing would create or update, field by field\n"
    "  publish FILE...          show the plan, confirm, then create or update and publish\n"
    "  unpublish FILE...        set is_published false on the deployed objects of the spec\n"
    "  delete FILE...           delete the spec's deployed objects (services, groups, keys)\n"
    "  sync VIEW[:VERSION] [FILE...]  register a view's batch source, publish it to the engines\n"
    "  test-connection          check authentication and GET /health-all\n"
    "\n"
    "Options:\n"
    "  -b, --backend NAME       backend for compile (default: dbt)\n"
    "  -t, --target NAME        backend target (default: the backend's first)\n"
    "  -o, --output PATH        output directory (or file, for one-file backends; '-':\n"
    "                           standard output); only files signalsc wrote are replaced\n"
    "      --project-name NAME  name of the generated project (default: from the first FILE)\n"
    "      --format text|json   diagnostics as text (default) or JSON lines\n"
    "      --color auto|always|never\n"
    "      --stdin-filename NAME  name shown for '-' (standard input)\n"
    "      --iglu-repo DIR      check fields against the JSON Schemas of a static Iglu\n"
    "                           repository DIR/schemas/... (repeatable, priority order)\n"
    "API options (flags > environment > ~/.config/snowplow/snowplow.yml):\n"
    "      --api-url URL        SNOWPLOW_API_URL\n"
    "      --api-version attribute-groups|views  API era (default attribute-groups; also -t)\n"
    "      --auth-mode bdp|sandbox  SNOWPLOW_AUTH_MODE (default bdp)\n"
    "      --api-key KEY, --api-key-id ID, --org-id ORG\n"
    "                           SNOWPLOW_API_KEY, SNOWPLOW_API_KEY_ID, SNOWPLOW_ORG_ID,\n"
    "                           snowplow.yml console.api-key, console.api-key-id, console.org-id\n"
    "      --sandbox-token TOK  SNOWPLOW_SANDBOX_TOKEN\n"
    "      --console-url URL    SNOWPLOW_CONSOLE_URL (BDP_NEXT: the next console)\n"
    "      --allow-insecure-http  allow http:// URLs to hosts that are not loopback\n"
    "      --connect-timeout S, --timeout S   seconds (defaults 10, 30)\n"
    "      --retries N, --retry-base-ms MS, --retry-max-ms MS  (defaults 3, 500, 30000)\n"
    "  -y, --yes                apply without asking\n"
    "      --dry-run            print the requests that would be sent; send nothing\n"
    "      --exit-code          plan: exit 3 when there are changes, 0 when none\n"
    "  -v, --verbose            log every request and answer (secrets redacted)\n"
    "      --database DB, --schema S, --table T, --timestamp-field F, --source-name N,\n"
    "      --created-timestamp-column C   batch source of sync\n"
    "      --no-check-auth, --no-check-api   test-connection checks to skip\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n"
    "\n"
    "FILE '-' reads standard input. Exit status: 0 ok, 1 errors in the input or\n"
    "from the API, 2 usage errors (also: client not configured, not confirmed),\n"
    "3 plan --exit-code found changes.\n";

typedef struct cli {
    const char *command;
    const char *backend, *target, *output, *project_name, *stdin_name;
    sig_diag_format format;
    int color; /* -1 auto, 0 never, 1 always */
    const char **files;
    size_t nfiles;
    const char **iglu_repos; /* --iglu-repo, in order */
    size_t niglu_repos;
    api_config api;     /* flags of the API verbs */
    bool yes, exit_code, no_check_auth, no_check_api;
    const char *database, *schema, *table, *timestamp_field, *source_name, *created_ts;
} cli;

static void print_backends(FILE *out)
{
    fputs("\nBackends and targets:\n", out);
    for (size_t i = 0; sig_backend_names[i]; i++) {
        const char *const *t = sig_backend_targets(sig_backend_names[i]);
        fprintf(out, "  %-8s %s\n           targets:", sig_backend_names[i],
                sig_backend_summary(sig_backend_names[i]));
        for (size_t j = 0; t && t[j]; j++) fprintf(out, " %s%s", t[j], j == 0 ? " (default)" : "");
        fputc('\n', out);
    }
}

/* Set before parsing when the command line asks for --format json, so that
 * usage errors, too, reach an editor as JSON (every failure goes through
 * the one channel the caller chose). */
static bool json_errors;

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (json_errors) {
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

/* Takes the value of option `opt` from "--opt=value" or the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq) return eq + 1;
    if (*i + 1 >= argc) return NULL;
    return argv[++*i];
}

static int parse_args(int argc, char **argv, cli *c)
{
    c->files = calloc((size_t)argc, sizeof *c->files);
    c->iglu_repos = calloc((size_t)argc, sizeof *c->iglu_repos);
    if (!c->files || !c->iglu_repos) return usage_error("%s", "out of memory");
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            if (!c->command) c->command = a;
            else c->files[c->nfiles++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) { only_files = true; continue; }
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
#define IS(s) (strlen(s) == n && strncmp(a, s, n) == 0)
        const char **slot = NULL;
        if (IS("-h") || IS("--help")) { c->command = "help"; return -1; }
        if (IS("-y") || IS("--yes")) { c->yes = true; continue; }
        if (IS("-v") || IS("--verbose")) { c->api.verbose = true; continue; }
        if (IS("--dry-run")) { c->api.dry_run = true; continue; }
        if (IS("--allow-insecure-http")) { c->api.allow_insecure_http = true; continue; }
        if (IS("--exit-code")) { c->exit_code = true; continue; }
        if (IS("--no-check-auth")) { c->no_check_auth = true; continue; }
        if (IS("--no-check-api")) { c->no_check_api = true; continue; }
        if (IS("--connect-timeout") || IS("--timeout") || IS("--retries") || IS("--retry-base-ms") ||
            IS("--retry-max-ms")) {
            const char *v = option_value(argc, argv, &i, eq);
            if (!v) return usage_error("option '%s' needs a value", a);
            char *end;
            errno = 0;
            double d = strtod(v, &end);
            if (errno || end == v || *end || d < 0 || d > 1e7)
                return usage_error("option '%.*s' takes a non-negative number, not '%s'", (int)n, a, v);
            if (IS("--connect-timeout") || IS("--timeout")) {
                if (d <= 0) return usage_error("option '%.*s' takes a positive number of seconds", (int)n, a);
                if (IS("--timeout")) c->api.timeout = d;
                else c->api.connect_timeout = d;
            } else if (d != (double)(long)d) {
                return usage_error("option '%.*s' takes a whole number, not '%s'", (int)n, a, v);
            } else if (IS("--retries")) {
                if (d > 20) return usage_error("%s", "--retries is at most 20");
                c->api.retries = (int)d;
            } else if (IS("--retry-base-ms")) c->api.retry_base_ms = (long)d;
            else c->api.retry_max_ms = (long)d;
            continue;
        }
        if (IS("-V") || IS("--version")) { c->command = "version"; return -1; }
        if (IS("-b") || IS("--backend")) slot = &c->backend;
        else if (IS("-t") || IS("--target")) slot = &c->target;
        else if (IS("-o") || IS("--output")) slot = &c->output;
        else if (IS("--project-name")) slot = &c->project_name;
        else if (IS("--stdin-filename")) slot = &c->stdin_name;
        else if (IS("--iglu-repo")) slot = &c->iglu_repos[c->niglu_repos++];
        else if (IS("--api-url")) slot = &c->api.api_url;
        else if (IS("--api-version")) slot = &c->target;
        else if (IS("--auth-mode")) slot = &c->api.auth_mode;
        else if (IS("--api-key")) slot = &c->api.api_key;
        else if (IS("--api-key-id")) slot = &c->api.api_key_id;
        else if (IS("--org-id")) slot = &c->api.org_id;
        else if (IS("--sandbox-token")) slot = &c->api.sandbox_token;
        else if (IS("--console-url")) slot = &c->api.console_url;
        else if (IS("--database")) slot = &c->database;
        else if (IS("--schema")) slot = &c->schema;
        else if (IS("--table")) slot = &c->table;
        else if (IS("--timestamp-field")) slot = &c->timestamp_field;
        else if (IS("--source-name")) slot = &c->source_name;
        else if (IS("--created-timestamp-column")) slot = &c->created_ts;
        else if (IS("--format") || IS("--color")) {
            const char *v = option_value(argc, argv, &i, eq);
            if (!v) return usage_error("option '%s' needs a value", a);
            if (IS("--format")) {
                if (strcmp(v, "text") == 0) c->format = SIG_DIAG_TEXT;
                else if (strcmp(v, "json") == 0) c->format = SIG_DIAG_JSON;
                else return usage_error("--format takes text or json, not '%s'", v);
            } else {
                if (strcmp(v, "auto") == 0) c->color = -1;
                else if (strcmp(v, "always") == 0) c->color = 1;
                else if (strcmp(v, "never") == 0) c->color = 0;
                else return usage_error("--color takes auto, always or never, not '%s'", v);
            }
            continue;
        } else {
            return usage_error("unknown option '%s'", a);
        }
#undef IS
        const char *v = option_value(argc, argv, &i, eq);
        if (!v) return usage_error("option '%s' needs a value", a);
        *slot = v;
    }
    return 0;
}

static bool want_color(const cli *c)
{
    if (c->color >= 0) return c->color == 1;
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && *nc) && c->format == SIG_DIAG_TEXT;
}

/* "specs/ecommerce.signals" -> "ecommerce": lower-case [a-z0-9_], not
 * starting with a digit. */
static char *project_name_from(sig_arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(path, "-") == 0) base = "signals";
    size_t n = strcspn(base, ".");
    char *s = sig_arena_alloc(a, n + 2);
    size_t k = 0;
    if (n == 0 || (base[0] >= '0' && base[0] <= '9')) s[k++] = 'p';
    for (size_t i = 0; i < n; i++) {
        char ch = base[i];
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        s[k++] = ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) ? ch : '_';
    }
    s[k] = '\0';
    return s;
}

static int finish(sig_ctx *ctx, const cli *c, int status)
{
    sig_diags_render(ctx, stderr, c->format, want_color(c));
    if (status == EXIT_OK && sig_error_count(ctx)) status = EXIT_INPUT;
    sig_ctx_free(ctx);
    return status;
}

static const sig_model *load_and_check(sig_ctx *ctx, const cli *c)
{
    for (size_t i = 0; i < c->niglu_repos; i++) sig_iglu_add_repo(ctx, c->iglu_repos[i]);
    for (size_t i = 0; i < c->nfiles; i++)
        sig_ctx_add_file(ctx, c->files[i], strcmp(c->files[i], "-") == 0 ? c->stdin_name : NULL);
    return sig_ctx_check(ctx);
}

static int cmd_check(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "check needs at least one FILE ('-' for standard input)");
    sig_ctx *ctx = sig_ctx_new();
    load_and_check(ctx, c);
    return finish(ctx, c, EXIT_OK);
}

static int cmd_compile(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "compile needs at least one FILE ('-' for standard input)");
    if (!c->output) return usage_error("%s", "compile needs an output path: -o PATH");
    const char *backend = c->backend ? c->backend : "dbt";
    const char *const *targets = sig_backend_targets(backend);
    if (!targets) return usage_error("unknown backend '%s' (see signalsc --help)", backend);
    if (c->target) {
        bool ok = false;
        for (size_t i = 0; targets[i]; i++) ok |= strcmp(targets[i], c->target) == 0;
        if (!ok) {
            char list[256] = "";
            for (size_t i = 0; targets[i]; i++) {
                strncat(list, " ", sizeof list - strlen(list) - 1);
                strncat(list, targets[i], sizeof list - strlen(list) - 1);
            }
            const char *s = sig_did_you_mean(c->target, targets, 0);
            return usage_error("the %s backend has no target '%s'%s%s%s; its targets are:%s", backend,
                               c->target, s ? " (did you mean '" : "", s ? s : "",
                               s ? "'?)" : "", list);
        }
    }
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = load_and_check(ctx, c);
    if (!m) return finish(ctx, c, EXIT_INPUT);
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_compile_options opts = {
        .backend = backend,
        .target = c->target,
        .project_name = c->project_name ? c->project_name
                                        : project_name_from(sig_ctx_arena(ctx), c->files[0]),
    };
    if (!sig_compile(ctx, m, &opts, &out)) return finish(ctx, c, EXIT_INPUT);
    /* Every file read, imports included, so -o never overwrites one. */
    for (unsigned id = 1; id <= sig_ctx_source_count(ctx); id++) {
        const sig_source *src = sig_ctx_source(ctx, id);
        if (src && src->path[0] != '<') sig_output_protect(&out, src->path);
    }
    const char *err = NULL;
    if (!sig_output_write(&out, c->output, &err)) {
        sig_error(ctx, SIG_NOLOC, "E0903", "%s", err);
        return finish(ctx, c, EXIT_INPUT);
    }
    return finish(ctx, c, EXIT_OK);
}

static int cmd_debug(const cli *c)
{
    bool plan = c->nfiles > 0 && strcmp(c->files[0], "plan") == 0;
    if (c->nfiles == 0 || (!plan && strcmp(c->files[0], "model") != 0))
        return usage_error("%s", "usage: signalsc debug model|plan FILE...");
    cli rest = *c;
    rest.files = c->files + 1;
    rest.nfiles = c->nfiles - 1;
    if (rest.nfiles == 0)
        return usage_error("debug %s needs at least one FILE", plan ? "plan" : "model");
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = load_and_check(ctx, &rest);
    if (m) {
        char *json = plan ? sig_plan_json(m) : sig_model_json(m);
        if (json) {
            puts(json);
            free(json);
        }
    }
    return finish(ctx, c, m ? EXIT_OK : EXIT_INPUT);
}

static int cmd_import(const cli *c)
{
    if (c->nfiles != 1) return usage_error("%s", "usage: signalsc import [-o OUT.signals] FILE.json");
    const char *path = c->files[0];
    size_t len = 0;
    const char *why = NULL;
    char *json = sig_read_input(path, &len, &why);
    sig_ctx *ctx = sig_ctx_new();
    const char *shown = strcmp(path, "-") == 0 ? (c->stdin_name ? c->stdin_name : "<stdin>") : path;
    if (!json) {
        sig_error(ctx, SIG_NOLOC, "E0001", "cannot read `%s`: %s", shown, why);
        return finish(ctx, c, EXIT_INPUT);
    }
    sig_buf spec = {.arena = sig_ctx_arena(ctx)};
    bool ok = sig_import_json(ctx, json, len, shown, &spec);
    free(json);
    if (!ok) return finish(ctx, c, EXIT_INPUT);
    if (!c->output) {
        fwrite(sig_buf_str(&spec), 1, spec.len, stdout);
        return finish(ctx, c, EXIT_OK);
    }
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    out.single_file = true;
    sig_output_add_buf(&out, "spec.signals", &spec);
    if (strcmp(path, "-") != 0) sig_output_protect(&out, path);
    const char *err = NULL;
    if (!sig_output_write(&out, c->output, &err)) {
        sig_error(ctx, SIG_NOLOC, "E0903", "%s", err);
        return finish(ctx, c, EXIT_INPUT);
    }
    return finish(ctx, c, EXIT_OK);
}

static int cmd_explain(const cli *c)
{
    if (c->nfiles != 1) return usage_error("%s", "usage: signalsc explain CODE");
    const char *code = c->files[0];
    char upper[16];
    size_t n = strlen(code);
    if (n >= sizeof upper) n = sizeof upper - 1;
    for (size_t i = 0; i < n; i++) upper[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
    upper[n] = '\0';
    const char *title = sig_code_title(upper);
    if (!title) {
        fprintf(stderr, "signalsc: error: no diagnostic code '%s' (signalsc codes lists them)\n", code);
        return EXIT_USAGE;
    }
    printf("%s: %s\n\n%s\n", upper, title, sig_code_explanation(upper));
    return EXIT_OK;
}

static void print_code(const char *code, const char *title, void *data)
{
    (void)data;
    printf("%s  %s\n", code, title);
}

/* ------------------------------------------------------ Signals API */

/* The API era: --api-version (or -t), default attribute-groups. */
static bool api_era(const cli *c, bool *views)
{
    const char *t = c->target ? c->target : "attribute-groups";
    if (strcmp(t, "attribute-groups") == 0) *views = false;
    else if (strcmp(t, "views") == 0) *views = true;
    else {
        usage_error("--api-version takes attribute-groups or views, not '%s'", t);
        return false;
    }
    return true;
}

/* Asks on the terminal: 1 yes, 0 no, -1 standard input is not a terminal. */
static int confirm_on_tty(void *ud, const char *question)
{
    (void)ud;
    if (!isatty(STDIN_FILENO)) return -1;
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return 0;
    return (line[0] == 'y' || line[0] == 'Y') ? 1 : 0;
}

/* Configures the client; on failure renders the diagnostics and returns
 * NULL with *status set. */
static api_client *make_client(sig_ctx *ctx, const cli *c, bool need_auth, int *status)
{
    api_config cfg;
    api_config flags = c->api;
    if (flags.dry_run) flags.log = stdout;
    if (!api_config_resolve(ctx, &flags, need_auth && !flags.dry_run, &cfg)) {
        *status = EXIT_USAGE;
        return NULL;
    }
    api_client *cl = api_client_new(ctx, &cfg);
    if (!cl) {
        sig_error(ctx, SIG_NOLOC, "E0942", "cannot load or initialise libcurl (libcurl.so.4; Debian package libcurl4)");
        *status = EXIT_INPUT;
    }
    return cl;
}

/* Renders the diagnostics of both contexts (compile, then client), frees
 * them, and returns the status (errors turn 0 and 3 into 1). */
static int finish2(sig_ctx *compile, sig_ctx *client, const cli *c, int status)
{
    bool errors = sig_error_count(client) > 0 || (compile && sig_error_count(compile) > 0);
    if (sig_diags_first(client)) sig_diags_render(client, stderr, c->format, want_color(c));
    sig_ctx_free(client);
    if (compile) sig_ctx_free(compile);
    if (errors && (status == EXIT_OK || status == EXIT_CHANGES)) status = EXIT_INPUT;
    return status;
}

static int cmd_deploy(const cli *c, api_verb verb)
{
    static const char *const names[] = {"plan", "publish", "unpublish", "delete"};
    if (c->nfiles == 0) return usage_error("%s needs at least one FILE ('-' for standard input)", names[verb]);
    if (c->exit_code && verb != API_VERB_PLAN) return usage_error("%s", "--exit-code is for plan");
    bool views;
    if (!api_era(c, &views)) return EXIT_USAGE;
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = load_and_check(ctx, c);
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_api_requests reqs;
    if (!m || !sig_api_compile(ctx, m, views ? "views" : "attribute-groups", &out, &reqs))
        return finish(ctx, c, EXIT_INPUT);
    /* Compile warnings now, before a plan and a question. */
    if (sig_diags_first(ctx)) sig_diags_render(ctx, stderr, c->format, want_color(c));
    sig_ctx *cctx = sig_ctx_new();
    int status = EXIT_OK;
    api_client *cl = make_client(cctx, c, true, &status);
    if (!cl) return finish2(ctx, cctx, c, status);
    api_deploy d;
    if (!api_deploy_load(cctx, &reqs, &d)) {
        api_client_free(cl);
        return finish2(ctx, cctx, c, EXIT_INPUT);
    }
    api_run_options ro = {
        .verb = verb,
        .json = c->format == SIG_DIAG_JSON,
        .yes = c->yes,
        .out = stdout,
        .confirm = confirm_on_tty,
    };
    api_outcome r = api_run(cctx, cl, &d, &ro);
    fflush(stdout);
    api_deploy_free(&d);
    api_client_free(cl);
    switch (r) {
    case API_DONE: status = EXIT_OK; break;
    case API_CHANGES: status = c->exit_code ? EXIT_CHANGES : EXIT_OK; break;
    case API_REFUSED: status = sig_error_count(cctx) ? EXIT_USAGE : EXIT_INPUT; break;
    case API_ERROR: status = EXIT_INPUT; break;
    }
    if (r == API_REFUSED && status == EXIT_USAGE) {
        /* E0949 is a usage problem: keep status 2 rather than 1. */
        if (sig_diags_first(cctx)) sig_diags_render(cctx, stderr, c->format, want_color(c));
        sig_ctx_free(cctx);
        sig_ctx_free(ctx);
        return EXIT_USAGE;
    }
    return finish2(ctx, cctx, c, status);
}

static int cmd_sync(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "usage: signalsc sync VIEW[:VERSION] [FILE...]");
    bool views;
    if (!api_era(c, &views)) return EXIT_USAGE;
    const char *arg = c->files[0];
    const char *colon = strchr(arg, ':');
    int version = 0;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || *end || v < 1 || v > 1000000)
            return usage_error("sync takes VIEW[:VERSION], not '%s'", arg);
        version = (int)v;
    }
    sig_ctx *ctx = NULL;
    const sig_model *m = NULL;
    char *view = strndup(arg, colon ? (size_t)(colon - arg) : strlen(arg));
    if (!view || !*view) { free(view); return usage_error("sync takes VIEW[:VERSION], not '%s'", arg); }
    if (c->nfiles > 1) {
        cli rest = *c;
        rest.files = c->files + 1;
        rest.nfiles = c->nfiles - 1;
        ctx = sig_ctx_new();
        m = load_and_check(ctx, &rest);
        if (!m) { free(view); return finish(ctx, c, EXIT_INPUT); }
        if (sig_diags_first(ctx)) sig_diags_render(ctx, stderr, c->format, want_color(c));
    }
    sig_ctx *cctx = sig_ctx_new();
    int status = EXIT_OK;
    api_client *cl = make_client(cctx, c, true, &status);
    if (cl) {
        api_sync_options so = {
            .view = view, .version = version, .database = c->database, .schema = c->schema,
            .table = c->table, .timestamp_field = c->timestamp_field, .name = c->source_name,
            .created_timestamp_column = c->created_ts, .out = stdout,
        };
        status = api_sync(cctx, cl, m, views, &so) == API_DONE ? EXIT_OK : EXIT_INPUT;
        api_client_free(cl);
    }
    free(view);
    fflush(stdout);
    return finish2(ctx, cctx, c, status);
}

static int cmd_test_connection(const cli *c)
{
    if (c->nfiles) return usage_error("%s", "test-connection takes no FILE");
    if (c->no_check_auth && c->no_check_api) return usage_error("%s", "nothing to check");
    bool views;
    if (!api_era(c, &views)) return EXIT_USAGE;
    sig_ctx *cctx = sig_ctx_new();
    int status = EXIT_OK;
    api_client *cl = make_client(cctx, c, !c->no_check_auth, &status);
    if (cl) {
        status = api_test_connection(cctx, cl, views, !c->no_check_auth, !c->no_check_api, stdout) == API_DONE
                     ? EXIT_OK : EXIT_INPUT;
        api_client_free(cl);
    }
    fflush(stdout);
    return finish2(NULL, cctx, c, status);
}

/* A write to standard output can fail late (full disk, closed pipe): the
 * error only shows in the stream's error indicator or when the buffer is
 * flushed, so check both once before exit (ferror(3), fclose(3)). */
static int check_stdout(int status)
{
    bool bad = ferror(stdout) != 0;
    errno = 0;
    if (fclose(stdout) != 0 || bad) {
        fprintf(stderr, "signalsc: error: cannot write standard output: %s\n",
                errno ? strerror(errno) : "write error");
        if (status == EXIT_OK || status == EXIT_CHANGES) status = EXIT_INPUT;
    }
    return status;
}

int main(int argc, char **argv)
{
    cli c = {.format = SIG_DIAG_TEXT, .color = -1,
             .api = {.connect_timeout = -1, .timeout = -1, .retries = -1, .retry_base_ms = -1,
                     .retry_max_ms = -1}};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format=json") == 0 ||
            (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "json") == 0))
            json_errors = true;
        if (strcmp(argv[i], "--") == 0) break;
    }
    /* `schemas` has its own options (src/iglu_pull.c). */
    if (argc > 1 && strcmp(argv[1], "schemas") == 0) {
        const char *nc = getenv("NO_COLOR");
        bool color = isatty(STDERR_FILENO) && !(nc && *nc) && !json_errors;
        return check_stdout(sig_iglu_schemas_command(argc - 2, argv + 2, json_errors, color));
    }
    int rc = parse_args(argc, argv, &c);
    int status;
    if (rc > 0) status = rc;
    else if (!c.command || strcmp(c.command, "help") == 0) {
        FILE *out = c.command ? stdout : stderr;
        fputs(usage_text, out);
        print_backends(out);
        status = c.command ? EXIT_OK : EXIT_USAGE;
    } else if (strcmp(c.command, "version") == 0) {
        printf("signalsc %s\n", SIGNALS_VERSION);
        status = EXIT_OK;
    } else if (strcmp(c.command, "check") == 0) status = cmd_check(&c);
    else if (strcmp(c.command, "compile") == 0) status = cmd_compile(&c);
    else if (strcmp(c.command, "explain") == 0) status = cmd_explain(&c);
    else if (strcmp(c.command, "codes") == 0) { sig_codes_foreach(print_code, NULL); status = EXIT_OK; }
    else if (strcmp(c.command, "debug") == 0) status = cmd_debug(&c);
    else if (strcmp(c.command, "import") == 0) status = cmd_import(&c);
    else if (strcmp(c.command, "plan") == 0) status = cmd_deploy(&c, API_VERB_PLAN);
    else if (strcmp(c.command, "publish") == 0) status = cmd_deploy(&c, API_VERB_PUBLISH);
    else if (strcmp(c.command, "unpublish") == 0) status = cmd_deploy(&c, API_VERB_UNPUBLISH);
    else if (strcmp(c.command, "delete") == 0) status = cmd_deploy(&c, API_VERB_DELETE);
    else if (strcmp(c.command, "sync") == 0) status = cmd_sync(&c);
    else if (strcmp(c.command, "test-connection") == 0) status = cmd_test_connection(&c);
    else {
        static const char *const commands[] = {"check", "compile", "explain", "codes", "debug",
                                                "import", "plan", "publish", "unpublish", "delete",
                                                "sync", "test-connection", "schemas", NULL};
        const char *s = sig_did_you_mean(c.command, commands, 0);
        status = usage_error("unknown command '%s'%s%s%s", c.command, s ? "; did you mean '" : "",
                             s ? s : "", s ? "'?" : "");
    }
    free(c.files);
    free(c.iglu_repos);
    return check_stdout(status);
}
