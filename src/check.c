/* check.c: name resolution, semantic rules and model building.
 *
 * The checker runs in passes over the files (dependency order):
 *   1. collect: every declaration gets a symbol and an (empty) model object,
 *      so that names may be used before they are declared and model arrays
 *      come out in declaration order; events and contexts parse their URIs.
 *   2. entities and batch sources;
 *   3. attributes (top-level and inline, declaration order);
 *   4. views; 5. services.
 * Each rule reports through sig_error() with a code from codes_check.def and
 * keeps going, so that one run reports every error; a node that failed is
 * marked so that it causes no follow-on errors.
 *
 * Properties, criteria, literals, durations and schema URIs are handled in
 * check_expr.c. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"
#include "signals/signals.h"
#include "signals/output.h"

/* ------------------------------------------------------------- name map */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

void *ck_map_get(const ck_map *m, const char *key)
{
    if (!key || !m->cap) return NULL;
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->slots[i].key) {
        if (strcmp(m->slots[i].key, key) == 0) return m->slots[i].val;
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

static void map_insert(ck_map *m, const char *key, void *val)
{
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->slots[i].key) {
        if (strcmp(m->slots[i].key, key) == 0) { m->slots[i].val = val; return; }
        i = (i + 1) & (m->cap - 1);
    }
    m->slots[i].key = key;
    m->slots[i].val = val;
    m->len++;
}

void ck_map_put(sig_arena *a, ck_map *m, const char *key, void *val)
{
    if (!key) return;
    if (ck_map_get(m, key)) {
        map_insert(m, key, val);
        return;
    }
    if ((m->len + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 16;
        struct ck_slot *old = m->slots;
        size_t ocap = m->cap;
        m->slots = SIG_NEW_ARRAY(a, struct ck_slot, ncap);
        m->cap = ncap;
        m->len = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].key) map_insert(m, old[i].key, old[i].val);
    }
    map_insert(m, key, val);
    sig_ptrvec_push(a, &m->keys, (void *)(uintptr_t)key);
}

/* ------------------------------------------------------------- helpers */

static const char *const kind_words[] = {
    [CK_EVENT] = "event", [CK_CONTEXT] = "context", [CK_ENTITY] = "entity",
    [CK_ATTRIBUTE] = "attribute", [CK_VIEW] = "view", [CK_SOURCE] = "batch source",
    [CK_SERVICE] = "service",
};

static const char *a_kind(ck_kind k)
{
    switch (k) {
    case CK_EVENT: return "an event";
    case CK_CONTEXT: return "a context";
    case CK_ENTITY: return "an entity";
    case CK_ATTRIBUTE: return "an attribute";
    case CK_VIEW: return "a view";
    case CK_SOURCE: return "a batch source";
    case CK_SERVICE: return "a service";
    }
    return "a declaration";
}

/* A symbol of any other kind with this name, for E0303. */
static ck_sym *lookup_any(ck *c, const char *name)
{
    ck_map *maps[] = {&c->evctx, &c->entities, &c->attributes, &c->views, &c->sources,
                      &c->services};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        ck_sym *s = ck_map_get(maps[i], name);
        if (s) return s;
    }
    return NULL;
}

void ck_undefined(ck *c, const char *what, const char *name, sig_loc loc,
                  const ck_map *candidates, const char *help_if_none)
{
    sig_diag *d = sig_error(c->ctx, loc, "E0301", "undefined %s `%s`", what, name);
    sig_diag_label(c->ctx, d, "no %s of this name is declared", what);
    const char *sug = candidates ? sig_did_you_mean(name,
                          (const char *const *)candidates->keys.items,
                          candidates->keys.len) : NULL;
    if (sug) sig_diag_suggest(c->ctx, d, sug);
    else if (help_if_none) sig_diag_help(c->ctx, d, "%s", help_if_none);
}

/* Looks up `id` in `m`; reports E0301/E0303 when absent. */
static ck_sym *resolve(ck *c, const sig_ident *id, ck_map *m, ck_kind want,
                       const char *help_if_none)
{
    if (!id || !id->name) return NULL;
    ck_sym *s = ck_map_get(m, id->name);
    if (s && (s->kind == want || (want == CK_EVENT && s->kind == CK_EVENT))) {
        s->used = true;
        return s;
    }
    ck_sym *other = s ? s : lookup_any(c, id->name);
    if (other) {
        sig_diag *d = sig_error(c->ctx, id->loc, "E0303", "`%s` is %s, not %s", id->name,
                                a_kind(other->kind), a_kind(want));
        sig_diag_label(c->ctx, d, "expected %s", a_kind(want));
        if (!other->builtin && ck_has_loc(other->loc))
            sig_diag_note(c->ctx, d, other->loc, "`%s` is declared here", id->name);
        if (want == CK_EVENT && other->kind == CK_CONTEXT)
            sig_diag_help(c->ctx, d, "`from` names the events to aggregate; a context is read "
                          "in a property (`%s.FIELD`) of an event that carries it", id->name);
        return NULL;
    }
    ck_undefined(c, kind_words[want], id->name, id->loc, m, help_if_none);
    return NULL;
}

/* E0350: the API's name rule. */
static bool check_name(ck *c, const char *name, sig_loc loc, const char *what)
{
    if (!name) return false;
    size_t len = strlen(name);
    size_t bad = len;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (!(isalnum(ch) || ch == '_')) { bad = i; break; }
    }
    if (bad < len || len == 0) {
        sig_diag *d = sig_error(c->ctx, loc, "E0350", "invalid %s name `%s`", what, name);
        sig_diag_label(c->ctx, d, "only letters, digits and `_` are allowed");
        return false;
    }
    if (len > 128) {
        sig_diag *d = sig_error(c->ctx, loc, "E0350", "%s name is %zu characters long",
                                what, len);
        sig_diag_label(c->ctx, d, "the Signals API allows at most 128");
        return false;
    }
    return true;
}

static void dup_error(ck *c, const ck_sym *first, const char *name, sig_loc loc,
                      const char *what)
{
    sig_diag *d;
    if (first->kind == CK_EVENT || first->kind == CK_CONTEXT) {
        d = sig_error(c->ctx, loc, "E0302", "the name `%s` is already used by %s", name,
                      a_kind(first->kind));
        sig_diag_label(c->ctx, d, "declared again here");
        sig_diag_note(c->ctx, d, first->loc, "first declared here");
        sig_diag_help(c->ctx, d, "events and contexts share one namespace; rename this %s",
                      what);
        return;
    }
    d = sig_error(c->ctx, loc, "E0302", "%s `%s` is declared twice", what, name);
    sig_diag_label(c->ctx, d, "declared again here");
    if (ck_has_loc(first->loc)) sig_diag_note(c->ctx, d, first->loc, "first declared here");
}

/* ------------------------------------------------------------ settings */

typedef enum bkind { BK_VIEW, BK_ATTRIBUTE, BK_ENTITY, BK_SOURCE, BK_SERVICE, BK_FIELD,
                     BK__COUNT } bkind;

static const char *const bk_names[BK__COUNT] = {
    "a view", "an attribute", "an entity", "a batch_source", "a service", "a field"
};
static const char *const bk_short[BK__COUNT] = {
    "view", "attribute", "entity", "batch_source", "service", "field"
};

#define S(k) (1u << (k))
static const uint32_t bk_allowed[BK__COUNT] = {
    [BK_VIEW] = S(SIG_SET_ENTITY) | S(SIG_SET_ONLINE) | S(SIG_SET_OFFLINE) | S(SIG_SET_TTL) |
                S(SIG_SET_OWNER) | S(SIG_SET_DESCRIPTION) | S(SIG_SET_TAGS) |
                S(SIG_SET_ATTRIBUTES) | S(SIG_SET_ATTRIBUTE) | S(SIG_SET_SOURCE) |
                S(SIG_SET_FIELD),
    [BK_ATTRIBUTE] = S(SIG_SET_DESCRIPTION) | S(SIG_SET_DEFAULT) | S(SIG_SET_TAGS),
    [BK_ENTITY] = S(SIG_SET_PROPERTY) | S(SIG_SET_KEY) | S(SIG_SET_TTL) | S(SIG_SET_OWNER) |
                  S(SIG_SET_DESCRIPTION),
    [BK_SOURCE] = S(SIG_SET_DATABASE) | S(SIG_SET_SCHEMA) | S(SIG_SET_TABLE) |
                  S(SIG_SET_TIMESTAMP_FIELD) | S(SIG_SET_CREATED_TIMESTAMP_COLUMN) |
                  S(SIG_SET_DATE_PARTITION_COLUMN) | S(SIG_SET_OWNER) |
                  S(SIG_SET_DESCRIPTION) | S(SIG_SET_TAGS),
    [BK_SERVICE] = S(SIG_SET_VIEWS) | S(SIG_SET_OWNER) | S(SIG_SET_DESCRIPTION) |
                   S(SIG_SET_TAGS),
    [BK_FIELD] = S(SIG_SET_DESCRIPTION),
};
#define REPEATABLE (S(SIG_SET_ATTRIBUTE) | S(SIG_SET_FIELD))

/* The keyword of each setting. */
static const char *const *const set_kw = sig_setting_keywords;

static const char *setting_list(ck *c, uint32_t mask)
{
    sig_buf b = {.arena = c->a};
    int n = 0, total = 0;
    for (int k = 0; k < SIG_SET__COUNT; k++) if (mask & S(k)) total++;
    for (int k = 0; k < SIG_SET__COUNT; k++) {
        if (!(mask & S(k))) continue;
        if (n) sig_buf_puts(&b, n == total - 1 ? " and " : ", ");
        sig_buf_printf(&b, "`%s`", set_kw[k]);
        n++;
    }
    return sig_buf_str(&b);
}

/* Sorts a block's settings by kind into first[]; reports E0310 and E0311. */
static void collect_settings(ck *c, const sig_ast_block *b, bkind bk,
                             const sig_ast_setting *first[SIG_SET__COUNT])
{
    for (int k = 0; k < SIG_SET__COUNT; k++) first[k] = NULL;
    if (!b || !b->items) return;
    for (size_t i = 0; i < b->nitems; i++) {
        const sig_ast_setting *st = &b->items[i];
        if ((unsigned)st->kind >= SIG_SET__COUNT) continue;
        sig_loc kl = ck_has_loc(st->keyword_loc) ? st->keyword_loc : st->loc;
        if (!(bk_allowed[bk] & S(st->kind))) {
            sig_diag *d = sig_error(c->ctx, kl, "E0310", "`%s` is not allowed in %s block",
                                    set_kw[st->kind], bk_names[bk]);
            sig_diag_label(c->ctx, d, "not %s setting", bk_names[bk]);
            sig_buf where = {.arena = c->a};
            int n = 0, total = 0;
            for (int k = 0; k < BK__COUNT; k++)
                if (bk_allowed[k] & S(st->kind)) total++;
            for (int k = 0; k < BK__COUNT; k++) {
                if (!(bk_allowed[k] & S(st->kind))) continue;
                if (n) sig_buf_puts(&where, n == total - 1 ? " and " : ", ");
                sig_buf_printf(&where, "`%s`", bk_short[k]);
                n++;
            }
            sig_diag_help(c->ctx, d, "`%s` belongs in %s block%s; %s block takes %s",
                          set_kw[st->kind], sig_buf_str(&where), total > 1 ? "s" : "",
                          bk_names[bk], setting_list(c, bk_allowed[bk]));
            continue;
        }
        if (first[st->kind] && !(REPEATABLE & S(st->kind))) {
            sig_diag *d = sig_error(c->ctx, kl, "E0311", "`%s` is set twice in %s block",
                                    set_kw[st->kind], bk_names[bk]);
            sig_diag_label(c->ctx, d, "set again here");
            sig_diag_note(c->ctx, d, first[st->kind]->loc, "first set here");
            if (st->kind == SIG_SET_ATTRIBUTES)
                sig_diag_help(c->ctx, d, "list every attribute in one `attributes a, b, c`");
            continue;
        }
        if (!first[st->kind]) first[st->kind] = st;
    }
}

static void convert_tags(ck *c, const sig_ast_setting *st, const sig_tag **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!st || !st->tags) return;
    sig_tag *tags = SIG_NEW_ARRAY(c->a, sig_tag, st->ntags ? st->ntags : 1);
    size_t m = 0;
    for (size_t i = 0; i < st->ntags; i++) {
        const sig_ast_tag *t = &st->tags[i];
        if (!t->key.name) continue;
        bool dup = false;
        for (size_t j = 0; j < i; j++) {
            if (st->tags[j].key.name && strcmp(st->tags[j].key.name, t->key.name) == 0) {
                sig_diag *d = sig_error(c->ctx, t->key.loc, "E0315", "tag `%s` is given twice",
                                        t->key.name);
                sig_diag_label(c->ctx, d, "given again here");
                sig_diag_note(c->ctx, d, st->tags[j].key.loc, "first given here");
                dup = true;
                break;
            }
        }
        if (dup) continue;
        tags[m].key = t->key.name;
        tags[m].value = t->value ? t->value : "";
        m++;
    }
    *out = tags;
    *n = m;
}

static const char *setting_str(const sig_ast_setting *st)
{
    if (!st) return NULL;
    return st->name.name ? st->name.name : st->str;
}

static sig_loc setting_value_loc(const sig_ast_setting *st)
{
    if (st->name.name && ck_has_loc(st->name.loc)) return st->name.loc;
    if (ck_has_loc(st->str_loc)) return st->str_loc;
    return st->loc;
}

/* ------------------------------------------------------------ built-ins */



/* A type name as written -> *out; E0322 with did-you-mean when it is none
 * of the 16 Field types. */
static bool parse_type(ck *c, const sig_ident *name, sig_type *out)
{
    if (sig_type_parse(name->name, out)) return true;
    sig_diag *d = sig_error(c->ctx, name->loc, "E0322", "unknown type `%s`", name->name);
    sig_diag_label(c->ctx, d, "not a Signals type");
    const char *sug = sig_did_you_mean(name->name, sig_type_names, 0);
    if (sug) sig_diag_suggest(c->ctx, d, sug);
    else sig_diag_help(c->ctx, d, "the types are bytes, string, int32, int64, double, "
                       "float, bool, unix_timestamp and their `_list` forms");
    return false;
}

static sig_property *atomic_property(ck *c, const sig_atomic_column *ac, sig_loc loc)
{
    sig_property *p = SIG_NEW(c->a, sig_property);
    p->kind = SIG_PROP_ATOMIC;
    p->atomic = ac->name;
    p->column = ac->name;
    p->type_known = true;
    p->type = ac->type;
    p->text = ac->name;
    p->loc = loc;
    return p;
}

static void add_builtins(ck *c)
{
    for (size_t i = 0; i < sig_builtin_key_count; i++) {
        ck_sym *s = SIG_NEW(c->a, ck_sym);
        s->kind = CK_ENTITY;
        s->name = sig_builtin_keys[i].name;
        s->builtin = true;
        s->ok = true;
        sig_attribute_key *k = SIG_NEW(c->a, sig_attribute_key);
        k->name = sig_builtin_keys[i].name;
        k->key = sig_builtin_keys[i].key;
        k->description = sig_builtin_keys[i].description;
        k->ttl_seconds = -1;
        k->builtin = true;
        k->property = atomic_property(c, sig_atomic_lookup(sig_builtin_keys[i].key), SIG_NOLOC);
        s->obj = k;
        ck_map_put(c->a, &c->entities, s->name, s);
    }
}

/* ------------------------------------------------------ pass 1: collect */

static ck_sym *new_sym(ck *c, ck_kind kind, const sig_ident *name, const sig_ast_decl *decl)
{
    ck_sym *s = SIG_NEW(c->a, ck_sym);
    s->kind = kind;
    s->name = name->name;
    s->loc = name->loc;
    s->decl = decl;
    s->ok = true;
    return s;
}

static void collect_attribute(ck *c, const sig_ast_attribute *at, const sig_ast_decl *view,
                              ck_sym *view_sym)
{
    if (!at || !at->name.name) return;
    ck_sym *s = new_sym(c, CK_ATTRIBUTE, &at->name, NULL);
    s->attr = at;
    s->view_decl = view;
    sig_attribute *obj = SIG_NEW(c->a, sig_attribute);
    obj->name = at->name.name;
    obj->loc = at->name.loc;
    s->obj = obj;
    if (!check_name(c, s->name, s->loc, "attribute")) s->ok = false;
    ck_sym *prev = ck_map_get(&c->attributes, s->name);
    if (prev) {
        dup_error(c, prev, s->name, s->loc, "attribute");
        s->ok = false;
    } else {
        ck_map_put(c->a, &c->attributes, s->name, s);
    }
    sig_ptrvec_push(c->a, &c->attr_syms, s);
    sig_ptrvec_push(c->a, &c->attrs, obj);
    if (view_sym) sig_ptrvec_push(c->a, &view_sym->inline_attrs, s);
}

static void collect_evctx(ck *c, const sig_ast_decl *d)
{
    bool is_event = d->kind == SIG_DECL_EVENT;
    ck_sym *s = new_sym(c, is_event ? CK_EVENT : CK_CONTEXT, &d->name, d);
    sig_schema_ref ref;
    if (!ck_parse_schema(c, d->uri, ck_has_loc(d->uri_loc) ? d->uri_loc : d->loc, &ref))
        s->ok = false;
    if (is_event) {
        sig_event *e = SIG_NEW(c->a, sig_event);
        e->name = d->name.name;
        e->schema = ref;
        e->loc = d->name.loc;
        s->obj = e;
        sig_ptrvec_push(c->a, &c->events, e);
        sig_ptrvec_push(c->a, &c->event_syms, s);
    } else {
        sig_context *x = SIG_NEW(c->a, sig_context);
        x->name = d->name.name;
        x->schema = ref;
        x->loc = d->name.loc;
        s->obj = x;
        sig_ptrvec_push(c->a, &c->contexts, x);
        sig_ptrvec_push(c->a, &c->context_syms, s);
    }
    if (s->ok) {
        s->column = ck_schema_column(c, is_event ? "unstruct_event_" : "contexts_", &ref);
        if (s->column) {
            char *low = sig_arena_strdup(c->a, s->column);
            for (char *p = low; *p; p++) *p = (char)tolower((unsigned char)*p);
            if (!ck_map_get(&c->columns, low)) ck_map_put(c->a, &c->columns, low, s);
        }
    }
    if (sig_atomic_lookup(s->name)) {
        sig_diag *dg = sig_error(c->ctx, s->loc, "E0306", "%s `%s` is named like an atomic "
                                 "column", is_event ? "event" : "context", s->name);
        sig_diag_label(c->ctx, dg, "`%s` is an atomic column", s->name);
        sig_diag_help(c->ctx, dg, "choose another name, e.g. `%s_%s`", s->name,
                      is_event ? "event" : "ctx");
        s->ok = false;
        return;
    }
    ck_sym *prev = ck_map_get(&c->evctx, s->name);
    if (prev) {
        dup_error(c, prev, s->name, s->loc, is_event ? "event" : "context");
        return;
    }
    ck_map_put(c->a, &c->evctx, s->name, s);
}

static void collect_decl(ck *c, const sig_ast_decl *d)
{
    switch (d->kind) {
    case SIG_DECL_IMPORT:
        return;
    case SIG_DECL_EVENT:
    case SIG_DECL_CONTEXT:
        if (d->name.name) collect_evctx(c, d);
        return;
    case SIG_DECL_ATTRIBUTE:
        collect_attribute(c, d->attribute, NULL, NULL);
        return;
    default:
        break;
    }
    if (!d->name.name) return;
    if (d->kind == SIG_DECL_ENTITY) {
        ck_sym *s = new_sym(c, CK_ENTITY, &d->name, d);
        sig_attribute_key *k = SIG_NEW(c->a, sig_attribute_key);
        s->obj = k;
        if (!check_name(c, s->name, s->loc, "entity")) s->ok = false;
        ck_sym *prev = ck_map_get(&c->entities, s->name);
        if (prev && !prev->builtin) {
            dup_error(c, prev, s->name, s->loc, "entity");
            s->ok = false;
        } else {
            /* Declaring a built-in's name replaces the built-in. */
            ck_map_put(c->a, &c->entities, s->name, s);
        }
        sig_ptrvec_push(c->a, &c->entity_syms, s);
        return;
    }
    if (d->kind == SIG_DECL_VIEW) {
        ck_sym *s = new_sym(c, CK_VIEW, &d->name, d);
        s->version = d->has_version ? d->version : 1;
        sig_view *v = SIG_NEW(c->a, sig_view);
        s->obj = v;
        if (!check_name(c, s->name, s->loc, "view")) s->ok = false;
        if (d->has_version && d->version < 1) {
            sig_loc l = ck_has_loc(d->version_loc) ? d->version_loc : s->loc;
            sig_diag *dg = sig_error(c->ctx, l, "E0351", "view version `v%d` is invalid",
                                     d->version);
            sig_diag_label(c->ctx, dg, "versions start at 1");
            sig_diag_help(c->ctx, dg, "write `v1`, or leave the version out (it is then 1)");
            s->ok = false;
        }
        ck_sym *prev = ck_map_get(&c->views, s->name);
        if (!prev) {
            ck_map_put(c->a, &c->views, s->name, s);
        } else {
            ck_sym *last = prev;
            bool dup = false;
            for (ck_sym *p = prev; p; p = p->next_version) {
                if (p->version == s->version) {
                    sig_diag *dg = sig_error(c->ctx, s->loc, "E0302",
                                             "view `%s` v%d is declared twice", s->name,
                                             s->version);
                    sig_diag_label(c->ctx, dg, "declared again here");
                    sig_diag_note(c->ctx, dg, p->loc, "first declared here");
                    sig_diag_help(c->ctx, dg, "give the new one another version: `view %s v%d`",
                                  s->name, s->version + 1);
                    dup = true;
                    break;
                }
                last = p;
            }
            if (dup) s->ok = false;
            else last->next_version = s;
        }
        sig_ptrvec_push(c->a, &c->view_syms, s);
        sig_ptrvec_push(c->a, &c->views_out, v);
        /* Inline attributes. */
        if (d->block && d->block->items)
            for (size_t i = 0; i < d->block->nitems; i++)
                if (d->block->items[i].kind == SIG_SET_ATTRIBUTE)
                    collect_attribute(c, d->block->items[i].attribute, d, s);
        return;
    }
    if (d->kind == SIG_DECL_BATCH_SOURCE || d->kind == SIG_DECL_SERVICE) {
        bool src = d->kind == SIG_DECL_BATCH_SOURCE;
        ck_sym *s = new_sym(c, src ? CK_SOURCE : CK_SERVICE, &d->name, d);
        ck_map *m = src ? &c->sources : &c->services;
        if (src) {
            sig_batch_source *b = SIG_NEW(c->a, sig_batch_source);
            s->obj = b;
            sig_ptrvec_push(c->a, &c->sources_out, b);
            sig_ptrvec_push(c->a, &c->source_syms, s);
        } else {
            sig_service *v = SIG_NEW(c->a, sig_service);
            s->obj = v;
            sig_ptrvec_push(c->a, &c->services_out, v);
            sig_ptrvec_push(c->a, &c->service_syms, s);
        }
        if (!check_name(c, s->name, s->loc, src ? "batch source" : "service")) s->ok = false;
        ck_sym *prev = ck_map_get(m, s->name);
        if (prev) {
            dup_error(c, prev, s->name, s->loc, src ? "batch source" : "service");
            s->ok = false;
        } else {
            ck_map_put(c->a, m, s->name, s);
        }
    }
}

/* ------------------------------------------- pass 2: entities, sources */

static void check_entity(ck *c, ck_sym *s)
{
    sig_attribute_key *k = s->obj;
    k->name = s->name;
    k->ttl_seconds = -1;
    k->loc = s->loc;
    const sig_ast_setting *set[SIG_SET__COUNT];
    collect_settings(c, s->decl->block, BK_ENTITY, set);
    if (set[SIG_SET_OWNER]) k->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) k->description = set[SIG_SET_DESCRIPTION]->str;
    if (set[SIG_SET_TTL] && !ck_duration(c, &set[SIG_SET_TTL]->duration, &k->ttl_seconds))
        k->ttl_seconds = -1;
    const sig_ast_setting *key = set[SIG_SET_KEY];
    if (key && key->name.name) {
        k->key = key->name.name;
        check_name(c, k->key, key->name.loc, "entity key");
    }
    if (set[SIG_SET_PROPERTY] && set[SIG_SET_PROPERTY]->property) {
        sig_property *p = SIG_NEW(c->a, sig_property);
        if (ck_resolve_property(c, set[SIG_SET_PROPERTY]->property, p)) {
            k->property = p;
            k->property_explicit = true;
        } else {
            s->ok = false;
        }
        return;
    }
    if (set[SIG_SET_PROPERTY]) return; /* a partial AST: the parser reported it */
    const char *col = k->key ? k->key : k->name;
    sig_loc at = k->key ? key->name.loc : s->loc;
    const sig_atomic_column *ac = sig_atomic_lookup(col);
    if (ac) {
        k->property = atomic_property(c, ac, at);
        return;
    }
    sig_diag *d;
    if (k->key) {
        d = sig_error(c->ctx, at, "E0304", "entity `%s` has no value: its key `%s` is not an "
                      "atomic column", s->name, col);
        sig_diag_label(c->ctx, d, "not an atomic column");
        const char *sug = sig_did_you_mean(col, sig_atomic_names, sig_atomic_column_count);
        if (sug) sig_diag_suggest(c->ctx, d, sug);
        else sig_diag_help(c->ctx, d, "read the value from a field instead: `entity %s { "
                           "property EVENT_OR_CONTEXT.FIELD }`", s->name);
    } else {
        d = sig_error(c->ctx, at, "E0304", "entity `%s` has no value: `%s` is not an atomic "
                      "column and no `property` says where to read it", s->name, col);
        sig_diag_label(c->ctx, d, "where does its value come from?");
        sig_diag_help(c->ctx, d, "say where: `entity %s { property EVENT_OR_CONTEXT.FIELD }`, "
                      "or `entity %s { key ATOMIC_COLUMN }`", s->name, s->name);
    }
    s->ok = false;
}

static bool valid_ident_chars(const char *s, bool allow_dash, size_t *bad)
{
    for (size_t i = 0; s[i]; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || ch == '_' || (allow_dash && ch == '-')) continue;
        *bad = i;
        return false;
    }
    if (!*s) { *bad = 0; return false; }
    return true;
}

static void check_source(ck *c, ck_sym *s)
{
    sig_batch_source *b = s->obj;
    b->name = s->name;
    b->loc = s->loc;
    const sig_ast_setting *set[SIG_SET__COUNT];
    collect_settings(c, s->decl->block, BK_SOURCE, set);
    static const sig_setting_kind req[] = {SIG_SET_DATABASE, SIG_SET_SCHEMA, SIG_SET_TABLE,
                                           SIG_SET_TIMESTAMP_FIELD};
    sig_buf missing = {.arena = c->a}, lines = {.arena = c->a};
    int nmiss = 0;
    int total = 0;
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) if (!set[req[i]]) total++;
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (set[req[i]]) continue;
        const char *sep = !nmiss ? "" : nmiss == total - 1 ? " and " : ", ";
        sig_buf_printf(&missing, "%s`%s`", sep, set_kw[req[i]]);
        sig_buf_printf(&lines, "%s`%s \"...\"`", sep, set_kw[req[i]]);
        nmiss++;
    }
    if (nmiss && c->partial) {
        s->ok = false;
    } else if (nmiss) {
        sig_diag *d = sig_error(c->ctx, s->loc, "E0312", "batch source `%s` is missing %s",
                                s->name, sig_buf_str(&missing));
        sig_diag_label(c->ctx, d, "%s required", nmiss > 1 ? "these settings are" : "this setting is");
        sig_diag_help(c->ctx, d, "add %s to its block", sig_buf_str(&lines));
        s->ok = false;
    }
    static const sig_setting_kind idk[] = {
        SIG_SET_DATABASE, SIG_SET_SCHEMA, SIG_SET_TABLE, SIG_SET_TIMESTAMP_FIELD,
        SIG_SET_CREATED_TIMESTAMP_COLUMN, SIG_SET_DATE_PARTITION_COLUMN};
    const char **dst[] = {&b->database, &b->schema, &b->table, &b->timestamp_field,
                          &b->created_timestamp_column, &b->date_partition_column};
    for (size_t i = 0; i < sizeof idk / sizeof idk[0]; i++) {
        const sig_ast_setting *st = set[idk[i]];
        const char *v = setting_str(st);
        if (!v) continue;
        *dst[i] = v;
        size_t bad = 0;
        bool dash = idk[i] == SIG_SET_DATABASE;
        if (!valid_ident_chars(v, dash, &bad) || strlen(v) > 128) {
            sig_loc l = setting_value_loc(st);
            sig_diag *d = sig_error(c->ctx, l, "E0350", "invalid %s `%s`", set_kw[idk[i]], v);
            if (!*v) sig_diag_label(c->ctx, d, "must not be empty");
            else if (strlen(v) > 128) sig_diag_label(c->ctx, d, "longer than 128 characters");
            else sig_diag_label(c->ctx, d, "`%c` is not allowed", v[bad]);
            sig_diag_help(c->ctx, d, "the Signals API allows letters, digits%s and `_` in a "
                          "batch source's %s", dash ? ", `-`" : "", set_kw[idk[i]]);
            s->ok = false;
        }
    }
    if (set[SIG_SET_OWNER]) b->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) b->description = set[SIG_SET_DESCRIPTION]->str;
    convert_tags(c, set[SIG_SET_TAGS], &b->tags, &b->ntags);
}

/* ------------------------------------------------- pass 3: attributes */

static bool event_in(const sig_event *const *evs, size_t n, const sig_event *e)
{
    for (size_t i = 0; i < n; i++) if (evs[i] == e) return true;
    return false;
}

static const char *event_list_text(ck *c, const sig_event *const *evs, size_t n)
{
    sig_buf b = {.arena = c->a};
    for (size_t i = 0; i < n; i++) sig_buf_printf(&b, "%s%s", i ? ", " : "", evs[i]->name);
    return sig_buf_str(&b);
}

/* "counter, sum, ... and unique_list": every row of the aggregation table. */
static const char *ck_agg_list(ck *c)
{
    sig_buf b = {.arena = c->a};
    for (unsigned i = 0; i < SIG_AGG__COUNT; i++)
        sig_buf_printf(&b, "%s%s", i == 0 ? "" : (i + 1 == SIG_AGG__COUNT ? " and " : ", "),
                       sig_agg_names[i]);
    return sig_buf_str(&b);
}

static void type_mismatch(ck *c, const sig_ast_attribute *at, const sig_agg_info *info,
                          const sig_property *prop, bool prop_known, sig_type t,
                          const char *why)
{
    sig_diag *d;
    sig_type inf = sig_agg_infer(info->agg, prop_known && prop,
                                 prop ? prop->type : info->default_type);
    if (!prop) why = NULL;
    if (!why || strcmp(why, "yields") == 0) {
        d = sig_error(c->ctx, at->type.loc, "E0324", "`%s` cannot produce `%s`", info->name,
                      sig_type_name(t));
        sig_diag_label(c->ctx, d, "`%s` yields %s", info->name, sig_agg_yields_text(info->agg));
    } else if (strcmp(why, "integer") == 0) {
        d = sig_error(c->ctx, at->type.loc, "E0324", "the sum of `%s` (%s `%s` column) cannot "
                      "be `%s`", prop->text, ck_article(prop->type), sig_type_name(prop->type),
                      sig_type_name(t));
        sig_diag_label(c->ctx, d, "an integer sum needs an integer column");
    } else {
        d = sig_error(c->ctx, at->type.loc, "E0324", "`%s(%s)` is `%s`, not `%s`", info->name,
                      prop->text, sig_type_name(inf), sig_type_name(t));
        sig_diag_label(c->ctx, d, "`%s` is %s `%s` column", prop->text,
                       ck_article(prop->type), sig_type_name(prop->type));
    }
    sig_diag_help(c->ctx, d, "declare it `%s`, or leave the type out to infer it",
                  sig_type_name(inf));
}

static void check_attribute(ck *c, ck_sym *s)
{
    const sig_ast_attribute *at = s->attr;
    sig_attribute *a = s->obj;
    a->period_seconds = 0;
    bool ok = true;

    /* Aggregation. */
    const sig_agg_info *info = NULL;
    if (at->agg.name) {
        info = sig_agg_lookup(at->agg.name);
        if (!info) {
            sig_diag *d = sig_error(c->ctx, at->agg.loc, "E0320", "unknown aggregation `%s`",
                                    at->agg.name);
            sig_diag_label(c->ctx, d, "not an aggregation");
            const char *sug = sig_did_you_mean(at->agg.name, sig_agg_names, SIG_AGG__COUNT);
            if (!sug && (strcmp(at->agg.name, "count") == 0)) sug = "counter";
            if (!sug && strcmp(at->agg.name, "avg") == 0) sug = "mean";
            if (sug) sig_diag_suggest(c->ctx, d, sug);
            else sig_diag_help(c->ctx, d, "the aggregations are %s", ck_agg_list(c));
            ok = false;
        } else {
            a->agg = info->agg;
        }
    } else {
        ok = false;
    }

    /* Property. */
    sig_ptrvec reads = {0};
    sig_property *prop = NULL;
    bool prop_ok = false;
    if (at->property) {
        prop = SIG_NEW(c->a, sig_property);
        prop_ok = ck_resolve_property(c, at->property, prop);
        if (!prop_ok) ok = false;
        else if (prop->kind == SIG_PROP_EVENT) sig_ptrvec_push(c->a, &reads, prop);
    }
    if (info && info->needs_property && !at->property) {
        sig_loc l = ck_has_loc(at->call_loc) ? at->call_loc : at->agg.loc;
        sig_diag *d = sig_error(c->ctx, l, "E0323", "`%s` needs a property", info->name);
        sig_diag_label(c->ctx, d, "aggregates what?");
        sig_diag_help(c->ctx, d, "write the property to aggregate, e.g. `%s(%s)`", info->name,
                      info->property_must_be_numeric ? "se_value" : "mkt_source");
        ok = false;
    } else if (info && !info->needs_property && at->property) {
        sig_diag *d = sig_error(c->ctx, at->property->loc, "E0323", "`%s` takes no property",
                                info->name);
        sig_diag_label(c->ctx, d, "`%s` counts events", info->name);
        sig_diag_help(c->ctx, d, "write `%s()`; to count only events where the property has "
                      "a value, add a `where` criterion", info->name);
        ok = false;
        prop_ok = false;
    }
    bool prop_known = prop_ok && prop->type_known;
    if (prop_ok && info && info->needs_property) a->property = prop;

    /* Numeric property for sum/mean. */
    bool numeric_ok = true;
    if (info && info->property_must_be_numeric && prop_known &&
        !sig_type_is_numeric(prop->type)) {
        sig_diag *d = sig_error(c->ctx, prop->loc, "E0325", "`%s` needs a numeric property, "
                                "but `%s` is %s `%s` column", info->name, prop->text,
                                ck_article(prop->type), sig_type_name(prop->type));
        sig_diag_label(c->ctx, d, "not numeric");
        sig_diag_help(c->ctx, d, "aggregate a numeric column (such as `se_value` or `tr_total`) "
                      "or a field of an event or context; for strings, use `unique_list`, "
                      "`first` or `last`");
        ok = false;
        numeric_ok = false;
    }

    /* Type. */
    bool type_ok = false;
    if (at->has_type && at->type.name) {
        sig_type t;
        if (!parse_type(c, &at->type, &t)) {
            ok = false;
        } else {
            a->type = t;
            type_ok = true;
            if (info && numeric_ok) {
                const char *why = NULL;
                bool fits = prop_known ? sig_agg_result_fits(info->agg, prop->type, t, &why)
                                       : sig_agg_can_yield(info->agg, t);
                if (!fits) {
                    type_mismatch(c, at, info, prop, prop_known, t, why);
                    ok = false;
                }
            }
        }
    } else if (info) {
        a->type = sig_agg_infer(info->agg, prop_known, prop_known ? prop->type
                                                                   : info->default_type);
        a->type_inferred = true;
        type_ok = true;
    }

    /* Criteria. */
    if (at->where && !ck_criteria(c, at->where, &a->criteria, &reads)) ok = false;

    /* Events. */
    sig_ptrvec evs = {0};
    bool events_ok = true;
    if (at->has_from || at->nevents) {
        for (size_t i = 0; at->events && i < at->nevents; i++) {
            const sig_ident *id = &at->events[i];
            ck_sym *es = resolve(c, id, &c->evctx, CK_EVENT,
                                 "declare it: `event NAME = iglu:VENDOR/NAME/jsonschema/1-0-0`");
            if (!es || !es->ok) { ok = events_ok = false; continue; }
            const sig_event *e = es->obj;
            if (event_in((const sig_event *const *)evs.items, evs.len, e)) {
                sig_diag *d = sig_error(c->ctx, id->loc, "E0314", "event `%s` is listed twice "
                                        "in `from`", id->name);
                sig_diag_label(c->ctx, d, "listed again here");
                ok = false;
                continue;
            }
            sig_ptrvec_push(c->a, &evs, (void *)(uintptr_t)e);
        }
        /* E0327: event fields read from events that are not counted. */
        if (events_ok) {
            for (size_t i = 0; i < reads.len; i++) {
                const sig_property *p = reads.items[i];
                if (event_in((const sig_event *const *)evs.items, evs.len, p->event)) continue;
                sig_diag *d = sig_error(c->ctx, p->loc, "E0327", "`%s` reads event `%s`, which "
                                        "is not in this attribute's `from`", p->text,
                                        p->event->name);
                sig_diag_label(c->ctx, d, "never has a value on the attribute's events");
                sig_diag_note(c->ctx, d, at->from_loc, "the attribute's events: %s",
                              event_list_text(c, (const sig_event *const *)evs.items, evs.len));
                sig_diag_help(c->ctx, d, "add it: `from %s, %s`",
                              event_list_text(c, (const sig_event *const *)evs.items, evs.len),
                              p->event->name);
                ok = false;
            }
        }
    } else {
        /* No `from`: the events whose fields are read. */
        for (size_t i = 0; i < reads.len; i++) {
            const sig_property *p = reads.items[i];
            if (!event_in((const sig_event *const *)evs.items, evs.len, p->event))
                sig_ptrvec_push(c->a, &evs, (void *)(uintptr_t)p->event);
        }
        if (evs.len == 0 && c->partial) {
            ok = false;
        } else if (evs.len == 0 && prop_ok == (at->property != NULL) && ok) {
            sig_diag *d = sig_error(c->ctx, s->loc, "E0326", "attribute `%s` has no events",
                                    s->name);
            sig_diag_label(c->ctx, d, "which events does it aggregate?");
            const char *ex = c->event_syms.len ? ((ck_sym *)c->event_syms.items[0])->name
                                               : "page_view";
            sig_diag_help(c->ctx, d, "add `from EVENT, ...`, e.g. `from %s`", ex);
            ok = false;
        }
    }
    a->events = (const sig_event *const *)evs.items;
    a->nevents = evs.len;

    /* Period. */
    if (at->has_period && !ck_duration(c, &at->period, &a->period_seconds)) {
        a->period_seconds = 0;
        ok = false;
    }

    /* Block. */
    const sig_ast_setting *set[SIG_SET__COUNT];
    collect_settings(c, at->block, BK_ATTRIBUTE, set);
    if (set[SIG_SET_DESCRIPTION]) a->description = set[SIG_SET_DESCRIPTION]->str;
    convert_tags(c, set[SIG_SET_TAGS], &a->tags, &a->ntags);
    if (set[SIG_SET_DEFAULT] && set[SIG_SET_DEFAULT]->literal) {
        const sig_ast_literal *l = set[SIG_SET_DEFAULT]->literal;
        if (type_ok && ck_default_fits(c, l, a->type, at->has_type ? at->type.loc : SIG_NOLOC,
                                       a->type_inferred)) {
            sig_literal *lit = SIG_NEW(c->a, sig_literal);
            *lit = ck_literal(c, l);
            a->default_value = lit;
        } else {
            ok = false;
        }
    }
    s->ok = s->ok && ok;
    s->done = true;
}

/* ------------------------------------------------------ pass 4: views */

static ck_sym *use_entity(ck *c, const sig_ident *id)
{
    ck_sym *s = resolve(c, id, &c->entities, CK_ENTITY,
                        "the built-in entities are domain_userid, domain_sessionid, user_id, "
                        "network_userid, user and session; or declare one with "
                        "`entity NAME { property ... }`");
    if (!s) return NULL;
    if (s->builtin && !s->done) {
        s->done = true; /* in the model's keys */
        sig_ptrvec_push(c->a, &c->keys, s->obj);
    }
    return s;
}

static void check_view(ck *c, ck_sym *s)
{
    const sig_ast_decl *decl = s->decl;
    sig_view *v = s->obj;
    v->name = s->name;
    v->version = s->version >= 1 ? s->version : 1;
    v->loc = s->loc;
    v->ttl_seconds = -1;
    v->online = true;
    bool ok = true;
    const sig_ast_setting *set[SIG_SET__COUNT];
    collect_settings(c, decl->block, BK_VIEW, set);

    if (!set[SIG_SET_ENTITY] && c->partial) {
        ok = false;
    } else if (!set[SIG_SET_ENTITY]) {
        sig_diag *d = sig_error(c->ctx, s->loc, "E0312", "view `%s` has no `entity`", s->name);
        sig_diag_label(c->ctx, d, "the entity the attributes are computed for is required");
        sig_diag_help(c->ctx, d, "add `entity domain_userid` (or another entity) to its block");
        ok = false;
    } else {
        ck_sym *e = use_entity(c, &set[SIG_SET_ENTITY]->name);
        if (e && e->ok) v->key = e->obj;
        else ok = false;
    }
    if (set[SIG_SET_ONLINE]) v->online = set[SIG_SET_ONLINE]->b;
    if (set[SIG_SET_OFFLINE]) {
        v->offline_set = true;
        v->offline = set[SIG_SET_OFFLINE]->b;
    }
    if (set[SIG_SET_TTL] && !ck_duration(c, &set[SIG_SET_TTL]->duration, &v->ttl_seconds)) {
        v->ttl_seconds = -1;
        ok = false;
    }
    if (set[SIG_SET_OWNER]) v->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) v->description = set[SIG_SET_DESCRIPTION]->str;
    convert_tags(c, set[SIG_SET_TAGS], &v->tags, &v->ntags);

    /* Attributes, listed and inline, in the order written. */
    sig_ptrvec attrs = {0}, attr_locs = {0};
    size_t next_inline = 0;
    bool any_attr_setting = false;
    sig_loc first_attr_loc = SIG_NOLOC;
    for (size_t i = 0; decl->block && decl->block->items && i < decl->block->nitems; i++) {
        const sig_ast_setting *st = &decl->block->items[i];
        if (st->kind == SIG_SET_ATTRIBUTES && st == set[SIG_SET_ATTRIBUTES]) {
            any_attr_setting = true;
            if (!ck_has_loc(first_attr_loc)) first_attr_loc = st->loc;
            for (size_t j = 0; st->names && j < st->nnames; j++) {
                const sig_ident *id = &st->names[j];
                ck_sym *as = resolve(c, id, &c->attributes, CK_ATTRIBUTE,
                                     "declare it with `attribute NAME = AGGREGATION(...) "
                                     "from EVENT`, at top level or inside this view");
                if (!as) { ok = false; continue; }
                bool dup = false;
                for (size_t k = 0; k < attrs.len; k++) {
                    if (attrs.items[k] != as) continue;
                    sig_diag *d = sig_error(c->ctx, id->loc, "E0314", "attribute `%s` is "
                                            "listed twice in view `%s`", id->name, s->name);
                    sig_diag_label(c->ctx, d, "listed again here");
                    sig_diag_note(c->ctx, d, *(sig_loc *)attr_locs.items[k], "first listed here");
                    dup = true;
                    break;
                }
                if (dup) { ok = false; continue; }
                sig_ptrvec_push(c->a, &attrs, as);
                sig_ptrvec_push(c->a, &attr_locs, (void *)(uintptr_t)&id->loc);
            }
        } else if (st->kind == SIG_SET_ATTRIBUTE && st->attribute) {
            any_attr_setting = true;
            if (!ck_has_loc(first_attr_loc)) first_attr_loc = st->loc;
            if (!st->attribute->name.name || next_inline >= s->inline_attrs.len) continue;
            ck_sym *as = s->inline_attrs.items[next_inline++];
            sig_ptrvec_push(c->a, &attrs, as);
            sig_ptrvec_push(c->a, &attr_locs, (void *)(uintptr_t)&as->loc);
        }
    }
    const sig_attribute **list = SIG_NEW_ARRAY(c->a, const sig_attribute *,
                                               attrs.len ? attrs.len : 1);
    for (size_t i = 0; i < attrs.len; i++) {
        ck_sym *as = attrs.items[i];
        list[i] = as->obj;
        if (!as->ok) ok = false;
    }
    v->attributes = list;
    v->nattributes = attrs.len;

    /* Source and fields. */
    const sig_ast_setting *src = set[SIG_SET_SOURCE];
    if (src) {
        ck_sym *bs = resolve(c, &src->name, &c->sources, CK_SOURCE,
                             "declare it with `batch_source NAME { database ... schema ... "
                             "table ... timestamp_field ... }`");
        if (bs && bs->ok) v->source = bs->obj;
        else ok = false;
    }
    size_t nfields = 0;
    const sig_ast_setting *first_field = NULL;
    for (size_t i = 0; decl->block && decl->block->items && i < decl->block->nitems; i++)
        if (decl->block->items[i].kind == SIG_SET_FIELD) {
            if (!first_field) first_field = &decl->block->items[i];
            nfields++;
        }
    sig_field *fields = SIG_NEW_ARRAY(c->a, sig_field, nfields ? nfields : 1);
    size_t nf = 0;
    for (size_t i = 0; decl->block && decl->block->items && i < decl->block->nitems; i++) {
        const sig_ast_setting *st = &decl->block->items[i];
        if (st->kind != SIG_SET_FIELD || !st->field.name.name) continue;
        const sig_ast_field *f = &st->field;
        if (!check_name(c, f->name.name, f->name.loc, "field")) ok = false;
        bool dup = false;
        for (size_t k = 0; k < nf; k++) {
            if (strcmp(fields[k].name, f->name.name) != 0) continue;
            sig_diag *d = sig_error(c->ctx, f->name.loc, "E0302", "field `%s` is declared "
                                    "twice in view `%s`", f->name.name, s->name);
            sig_diag_label(c->ctx, d, "declared again here");
            sig_diag_note(c->ctx, d, fields[k].loc, "first declared here");
            dup = true;
        }
        if (dup) { ok = false; continue; }
        sig_field *out = &fields[nf];
        out->name = f->name.name;
        out->loc = f->name.loc;
        if (f->type.name && !parse_type(c, &f->type, &out->type)) ok = false;
        const sig_ast_setting *fset[SIG_SET__COUNT];
        collect_settings(c, f->block, BK_FIELD, fset);
        if (fset[SIG_SET_DESCRIPTION]) out->description = fset[SIG_SET_DESCRIPTION]->str;
        nf++;
    }
    v->fields = fields;
    v->nfields = nf;

    /* Shape: attributes, or source + fields. */
    if (any_attr_setting && (src || first_field)) {
        const sig_ast_setting *bad = src ? src : first_field;
        sig_diag *d = sig_error(c->ctx, ck_has_loc(bad->keyword_loc) ? bad->keyword_loc
                                                                      : bad->loc, "E0313",
                                "view `%s` has both attributes and %s",
                                s->name, src ? "a `source`" : "`field`s");
        sig_diag_label(c->ctx, d, "not allowed in a view with attributes");
        sig_diag_note(c->ctx, d, first_attr_loc, "the view's attributes start here");
        sig_diag_help(c->ctx, d, "a view is computed from attributes, or describes an existing "
                      "table with `source` and `field`s; split it into two views");
        ok = false;
    } else if (!any_attr_setting && !src && !first_field && c->partial) {
        ok = false;
    } else if (!any_attr_setting && !src && !first_field) {
        sig_diag *d = sig_error(c->ctx, s->loc, "E0313", "view `%s` has no attributes and no "
                                "fields", s->name);
        sig_diag_label(c->ctx, d, "an empty view");
        sig_diag_help(c->ctx, d, "list attributes (`attributes a, b`), declare them inside "
                      "(`attribute ...`), or describe a table with `source NAME` and "
                      "`field NAME: TYPE`");
        ok = false;
    } else if (src && !first_field) {
        sig_diag *d = sig_error(c->ctx, ck_has_loc(src->keyword_loc) ? src->keyword_loc
                                                                      : src->loc, "E0313",
                                "view `%s` has a batch source but no fields", s->name);
        sig_diag_label(c->ctx, d, "which columns of the table?");
        sig_diag_help(c->ctx, d, "describe the table's columns: `field NAME: TYPE`");
        ok = false;
    } else if (first_field && !src) {
        sig_diag *d = sig_error(c->ctx, ck_has_loc(first_field->keyword_loc)
                                            ? first_field->keyword_loc : first_field->loc,
                                "E0313", "view `%s` has fields but no batch source", s->name);
        sig_diag_label(c->ctx, d, "fields of which table?");
        sig_diag_help(c->ctx, d, "add `source BATCH_SOURCE` naming the table's batch source");
        ok = false;
    }

    /* Offline views work at day grain. */
    if (v->offline) {
        for (size_t i = 0; i < attrs.len; i++) {
            ck_sym *as = attrs.items[i];
            const sig_attribute *a = as->obj;
            if (!as->done || a->period_seconds % 86400 == 0 || as->offline_reported) continue;
            as->offline_reported = true;
            sig_loc pl = ck_has_loc(as->attr->period_loc) ? as->attr->period_loc : as->loc;
            sig_diag *d = sig_error(c->ctx, pl, "E0340", "attribute `%s` is in an offline view, "
                                    "but its period is not whole days", as->name);
            sig_diag_label(c->ctx, d, "%" PRId64 " seconds is not a whole number of days",
                           a->period_seconds);
            sig_diag_note(c->ctx, d, set[SIG_SET_OFFLINE] ? set[SIG_SET_OFFLINE]->loc : s->loc,
                          "view `%s` is computed in the warehouse (offline), at day grain",
                          s->name);
            int64_t days = (a->period_seconds + 86399) / 86400;
            sig_diag_help(c->ctx, d, "use `over last %" PRId64 " day%s`, or list the attribute "
                          "in online views only", days, days == 1 ? "" : "s");
            ok = false;
        }
    }
    s->ok = s->ok && ok;
}

/* --------------------------------------------------- pass 5: services */

static void check_service(ck *c, ck_sym *s)
{
    sig_service *sv = s->obj;
    sv->name = s->name;
    sv->loc = s->loc;
    const sig_ast_setting *set[SIG_SET__COUNT];
    collect_settings(c, s->decl->block, BK_SERVICE, set);
    if (set[SIG_SET_OWNER]) sv->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) sv->description = set[SIG_SET_DESCRIPTION]->str;
    convert_tags(c, set[SIG_SET_TAGS], &sv->tags, &sv->ntags);
    const sig_ast_setting *vs = set[SIG_SET_VIEWS];
    if (!vs) {
        s->ok = false;
        if (c->partial) return;
        sig_diag *d = sig_error(c->ctx, s->loc, "E0312", "service `%s` has no `views`",
                                s->name);
        sig_diag_label(c->ctx, d, "a service serves views");
        sig_diag_help(c->ctx, d, "add `views VIEW, ...` to its block");
        s->ok = false;
        return;
    }
    sig_view_ref *refs = SIG_NEW_ARRAY(c->a, sig_view_ref, vs->nviews ? vs->nviews : 1);
    size_t n = 0;
    for (size_t i = 0; vs->views && i < vs->nviews; i++) {
        const sig_ast_view_ref *r = &vs->views[i];
        ck_sym *first = resolve(c, &r->name, &c->views, CK_VIEW,
                                "declare it with `view NAME { entity ... attributes ... }`");
        if (!first) { s->ok = false; continue; }
        ck_sym *pick = NULL;
        if (r->has_version) {
            if (r->version < 1) {
                sig_diag *d = sig_error(c->ctx, r->version_loc, "E0351", "view version `v%d` "
                                        "is invalid", r->version);
                sig_diag_label(c->ctx, d, "versions start at 1");
                s->ok = false;
                continue;
            }
            for (ck_sym *p = first; p; p = p->next_version)
                if (p->version == r->version) pick = p;
            if (!pick) {
                sig_buf vers = {.arena = c->a};
                ck_sym *hi = first;
                for (ck_sym *p = first; p; p = p->next_version) {
                    sig_buf_printf(&vers, "%sv%d", p == first ? "" : ", ", p->version);
                    if (p->version > hi->version) hi = p;
                }
                sig_diag *d = sig_error(c->ctx, ck_has_loc(r->version_loc) ? r->version_loc
                                                                             : r->name.loc,
                                        "E0305", "view `%s` has no version %d", r->name.name,
                                        r->version);
                sig_diag_label(c->ctx, d, "no such version");
                sig_diag_note(c->ctx, d, hi->loc, "`%s` is declared with %s", r->name.name,
                              sig_buf_str(&vers));
                sig_diag_help(c->ctx, d, "write `%s v%d`, or leave the version out for the "
                              "highest", r->name.name, hi->version);
                s->ok = false;
                continue;
            }
        } else {
            pick = first;
            for (ck_sym *p = first; p; p = p->next_version)
                if (p->version > pick->version) pick = p;
        }
        bool dup = false;
        for (size_t k = 0; k < n; k++) {
            if (refs[k].view != pick->obj) continue;
            sig_diag *d = sig_error(c->ctx, r->name.loc, "E0314", "view `%s` v%d is listed "
                                    "twice in service `%s`", r->name.name, pick->version,
                                    s->name);
            sig_diag_label(c->ctx, d, "listed again here");
            dup = true;
        }
        if (dup) { s->ok = false; continue; }
        refs[n].view = pick->obj;
        refs[n].version = pick->version;
        n++;
    }
    sv->views = refs;
    sv->nviews = n;
}

/* -------------------------------------------------------------- driver */

const sig_model *sig_check_files(struct sig_ctx *ctx, sig_ast_file *const *files,
                                 size_t nfiles)
{
    size_t errors_before = sig_error_count(ctx);
    ck cs;
    memset(&cs, 0, sizeof cs);
    ck *c = &cs;
    c->ctx = ctx;
    c->a = sig_ctx_arena(ctx);
    c->partial = errors_before > 0;
    add_builtins(c);

    for (size_t f = 0; files && f < nfiles; f++) {
        const sig_ast_file *file = files[f];
        if (!file || !file->decls) continue;
        for (size_t i = 0; i < file->ndecls; i++) collect_decl(c, &file->decls[i]);
    }
    for (size_t i = 0; i < c->entity_syms.len; i++) {
        ck_sym *s = c->entity_syms.items[i];
        check_entity(c, s);
        sig_ptrvec_push(c->a, &c->keys, s->obj);
    }
    for (size_t i = 0; i < c->source_syms.len; i++) check_source(c, c->source_syms.items[i]);
    for (size_t i = 0; i < c->attr_syms.len; i++) check_attribute(c, c->attr_syms.items[i]);
    ck_iglu(c);
    for (size_t i = 0; i < c->view_syms.len; i++) check_view(c, c->view_syms.items[i]);
    for (size_t i = 0; i < c->service_syms.len; i++) check_service(c, c->service_syms.items[i]);

    if (sig_error_count(ctx) > errors_before || sig_error_count(ctx) > 0) return NULL;

    sig_model *m = SIG_NEW(c->a, sig_model);
    m->events = (const sig_event *const *)c->events.items;
    m->nevents = c->events.len;
    m->contexts = (const sig_context *const *)c->contexts.items;
    m->ncontexts = c->contexts.len;
    m->keys = (const sig_attribute_key *const *)c->keys.items;
    m->nkeys = c->keys.len;
    m->attributes = (const sig_attribute *const *)c->attrs.items;
    m->nattributes = c->attrs.len;
    m->views = (const sig_view *const *)c->views_out.items;
    m->nviews = c->views_out.len;
    m->sources = (const sig_batch_source *const *)c->sources_out.items;
    m->nsources = c->sources_out.len;
    m->services = (const sig_service *const *)c->services_out.items;
    m->nservices = c->services_out.len;
    return m;
}
