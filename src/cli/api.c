/* api.c: the commands that talk to the Signals API: plan, publish,
 * unpublish, delete, sync, test-connection. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signals/deploy.h"

#include "cli.h"

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
    const sig_model *m = load_and_check(ctx, c, "api");
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_api_requests reqs;
    if (!m || !sig_api_compile(ctx, m, views ? "views" : "attribute-groups", &out, &reqs))
        return finish(ctx, c, EXIT_INPUT);
    /* Compile warnings now, before a plan and a question; a promoted
     * warning (-Werror) stops here. */
    sig_warning_policy_apply(c->wpolicy, ctx);
    if (sig_error_count(ctx)) return finish(ctx, c, EXIT_INPUT);
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

int cmd_sync(const cli *c)
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
        m = load_and_check(ctx, &rest, "api");
        sig_warning_policy_apply(c->wpolicy, ctx);
        if (!m || sig_error_count(ctx)) { free(view); return finish(ctx, c, EXIT_INPUT); }
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

int cmd_test_connection(const cli *c)
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

int cmd_plan(const cli *c) { return cmd_deploy(c, API_VERB_PLAN); }
int cmd_publish(const cli *c) { return cmd_deploy(c, API_VERB_PUBLISH); }
int cmd_unpublish(const cli *c) { return cmd_deploy(c, API_VERB_UNPUBLISH); }
int cmd_delete(const cli *c) { return cmd_deploy(c, API_VERB_DELETE); }
