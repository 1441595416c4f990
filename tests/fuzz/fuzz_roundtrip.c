/* fuzz_roundtrip.c: a spec through the api backend and back through import.
 *
 * The input is a .signals text. When it checks, it is compiled with the
 * api backend for each API era; every body the backend wrote (plan.json
 * aside) goes into one JSON array, which sig_import_json must accept: import
 * reads whatever the compiler sends (README: "SDK / API JSON back to
 * .signals"), and the spec it writes must check (which import itself now
 * guarantees; fuzz_import asserts it too). */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "signals/import.h"

static void round_trip(sig_ctx *ctx, const sig_model *m, const char *era)
{
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_compile_options opts = {.backend = "api", .target = era, .project_name = "fuzz"};
    if (!sig_compile(ctx, m, &opts, &out)) return; /* refused (E092x): nothing to import */
    cJSON *bundle = cJSON_CreateArray();
    for (size_t i = 0; i < out.nfiles; i++) {
        if (strcmp(out.files[i].path, "plan.json") == 0) continue;
        cJSON *body = cJSON_ParseWithLength(out.files[i].data, out.files[i].len);
        if (!body) fuzz_fail(ctx, "the api backend wrote a body that is not JSON", out.files[i].data);
        cJSON_AddItemToArray(bundle, body);
    }
    char *json = cJSON_PrintUnformatted(bundle);
    cJSON_Delete(bundle);
    if (!json) abort();
    sig_ctx *im = sig_ctx_new();
    sig_buf spec = {.arena = sig_ctx_arena(im)};
    if (!sig_import_json(im, json, strlen(json), "bundle.json", &spec)) {
        fprintf(stderr, "bundle (%s): %s\n", era, json);
        fuzz_fail(im, "import rejects what the api backend wrote", sig_buf_str(&spec));
    }
    fuzz_render(im);
    sig_ctx_free(im);
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_unsafe_import(data, size)) return -1;
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "fuzz.signals", (const char *)data, size);
    const sig_model *m = sig_ctx_check(ctx);
    if (m) {
        round_trip(ctx, m, "attribute-groups");
        round_trip(ctx, m, "views");
    }
    sig_ctx_free(ctx);
    return 0;
}
