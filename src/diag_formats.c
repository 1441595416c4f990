/* diag_formats.c: the diagnostic sinks (text and JSON lines from diag.c,
 * SARIF 2.1.0, GitHub Actions annotations) and the warning policy
 * (include/signals/diag.h). */
#include "signals/diag.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "diag_internal.h"

struct sig_diag_sink {
    FILE *out;
    sig_diag_format fmt;
    bool color;
    size_t nerrors, nwarnings;
    cJSON *rules, *results; /* SARIF: kept until the end */
};

sig_diag_sink *sig_diag_sink_new(FILE *out, sig_diag_format fmt, bool color)
{
    sig_diag_sink *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->out = out;
    s->fmt = fmt;
    s->color = color;
    if (fmt == SIG_DIAG_SARIF) {
        s->rules = cJSON_CreateArray();
        s->results = cJSON_CreateArray();
    }
    return s;
}

/* --------------------------------------------------- GitHub Actions */

/* Workflow-command escaping (actions/toolkit, command.ts): '%', CR and LF
 * in the message; also ':' and ',' in a property value. */
static void gh_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': if (property) fputs("%3A", out); else fputc(':', out); break;
        case ',': if (property) fputs("%2C", out); else fputc(',', out); break;
        default: fputc(*s, out);
        }
    }
}

static void render_github(sig_ctx *ctx, FILE *out, const sig_diag *d)
{
    const char *cmd = d->severity == SIG_SEV_ERROR ? "error"
                    : d->severity == SIG_SEV_WARNING ? "warning" : "notice";
    fprintf(out, "::%s ", cmd);
    const sig_source *src = d->loc.line ? sig_ctx_source(ctx, d->loc.file) : NULL;
    if (src) {
        fputs("file=", out);
        gh_escape(out, sig_utf8_repair(ctx->arena, src->path), true);
        uint32_t el = d->loc.end_line ? d->loc.end_line : d->loc.line;
        uint32_t ec = d->loc.end_line ? d->loc.end_col : d->loc.col;
        fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,", d->loc.line, d->loc.col, el, ec);
    }
    fputs("title=", out);
    gh_escape(out, d->code, true);
    fputs("::", out);
    gh_escape(out, sig_utf8_repair(ctx->arena, d->message), false);
    for (const sig_note *n = d->notes; n; n = n->next) {
        const sig_source *ns = n->loc.line ? sig_ctx_source(ctx, n->loc.file) : NULL;
        fputs("%0Anote: ", out);
        if (ns) {
            gh_escape(out, sig_utf8_repair(ctx->arena, ns->path), false);
            fprintf(out, ":%u:%u: ", n->loc.line, n->loc.col);
        }
        gh_escape(out, sig_utf8_repair(ctx->arena, n->message), false);
    }
    if (d->help) {
        fputs("%0Ahelp: ", out);
        gh_escape(out, sig_utf8_repair(ctx->arena, d->help), false);
    }
    fputc('\n', out);
}

/* ------------------------------------------------------------ SARIF */

/* The 1-based column of byte offset `pos` on line `line`, in UTF-16 code
 * units: a 4-byte UTF-8 sequence is two, continuation bytes none. */
static unsigned utf16_col(const sig_source *src, uint32_t line, uint32_t pos)
{
    if (line == 0 || line > src->nlines) return 1;
    size_t ls = src->line_starts[line - 1];
    unsigned col = 1;
    for (size_t i = ls; i < pos && i < src->len; i++) {
        unsigned char c = (unsigned char)src->text[i];
        if ((c & 0xC0) == 0x80) continue;
        col += c >= 0xF0 ? 2 : 1;
    }
    return col;
}

/* A relative or absolute path as a URI reference (RFC 3986): bytes outside
 * the unreserved set and '/' are percent-encoded. */
static const char *path_uri(sig_ctx *ctx, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *u = sig_arena_alloc(ctx->arena, 3 * n + 1), *q = u;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            *q++ = (char)*p;
        } else {
            *q++ = '%';
            *q++ = hex[*p >> 4];
            *q++ = hex[*p & 15];
        }
    }
    *q = '\0';
    return u;
}

static cJSON *sarif_region(const sig_source *src, sig_loc loc)
{
    cJSON *r = cJSON_CreateObject();
    uint32_t el = loc.end_line ? loc.end_line : loc.line;
    uint32_t end = loc.end_line ? loc.end : loc.start;
    cJSON_AddNumberToObject(r, "startLine", loc.line);
    cJSON_AddNumberToObject(r, "startColumn", utf16_col(src, loc.line, loc.start));
    cJSON_AddNumberToObject(r, "endLine", el);
    cJSON_AddNumberToObject(r, "endColumn", utf16_col(src, el, end));
    return r;
}

/* A physicalLocation for `loc`, or NULL when it has no source. */
static cJSON *sarif_location(sig_ctx *ctx, sig_loc loc, const char *message)
{
    const sig_source *src = loc.line ? sig_ctx_source(ctx, loc.file) : NULL;
    if (!src) return NULL;
    cJSON *l = cJSON_CreateObject();
    cJSON *phys = cJSON_AddObjectToObject(l, "physicalLocation");
    cJSON *art = cJSON_AddObjectToObject(phys, "artifactLocation");
    cJSON_AddStringToObject(art, "uri", path_uri(ctx, src->path));
    cJSON_AddItemToObject(phys, "region", sarif_region(src, loc));
    if (message) {
        cJSON *m = cJSON_AddObjectToObject(l, "message");
        cJSON_AddStringToObject(m, "text", sig_utf8_repair(ctx->arena, message));
    }
    return l;
}

/* The index of `code` in the run's rules, adding it on first use. */
static int sarif_rule(sig_diag_sink *s, const char *code)
{
    int i = 0;
    for (cJSON *r = s->rules->child; r; r = r->next, i++)
        if (strcmp(cJSON_GetObjectItem(r, "id")->valuestring, code) == 0) return i;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "id", code);
    const char *title = sig_code_title(code), *text = sig_code_explanation(code);
    if (title) cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "shortDescription"), "text", title);
    if (text) cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "fullDescription"), "text", text);
    cJSON_AddItemToArray(s->rules, r);
    return i;
}

static void sarif_fix(sig_ctx *ctx, cJSON *result, const sig_diag *d)
{
    const sig_source *src = d->loc.line ? sig_ctx_source(ctx, d->loc.file) : NULL;
    if (!src || !d->replacement) return;
    cJSON *fix = cJSON_CreateObject();
    cJSON *desc = cJSON_AddObjectToObject(fix, "description");
    cJSON_AddStringToObject(desc, "text", sig_utf8_repair(ctx->arena, d->help ? d->help : d->replacement));
    cJSON *change = cJSON_CreateObject();
    cJSON *art = cJSON_AddObjectToObject(change, "artifactLocation");
    cJSON_AddStringToObject(art, "uri", path_uri(ctx, src->path));
    cJSON *rep = cJSON_CreateObject();
    cJSON_AddItemToObject(rep, "deletedRegion", sarif_region(src, d->loc));
    cJSON *ins = cJSON_AddObjectToObject(rep, "insertedContent");
    cJSON_AddStringToObject(ins, "text", sig_utf8_repair(ctx->arena, d->replacement));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(change, "replacements"), rep);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(fix, "artifactChanges"), change);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(result, "fixes"), fix);
}

static void sarif_add(sig_diag_sink *s, sig_ctx *ctx, const sig_diag *d)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "ruleId", d->code);
    cJSON_AddNumberToObject(r, "ruleIndex", sarif_rule(s, d->code));
    cJSON_AddStringToObject(r, "level", d->severity == SIG_SEV_ERROR ? "error"
                                      : d->severity == SIG_SEV_WARNING ? "warning" : "note");
    sig_buf text = {.arena = ctx->arena};
    sig_buf_puts(&text, d->message);
    if (d->help) {
        sig_buf_puts(&text, "\nhelp: ");
        sig_buf_puts(&text, d->help);
    }
    cJSON *m = cJSON_AddObjectToObject(r, "message");
    cJSON_AddStringToObject(m, "text", sig_utf8_repair(ctx->arena, sig_buf_str(&text)));
    cJSON *loc = sarif_location(ctx, d->loc, d->label);
    if (loc) cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "locations"), loc);
    cJSON *related = NULL;
    int id = 0;
    for (const sig_note *n = d->notes; n; n = n->next) {
        cJSON *l = sarif_location(ctx, n->loc, n->message);
        if (!l) {
            l = cJSON_CreateObject();
            cJSON *nm = cJSON_AddObjectToObject(l, "message");
            cJSON_AddStringToObject(nm, "text", sig_utf8_repair(ctx->arena, n->message));
        }
        cJSON_AddNumberToObject(l, "id", id++);
        if (!related) related = cJSON_AddArrayToObject(r, "relatedLocations");
        cJSON_AddItemToArray(related, l);
    }
    sarif_fix(ctx, r, d);
    cJSON_AddItemToArray(s->results, r);
}

static void sarif_write(sig_diag_sink *s)
{
    cJSON *log = cJSON_CreateObject();
    cJSON_AddStringToObject(log, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    cJSON_AddStringToObject(log, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "signalsc");
    cJSON_AddStringToObject(driver, "version", SIGNALS_VERSION);
    cJSON_AddItemToObject(driver, "rules", s->rules);
    cJSON_AddItemToObject(run, "results", s->results);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(log, "runs"), run);
    char *text = cJSON_Print(log);
    if (text) fprintf(s->out, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(log); /* owns rules and results now */
    s->rules = s->results = NULL;
}

/* ------------------------------------------------------------ sinks */

void sig_diag_sink_add(sig_diag_sink *s, sig_ctx *ctx)
{
    size_t n;
    const sig_diag **v = diag_sorted(ctx, &n);
    for (size_t i = 0; i < n; i++) {
        if (s->fmt == SIG_DIAG_SARIF) sarif_add(s, ctx, v[i]);
        else if (s->fmt == SIG_DIAG_GITHUB) render_github(ctx, s->out, v[i]);
        else diag_render_one(ctx, s->out, v[i], s->fmt, s->color);
    }
    s->nerrors += ctx->nerrors;
    s->nwarnings += ctx->nwarnings;
}

void sig_diag_sink_finish(sig_diag_sink *s)
{
    if (s->fmt == SIG_DIAG_SARIF) sarif_write(s);
    else if (s->fmt == SIG_DIAG_TEXT && (s->nerrors || s->nwarnings))
        diag_render_summary(s->out, s->nerrors, s->nwarnings, s->color);
    free(s);
}

/* --------------------------------------------------- warning policy */

enum { W_ON, W_OFF, W_ERROR, W_NOERROR, W_ALL_ERROR };

typedef struct w_entry {
    int kind;
    char code[16]; /* empty for W_ALL_ERROR */
} w_entry;

struct sig_warning_policy {
    w_entry *v;
    size_t n, cap;
};

sig_warning_policy *sig_warning_policy_new(void)
{
    sig_warning_policy *p = calloc(1, sizeof *p);
    if (!p) abort();
    return p;
}

void sig_warning_policy_free(sig_warning_policy *p)
{
    if (!p) return;
    free(p->v);
    free(p);
}

bool sig_warning_policy_option(sig_warning_policy *p, const char *opt, const char **why)
{
    w_entry e = {W_ON, ""};
    const char *code = opt;
    if (strcmp(opt, "error") == 0) e.kind = W_ALL_ERROR, code = NULL;
    else if (strncmp(opt, "error=", 6) == 0) e.kind = W_ERROR, code = opt + 6;
    else if (strncmp(opt, "no-error=", 9) == 0) e.kind = W_NOERROR, code = opt + 9;
    else if (strncmp(opt, "no-", 3) == 0) e.kind = W_OFF, code = opt + 3;
    if (code) {
        if (strlen(code) >= sizeof e.code || !sig_code_title(code)) {
            *why = "not a warning option: -W takes CODE, no-CODE, error, error=CODE or "
                   "no-error=CODE, with a code that `signalsc codes` lists";
            return false;
        }
        strcpy(e.code, code);
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        w_entry *v = realloc(p->v, cap * sizeof *v);
        if (!v) abort();
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = e;
    return true;
}

/* -1 drop, 0 keep as a warning, 1 promote to an error. */
static int w_decide(const sig_warning_policy *p, const char *code)
{
    bool on = true, all_error = false;
    int error = -1;
    for (size_t i = 0; i < p->n; i++) {
        const w_entry *e = &p->v[i];
        if (e->kind == W_ALL_ERROR) { all_error = true; continue; }
        if (strcmp(e->code, code) != 0) continue;
        if (e->kind == W_ON) on = true;
        else if (e->kind == W_OFF) on = false;
        else if (e->kind == W_ERROR) on = true, error = 1;
        else error = 0;
    }
    if (!on) return -1;
    return error == -1 ? all_error : error;
}

void sig_warning_policy_apply(const sig_warning_policy *p, sig_ctx *ctx)
{
    if (!p || !ctx) return;
    sig_diag *head = NULL, *tail = NULL;
    for (sig_diag *d = ctx->diag_head, *next; d; d = next) {
        next = d->next;
        if (d->severity == SIG_SEV_WARNING) {
            int r = w_decide(p, d->code);
            if (r < 0) { ctx->nwarnings--; continue; }
            if (r > 0) { d->severity = SIG_SEV_ERROR; ctx->nwarnings--; ctx->nerrors++; }
        }
        d->next = NULL;
        if (tail) tail->next = d;
        else head = d;
        tail = d;
    }
    ctx->diag_head = head;
    ctx->diag_tail = tail;
}
