/* iglu.c: the schema store (include/signals/iglu.h): static repository
 * directories, version resolution and JSON Schema parsing.
 *
 * A static repository holds `schemas/VENDOR/NAME/FORMAT/M-R-A`, one JSON
 * Schema per file (Iglu, "Static repo": https://docs.snowplow.io/docs/
 * api-reference/iglu/iglu-repositories/static-repo/). Versions are
 * SchemaVer MODEL-REVISION-ADDITION; `1-*-*` is the highest 1-x-y
 * (https://docs.snowplow.io/docs/api-reference/iglu/common-architecture/
 * schemaver/). */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "iglu_internal.h"
#include "signals/signals.h"

/* ------------------------------------------------------------ the store */

typedef struct ig_cached {
    const char *key;
    ig_lookup lk;
    struct ig_cached *next;
} ig_cached;

typedef struct sig_iglu {
    sig_ptrvec repos;        /* char *, as added */
    bool resolved;           /* dirs computed */
    bool off;                /* ig_disable() */
    sig_ptrvec dirs;         /* existing repository dirs, priority order */
    sig_ptrvec missing;      /* configured dirs that do not exist */
    ig_cached *cache;
} sig_iglu;

static sig_iglu *store(sig_ctx *ctx)
{
    if (!ctx->iglu) ctx->iglu = SIG_NEW(ctx->arena, sig_iglu);
    return ctx->iglu;
}

void sig_iglu_add_repo(sig_ctx *ctx, const char *dir)
{
    if (!dir) return;
    sig_iglu *s = store(ctx);
    sig_ptrvec_push(ctx->arena, &s->repos, sig_arena_strdup(ctx->arena, dir));
    s->resolved = false;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t sig_iglu_files_read(sig_ctx *ctx, const char *const **out)
{
    *out = NULL;
    if (!ctx->iglu) return 0;
    size_t n = 0;
    for (ig_cached *c = ((sig_iglu *)ctx->iglu)->cache; c; c = c->next) n += c->lk.path != NULL;
    if (!n) return 0;
    const char **v = SIG_NEW_ARRAY(ctx->arena, const char *, n);
    size_t k = 0;
    for (ig_cached *c = ((sig_iglu *)ctx->iglu)->cache; c; c = c->next)
        if (c->lk.path) v[k++] = c->lk.path;
    qsort(v, k, sizeof *v, cmp_str);
    size_t u = 0; /* two references may resolve to one file */
    for (size_t i = 0; i < k; i++)
        if (!u || strcmp(v[u - 1], v[i]) != 0) v[u++] = v[i];
    *out = v;
    return u;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The pulled directory next to the first root file, or NULL. */
static char *pulled_dir(sig_ctx *ctx)
{
    if (ctx->roots.len == 0) return NULL;
    const sig_source *src = sig_ctx_source(ctx, (unsigned)(uintptr_t)ctx->roots.items[0]);
    if (!src || !src->path || src->path[0] == '<') return NULL;
    const char *slash = strrchr(src->path, '/');
    if (!slash) return sig_arena_strdup(ctx->arena, SIG_IGLU_PULLED_DIR);
    return sig_arena_printf(ctx->arena, "%.*s/%s", (int)(slash - src->path), src->path,
                            SIG_IGLU_PULLED_DIR);
}

static void resolve_dirs(sig_ctx *ctx)
{
    sig_iglu *s = store(ctx);
    if (s->resolved) return;
    s->resolved = true;
    s->dirs = (sig_ptrvec){0};
    s->missing = (sig_ptrvec){0};
    for (size_t i = 0; i < s->repos.len; i++) {
        char *d = s->repos.items[i];
        sig_ptrvec_push(ctx->arena, is_dir(d) ? &s->dirs : &s->missing, d);
    }
    char *p = pulled_dir(ctx);
    if (p && is_dir(p)) sig_ptrvec_push(ctx->arena, &s->dirs, p);
    sig_ptrvec_push(ctx->arena, &s->missing, NULL);
}

bool ig_enabled(sig_ctx *ctx)
{
    resolve_dirs(ctx);
    sig_iglu *s = store(ctx);
    return !s->off && (s->dirs.len > 0 || s->repos.len > 0);
}

void ig_disable(sig_ctx *ctx) { store(ctx)->off = true; }

const char *const *ig_missing_repos(sig_ctx *ctx)
{
    resolve_dirs(ctx);
    return (const char *const *)store(ctx)->missing.items;
}

/* ------------------------------------------------------------ versions */

bool ig_version_parse(const char *s, ig_version *out)
{
    int v[3];
    for (int i = 0; i < 3; i++) {
        if (*s < '0' || *s > '9') return false;
        long n = 0;
        while (*s >= '0' && *s <= '9' && n < 100000) n = n * 10 + (*s++ - '0');
        v[i] = (int)n;
        if (i < 2 && *s++ != '-') return false;
    }
    if (*s) return false;
    *out = (ig_version){v[0], v[1], v[2]};
    return true;
}

const char *ig_version_text(sig_arena *a, ig_version v)
{
    return sig_arena_printf(a, "%d-%d-%d", v.m, v.r, v.a);
}

bool ig_version_matches(const sig_schema_ref *ref, ig_version v)
{
    if (!ref->has_version) return true;
    return (ref->model < 0 || ref->model == v.m) && (ref->revision < 0 || ref->revision == v.r) &&
           (ref->addition < 0 || ref->addition == v.a);
}

static int vcmp(const void *x, const void *y)
{
    const ig_version *a = x, *b = y;
    if (a->m != b->m) return a->m < b->m ? -1 : 1;
    if (a->r != b->r) return a->r < b->r ? -1 : 1;
    return a->a < b->a ? -1 : a->a > b->a;
}

/* Every version of vendor/name/format in `dir`, appended to `out`. */
static void list_versions(sig_arena *a, const char *dir, const sig_schema_ref *ref,
                          ig_version **out, size_t *n, size_t *cap)
{
    char *path = sig_arena_printf(a, "%s/schemas/%s/%s/%s", dir, ref->vendor, ref->name,
                                  ref->format);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        ig_version v;
        if (!ig_version_parse(e->d_name, &v)) continue;
        bool dup = false;
        for (size_t i = 0; i < *n; i++) dup |= vcmp(&(*out)[i], &v) == 0;
        if (dup) continue;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            ig_version *nv = sig_arena_alloc(a, nc * sizeof *nv);
            if (*n) memcpy(nv, *out, *n * sizeof *nv);
            *out = nv;
            *cap = nc;
        }
        (*out)[(*n)++] = v;
    }
    closedir(d);
}

/* Names must not walk out of the repository. */
static bool safe_part(const char *s)
{
    if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return false;
    return strchr(s, '/') == NULL;
}

static char *read_file(const char *path, size_t *len)
{
    const char *why;
    return sig_read_input(path, len, &why);
}

static void load(sig_ctx *ctx, const sig_schema_ref *ref, ig_lookup *lk)
{
    sig_iglu *s = store(ctx);
    sig_arena *a = ctx->arena;
    ig_version *vs = NULL;
    size_t n = 0, cap = 0;
    if (safe_part(ref->vendor) && safe_part(ref->name) && safe_part(ref->format))
        for (size_t i = 0; i < s->dirs.len; i++) list_versions(a, s->dirs.items[i], ref, &vs, &n, &cap);
    if (n) qsort(vs, n, sizeof *vs, vcmp);
    lk->versions = vs;
    lk->nversions = n;
    if (n == 0) { lk->status = IG_NO_SCHEMA; return; }
    const ig_version *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (ig_version_matches(ref, vs[i])) best = &vs[i];
    if (!best) { lk->status = IG_NO_VERSION; return; }
    lk->version = *best;
    const char *vt = ig_version_text(a, *best);
    lk->uri = sig_arena_printf(a, "iglu:%s/%s/%s/%s", ref->vendor, ref->name, ref->format, vt);
    for (size_t i = 0; i < s->dirs.len; i++) {
        char *path = sig_arena_printf(a, "%s/schemas/%s/%s/%s/%s", (char *)s->dirs.items[i],
                                      ref->vendor, ref->name, ref->format, vt);
        size_t len;
        char *text = read_file(path, &len);
        if (!text) continue;
        lk->path = path;
        lk->root = ig_parse_schema(a, text, len, &lk->why);
        free(text);
        lk->status = lk->root ? IG_FOUND : IG_BROKEN;
        return;
    }
    lk->status = IG_BROKEN;
    lk->why = "the file cannot be read";
}

const ig_lookup *ig_resolve(sig_ctx *ctx, const sig_schema_ref *ref)
{
    sig_iglu *s = store(ctx);
    resolve_dirs(ctx);
    const char *key = sig_arena_printf(ctx->arena, "%s/%s/%s/%d-%d-%d/%d", ref->vendor,
                                       ref->name, ref->format, ref->model, ref->revision,
                                       ref->addition, ref->has_version);
    for (ig_cached *c = s->cache; c; c = c->next)
        if (strcmp(c->key, key) == 0) return &c->lk;
    ig_cached *c = SIG_NEW(ctx->arena, ig_cached);
    memset(c, 0, sizeof *c);
    c->key = key;
    c->next = s->cache;
    s->cache = c;
    if (!ig_enabled(ctx)) c->lk.status = IG_OFF;
    else load(ctx, ref, &c->lk);
    return &c->lk;
}

/* ------------------------------------------------------------ parsing */

/* `$ref` targets already converted: a definition is converted once and
 * shared, so recursive definitions become cycles, not exponential trees. */
typedef struct ref_seen {
    const cJSON *target;
    ig_node *node;
    struct ref_seen *next;
} ref_seen;

typedef struct parser {
    sig_arena *a;
    const cJSON *root;
    int depth;
    ref_seen *refs;
    size_t nodes;       /* converted so far: a bound on hostile schemas */
} parser;

#define MAX_NODES 100000

static ig_node *node(parser *p, const cJSON *j);
static void fill(parser *p, ig_node *n, const cJSON *j);

static unsigned type_bit(const char *t)
{
    static const struct { const char *n; unsigned b; } m[] = {
        {"string", SIG_JSON_STRING}, {"integer", SIG_JSON_INTEGER},
        {"number", SIG_JSON_NUMBER}, {"boolean", SIG_JSON_BOOLEAN},
        {"object", SIG_JSON_OBJECT}, {"array", SIG_JSON_ARRAY}, {"null", SIG_JSON_NULL}};
    for (size_t i = 0; t && i < sizeof m / sizeof m[0]; i++)
        if (strcmp(m[i].n, t) == 0) return m[i].b;
    return 0;
}

static unsigned value_type(const cJSON *v)
{
    if (cJSON_IsString(v)) return SIG_JSON_STRING;
    if (cJSON_IsBool(v)) return SIG_JSON_BOOLEAN;
    if (cJSON_IsNull(v)) return SIG_JSON_NULL;
    if (cJSON_IsNumber(v))
        return v->valuedouble == (double)(int64_t)v->valuedouble ? SIG_JSON_INTEGER : SIG_JSON_NUMBER;
    if (cJSON_IsArray(v)) return SIG_JSON_ARRAY;
    return SIG_JSON_OBJECT;
}

/* Appends a property (amortised doubling); `dedupe` for merged
 * alternatives, where the first alternative's field wins. */
static void add_prop(sig_arena *a, ig_node *n, const char *name, ig_node *child, bool dedupe)
{
    for (size_t i = 0; dedupe && i < n->nprops; i++)
        if (strcmp(n->names[i], name) == 0) return;
    if (n->nprops == n->propcap) {
        size_t cap = n->propcap ? n->propcap * 2 : 8;
        const char **names = sig_arena_alloc(a, cap * sizeof *names);
        ig_node **props = sig_arena_alloc(a, cap * sizeof *props);
        if (n->nprops) {
            memcpy(names, n->names, n->nprops * sizeof *names);
            memcpy(props, n->props, n->nprops * sizeof *props);
        }
        n->names = names;
        n->props = props;
        n->propcap = cap;
    }
    n->names[n->nprops] = name;
    n->props[n->nprops] = child;
    n->nprops++;
}

static void add_enums(sig_arena *a, ig_node *n, const ig_enum *e, size_t k)
{
    if (!k) return;
    ig_enum *all = sig_arena_alloc(a, (n->nenums + k) * sizeof *all);
    if (n->nenums) memcpy(all, n->enums, n->nenums * sizeof *all);
    memcpy(all + n->nenums, e, k * sizeof *all);
    n->enums = all;
    n->nenums += k;
}

static void parse_enum(parser *p, ig_node *n, const cJSON *en)
{
    size_t k = (size_t)cJSON_GetArraySize(en), i = 0;
    if (!k) return;
    ig_enum *e = sig_arena_alloc(p->a, k * sizeof *e);
    const cJSON *v;
    cJSON_ArrayForEach(v, en) {
        if (i == k) break;
        memset(&e[i], 0, sizeof e[i]);
        e[i].type = value_type(v);
        if (cJSON_IsString(v)) e[i].str = sig_arena_strdup(p->a, v->valuestring);
        if (cJSON_IsNumber(v)) e[i].num = v->valuedouble;
        e[i].b = cJSON_IsTrue(v);
        char *t = cJSON_PrintUnformatted(v);
        e[i].json = sig_arena_strdup(p->a, t ? t : "?");
        cJSON_free(t);
        i++;
    }
    add_enums(p->a, n, e, i);
}

/* Merges alternative `b` (oneOf/anyOf) into `n`. */
static void merge(parser *p, ig_node *n, const ig_node *b, bool own_type)
{
    if (!own_type) n->types |= b->types;
    n->opaque |= b->opaque;
    if (!n->format) n->format = b->format;
    for (size_t i = 0; i < b->nprops; i++) add_prop(p->a, n, b->names[i], b->props[i], true);
    if (!n->items) n->items = b->items;
    add_enums(p->a, n, b->enums, b->nenums);
}

/* `#/definitions/x` (JSON Pointer, RFC 6901, without escapes). */
static const cJSON *local_ref(const cJSON *root, const char *ref)
{
    if (strncmp(ref, "#/", 2) != 0) return NULL;
    const cJSON *cur = root;
    const char *s = ref + 2;
    while (*s && cur) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char key[256];
        if (len >= sizeof key) return NULL;
        memcpy(key, s, len);
        key[len] = '\0';
        cur = cJSON_GetObjectItemCaseSensitive(cur, key);
        s += len + (e ? 1 : 0);
    }
    return cur;
}

static ig_node *node(parser *p, const cJSON *j)
{
    ig_node *n = SIG_NEW(p->a, ig_node);
    memset(n, 0, sizeof *n);
    if (!cJSON_IsObject(j) || p->depth > 40 || ++p->nodes > MAX_NODES) {
        n->opaque = true;
        return n;
    }
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(j, "$ref");
    if (cJSON_IsString(ref)) {
        const cJSON *t = local_ref(p->root, ref->valuestring);
        if (!t || t == j || !cJSON_IsObject(t)) {
            n->opaque = true;
            return n;
        }
        for (ref_seen *r = p->refs; r; r = r->next)
            if (r->target == t) return r->node;
        ref_seen *r = SIG_NEW(p->a, ref_seen);
        *r = (ref_seen){t, n, p->refs};
        p->refs = r;
        p->depth++;
        fill(p, n, t);
        p->depth--;
        return n;
    }
    p->depth++;
    fill(p, n, j);
    p->depth--;
    return n;
}

/* Converts the keywords of schema object `j` into `n`. */
static void fill(parser *p, ig_node *n, const cJSON *j)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(j, "$ref");
    if (cJSON_IsString(ref)) { /* a definition that is itself a reference */
        ig_node *t = node(p, j);
        *n = *t;
        n->propcap = n->nprops; /* the arrays are shared: copy before growing */
        return;
    }
    const cJSON *ty = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (cJSON_IsString(ty)) n->types = type_bit(ty->valuestring);
    const cJSON *v;
    if (cJSON_IsArray(ty)) cJSON_ArrayForEach(v, ty) if (cJSON_IsString(v)) n->types |= type_bit(v->valuestring);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "format");
    if (cJSON_IsString(f)) n->format = sig_arena_strdup(p->a, f->valuestring);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "description");
    if (cJSON_IsString(d)) n->description = sig_arena_strdup(p->a, d->valuestring);
    const cJSON *ap = cJSON_GetObjectItemCaseSensitive(j, "additionalProperties");
    n->closed = cJSON_IsFalse(ap);
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(j, "properties");
    if (cJSON_IsObject(props))
        cJSON_ArrayForEach(v, props) if (v->string)
            add_prop(p->a, n, sig_arena_strdup(p->a, v->string), node(p, v), false);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
    if (cJSON_IsObject(items)) n->items = node(p, items);
    else if (cJSON_IsArray(items) && cJSON_GetArraySize(items) > 0)
        n->items = node(p, cJSON_GetArrayItem(items, 0)); /* tuple form: the first */
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(j, "enum");
    if (cJSON_IsArray(en)) parse_enum(p, n, en);
    bool own_type = n->types != 0;
    static const char *const alts[] = {"oneOf", "anyOf", "allOf"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *al = cJSON_GetObjectItemCaseSensitive(j, alts[i]);
        if (cJSON_IsArray(al)) cJSON_ArrayForEach(v, al) merge(p, n, node(p, v), own_type);
    }
    /* Enum-only fields ("type" of the ecommerce action) take their values' types. */
    if (!n->types)
        for (size_t i = 0; i < n->nenums; i++) n->types |= n->enums[i].type;
    if (!n->types && n->nprops) n->types = SIG_JSON_OBJECT;
}

const ig_node *ig_parse_schema(sig_arena *a, const char *text, size_t len, const char **why)
{
    cJSON *j = cJSON_ParseWithLength(text, len);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        *why = "it is not a JSON object";
        return NULL;
    }
    parser p = {a, j, 0, NULL, 0};
    ig_node *n = node(&p, j);
    cJSON_Delete(j);
    return n;
}

const ig_node *ig_child(const ig_node *n, const char *name)
{
    for (size_t i = 0; n && i < n->nprops; i++)
        if (strcmp(n->names[i], name) == 0) return n->props[i];
    return NULL;
}

/* ------------------------------------------------------------ types */

static bool scalar_of(unsigned t, sig_scalar *out)
{
    t &= ~(unsigned)SIG_JSON_NULL;
    if (t == SIG_JSON_INTEGER) *out = SIG_INT64;
    else if (t == SIG_JSON_NUMBER || t == (SIG_JSON_NUMBER | SIG_JSON_INTEGER)) *out = SIG_DOUBLE;
    else if (t == SIG_JSON_STRING) *out = SIG_STRING;
    else if (t == SIG_JSON_BOOLEAN) *out = SIG_BOOL;
    else return false;
    return true;
}

bool ig_sql_type(const ig_node *n, sig_type *out)
{
    if (!n || n->opaque) return false;
    unsigned t = n->types & ~(unsigned)SIG_JSON_NULL;
    if (t == SIG_JSON_ARRAY) {
        if (!n->items || n->items->opaque || !scalar_of(n->items->types, &out->scalar)) return false;
        out->list = true;
        return true;
    }
    out->list = false;
    return scalar_of(t, &out->scalar);
}

void ig_field_fill(sig_arena *a, const ig_node *n, const char *uri, sig_iglu_field *out)
{
    memset(out, 0, sizeof *out);
    out->schema_uri = uri;
    out->json_types = n->opaque ? 0 : n->types;
    out->format = n->format;
    out->description = n->description;
    out->nenum = n->nenums;
    if (n->nenums) {
        const char **e = sig_arena_alloc(a, n->nenums * sizeof *e);
        for (size_t i = 0; i < n->nenums; i++) e[i] = n->enums[i].json;
        out->enum_json = e;
    }
    out->sql_type_known = ig_sql_type(n, &out->sql_type);
}

/* ------------------------------------------------ canonical events */

/* Snowplow's canonical event model: these events have no self-describing
 * data; their fields are atomic columns (https://docs.snowplow.io/docs/
 * fundamentals/canonical-event/). */
static const struct {
    const char *name;
    const char *const cols[12];
} canonical[] = {
    {"page_view", {"page_title", "page_url", "page_urlpath", "page_urlquery", "page_urlhost",
                   "page_referrer", "refr_urlpath", NULL}},
    {"page_ping", {"pp_xoffset_min", "pp_xoffset_max", "pp_yoffset_min", "pp_yoffset_max",
                   "page_url", "page_title", NULL}},
    {"struct", {"se_category", "se_action", "se_label", "se_property", "se_value", NULL}},
    {"event", {"se_category", "se_action", "se_label", "se_property", "se_value", NULL}},
    {"structured_event", {"se_category", "se_action", "se_label", "se_property", "se_value", NULL}},
    {"transaction", {"tr_orderid", "tr_affiliation", "tr_total", "tr_tax", "tr_shipping",
                     "tr_city", "tr_state", "tr_country", "tr_currency", NULL}},
    {"transaction_item", {"ti_orderid", "ti_sku", "ti_name", "ti_category", "ti_price",
                          "ti_quantity", "ti_currency", NULL}},
};

const char *ig_canonical_columns(const sig_schema_ref *ref, const char *const **cols)
{
    if (!ref->vendor || strcmp(ref->vendor, "com.snowplowanalytics.snowplow") != 0) return NULL;
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++)
        if (strcmp(canonical[i].name, ref->name) == 0) {
            *cols = canonical[i].cols;
            return canonical[i].name;
        }
    return NULL;
}
