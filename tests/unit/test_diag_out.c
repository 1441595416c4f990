/* Unit tests of the diagnostic sinks (several contexts, one summary; the
 * GitHub and SARIF formats), the warning policy and the model warnings,
 * through the public API only. */
#include <stdlib.h>
#include <string.h>

#include "signals/lint.h"
#include "signals/signals.h"
#include "unit.h"

static char *slurp(FILE *f)
{
    long len = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)len + 1);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) buf[0] = '\0';
    fclose(f);
    return buf;
}

static sig_ctx *ctx_with(const char *name, const char *text)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, name, text, strlen(text));
    const sig_model *m = sig_ctx_check(ctx);
    if (m) sig_lint(ctx, m, NULL);
    return ctx;
}

static const char spec_unused[] =
    "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
    "event link_click = iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1\n"
    "attribute n = counter() from page_view\n"
    "view v v1 {\n    entity domain_userid\n    offline true\n    attributes n\n}\n";

TEST(sink_renders_several_contexts_with_one_summary)
{
    sig_ctx *a = ctx_with("a.signals", spec_unused);
    sig_ctx *b = ctx_with("b.signals", "event x = nope\n");
    FILE *f = tmpfile();
    sig_diag_sink *s = sig_diag_sink_new(f, SIG_DIAG_TEXT, false);
    sig_diag_sink_add(s, a);
    sig_diag_sink_add(s, b);
    sig_diag_sink_finish(s);
    char *out = slurp(f);
    CHECK(strstr(out, "a.signals:2:7: warning[W0101]: event `link_click` is never used") != NULL);
    CHECK(strstr(out, "b.signals:1:") != NULL);
    const char *summary = strstr(out, "1 error, 1 warning\n"); /* one summary, both counted */
    CHECK(summary && summary[strlen("1 error, 1 warning\n")] == '\0');
    CHECK(strstr(out, "0 errors") == NULL && strstr(out, "0 warnings") == NULL);
    free(out);
    sig_ctx_free(a);
    sig_ctx_free(b);
}

TEST(warning_policy_drops_promotes_and_last_wins)
{
    const char *why = NULL;
    sig_warning_policy *p = sig_warning_policy_new();
    CHECK(!sig_warning_policy_option(p, "W9999", &why) && why);
    CHECK(!sig_warning_policy_option(p, "bogus=1", &why));
    CHECK(sig_warning_policy_option(p, "error", &why));
    sig_ctx *ctx = ctx_with("a.signals", spec_unused);
    sig_warning_policy_apply(p, ctx);
    CHECK_INT(sig_error_count(ctx), 1);
    CHECK_INT(sig_warning_count(ctx), 0);
    CHECK(sig_diags_first(ctx)->severity == SIG_SEV_ERROR);
    sig_ctx_free(ctx);

    CHECK(sig_warning_policy_option(p, "no-error=W0101", &why));
    ctx = ctx_with("a.signals", spec_unused);
    sig_warning_policy_apply(p, ctx);
    CHECK_INT(sig_error_count(ctx), 0);
    CHECK_INT(sig_warning_count(ctx), 1);
    sig_ctx_free(ctx);

    CHECK(sig_warning_policy_option(p, "no-W0101", &why));
    ctx = ctx_with("a.signals", spec_unused);
    sig_warning_policy_apply(p, ctx);
    CHECK_INT(sig_warning_count(ctx), 0);
    CHECK(sig_diags_first(ctx) == NULL);
    sig_warning_policy_apply(NULL, ctx); /* a NULL policy changes nothing */
    sig_ctx_free(ctx);
    sig_warning_policy_free(p);
}

TEST(github_format_escapes_properties_and_message)
{
    sig_ctx *ctx = ctx_with("dir,x:y%.signals", "attribute a = countr() from e\n");
    FILE *f = tmpfile();
    sig_diags_render(ctx, f, SIG_DIAG_GITHUB, false);
    char *out = slurp(f);
    CHECK(strncmp(out, "::error file=dir%2Cx%3Ay%25.signals,line=1,col=15,", 50) == 0);
    CHECK(strstr(out, "title=E0320::") != NULL);
    CHECK(strstr(out, "%0Ahelp: did you mean `counter`?") != NULL);
    free(out);
    sig_ctx_free(ctx);
}

TEST(sarif_columns_are_utf16_code_units)
{
    /* "é" is 2 bytes and 1 UTF-16 unit, "🚀" 4 bytes and 2 units. */
    sig_ctx *ctx = ctx_with("s.signals", "# é🚀\nattribute a = countr() from e # é🚀\n");
    FILE *f = tmpfile();
    sig_diags_render(ctx, f, SIG_DIAG_SARIF, false);
    char *out = slurp(f);
    CHECK(strstr(out, "\"version\":\t\"2.1.0\"") != NULL);
    CHECK(strstr(out, "\"startLine\":\t2") != NULL);
    CHECK(strstr(out, "\"startColumn\":\t15") != NULL);
    CHECK(strstr(out, "\"endColumn\":\t21") != NULL);
    free(out);
    sig_ctx_free(ctx);
}
