/* lsp_features.c: the language server's requests answered from the
 * checked model (public API only): document symbols, definition,
 * references, rename, hover and completion. Names are resolved against the
 * spec's declarations; references are the identifier tokens with the
 * declared name (not field names after `.`, comments, strings or Iglu URIs). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "signals/iglu.h"

#include "lsp.h"

/* LSP SymbolKind and CompletionItemKind values (LSP 3.17). */
enum { SYM_CLASS = 5, SYM_PROPERTY = 7, SYM_INTERFACE = 11, SYM_FUNCTION = 12, SYM_OBJECT = 19,
       SYM_KEY = 20, SYM_STRUCT = 23, SYM_EVENT = 24 };
enum { CI_FUNCTION = 3, CI_FIELD = 5, CI_CLASS = 7, CI_INTERFACE = 8, CI_PROPERTY = 10,
       CI_KEYWORD = 14, CI_CONSTANT = 21, CI_STRUCT = 22, CI_EVENT = 23, CI_TYPE = 25 };

typedef enum decl_kind { D_EVENT, D_CONTEXT, D_ENTITY, D_ATTRIBUTE, D_VIEW, D_SOURCE,
                         D_SERVICE, D_INTERVENTION, D__COUNT } decl_kind;

static const struct { const char *word; int symbol, completion; } kinds[D__COUNT] = {
    {"event", SYM_EVENT, CI_EVENT},         {"context", SYM_STRUCT, CI_STRUCT},
    {"entity", SYM_KEY, CI_CONSTANT},       {"attribute", SYM_PROPERTY, CI_PROPERTY},
    {"view", SYM_CLASS, CI_CLASS},          {"batch_source", SYM_OBJECT, CI_STRUCT},
    {"service", SYM_INTERFACE, CI_INTERFACE}, {"intervention", SYM_FUNCTION, CI_FUNCTION},
};

typedef struct decl {
    decl_kind kind;
    const char *name;
    sig_loc loc;
    const void *obj; /* the model object of that kind */
} decl;

/* Every declaration of the model with a place in a source (built-in
 * entities have none), in model order. Returns how many; fills up to `cap`. */
static size_t decls(const sig_model *m, decl *out, size_t cap)
{
    size_t n = 0;
#define ADD(K, ARR, COUNT)                                                        \
    for (size_t i = 0; i < m->COUNT; i++) {                                       \
        if (!m->ARR[i]->loc.line) continue;                                        \
        if (n < cap) out[n] = (decl){K, m->ARR[i]->name, m->ARR[i]->loc, m->ARR[i]}; \
        n++;                                                                      \
    }
    ADD(D_EVENT, events, nevents)
    ADD(D_CONTEXT, contexts, ncontexts)
    ADD(D_ENTITY, keys, nkeys)
    ADD(D_ATTRIBUTE, attributes, nattributes)
    ADD(D_VIEW, views, nviews)
    ADD(D_SOURCE, sources, nsources)
    ADD(D_SERVICE, services, nservices)
    ADD(D_INTERVENTION, interventions, ninterventions)
#undef ADD
    return n;
}

static decl *all_decls(const sig_model *m, size_t *n)
{
    *n = decls(m, NULL, 0);
    decl *v = calloc(*n ? *n : 1, sizeof *v);
    if (!v) abort();
    decls(m, v, *n);
    return v;
}

/* The declaration named s[0..len), or false. */
static bool find_decl(const sig_model *m, const char *s, size_t len, decl *out)
{
    size_t n;
    decl *v = all_decls(m, &n);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        if (strlen(v[i].name) == len && memcmp(v[i].name, s, len) == 0) {
            *out = v[i];
            found = true;
        }
    }
    free(v);
    return found;
}

cJSON *lsp_document_symbols(const lsp_doc *d)
{
    sig_ctx *ctx;
    const sig_model *m = lsp_model(d, &ctx);
    cJSON *arr = cJSON_CreateArray();
    if (!m) return arr;
    size_t n;
    decl *v = all_decls(m, &n);
    const sig_source *s = sig_ctx_source(ctx, 1);
    for (size_t i = 0; i < n; i++) {
        if (v[i].loc.file != 1) continue; /* declared in an import */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", v[i].name);
        cJSON_AddStringToObject(o, "detail", kinds[v[i].kind].word);
        cJSON_AddNumberToObject(o, "kind", kinds[v[i].kind].symbol);
        cJSON_AddItemToObject(o, "range", lsp_range(s, v[i].loc));
        cJSON_AddItemToObject(o, "selectionRange", lsp_range(s, v[i].loc));
        cJSON_AddItemToArray(arr, o);
    }
    free(v);
    return arr;
}

/* The word under the request's position, in the document's current text. */
static bool word_at(const lsp_doc *d, const cJSON *params, const sig_source **src, size_t *start,
                    size_t *len)
{
    const sig_source *s = sig_ctx_source(d->ctx, 1);
    if (!s) return false;
    *src = s;
    size_t off = lsp_offset(s, cJSON_GetObjectItemCaseSensitive(params, "position"));
    return lsp_word_at(s->text, s->len, off, start, len);
}

/* The declaration of the name under the request's position: false when
 * there is no model or no declared name there. *ctx: the model's context. */
static bool decl_at(const lsp_doc *d, const cJSON *params, sig_ctx **ctx, const sig_model **model,
                    decl *found)
{
    const sig_model *m = lsp_model(d, ctx);
    const sig_source *s;
    size_t a, n;
    if (model) *model = m;
    return m && word_at(d, params, &s, &a, &n) && find_decl(m, s->text + a, n, found);
}

cJSON *lsp_definition(const lsp_doc *d, const cJSON *params)
{
    sig_ctx *ctx;
    decl found;
    if (!decl_at(d, params, &ctx, NULL, &found)) return NULL;
    return lsp_location(d, ctx, found.loc);
}

/* The span of bytes [a, a+n) of source `s` (one line) as a sig_loc. */
static sig_loc span(const sig_source *s, size_t a, size_t n)
{
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->line_starts[mid] <= a) lo = mid;
        else hi = mid;
    }
    uint32_t col = (uint32_t)(a - s->line_starts[lo] + 1);
    return (sig_loc){s->id, (uint32_t)a, (uint32_t)(a + n), (uint32_t)lo + 1, col,
                     (uint32_t)lo + 1, col + (uint32_t)n};
}

/* Calls `fn` for each identifier token of `s` that is not in a comment or
 * a string, not an Iglu URI and not a field name after `.`. */
static void each_name(const sig_source *s, void (*fn)(sig_loc, const char *, size_t, void *),
                      void *data)
{
    const char *t = s->text;
    for (size_t i = 0; i < s->len;) {
        char ch = t[i];
        if (ch == '#') {
            while (i < s->len && t[i] != '\n') i++;
        } else if (ch == '"') {
            for (i++; i < s->len && t[i] != '"' && t[i] != '\n'; i++)
                if (t[i] == '\\' && i + 1 < s->len) i++;
            i++;
        } else if (strncmp(t + i, "iglu:", 5) == 0) {
            while (i < s->len && !strchr(" \t\r\n", t[i])) i++;
        } else if (ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
            size_t a, n;
            lsp_word_at(t, s->len, i, &a, &n);
            if (!(i > 0 && t[i - 1] == '.')) fn(span(s, i, n), t + i, n, data);
            i += n;
        } else {
            i++;
        }
    }
}

typedef struct refs {
    const lsp_doc *d;
    sig_ctx *ctx;
    const char *name;
    sig_loc decl;
    bool with_decl;
    cJSON *out;
} refs;

static void add_ref(sig_loc loc, const char *w, size_t n, void *data)
{
    refs *r = data;
    if (strlen(r->name) != n || memcmp(w, r->name, n) != 0) return;
    if (!r->with_decl && loc.file == r->decl.file && loc.start == r->decl.start) return;
    cJSON_AddItemToArray(r->out, lsp_location(r->d, r->ctx, loc));
}

cJSON *lsp_references(const lsp_doc *d, const cJSON *params)
{
    sig_ctx *ctx;
    decl found;
    if (!decl_at(d, params, &ctx, NULL, &found)) return NULL;
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(params, "context");
    refs r = {d, d->ctx, found.name, found.loc,
              cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rc, "includeDeclaration")),
              cJSON_CreateArray()};
    /* The current text and its imports: the declaration's file is the same
     * (ids are given in load order), its place may have moved since `good`. */
    for (unsigned id = 1; id <= sig_ctx_source_count(d->ctx); id++)
        each_name(sig_ctx_source(d->ctx, id), add_ref, &r);
    return r.out;
}

/* A name the language accepts for a declaration: [A-Za-z_][A-Za-z0-9_]*
 * and not reserved (docs/language.md). */
static bool valid_name(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9')) return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    for (size_t i = 0; sig_keywords[i]; i++)
        if (strcmp(sig_keywords[i], s) == 0) return false;
    return true;
}

cJSON *lsp_rename(const lsp_doc *d, const cJSON *params, const char **why)
{
    const cJSON *nn = cJSON_GetObjectItemCaseSensitive(params, "newName");
    sig_ctx *ctx;
    const sig_model *m;
    decl found, clash;
    *why = NULL;
    if (!cJSON_IsString(nn) || !valid_name(nn->valuestring))
        *why = "the new name must be [A-Za-z_][A-Za-z0-9_]* and not a reserved word";
    else if (!decl_at(d, params, &ctx, &m, &found))
        *why = "there is no declared name here";
    else if (find_decl(m, nn->valuestring, strlen(nn->valuestring), &clash))
        *why = "that name is already declared";
    if (*why) return NULL;
    refs r = {d, d->ctx, found.name, found.loc, true, cJSON_CreateArray()};
    for (unsigned id = 1; id <= sig_ctx_source_count(d->ctx); id++)
        each_name(sig_ctx_source(d->ctx, id), add_ref, &r);
    /* WorkspaceEdit.changes: the locations grouped by document. */
    cJSON *edit = cJSON_CreateObject();
    cJSON *changes = cJSON_AddObjectToObject(edit, "changes");
    cJSON *loc;
    cJSON_ArrayForEach(loc, r.out) {
        const char *uri = cJSON_GetObjectItemCaseSensitive(loc, "uri")->valuestring;
        cJSON *list = cJSON_GetObjectItemCaseSensitive(changes, uri);
        if (!list) list = cJSON_AddArrayToObject(changes, uri);
        cJSON *te = cJSON_CreateObject();
        cJSON_AddItemToObject(te, "range", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(loc, "range"), true));
        cJSON_AddStringToObject(te, "newText", nn->valuestring);
        cJSON_AddItemToArray(list, te);
    }
    cJSON_Delete(r.out);
    return edit;
}

/* "last 7 days", "last 1 hour", "lifetime". */
static const char *window(sig_arena *a, int64_t sec)
{
    static const struct { int64_t unit; const char *name; } units[] = {
        {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"},
    };
    if (sec <= 0) return "lifetime";
    for (size_t i = 0;; i++) {
        int64_t n = sec / units[i].unit;
        if (sec % units[i].unit == 0)
            return sig_arena_printf(a, "last %" PRId64 " %s%s", n, units[i].name, n == 1 ? "" : "s");
    }
}

static char *hover_attribute(sig_arena *a, const sig_attribute *at)
{
    const sig_agg_info *ag = sig_agg_get(at->agg);
    char *s = sig_arena_printf(a, "```signals\nattribute %s: %s\n```\n\n"
                                  "- aggregation: `%s(%s)`: %s\n- type: `%s`%s\n- window: %s\n",
                               at->name, sig_type_name(at->type), ag->name,
                               at->property ? at->property->text : "", ag->meaning,
                               sig_type_name(at->type), at->type_inferred ? " (inferred)" : "",
                               window(a, at->period_seconds));
    if (at->all_events) s = sig_arena_printf(a, "%s- from: all events\n", s);
    for (size_t i = 0; i < at->nevents; i++)
        s = sig_arena_printf(a, "%s%s`%s`", s, i ? ", " : "- from: ", at->events[i]->name);
    if (at->description) s = sig_arena_printf(a, "%s\n\n%s", s, at->description);
    return s;
}

static char *hover_decl(sig_arena *a, const decl *x)
{
    switch (x->kind) {
    case D_ATTRIBUTE: return hover_attribute(a, x->obj);
    case D_EVENT: {
        const sig_event *e = x->obj;
        return e->spec_id ? sig_arena_printf(a, "event `%s`: event specification `%s`", e->name, e->spec_id)
                          : sig_arena_printf(a, "event `%s`: Iglu schema `%s`", e->name, e->schema.uri);
    }
    case D_CONTEXT: {
        const sig_context *c = x->obj;
        return sig_arena_printf(a, "context `%s`: Iglu schema `%s`", c->name, c->schema.uri);
    }
    case D_ENTITY: {
        const sig_attribute_key *k = x->obj;
        return sig_arena_printf(a, "entity `%s`, read from `%s`%s%s", k->name, k->property->text
                                ? k->property->text : k->property->column,
                                k->description ? "\n\n" : "", k->description ? k->description : "");
    }
    case D_VIEW: {
        const sig_view *v = x->obj;
        return sig_arena_printf(a, "view `%s` v%d: entity `%s`, %zu attributes, %s%s%s%s", v->name,
                                v->version, v->key ? v->key->name : "?", v->nattributes,
                                v->online ? "online" : "not online",
                                v->offline ? ", offline" : "", v->description ? "\n\n" : "",
                                v->description ? v->description : "");
    }
    default: return sig_arena_printf(a, "%s `%s`", kinds[x->kind].word, x->name);
    }
}

/* Whether `p` reads an event's or entity's field and its span in the root
 * source holds byte `off`, after its first step (the head names the event
 * or context). */
static bool holds(const sig_property *p, size_t off)
{
    return (p->kind == SIG_PROP_EVENT || p->kind == SIG_PROP_ENTITY) && p->loc.file == 1 &&
           p->loc.start < off && off <= p->loc.end;
}

/* The property of `m` (an attribute's, an operand of a calculated one, a
 * criterion's) at byte `off` of the root source, or NULL. */
static const sig_property *property_at(const sig_model *m, size_t off)
{
    for (size_t i = 0; i < m->nattributes; i++) {
        const sig_attribute *at = m->attributes[i];
        const sig_property *p = at->property;
        if (p && holds(p, off)) return p;
        for (size_t k = 0; p && k < p->noperands; k++)
            if (holds(&p->operands[k], off)) return &p->operands[k];
        for (size_t k = 0; k < at->criteria.nall; k++)
            if (holds(&at->criteria.all[k].property, off)) return &at->criteria.all[k].property;
        for (size_t k = 0; k < at->criteria.nany; k++)
            if (holds(&at->criteria.any[k].property, off)) return &at->criteria.any[k].property;
    }
    return NULL;
}

/* What the Iglu schema says about the field a property reads (with
 * --iglu-repo or pulled schemas), or NULL. */
static char *hover_field(sig_ctx *ctx, sig_arena *a, const sig_property *p)
{
    sig_iglu_field f;
    if (!sig_iglu_field_info(ctx, p, &f)) return NULL;
    static const char *const names[] = {"string", "integer", "number", "boolean", "object",
                                        "array", "null"};
    const char *types = "";
    for (unsigned b = 0; b < 7; b++)
        if (f.json_types & (1u << b)) types = sig_arena_printf(a, "%s%s%s", types, *types ? " | " : "", names[b]);
    char *md = sig_arena_printf(a, "field `%s` of `%s`\n\n- JSON: %s%s%s\n", p->json_path, f.schema_uri,
                                *types ? types : "any", f.format ? ", format " : "", f.format ? f.format : "");
    if (f.sql_type_known) md = sig_arena_printf(a, "%s- type: `%s`\n", md, sig_type_name(f.sql_type));
    for (size_t i = 0; i < f.nenum; i++)
        md = sig_arena_printf(a, "%s%s`%s`%s", md, i ? ", " : "- one of: ", f.enum_json[i],
                              i + 1 == f.nenum ? "\n" : "");
    if (f.description) md = sig_arena_printf(a, "%s\n%s", md, f.description);
    return md;
}

cJSON *lsp_hover(const lsp_doc *d, const cJSON *params)
{
    sig_ctx *ctx;
    const sig_model *m = lsp_model(d, &ctx);
    const sig_source *s;
    size_t a, n;
    if (!word_at(d, params, &s, &a, &n)) return NULL;
    sig_arena *ar = sig_ctx_arena(d->ctx);
    char *w = sig_arena_strndup(ar, s->text + a, n), *md = NULL;
    decl x;
    const sig_agg_info *ag = sig_agg_lookup(w);
    const sig_atomic_column *col = sig_atomic_lookup(w);
    sig_type ty;
    const sig_property *prop = m && ctx == d->ctx ? property_at(m, a) : NULL;
    if (prop) md = hover_field(ctx, ar, prop); /* a field of the event or entity */
    if (!md && m && find_decl(m, w, n, &x)) md = hover_decl(ar, &x);
    if (!md && ag) md = sig_arena_printf(ar, "aggregation `%s`: %s", ag->name, ag->meaning);
    if (!md && col) md = sig_arena_printf(ar, "atomic column `%s`: `%s`", col->name, sig_type_name(col->type));
    if (!md && sig_type_parse(w, &ty)) md = sig_arena_printf(ar, "type `%s`", w);
    if (!md) return NULL;
    cJSON *h = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(h, "contents");
    cJSON_AddStringToObject(c, "kind", "markdown");
    cJSON_AddStringToObject(c, "value", sig_utf8_repair(ar, md));
    sig_loc l = span(s, a, n);
    cJSON_AddItemToObject(h, "range", lsp_range(s, l));
    return h;
}

static void item(cJSON *arr, const char *label, int kind, const char *detail)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", label);
    cJSON_AddNumberToObject(o, "kind", kind);
    if (detail) cJSON_AddStringToObject(o, "detail", detail);
    cJSON_AddItemToArray(arr, o);
}

/* What the text before the cursor asks for: after `from`, an event; after
 * `entity`, an entity; after `attributes`, an attribute; after `NAME:`, a
 * type; after `.`, a field of the schema (when known); else anything. */
typedef enum want { W_ANY, W_EVENT, W_ENTITY, W_ATTRIBUTE, W_TYPE, W_FIELD } want;

static want wanted(const lsp_doc *d, const cJSON *params)
{
    const sig_source *s;
    size_t a, n;
    if (!word_at(d, params, &s, &a, &n)) {
        s = sig_ctx_source(d->ctx, 1);
        if (!s) return W_ANY;
        a = lsp_offset(s, cJSON_GetObjectItemCaseSensitive(params, "position"));
    }
    size_t i = a;
    while (i > 0 && (s->text[i - 1] == ' ' || s->text[i - 1] == '\t')) i--;
    if (i == 0) return W_ANY;
    if (s->text[i - 1] == '.' && i == a) return W_FIELD;
    if (s->text[i - 1] == ':') return W_TYPE;
    size_t ws, wn;
    if (!lsp_word_at(s->text, s->len, i, &ws, &wn)) return W_ANY;
    static const struct { const char *word; want w; } after[] = {
        {"from", W_EVENT}, {"entity", W_ENTITY}, {"attributes", W_ATTRIBUTE},
    };
    for (size_t k = 0; k < sizeof after / sizeof *after; k++)
        if (strlen(after[k].word) == wn && memcmp(s->text + ws, after[k].word, wn) == 0)
            return after[k].w;
    return W_ANY;
}

/* After `head.a[0].b.` (the cursor after the last '.'): the fields that the
 * schema of the event or context `head` declares there. */
static void field_items(const lsp_doc *d, const cJSON *params, const sig_model *m, sig_ctx *ctx,
                        cJSON *arr)
{
    const sig_source *s = sig_ctx_source(d->ctx, 1);
    size_t a, n;
    if (!s) return;
    size_t i = lsp_offset(s, cJSON_GetObjectItemCaseSensitive(params, "position"));
    if (lsp_word_at(s->text, s->len, i, &a, &n)) i = a;
    enum { MAX_STEPS = 32 };
    const char *seg[MAX_STEPS];
    size_t nseg = 0;
    sig_arena *ar = sig_ctx_arena(d->ctx);
    while (i > 0 && s->text[i - 1] == '.' && nseg < MAX_STEPS) {
        i--;
        while (i > 0 && s->text[i - 1] == ']') /* an index: `[0]` */
            while (i > 0 && s->text[--i] != '[') {}
        if (!lsp_word_at(s->text, s->len, i, &a, &n) || a + n != i) return;
        seg[nseg++] = sig_arena_strndup(ar, s->text + a, n);
        i = a;
    }
    if (!nseg) return;
    decl head;
    if (!find_decl(m, seg[nseg - 1], strlen(seg[nseg - 1]), &head)) return;
    const sig_schema_ref *ref = head.kind == D_EVENT ? &((const sig_event *)head.obj)->schema
                                : head.kind == D_CONTEXT ? &((const sig_context *)head.obj)->schema
                                : NULL;
    const char *path[MAX_STEPS];
    for (size_t k = 0; k + 1 < nseg; k++) path[k] = seg[nseg - 2 - k];
    const char *const *names;
    size_t count = ref ? sig_iglu_field_names(ctx, ref, path, nseg - 1, &names) : 0;
    for (size_t k = 0; k < count; k++) item(arr, names[k], CI_FIELD, ref->uri);
}

/* The words that may go at the cursor (see wanted()); the editor filters
 * by the typed prefix (CompletionList.isIncomplete false). */
cJSON *lsp_completion(const lsp_doc *d, const cJSON *params)
{
    sig_ctx *ctx;
    const sig_model *m = lsp_model(d, &ctx);
    want w = wanted(d, params);
    cJSON *arr = cJSON_CreateArray();
    if (w == W_ANY)
        for (size_t i = 0; sig_keywords[i]; i++) item(arr, sig_keywords[i], CI_KEYWORD, "keyword");
    if (w == W_EVENT) item(arr, "all", CI_KEYWORD, "every event");
    if (w == W_FIELD && m) field_items(d, params, m, ctx, arr);
    for (size_t i = 0; w == W_ANY && sig_agg_names[i]; i++)
        item(arr, sig_agg_names[i], CI_FUNCTION, sig_agg_lookup(sig_agg_names[i])->meaning);
    for (size_t i = 0; (w == W_ANY || w == W_TYPE) && sig_type_names[i]; i++)
        item(arr, sig_type_names[i], CI_TYPE, "type");
    static const decl_kind of[] = {[W_EVENT] = D_EVENT, [W_ENTITY] = D_ENTITY,
                                   [W_ATTRIBUTE] = D_ATTRIBUTE};
    if (m && w != W_TYPE && w != W_FIELD) {
        size_t n;
        decl *v = all_decls(m, &n);
        for (size_t i = 0; i < n; i++)
            if (w == W_ANY || v[i].kind == of[w])
                item(arr, v[i].name, kinds[v[i].kind].completion, kinds[v[i].kind].word);
        free(v);
    }
    for (size_t i = 0; (w == W_ANY || w == W_ENTITY) && i < sig_builtin_key_count; i++)
        item(arr, sig_builtin_keys[i].name, CI_CONSTANT, sig_builtin_keys[i].description);
    for (size_t i = 0; w == W_ANY && i < sig_atomic_column_count; i++)
        item(arr, sig_atomic_columns[i].name, CI_FIELD, sig_type_name(sig_atomic_columns[i].type));
    cJSON *list = cJSON_CreateObject();
    cJSON_AddBoolToObject(list, "isIncomplete", false);
    cJSON_AddItemToObject(list, "items", arr);
    return list;
}
