/* check.c: name resolution, semantic rules and model building.
 *
 * The checker runs in passes over the files (dependency order):
 *   1. collect: every declaration gets a symbol and an (empty) model object,
 *      so that names may be used before they are declared and model arrays
 *      come out in declaration order; events and contexts parse their URIs.
 *   2. entities and batch sources;
 *   3. attributes (top-level and inline, declaration order);
 *   4. views; 5. services; 6. interventions.
 * Each rule reports through sig_error() with a code from codes_check.def and
 * keeps going, so that one run reports every error; a node that failed is
 * marked so that it causes no follow-on errors.
 *
 * Pass 3 is in check_attr.c, passes 4 and 5 in check_view.c, pass 6 in
 * check_intervention.c; properties, literals, durations and schema URIs in
 * check_expr.c, calls (date parts, calculated properties) in check_call.c,
 * criteria in check_crit.c. */
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
    [CK_SERVICE] = "service", [CK_INTERVENTION] = "intervention",
};

const char *ck_a_kind(ck_kind k)
{
    switch (k) {
    case CK_EVENT: return "an event";
    case CK_CONTEXT: return "a context";
    case CK_ENTITY: return "an entity";
    case CK_ATTRIBUTE: return "an attribute";
    case CK_VIEW: return "a view";
    case CK_SOURCE: return "a batch source";
    case CK_SERVICE: return "a service";
    case CK_INTERVENTION: return "an intervention";
    }
    return "a declaration";
}

/* A symbol of any other kind with this name, for E0303. */
ck_sym *ck_lookup_any(ck *c, const char *name)
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
ck_sym *ck_resolve(ck *c, const sig_ident *id, ck_map *m, ck_kind want,
                       const char *help_if_none)
{
    if (!id || !id->name) return NULL;
    ck_sym *s = ck_map_get(m, id->name);
    if (s && (s->kind == want || (want == CK_EVENT && s->kind == CK_EVENT))) {
        s->used = true;
        return s;
    }
    ck_sym *other = s ? s : ck_lookup_any(c, id->name);
    if (other) {
        sig_diag *d = sig_error(c->ctx, id->loc, "E0303", "`%s` is %s, not %s", id->name,
                                ck_a_kind(other->kind), ck_a_kind(want));
        sig_diag_label(c->ctx, d, "expected %s", ck_a_kind(want));
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
bool ck_check_name(ck *c, const char *name, sig_loc loc, const char *what)
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

void ck_dup_error(ck *c, const ck_sym *first, const char *name, sig_loc loc,
                      const char *what)
{
    sig_diag *d;
    if (first->kind == CK_EVENT || first->kind == CK_CONTEXT) {
        d = sig_error(c->ctx, loc, "E0302", "the name `%s` is already used by %s", name,
                      ck_a_kind(first->kind));
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


static const char *const bk_names[BK__COUNT] = {
    "a view", "an attribute", "an entity", "a batch_source", "a service", "a field",
    "an intervention"
};
static const char *const bk_short[BK__COUNT] = {
    "view", "attribute", "entity", "batch_source", "service", "field", "intervention"
};

#define S(k) (1u << (k))
static const uint32_t bk_allowed[BK__COUNT] = {
    [BK_VIEW] = S(SIG_SET_ENTITY) | S(SIG_SET_ONLINE) | S(SIG_SET_OFFLINE) | S(SIG_SET_TTL) |
                S(SIG_SET_BACKFILL_SINCE_TSTAMP) | S(SIG_SET_REFRESH_RATE) |
                S(SIG_SET_OWNER) | S(SIG_SET_DESCRIPTION) | S(SIG_SET_TAGS) |
                S(SIG_SET_ATTRIBUTES) | S(SIG_SET_ATTRIBUTE) | S(SIG_SET_SOURCE) |
                S(SIG_SET_FIELD),
    [BK_ATTRIBUTE] = S(SIG_SET_DESCRIPTION) | S(SIG_SET_DEFAULT) | S(SIG_SET_TAGS) |
                     S(SIG_SET_TTL),
    [BK_ENTITY] = S(SIG_SET_PROPERTY) | S(SIG_SET_KEY) | S(SIG_SET_TTL) | S(SIG_SET_OWNER) |
                  S(SIG_SET_EXTERNAL_COLUMN) |
                  S(SIG_SET_DESCRIPTION),
    [BK_SOURCE] = S(SIG_SET_DATABASE) | S(SIG_SET_SCHEMA) | S(SIG_SET_TABLE) |
                  S(SIG_SET_TIMESTAMP_FIELD) | S(SIG_SET_CREATED_TIMESTAMP_COLUMN) |
                  S(SIG_SET_DATE_PARTITION_COLUMN) | S(SIG_SET_OWNER) |
                  S(SIG_SET_DESCRIPTION) | S(SIG_SET_TAGS),
    [BK_INTERVENTION] = S(SIG_SET_WHEN) | S(SIG_SET_TARGET) | S(SIG_SET_PAYLOAD) |
                        S(SIG_SET_OWNER) | S(SIG_SET_DESCRIPTION),
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
void ck_collect_settings(ck *c, const sig_ast_block *b, bkind bk,
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

void ck_convert_tags(ck *c, const sig_ast_setting *st, const sig_tag **out, size_t *n)
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

const char *ck_setting_str(const sig_ast_setting *st)
{
    if (!st) return NULL;
    return st->name.name ? st->name.name : st->str;
}

sig_loc ck_setting_value_loc(const sig_ast_setting *st)
{
    if (st->name.name && ck_has_loc(st->name.loc)) return st->name.loc;
    if (ck_has_loc(st->str_loc)) return st->str_loc;
    return st->loc;
}

/* ------------------------------------------------------------ built-ins */



/* A type name as written -> *out; E0322 with did-you-mean when it is none
 * of the 16 Field types. */
bool ck_parse_type(ck *c, const sig_ident *name, sig_type *out)
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
    if (!ck_check_name(c, s->name, s->loc, "attribute")) s->ok = false;
    ck_sym *prev = ck_map_get(&c->attributes, s->name);
    if (prev) {
        ck_dup_error(c, prev, s->name, s->loc, "attribute");
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
    sig_schema_ref ref = {.model = -1, .revision = -1, .addition = -1};
    if (is_event && d->spec_id) {
        if (!*d->spec_id) {
            sig_diag *dg = sig_error(c->ctx, d->uri_loc, "E0401", "empty event specification id");
            sig_diag_label(c->ctx, dg, "the API needs at least one character");
            s->ok = false;
        }
    } else if (!ck_parse_schema(c, d->uri, ck_has_loc(d->uri_loc) ? d->uri_loc : d->loc, &ref)) {
        s->ok = false;
    }
    if (is_event) {
        sig_event *e = SIG_NEW(c->a, sig_event);
        e->name = d->name.name;
        e->schema = ref;
        e->loc = d->name.loc;
        e->spec_id = d->spec_id;
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
        ck_dup_error(c, prev, s->name, s->loc, is_event ? "event" : "context");
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
        if (!ck_check_name(c, s->name, s->loc, "entity")) s->ok = false;
        ck_sym *prev = ck_map_get(&c->entities, s->name);
        if (prev && !prev->builtin) {
            ck_dup_error(c, prev, s->name, s->loc, "entity");
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
        if (!ck_check_name(c, s->name, s->loc, "view")) s->ok = false;
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
    if (d->kind == SIG_DECL_INTERVENTION) {
        ck_collect_intervention(c, d, new_sym(c, CK_INTERVENTION, &d->name, d));
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
        if (!ck_check_name(c, s->name, s->loc, src ? "batch source" : "service")) s->ok = false;
        ck_sym *prev = ck_map_get(m, s->name);
        if (prev) {
            ck_dup_error(c, prev, s->name, s->loc, src ? "batch source" : "service");
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
    ck_collect_settings(c, s->decl->block, BK_ENTITY, set);
    if (set[SIG_SET_OWNER]) k->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) k->description = set[SIG_SET_DESCRIPTION]->str;
    if (set[SIG_SET_TTL] && !ck_duration(c, &set[SIG_SET_TTL]->duration, &k->ttl_seconds))
        k->ttl_seconds = -1;
    const sig_ast_setting *ext = set[SIG_SET_EXTERNAL_COLUMN];
    if (ext && ext->name.name) {
        /* the SDK's AttributeKey: "If external_column is specified, it must
         * be equal to the name of the AttributeKey." */
        if (strcmp(ext->name.name, s->name) != 0) {
            sig_diag *d = sig_error(c->ctx, ext->name.loc, "E0316", "entity `%s` has "
                                    "external_column `%s`; the API needs the entity's name",
                                    s->name, ext->name.name);
            sig_diag_label(c->ctx, d, "not `%s`", s->name);
            sig_diag_help(c->ctx, d, "name the entity after the column: `entity %s { "
                          "external_column %s }`", ext->name.name, ext->name.name);
            s->ok = false;
        }
        k->external_column = ext->name.name;
    }
    const sig_ast_setting *key = set[SIG_SET_KEY];
    if (key && key->name.name) {
        k->key = key->name.name;
        ck_check_name(c, k->key, key->name.loc, "entity key");
    }
    if (set[SIG_SET_PROPERTY] && set[SIG_SET_PROPERTY]->property) {
        sig_property *p = SIG_NEW(c->a, sig_property);
        bool resolved = ck_resolve_property(c, set[SIG_SET_PROPERTY]->property, p);
        if (resolved && p->date_part) {
            /* AttributeKeyInput.property: "a `date_part` modifier is not
             * permitted here" */
            sig_diag *d = sig_error(c->ctx, p->loc, "E0411", "an entity's property cannot "
                                    "have a date part");
            sig_diag_label(c->ctx, d, "`%s` here", p->date_part);
            sig_diag_help(c->ctx, d, "read the key from the property itself; date parts are "
                          "for attributes and criteria");
            resolved = false;
        } else if (resolved && p->kind == SIG_PROP_CALCULATED) {
            /* AttributeKeyInput.property: atomic, event or entity only */
            sig_diag *d = sig_error(c->ctx, p->loc, "E0413", "an entity's property cannot be "
                                    "calculated");
            sig_diag_label(c->ctx, d, "`%s(...)` here", p->calc_op);
            sig_diag_help(c->ctx, d, "read the key from one atomic column or field");
            resolved = false;
        }
        if (resolved) {
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
    ck_collect_settings(c, s->decl->block, BK_SOURCE, set);
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
        const char *v = ck_setting_str(st);
        if (!v) continue;
        *dst[i] = v;
        size_t bad = 0;
        bool dash = idk[i] == SIG_SET_DATABASE;
        if (!valid_ident_chars(v, dash, &bad) || strlen(v) > 128) {
            sig_loc l = ck_setting_value_loc(st);
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
    ck_convert_tags(c, set[SIG_SET_TAGS], &b->tags, &b->ntags);
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
    for (size_t i = 0; i < c->attr_syms.len; i++) ck_check_attribute(c, c->attr_syms.items[i]);
    ck_iglu(c);
    for (size_t i = 0; i < c->view_syms.len; i++) ck_check_view(c, c->view_syms.items[i]);
    for (size_t i = 0; i < c->service_syms.len; i++) ck_check_service(c, c->service_syms.items[i]);
    for (size_t i = 0; i < c->intervention_syms.len; i++)
        ck_check_intervention(c, c->intervention_syms.items[i]);

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
    m->interventions = (const sig_intervention *const *)c->interventions_out.items;
    m->ninterventions = c->interventions_out.len;
    return m;
}
