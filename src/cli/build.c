/* build.c: the commands that read specs and write code or JSON: check,
 * compile, debug, import; help and version (check: specs.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signals/plan.h"
#include "signals/import.h"
#include "signals/lint.h"
#include "signals/iglu.h"

#include "cli.h"

bool want_color(const cli *c)
{
    if (c->color >= 0) return c->color == 1;
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && *nc) && c->format == SIG_DIAG_TEXT;
}

/* "specs/ecommerce.signals" -> "ecommerce": lower-case [a-z0-9_], not
 * starting with a digit. */
char *project_name_from(sig_arena *a, const char *path)
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

int finish(sig_ctx *ctx, const cli *c, int status)
{
    sig_warning_policy_apply(c->wpolicy, ctx);
    sig_diags_render(ctx, stderr, c->format, want_color(c));
    if (status == EXIT_OK && sig_error_count(ctx)) status = EXIT_INPUT;
    sig_ctx_free(ctx);
    return status;
}

/* The files as one spec, checked; no model warnings (debug shows the
 * model, it does not review it). */
void cli_add_iglu_repos(sig_ctx *ctx, const cli *c)
{
    for (size_t i = 0; i < c->niglu_repos; i++) sig_iglu_add_repo(ctx, c->iglu_repos[i]);
}

static const sig_model *load_spec(sig_ctx *ctx, const cli *c)
{
    cli_add_iglu_repos(ctx, c);
    for (size_t i = 0; i < c->nfiles; i++)
        sig_ctx_add_file(ctx, c->files[i], strcmp(c->files[i], "-") == 0 ? c->stdin_name : NULL);
    return sig_ctx_check(ctx);
}

const sig_model *load_and_check(sig_ctx *ctx, const cli *c, const char *backend)
{
    const sig_model *m = load_spec(ctx, c);
    if (m) sig_lint(ctx, m, backend);
    return m;
}

int cli_resolve_backend(const cli *c, const char **backend_out)
{
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
    *backend_out = backend;
    return 0;
}

int cmd_compile(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "compile needs at least one FILE ('-' for standard input)");
    if (!c->output) return usage_error("%s", "compile needs an output path: -o PATH");
    const char *backend = NULL;
    int rc = cli_resolve_backend(c, &backend);
    if (rc) return rc;
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = load_and_check(ctx, c, backend);
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
    /* A warning promoted by -Werror stops the compile before anything is
     * written, as an error would. */
    sig_warning_policy_apply(c->wpolicy, ctx);
    if (sig_error_count(ctx)) return finish(ctx, c, EXIT_INPUT);
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
    if (c->depfile && !cli_write_depfile(ctx, c, c->output)) return finish(ctx, c, EXIT_INPUT);
    return finish(ctx, c, EXIT_OK);
}

int cmd_debug(const cli *c)
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
    const sig_model *m = load_spec(ctx, &rest);
    if (m) {
        char *json = plan ? sig_plan_json(m) : sig_model_json(m);
        if (json) {
            puts(json);
            free(json);
        }
    }
    return finish(ctx, c, m ? EXIT_OK : EXIT_INPUT);
}

int cmd_import(const cli *c)
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

int cmd_help(const cli *c)
{
    if (c->nfiles > 1) return usage_error("%s", "usage: signalsc help [COMMAND]");
    const cli_command *k = c->nfiles ? cli_find_command(c->files[0]) : NULL;
    if (c->nfiles && !k) return usage_error("unknown command '%s'", c->files[0]);
    if (k) cli_print_command_help(stdout, k);
    else cli_print_usage(stdout);
    return EXIT_OK;
}

int cmd_version(const cli *c)
{
    (void)c;
    printf("signalsc %s\n", SIGNALS_VERSION);
    return EXIT_OK;
}
