/* backends.c: the backend registry and sig_compile(). */
#include <string.h>

#include "backend.h"
#include "ctx.h"
#include "signals/plan.h"

static const sig_backend *const backends[] = {
    &sig_backend_dbt,
    &sig_backend_api,
    &sig_backend_ddl,
};
#define NBACKENDS (sizeof backends / sizeof backends[0])

const char *const sig_backend_names[] = {"dbt", "api", "ddl", NULL};

static const sig_backend *find_backend(const char *name)
{
    for (size_t i = 0; i < NBACKENDS; i++)
        if (strcmp(backends[i]->name, name) == 0) return backends[i];
    return NULL;
}

const char *const *sig_backend_targets(const char *backend)
{
    const sig_backend *b = backend ? find_backend(backend) : NULL;
    return b ? b->targets : NULL;
}

const char *sig_backend_summary(const char *backend)
{
    const sig_backend *b = backend ? find_backend(backend) : NULL;
    return b ? b->summary : NULL;
}

bool sig_compile(sig_ctx *ctx, const sig_model *model, const sig_compile_options *opts,
                 sig_output *out)
{
    const char *name = opts->backend ? opts->backend : "dbt";
    const sig_backend *b = find_backend(name);
    if (!b) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0901", "unknown backend `%s`", name);
        const char *s = sig_did_you_mean(name, sig_backend_names, 0);
        if (s) sig_diag_suggest(ctx, d, s);
        else sig_diag_help(ctx, d, "the backends are: dbt, api, ddl");
        return false;
    }
    const char *target = opts->target ? opts->target : b->targets[0];
    bool known = false;
    for (size_t i = 0; b->targets[i]; i++) known |= strcmp(b->targets[i], target) == 0;
    if (!known) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0902",
                                "the %s backend has no target `%s`", b->name, target);
        const char *s = sig_did_you_mean(target, b->targets, 0);
        if (s) sig_diag_suggest(ctx, d, s);
        sig_buf list = {.arena = ctx->arena};
        for (size_t i = 0; b->targets[i]; i++)
            sig_buf_printf(&list, "%s%s", i ? ", " : "", b->targets[i]);
        sig_diag_note(ctx, d, SIG_NOLOC, "the %s backend's targets are: %s", b->name,
                      sig_buf_str(&list));
        return false;
    }
    /* the warehouse backends: what they cannot compute yet is an error
     * before any SQL is generated */
    if (b != &sig_backend_api && !sig_plan_supported(ctx, model, b->name)) return false;
    out->single_file = b->single_file;
    return b->emit(ctx, model, target, opts, out);
}
