/* fuzz_fmt.c: the formatter on any text.
 *
 * The input is a .signals text. When sig_format accepts it, its output must
 * be accepted again and come back unchanged (idempotence); when the input
 * checks, the output must check too and give the same model JSON, each
 * property's "text" aside (the property as written, which keeps the
 * source's spacing and comments). */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "signals/fmt.h"

/* `model` without its "text" members. */
static void drop_text(cJSON *j)
{
    cJSON_DeleteItemFromObjectCaseSensitive(j, "text");
    for (cJSON *c = j ? j->child : NULL; c; c = c->next) drop_text(c);
}

static cJSON *model_of(const char *text, size_t len, bool *ok)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "fuzz.signals", text, len);
    const sig_model *m = sig_ctx_check(ctx);
    cJSON *j = NULL;
    *ok = m != NULL;
    if (m) {
        char *s = sig_model_json(m);
        j = cJSON_Parse(s);
        free(s);
        drop_text(j);
    }
    sig_ctx_free(ctx);
    return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_unsafe_import(data, size)) return -1;
    sig_ctx *ctx = sig_ctx_new();
    unsigned id = sig_ctx_add_buffer(ctx, "fuzz.signals", (const char *)data, size);
    sig_buf once = {.arena = sig_ctx_arena(ctx)};
    if (!id || !sig_format(ctx, id, &once)) {
        fuzz_render(ctx);
        sig_ctx_free(ctx);
        return 0;
    }
    const char *text = once.len ? once.data : "";
    sig_ctx *again = sig_ctx_new();
    unsigned id2 = sig_ctx_add_buffer(again, "fuzz.signals", text, once.len);
    sig_buf twice = {.arena = sig_ctx_arena(again)};
    if (!id2 || !sig_format(again, id2, &twice))
        fuzz_fail(again, "fmt rejects its own output", text);
    if (twice.len != once.len || memcmp(twice.len ? twice.data : "", text, once.len) != 0)
        fuzz_fail(NULL, "fmt is not idempotent", text);
    sig_ctx_free(again);
    bool ok_in, ok_out;
    cJSON *in = model_of((const char *)data, size, &ok_in);
    cJSON *out = model_of(text, once.len, &ok_out);
    if (ok_in != ok_out) fuzz_fail(NULL, "fmt changes whether the spec checks", text);
    if (ok_in && !cJSON_Compare(in, out, true)) fuzz_fail(NULL, "fmt changes the model", text);
    cJSON_Delete(in);
    cJSON_Delete(out);
    sig_ctx_free(ctx);
    return 0;
}
