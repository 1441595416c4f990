/* lint_since.c: W0105, a view changed under an unchanged version, found by
 * comparing the api backend's request bodies with an earlier compile's
 * (include/signals/lint.h). */
#include "signals/lint.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "signals/signals.h"

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether `now` (len bytes) and the file at `path` hold equal JSON values;
 * true when the file cannot be read or parsed (nothing to compare). */
static bool same_json(const char *now, size_t len, const char *path)
{
    size_t plen = 0;
    const char *why = NULL;
    char *prev = sig_read_input(path, &plen, &why);
    if (!prev) return true;
    cJSON *a = cJSON_ParseWithLength(now, len), *b = cJSON_ParseWithLength(prev, plen);
    bool same = !a || !b || cJSON_Compare(a, b, true);
    cJSON_Delete(a);
    cJSON_Delete(b);
    free(prev);
    return same;
}

size_t sig_lint_since(struct sig_ctx *ctx, const sig_model *m, const char *previous_dir)
{
    if (!ctx || !m || !previous_dir) return 0;
    sig_arena *a = sig_ctx_arena(ctx);
    bool views = is_dir(sig_arena_printf(a, "%s/views", previous_dir));
    if (!views && !is_dir(sig_arena_printf(a, "%s/attribute_groups", previous_dir))) return 0;
    const char *dir = views ? "views" : "attribute_groups";
    sig_ctx *scratch = sig_ctx_new();
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(scratch));
    sig_compile_options opts = {.backend = "api", .target = views ? "views" : "attribute-groups",
                                .project_name = "signals"};
    size_t n = 0;
    if (sig_compile(scratch, m, &opts, &out)) {
        for (size_t i = 0; i < m->nviews; i++) {
            const sig_view *v = m->views[i];
            const char *rel = sig_arena_printf(a, "%s/%s_v%d.json", dir, v->name, v->version);
            const sig_output_file *f = sig_output_find(&out, rel);
            const char *prev = sig_arena_printf(a, "%s/%s", previous_dir, rel);
            if (!f || same_json(f->data, f->len, prev)) continue;
            sig_diag *d = sig_warning(ctx, v->loc, "W0105",
                                      "view `%s` v%d changed since the previous compile, but its version did not",
                                      v->name, v->version);
            sig_diag_note(ctx, d, SIG_NOLOC, "the previous definition: %s", prev);
            sig_diag_help(ctx, d, "give it a new version (`view %s v%d`)", v->name, v->version + 1);
            n++;
        }
    }
    sig_ctx_free(scratch);
    return n;
}
