/* fuzz_compile.c: the front end and every backend, to memory.
 *
 * The input is a .signals text. It is parsed and checked; a model is then
 * lowered through every backend and every target (dbt: duckdb, postgres,
 * snowflake, bigquery, databricks; ddl; api: both eras) into a sig_output in
 * memory, and printed as model JSON. Properties checked besides the
 * sanitizers: sig_ctx_check returns a model exactly when no error was
 * queued; a successful compile queues no error and yields files; the api
 * backend's output is one that the API client accepts (api_deploy_load). */
#include <string.h>

#include "fuzz.h"
#include "signals/deploy.h"

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
                if (strcmp(sig_backend_names[b], "api") == 0) {
                    api_deploy d;
                    if (!api_deploy_load(ctx, &out, strcmp(targets[t], "views") == 0, &d))
                        fuzz_fail(ctx, "the api backend's output does not load (api_deploy_load)", targets[t]);
                    api_deploy_free(&d);
                }
            }
        }
    }
    fuzz_render(ctx);
    sig_ctx_free(ctx);
    return 0;
}
