/* schemas.c: `signalsc schemas pull`, a thin layer over sig_iglu_pull(). */
#include <string.h>

#include "signals/iglu.h"

#include "cli.h"

int cmd_schemas(const cli *c)
{
    if (c->nfiles == 0 || strcmp(c->files[0], "pull") != 0)
        return usage_error("%s", c->nfiles ? "the schemas command is 'schemas pull FILE...'"
                                           : "schemas needs a command: pull");
    if (c->nfiles < 2) return usage_error("%s", "schemas pull needs a FILE");
    sig_iglu_pull_options o = {
        .files = c->files + 1,
        .nfiles = c->nfiles - 1,
        .resolver_path = c->resolver,
        .out_dir = c->output,
        .connect_timeout = c->api.connect_timeout > 0 ? c->api.connect_timeout : 0,
        .timeout = c->api.timeout > 0 ? c->api.timeout : 0,
        .allow_insecure_http = c->api.allow_insecure_http,
        .verbose = c->api.verbose,
    };
    sig_ctx *ctx = sig_ctx_new();
    int status = sig_iglu_pull(ctx, &o, stderr);
    return finish(ctx, c, status);
}
