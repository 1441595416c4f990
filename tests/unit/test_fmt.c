/* Unit tests of the formatter through its public header: the layout, the
 * comments, idempotence, and no output for source with syntax errors. */
#include <string.h>

#include "signals/fmt.h"
#include "signals/signals.h"
#include "unit.h"

/* sig_format() of `src`, or NULL when it refuses; *errors its error count.
 * The string lives until *ctx_out is freed. */
static const char *format(const char *src, sig_ctx **ctx_out, size_t *errors)
{
    sig_ctx *ctx = sig_ctx_new();
    *ctx_out = ctx;
    unsigned id = sig_ctx_add_buffer(ctx, "t.signals", src, strlen(src));
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    bool ok = sig_format(ctx, id, &out);
    *errors = sig_error_count(ctx);
    return ok ? (out.len ? sig_buf_str(&out) : "") : NULL;
}

TEST(fmt_lays_out_tokens_and_keeps_comments)
{
    sig_ctx *ctx, *again;
    size_t errors;
    const char *out = format("# top\nview v v1{entity domain_userid # key\n"
                             "tags{a=\"b\"}\nattributes x,y}\n", &ctx, &errors);
    CHECK_STR(out, "# top\nview v v1 {\n    entity domain_userid  # key\n"
                   "    tags { a = \"b\" }\n    attributes x, y\n}\n");
    CHECK_INT(errors, 0);
    CHECK_STR(format(out, &again, &errors), out);
    sig_ctx_free(again);
    sig_ctx_free(ctx);
}

TEST(fmt_refuses_syntax_errors_and_formats_check_errors)
{
    sig_ctx *ctx;
    size_t errors;
    CHECK(format("attribute a = counter( from e\n", &ctx, &errors) == NULL);
    CHECK(errors > 0);
    CHECK_STR(sig_diags_first(ctx)->code, "E0201");
    sig_ctx_free(ctx);
    /* `nowhere` is not declared: the checker's business, not fmt's. */
    CHECK_STR(format("attribute a=counter() from nowhere", &ctx, &errors),
              "attribute a = counter() from nowhere\n");
    CHECK_INT(errors, 0);
    sig_ctx_free(ctx);
    CHECK_STR(format(" \n\n", &ctx, &errors), "");
    sig_ctx_free(ctx);
}
