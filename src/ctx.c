#define _XOPEN_SOURCE 700 /* realpath(3) */
/* ctx.c: compilation contexts, sources and the check pipeline
 * (include/signals/signals.h). */
#include "ctx.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "check.h"
#include "text.h"

sig_ctx *sig_ctx_new(void)
{
    sig_arena *arena = sig_arena_new();
    sig_ctx *ctx = SIG_NEW(arena, sig_ctx);
    ctx->arena = arena;
    return ctx;
}

void sig_ctx_free(sig_ctx *ctx)
{
    if (ctx) sig_arena_free(ctx->arena);
}

sig_arena *sig_ctx_arena(sig_ctx *ctx) { return ctx->arena; }

const sig_source *sig_ctx_source(const sig_ctx *ctx, unsigned id)
{
    if (id == 0 || id > ctx->sources.len) return NULL;
    return ctx->sources.items[id - 1];
}

size_t sig_ctx_source_count(const sig_ctx *ctx) { return ctx->sources.len; }

/* The location of byte `off` in `text` (a one-byte span). */
static sig_loc loc_at(unsigned file, const char *text, size_t off)
{
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') { line++; col = 1; }
        else col++;
    }
    return (sig_loc){file, (uint32_t)off, (uint32_t)off + 1, line, col, line, col + 1};
}

unsigned sig_ctx_add_source(sig_ctx *ctx, const char *path, char *text, size_t len, sig_loc at)
{
    unsigned id = (unsigned)ctx->sources.len + 1;
    size_t bad = sig_utf8_invalid_at(text, len);
    sig_source *src = SIG_NEW(ctx->arena, sig_source);
    src->id = id;
    src->path = sig_arena_strdup(ctx->arena, path);
    src->text = text;
    src->len = len;
    size_t nlines = 1;
    for (const char *p = text, *e = text + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        nlines++;
    size_t *starts = SIG_NEW_ARRAY(ctx->arena, size_t, nlines);
    size_t k = 0;
    starts[k++] = 0;
    for (const char *p = text, *e = text + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        starts[k++] = (size_t)(p - text) + 1;
    src->line_starts = starts;
    src->nlines = nlines;
    sig_ptrvec_push(ctx->arena, &ctx->sources, src);
    if (bad < len) {
        sig_diag *d = sig_error(ctx, loc_at(id, text, bad), "E0002",
                                "`%s` is not valid UTF-8 text", path);
        sig_diag_label(ctx, d, text[bad] ? "invalid byte 0x%02x" : "NUL byte",
                       (unsigned)(unsigned char)text[bad]);
        (void)at;
        return 0;
    }
    return id;
}

static unsigned add_file_at(sig_ctx *ctx, const char *path, const char *display, sig_loc at)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *shown = display ? display : is_stdin ? "<stdin>" : path;
    size_t len = 0;
    const char *why = NULL;
    char *buf = sig_read_input(path, &len, &why);
    if (!buf) {
        sig_diag *d = sig_error(ctx, at, "E0001", "cannot read `%s`: %s", shown, why);
        if (at.line) sig_diag_label(ctx, d, "imported here");
        return 0;
    }
    char *text = sig_arena_alloc(ctx->arena, len + 1);
    memcpy(text, buf, len + 1); /* raw bytes: NULs are kept for E0002 */
    free(buf);
    return sig_ctx_add_source(ctx, shown, text, len, at);
}

unsigned sig_ctx_add_file(sig_ctx *ctx, const char *path, const char *display_name)
{
    unsigned id = add_file_at(ctx, path, display_name, SIG_NOLOC);
    if (id) sig_ptrvec_push(ctx->arena, &ctx->roots, (void *)(uintptr_t)id);
    return id;
}

unsigned sig_ctx_add_buffer(sig_ctx *ctx, const char *name, const char *text, size_t len)
{
    char *copy = sig_arena_alloc(ctx->arena, len + 1);
    memcpy(copy, text, len);
    unsigned id = sig_ctx_add_source(ctx, name, copy, len, SIG_NOLOC);
    if (id) sig_ptrvec_push(ctx->arena, &ctx->roots, (void *)(uintptr_t)id);
    return id;
}

/* ------------------------------------------------------------ imports */

typedef struct loaded_file {
    const char *key;        /* canonical path, or "<buffer:N>" */
    unsigned source;
    sig_ast_file *ast;
    int state;              /* 0 new, 1 in progress, 2 done */
} loaded_file;

typedef struct loader {
    sig_ctx *ctx;
    sig_ptrvec files;       /* loaded_file*, every file seen */
    sig_ptrvec order;       /* sig_ast_file*, imports before importers */
    sig_ptrvec stack;       /* loaded_file*, the imports being followed */
} loader;

static loaded_file *find_loaded(loader *l, const char *key)
{
    for (size_t i = 0; i < l->files.len; i++) {
        loaded_file *f = l->files.items[i];
        if (strcmp(f->key, key) == 0) return f;
    }
    return NULL;
}

static const char *canonical_key(sig_ctx *ctx, const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf)) return sig_arena_strdup(ctx->arena, buf);
    return sig_arena_strdup(ctx->arena, path);
}

/* The import path resolved against the directory of `from`. */
static const char *resolve_import(sig_ctx *ctx, const sig_source *from, const char *path)
{
    if (path[0] == '/' || !from) return path;
    const char *slash = strrchr(from->path, '/');
    if (!slash || from->path[0] == '<') return path;
    return sig_arena_printf(ctx->arena, "%.*s/%s", (int)(slash - from->path), from->path, path);
}

static const char *source_path(const sig_ctx *ctx, unsigned id)
{
    const sig_source *src = sig_ctx_source(ctx, id);
    return src ? src->path : "?";
}

/* "a.signals -> b.signals -> a.signals": the import chain from `g` (on the
 * stack) to the file being visited, and back to `g`. */
static const char *cycle_chain(loader *l, const loaded_file *g)
{
    sig_buf b = {.arena = l->ctx->arena};
    size_t i = 0;
    while (i < l->stack.len && l->stack.items[i] != g) i++;
    for (; i < l->stack.len; i++) {
        const loaded_file *f = l->stack.items[i];
        sig_buf_printf(&b, "`%s` -> ", source_path(l->ctx, f->source));
    }
    sig_buf_printf(&b, "`%s`", source_path(l->ctx, g->source));
    return sig_buf_str(&b);
}

static void visit(loader *l, loaded_file *f)
{
    sig_ctx *ctx = l->ctx;
    f->state = 1;
    sig_ptrvec_push(ctx->arena, &l->stack, f);
    f->ast = sig_parse(ctx, f->source);
    const sig_source *src = sig_ctx_source(ctx, f->source);
    for (size_t i = 0; f->ast && i < f->ast->ndecls; i++) {
        const sig_ast_decl *d = &f->ast->decls[i];
        if (d->kind != SIG_DECL_IMPORT || !d->import_path) continue;
        const char *path = resolve_import(ctx, src, d->import_path);
        const char *key = canonical_key(ctx, path);
        loaded_file *g = find_loaded(l, key);
        if (g && g->state == 1) {
            sig_diag *e = sig_error(ctx, d->import_path_loc, "E0003", "import cycle: %s",
                                    cycle_chain(l, g));
            sig_diag_label(ctx, e, "this import closes the cycle");
            continue;
        }
        if (g) continue; /* already loaded: each file once */
        unsigned id = add_file_at(ctx, path, NULL, d->import_path_loc);
        if (!id) continue;
        g = SIG_NEW(ctx->arena, loaded_file);
        g->key = key;
        g->source = id;
        sig_ptrvec_push(ctx->arena, &l->files, g);
        visit(l, g);
    }
    f->state = 2;
    l->stack.len--;
    if (f->ast) sig_ptrvec_push(ctx->arena, &l->order, f->ast);
}

const sig_model *sig_ctx_check(sig_ctx *ctx)
{
    if (ctx->checked) return ctx->model;
    ctx->checked = true;
    loader l = {.ctx = ctx};
    for (size_t i = 0; i < ctx->roots.len; i++) {
        unsigned id = (unsigned)(uintptr_t)ctx->roots.items[i];
        const sig_source *src = sig_ctx_source(ctx, id);
        if (!src) continue;
        const char *key = src->path[0] == '<' || !strcmp(src->path, "<stdin>")
                              ? sig_arena_printf(ctx->arena, "<source:%u>", id)
                              : canonical_key(ctx, src->path);
        if (find_loaded(&l, key)) continue; /* the same root twice */
        loaded_file *f = SIG_NEW(ctx->arena, loaded_file);
        f->key = key;
        f->source = id;
        sig_ptrvec_push(ctx->arena, &l.files, f);
        visit(&l, f);
    }
    if (ctx->roots.len == 0 && ctx->nerrors == 0) return NULL;
    const sig_model *m = sig_check_files(ctx, (sig_ast_file *const *)l.order.items, l.order.len);
    ctx->model = ctx->nerrors ? NULL : m;
    return ctx->model;
}
