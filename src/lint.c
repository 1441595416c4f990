/* lint.c: model-level warnings (include/signals/lint.h). They read only the
 * checked model, so they never change what is compiled. */
#include "signals/lint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signals/signals.h"

/* A set of model objects by address: pushed, then sorted once and
 * searched (a spec may have thousands of declarations). */
typedef struct used {
    sig_arena *arena;
    const void **v;
    size_t n, cap;
} used;

static void used_add(used *u, const void *p)
{
    if (!p) return;
    if (u->n == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 64;
        const void **v = sig_arena_alloc(u->arena, cap * sizeof *v);
        if (u->n) memcpy(v, u->v, u->n * sizeof *v);
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n++] = p;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (const void *const *)a, y = (uintptr_t) * (const void *const *)b;
    return x < y ? -1 : x > y;
}

static void used_seal(used *u)
{
    if (u->n) qsort(u->v, u->n, sizeof *u->v, cmp_ptr);
}

static bool used_has(const used *u, const void *p)
{
    return u->n && bsearch(&p, u->v, u->n, sizeof *u->v, cmp_ptr) != NULL;
}

static void use_property(used *u, const sig_property *p)
{
    if (!p) return;
    used_add(u, p->event);
    used_add(u, p->context);
    /* a calculated property reads its operands */
    for (size_t i = 0; i < p->noperands; i++) use_property(u, &p->operands[i]);
}

static void use_criteria(used *u, const sig_criteria *c)
{
    for (size_t i = 0; i < c->nall; i++) use_property(u, &c->all[i].property);
    for (size_t i = 0; i < c->nany; i++) use_property(u, &c->any[i].property);
}

/* Everything a view reaches: its attributes, their events, properties and
 * criteria, its entity (and the entity's property), its batch source. */
static void use_view(used *u, const sig_view *v)
{
    used_add(u, v);
    used_add(u, v->key);
    if (v->key) use_property(u, v->key->property);
    used_add(u, v->source);
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_attribute *a = v->attributes[i];
        used_add(u, a);
        for (size_t e = 0; e < a->nevents; e++) used_add(u, a->events[e]);
        use_property(u, a->property);
        use_criteria(u, &a->criteria);
    }
}

static size_t lint_unused(struct sig_ctx *ctx, const sig_model *m)
{
    if (m->nviews == 0) return 0;
    used u = {.arena = sig_ctx_arena(ctx)};
    for (size_t i = 0; i < m->nviews; i++) use_view(&u, m->views[i]);
    used_seal(&u);
    size_t n = 0;
#define UNUSED(what, obj)                                                                  \
    do {                                                                                   \
        if (!used_has(&u, (obj)) && (obj)->loc.line) {                                     \
            sig_diag *d = sig_warning(ctx, (obj)->loc, "W0101", "%s `%s` is never used", what, \
                                      (obj)->name);                                        \
            sig_diag_help(ctx, d, "no view uses it; use it in a view or delete it");       \
            n++;                                                                           \
        }                                                                                  \
    } while (0)
    for (size_t i = 0; i < m->nevents; i++) UNUSED("event", m->events[i]);
    for (size_t i = 0; i < m->ncontexts; i++) UNUSED("context", m->contexts[i]);
    for (size_t i = 0; i < m->nkeys; i++)
        if (!m->keys[i]->builtin) UNUSED("entity", m->keys[i]);
    for (size_t i = 0; i < m->nattributes; i++) UNUSED("attribute", m->attributes[i]);
    for (size_t i = 0; i < m->nsources; i++) UNUSED("batch source", m->sources[i]);
#undef UNUSED
    return n;
}

static size_t lint_views(struct sig_ctx *ctx, const sig_model *m, const char *backend)
{
    bool warehouse = backend && (strcmp(backend, "dbt") == 0 || strcmp(backend, "ddl") == 0);
    size_t n = 0;
    for (size_t i = 0; i < m->nviews; i++) {
        const sig_view *v = m->views[i];
        const sig_attribute_key *k = v->key;
        if (k && k->builtin && (strcmp(k->name, "user") == 0 || strcmp(k->name, "session") == 0)) {
            bool user = k->name[0] == 'u';
            sig_diag *d = sig_warning(ctx, v->loc, "W0102",
                                      "view `%s` uses the deprecated built-in entity `%s`", v->name,
                                      k->name);
            sig_diag_help(ctx, d, "use `%s` (the same atomic column; the SDK deprecates `%s`)",
                          user ? "domain_userid" : "domain_sessionid", k->name);
            n++;
        }
        if (warehouse && !v->offline && v->nattributes > 0) {
            sig_diag *d = sig_warning(ctx, v->loc, "W0103",
                                      "view `%s` is online only: the %s backend generates nothing for it",
                                      v->name, backend);
            sig_diag_help(ctx, d, "add `offline true` to compute it in the warehouse too");
            n++;
        }
    }
    return n;
}

static size_t lint_versions(struct sig_ctx *ctx, const sig_model *m)
{
    used u = {.arena = sig_ctx_arena(ctx)};
    for (size_t a = 0; a < m->nattributes; a++)
        for (size_t k = 0; k < m->attributes[a]->nevents; k++) used_add(&u, m->attributes[a]->events[k]);
    used_seal(&u);
    size_t n = 0;
    for (size_t i = 0; i < m->nevents; i++) {
        const sig_event *e = m->events[i];
        const sig_schema_ref *s = &e->schema;
        if (!s->has_version || sig_schema_exact_version(s) || !used_has(&u, e)) continue;
        sig_diag *d = sig_warning(ctx, e->loc, "W0104",
                                  "event `%s` has a partial version, which the Signals API cannot carry",
                                  e->name);
        sig_diag_help(ctx, d, "publishing sends no version, so other model versions count too; "
                              "declare the exact version");
        n++;
    }
    return n;
}

size_t sig_lint(struct sig_ctx *ctx, const sig_model *m, const char *backend)
{
    if (!ctx || !m) return 0;
    size_t n = lint_unused(ctx, m);
    n += lint_views(ctx, m, backend);
    if (!backend) n += lint_versions(ctx, m);
    return n;
}
