/* diag.c: queuing and rendering diagnostics (include/signals/diag.h). */
#include "signals/diag.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "diag_internal.h"
#include "text.h"

/* ---------------------------------------------------------- code table */

typedef struct code_entry {
    const char *code, *title, *explanation;
} code_entry;

static const code_entry code_table[] = {
#define SIG_CODE(c, t, e) {c, t, e},
#include "codes_core.def"
#include "codes_syntax.def"
#include "codes_check.def"
#include "codes_iglu.def"
#include "codes_lint.def"
#include "dbt/codes_dbt.def"
#include "api/codes_api.def"
#undef SIG_CODE
};
#define NCODES (sizeof code_table / sizeof code_table[0])

static const code_entry *code_find(const char *code)
{
    for (size_t i = 0; i < NCODES; i++)
        if (strcmp(code_table[i].code, code) == 0) return &code_table[i];
    return NULL;
}

const char *sig_code_title(const char *code)
{
    const code_entry *e = code ? code_find(code) : NULL;
    return e ? e->title : NULL;
}

const char *sig_code_explanation(const char *code)
{
    const code_entry *e = code ? code_find(code) : NULL;
    return e ? e->explanation : NULL;
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(((const code_entry *)a)->code, ((const code_entry *)b)->code);
}

void sig_codes_foreach(void (*fn)(const char *, const char *, void *), void *data)
{
    code_entry sorted[NCODES];
    memcpy(sorted, code_table, sizeof sorted);
    qsort(sorted, NCODES, sizeof sorted[0], cmp_code);
    for (size_t i = 0; i < NCODES; i++) fn(sorted[i].code, sorted[i].title, data);
}

/* ------------------------------------------------------------ queuing */

sig_loc sig_loc_join(sig_loc a, sig_loc b)
{
    if (a.line == 0) return b;
    if (b.line == 0) return a;
    sig_loc r = a;
    if (b.end >= a.end) {
        r.end = b.end;
        r.end_line = b.end_line;
        r.end_col = b.end_col;
    }
    return r;
}

/* The format attribute lets clang's -Wformat-nonliteral (in -Wformat=2)
 * check the callers instead of flagging this forwarding. */
static sig_diag *queue(sig_ctx *ctx, sig_severity sev, sig_loc loc,
                       const char *code, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
static sig_diag *queue(sig_ctx *ctx, sig_severity sev, sig_loc loc,
                       const char *code, const char *fmt, va_list ap)
{
    assert(code_find(code) && "diagnostic code missing from src/codes_*.def");
    sig_diag *d = SIG_NEW(ctx->arena, sig_diag);
    d->severity = sev;
    d->code = code;
    d->loc = loc;
    d->message = sig_arena_vprintf(ctx->arena, fmt, ap);
    if (ctx->diag_tail) ctx->diag_tail->next = d;
    else ctx->diag_head = d;
    ctx->diag_tail = d;
    if (sev == SIG_SEV_ERROR) ctx->nerrors++;
    else if (sev == SIG_SEV_WARNING) ctx->nwarnings++;
    return d;
}

sig_diag *sig_error(sig_ctx *ctx, sig_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sig_diag *d = queue(ctx, SIG_SEV_ERROR, loc, code, fmt, ap);
    va_end(ap);
    return d;
}

sig_diag *sig_warning(sig_ctx *ctx, sig_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sig_diag *d = queue(ctx, SIG_SEV_WARNING, loc, code, fmt, ap);
    va_end(ap);
    return d;
}

void sig_diag_label(sig_ctx *ctx, sig_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    d->label = sig_arena_vprintf(ctx->arena, fmt, ap);
    va_end(ap);
}

void sig_diag_note(sig_ctx *ctx, sig_diag *d, sig_loc loc, const char *fmt, ...)
{
    sig_note *n = SIG_NEW(ctx->arena, sig_note);
    va_list ap;
    va_start(ap, fmt);
    n->message = sig_arena_vprintf(ctx->arena, fmt, ap);
    va_end(ap);
    n->loc = loc;
    sig_note **p = &d->notes;
    while (*p) p = &(*p)->next;
    *p = n;
}

void sig_diag_help(sig_ctx *ctx, sig_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    d->help = sig_arena_vprintf(ctx->arena, fmt, ap);
    va_end(ap);
}

void sig_diag_suggest(sig_ctx *ctx, sig_diag *d, const char *suggestion)
{
    d->help = sig_arena_printf(ctx->arena, "did you mean `%s`?", suggestion);
    d->replacement = sig_arena_strdup(ctx->arena, suggestion);
}

size_t sig_error_count(const sig_ctx *ctx) { return ctx->nerrors; }
size_t sig_warning_count(const sig_ctx *ctx) { return ctx->nwarnings; }
const sig_diag *sig_diags_first(const sig_ctx *ctx) { return ctx->diag_head; }

/* -------------------------------------------------------- did you mean */

/* Optimal string alignment distance, case-insensitive, capped at `cap`+1. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap) return cap + 1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca != cb;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *sig_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
    if (!word || !*word || !candidates) return NULL;
    size_t len = strlen(word);
    size_t limit = len / 3 > 1 ? len / 3 : 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; n ? i < n : candidates[i] != NULL; i++) {
        const char *c = candidates[i];
        if (!c) continue;
        size_t dist = edit_distance(word, c, limit);
        if (dist == 0 && strcmp(word, c) == 0) continue; /* the same word */
        if (dist < best_d) {
            best_d = dist;
            best = c;
        }
    }
    return best;
}

/* ---------------------------------------------------------- rendering */

typedef struct palette {
    const char *err, *warn, *note, *help, *gutter, *bold, *reset;
} palette;

static const palette plain = {"", "", "", "", "", "", ""};
static const palette ansi = {"\033[1;31m", "\033[1;33m", "\033[1;36m", "\033[1;32m",
                             "\033[1;34m", "\033[1m", "\033[0m"};

static const char *sev_name(sig_severity s)
{
    return s == SIG_SEV_ERROR ? "error" : s == SIG_SEV_WARNING ? "warning" : "note";
}

static const sig_source *loc_source(sig_ctx *ctx, sig_loc loc)
{
    return loc.line ? sig_ctx_source(ctx, loc.file) : NULL;
}

/* Text from sources, paths and messages reaches the terminal escaped
 * (sig_write_escaped): a control sequence or a bidi override in a file
 * cannot rewrite what the user sees. */
static void put_esc(FILE *out, const char *s)
{
    sig_write_escaped(out, s, strlen(s), false);
}

/* Blanks as wide as text[from..to) is shown by sig_write_escaped (tabs
 * kept as tabs), so that a caret lines up under escaped text. */
static void put_pad(FILE *out, const char *text, size_t from, size_t to, char fill)
{
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = from; i < to;) {
        uint32_t cp;
        size_t n = sig_utf8_decode(u + i, to - i, &cp);
        if (n == 0) n = 1;
        if (n == 1 && cp == '\t' && fill == ' ') {
            fputc('\t', out);
        } else {
            size_t w = sig_write_escaped(NULL, text + i, n, true);
            for (size_t k = 0; k < w; k++) fputc(fill, out);
        }
        i += n;
    }
}

/* Prints the source line of `loc` and an underline of its span on that line. */
static void render_excerpt(sig_ctx *ctx, FILE *out, sig_loc loc, const char *label,
                           const palette *p, const char *mark_color, int width)
{
    const sig_source *src = loc_source(ctx, loc);
    if (!src || loc.line > src->nlines) return;
    size_t ls = src->line_starts[loc.line - 1];
    size_t le = ls;
    while (le < src->len && src->text[le] != '\n') le++;
    size_t line_end = le;
    if (line_end > ls && src->text[line_end - 1] == '\r') line_end--;
    size_t start = loc.start < ls ? ls : loc.start;
    if (start > line_end) start = line_end;
    size_t end = loc.end;
    if (loc.end_line != loc.line || end > line_end) end = line_end;
    /* A very long line (minified, or a file of NULs) is shown around the
     * span only, cut at UTF-8 boundaries, with `...` where it is cut. */
    enum { CONTEXT = 120 };
    size_t vs = ls, ve = line_end;
    if (start - ls > CONTEXT) vs = start - CONTEXT;
    if (end < line_end && line_end - end > CONTEXT) ve = end + CONTEXT;
    if (end - start > 4 * CONTEXT) end = start + 4 * CONTEXT;
    if (ve < end) ve = end;
    while (vs > ls && (src->text[vs] & 0xC0) == 0x80) vs--;
    while (ve < line_end && (src->text[ve] & 0xC0) == 0x80) ve++;
    fprintf(out, "%s%*u |%s %s", p->gutter, width, loc.line, p->reset, vs > ls ? "..." : "");
    sig_write_escaped(out, src->text + vs, ve - vs, true);
    fprintf(out, "%s\n", ve < line_end ? "..." : "");
    fprintf(out, "%s%*s |%s %s", p->gutter, width, "", p->reset, vs > ls ? "   " : "");
    put_pad(out, src->text, vs, start, ' ');
    fputs(mark_color, out);
    fputc('^', out);
    /* One `~` per column after the first; a tab in the span counts one. */
    size_t cols = end > start ? sig_write_escaped(NULL, src->text + start, end - start, true) : 1;
    for (size_t i = 1; i < cols; i++) fputc('~', out);
    if (label) {
        fputc(' ', out);
        put_esc(out, label);
    }
    fprintf(out, "%s\n", p->reset);
}

static int digits(uint32_t n)
{
    int d = 1;
    while (n >= 10) { n /= 10; d++; }
    return d;
}

static void render_header(sig_ctx *ctx, FILE *out, sig_loc loc, const palette *p)
{
    const sig_source *src = loc_source(ctx, loc);
    if (src) {
        fputs(p->bold, out);
        put_esc(out, src->path);
        fprintf(out, ":%u:%u:%s ", loc.line, loc.col, p->reset);
    } else fprintf(out, "%ssignalsc:%s ", p->bold, p->reset);
}

static void render_text(sig_ctx *ctx, FILE *out, const sig_diag *d, const palette *p)
{
    const char *color = d->severity == SIG_SEV_ERROR ? p->err
                      : d->severity == SIG_SEV_WARNING ? p->warn : p->note;
    int width = d->loc.line ? digits(d->loc.line) : 1;
    for (const sig_note *n = d->notes; n; n = n->next)
        if (n->loc.line && digits(n->loc.line) > width) width = digits(n->loc.line);
    if (width < 2) width = 2;

    render_header(ctx, out, d->loc, p);
    fprintf(out, "%s%s[%s]%s%s: ", color, sev_name(d->severity), d->code, p->reset, p->bold);
    put_esc(out, d->message);
    fprintf(out, "%s\n", p->reset);
    render_excerpt(ctx, out, d->loc, d->label, p, color, width);
    for (const sig_note *n = d->notes; n; n = n->next) {
        if (n->loc.line) {
            render_header(ctx, out, n->loc, p);
            fprintf(out, "%snote%s: ", p->note, p->reset);
            put_esc(out, n->message);
            fputc('\n', out);
            render_excerpt(ctx, out, n->loc, NULL, p, p->note, width);
        } else {
            fprintf(out, "%s%*s =%s %snote%s: ", p->gutter, width, "", p->reset, p->bold,
                    p->reset);
            put_esc(out, n->message);
            fputc('\n', out);
        }
    }
    if (d->help) {
        fprintf(out, "%s%*s =%s %shelp%s: ", p->gutter, width, "", p->reset, p->help, p->reset);
        put_esc(out, d->help);
        fputc('\n', out);
    }
}

static cJSON *json_span(sig_ctx *ctx, sig_loc loc)
{
    const sig_source *src = loc_source(ctx, loc);
    if (!src) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", sig_utf8_repair(ctx->arena, src->path));
    cJSON_AddNumberToObject(o, "line_start", loc.line);
    cJSON_AddNumberToObject(o, "column_start", loc.col);
    cJSON_AddNumberToObject(o, "line_end", loc.end_line ? loc.end_line : loc.line);
    cJSON_AddNumberToObject(o, "column_end", loc.end_line ? loc.end_col : loc.col);
    cJSON_AddNumberToObject(o, "byte_start", loc.start);
    cJSON_AddNumberToObject(o, "byte_end", loc.end);
    return o;
}

/* JSON strings must be UTF-8 (RFC 8259, section 8.1): invalid bytes (from
 * a file name, say) become U+FFFD; cJSON escapes the control characters. */
static void add_string_or_null(sig_ctx *ctx, cJSON *o, const char *key, const char *s)
{
    if (s) cJSON_AddStringToObject(o, key, sig_utf8_repair(ctx->arena, s));
    else cJSON_AddNullToObject(o, key);
}

static void render_json(sig_ctx *ctx, FILE *out, const sig_diag *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "diagnostic");
    cJSON_AddStringToObject(o, "severity", sev_name(d->severity));
    cJSON_AddStringToObject(o, "code", d->code);
    add_string_or_null(ctx, o, "message", d->message);
    cJSON_AddItemToObject(o, "span", json_span(ctx, d->loc));
    add_string_or_null(ctx, o, "label", d->label);
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (const sig_note *n = d->notes; n; n = n->next) {
        cJSON *jn = cJSON_CreateObject();
        add_string_or_null(ctx, jn, "message", n->message);
        cJSON_AddItemToObject(jn, "span", json_span(ctx, n->loc));
        cJSON_AddItemToArray(notes, jn);
    }
    add_string_or_null(ctx, o, "help", d->help);
    add_string_or_null(ctx, o, "replacement", d->replacement);
    char *s = cJSON_PrintUnformatted(o);
    if (s) {
        fprintf(out, "%s\n", s);
        cJSON_free(s);
    }
    cJSON_Delete(o);
}

static int cmp_diag(const void *a, const void *b)
{
    const sig_diag *x = *(const sig_diag *const *)a, *y = *(const sig_diag *const *)b;
    /* Located diagnostics by file and offset; unlocated ones first. */
    if ((x->loc.line != 0) != (y->loc.line != 0)) return x->loc.line ? 1 : -1;
    if (x->loc.file != y->loc.file) return x->loc.file < y->loc.file ? -1 : 1;
    if (x->loc.start != y->loc.start) return x->loc.start < y->loc.start ? -1 : 1;
    return 0;
}

/* The queued diagnostics sorted stably by (file, start), unlocated first;
 * an arena array of *n entries (NULL when there are none). */
const sig_diag **diag_sorted(sig_ctx *ctx, size_t *n_out)
{
    size_t n = 0;
    for (const sig_diag *d = ctx->diag_head; d; d = d->next) n++;
    *n_out = n;
    if (n == 0) return NULL;
    const sig_diag **v = SIG_NEW_ARRAY(ctx->arena, const sig_diag *, n);
    size_t i = 0;
    for (const sig_diag *d = ctx->diag_head; d; d = d->next) v[i++] = d;
    for (size_t a = 1; a < n; a++) { /* insertion sort: stable, n is small */
        const sig_diag *x = v[a];
        size_t b = a;
        while (b > 0 && cmp_diag(&v[b - 1], &x) > 0) {
            v[b] = v[b - 1];
            b--;
        }
        v[b] = x;
    }
    return v;
}

void diag_render_one(sig_ctx *ctx, FILE *out, const sig_diag *d, sig_diag_format fmt, bool color)
{
    if (fmt == SIG_DIAG_JSON) render_json(ctx, out, d);
    else render_text(ctx, out, d, color ? &ansi : &plain);
}

void diag_render_summary(FILE *out, size_t nerrors, size_t nwarnings, bool color)
{
    const palette *p = color ? &ansi : &plain;
    fprintf(out, "%s%zu error%s, %zu warning%s%s\n", p->bold, nerrors, nerrors == 1 ? "" : "s",
            nwarnings, nwarnings == 1 ? "" : "s", p->reset);
}

void sig_diags_render(sig_ctx *ctx, FILE *out, sig_diag_format fmt, bool color)
{
    sig_diag_sink *sink = sig_diag_sink_new(out, fmt, color);
    sig_diag_sink_add(sink, ctx);
    sig_diag_sink_finish(sink);
}
