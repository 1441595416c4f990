/* fuzz_compile.c: the front end and every backend, to memory.
 *
 * The input is a .signals text. It is parsed and checked; a model is then
 * lowered through every backend and every target (dbt: duckdb, postgres,
 * snowflake, bigquery, databricks; ddl; api: both eras) into a sig_output in
 * memory, and printed as model JSON. Properties checked besides the
 * sanitizers: sig_ctx_check returns a model exactly when no error was
 * queued; a successful compile queues no error and yields files; the api
 * backend's typed requests match its files and load (api_deploy_load). */
#include <string.h>

#include "fuzz.h"
#include "signals/deploy.h"
#include "signals/api_requests.h"

/* The typed requests (sig_api_compile) are the files sig_compile wrote,
 * and deploy loads them. */
static void check_requests(sig_ctx *ctx, const sig_model *m, const char *target, const sig_output *files)
{
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_api_requests reqs;
    if (!sig_api_compile(ctx, m, target, &out, &reqs))
        fuzz_fail(ctx, "sig_api_compile fails where sig_compile succeeds", target);
    for (size_t i = 0; i < reqs.n; i++) {
        const sig_api_request *r = &reqs.items[i];
        if (!r->file) continue;
        const sig_output_file *f = sig_output_find(files, r->file);
        if (!f || f->len != r->body_len || memcmp(f->data, r->body, f->len) != 0)
            fuzz_fail(ctx, "a typed request's body is not its file", target);
    }
    api_deploy d;
    if (!api_deploy_load(ctx, &reqs, &d))
        fuzz_fail(ctx, "the api backend's requests do not load (api_deploy_load)", target);
    api_deploy_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_unsafe_import(data, size)) return -1;
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "fuzz.signals", (const char *)data, size);
    const sig_model *m = sig_ctx_check(ctx);
    if ((m != NULL) != (sig_error_count(ctx) == 0))
        fuzz_fail(ctx, "sig_ctx_check returned a model with errors, or no model without one", NULL);
    if (m) {
        char *json = sig_model_json(m);
        if (!json) fuzz_fail(ctx, "sig_model_json returned NULL", NULL);
        free(json);
        for (size_t b = 0; sig_backend_names[b]; b++) {
            const char *const *targets = sig_backend_targets(sig_backend_names[b]);
            for (size_t t = 0; targets[t]; t++) {
                size_t before = sig_error_count(ctx);
                sig_output out;
                sig_output_init(&out, sig_ctx_arena(ctx));
                sig_compile_options opts = {.backend = sig_backend_names[b], .target = targets[t],
                                            .project_name = "fuzz"};
                bool ok = sig_compile(ctx, m, &opts, &out);
                if (ok != (sig_error_count(ctx) == before))
                    fuzz_fail(ctx, "sig_compile's result disagrees with the errors it queued", targets[t]);
                if (!ok) continue;
                if (out.nfiles == 0) fuzz_fail(ctx, "a successful compile produced no file", targets[t]);
                if (strcmp(sig_backend_names[b], "api") == 0) check_requests(ctx, m, targets[t], &out);
            }
        }
    }
    fuzz_render(ctx);
    sig_ctx_free(ctx);
    return 0;
}
