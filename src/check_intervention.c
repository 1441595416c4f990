/* check_intervention.c: pass 6 of the checker, rule-based interventions
 * (SDK 0.4.6 RuleIntervention): `when` criteria over attributes of views,
 * nested with and / or / not (the API's all / any / none), every
 * intervention operator, target attribute keys and payload views. See
 * check.c for the passes and codes_check.def for every code. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"
#include "signals/output.h"
#include "signals/signals.h"

/* `VIEW.ATTRIBUTE` or `VIEW:ATTRIBUTE`: an attribute of any version of the
 * view, sent unversioned as "view:attribute" (E0370). */
static bool attribute_ref(ck *c, const sig_ast_property *p, sig_icriteria *out)
{
    if (!p || p->call || p->nsegs != 2 || p->segs[0].kind != SIG_SEG_NAME ||
        p->segs[1].kind != SIG_SEG_NAME) {
        sig_diag *d = sig_error(c->ctx, p ? p->loc : SIG_NOLOC, "E0370", "an intervention's "
                                "criterion names an attribute of a view");
        sig_diag_label(c->ctx, d, "expected `VIEW.ATTRIBUTE`");
        sig_diag_help(c->ctx, d, "write `engagement.page_views > 3`");
        return false;
    }
    const sig_ident vid = {p->segs[0].name, p->segs[0].loc};
    ck_sym *vs = ck_resolve(c, &vid, &c->views, CK_VIEW,
                            "declare it with `view NAME { entity ... attributes ... }`");
    if (!vs) return false;
    for (ck_sym *v = vs; v; v = v->next_version) {
        const sig_view *view = v->obj;
        for (size_t i = 0; view && i < view->nattributes; i++) {
            if (strcmp(view->attributes[i]->name, p->segs[1].name) != 0) continue;
            out->view = view;
            out->attribute = view->attributes[i];
            out->reference = sig_arena_printf(c->a, "%s:%s", view->name, p->segs[1].name);
            return true;
        }
    }
    if (c->partial) return false; /* the attribute may be the one a syntax error dropped */
    sig_diag *d = sig_error(c->ctx, p->segs[1].loc, "E0370", "view `%s` has no attribute `%s`",
                            vs->name, p->segs[1].name);
    sig_diag_label(c->ctx, d, "not an attribute of `%s`", vs->name);
    return false;
}

/* The value an operator takes (E0331): a list for in / not in, a string
 * for the like and rlike ones, a scalar otherwise. */
static bool value_fits(ck *c, const sig_ast_expr *e, sig_op op)
{
    const sig_ast_literal *v = e->value;
    if (!sig_op_takes_value(op)) return true;
    if (!v) return false;
    bool list = op == SIG_OP_IN || op == SIG_OP_NOT_IN;
    bool text = op == SIG_OP_LIKE || op == SIG_OP_NOT_LIKE || op == SIG_OP_RLIKE ||
                op == SIG_OP_NOT_RLIKE;
    const char *want = NULL;
    if (list && v->kind != SIG_AST_LIT_LIST) want = "a list";
    else if (!list && v->kind == SIG_AST_LIT_LIST) want = "a single value";
    else if (text && v->kind != SIG_AST_LIT_STRING) want = "a string";
    for (size_t i = 0; !want && list && i < v->nitems; i++)
        if (v->items[i].kind == SIG_AST_LIT_LIST) want = "a list of scalars";
    if (!want) return true;
    sig_diag *d = sig_error(c->ctx, v->loc, "E0331", "`%s` takes %s, not %s", sig_op_name(op),
                            want, ck_lit_what(v));
    sig_diag_label(c->ctx, d, "expected %s", want);
    return false;
}

static bool icriteria(ck *c, const sig_ast_expr *e, sig_icriteria *out);

/* The items of an and / or chain, each checked. */
static bool group(ck *c, const sig_ast_expr *e, sig_ast_expr_kind k, sig_icriteria *out)
{
    sig_ptrvec items = {0};
    sig_ptrvec stack = {0};
    sig_ptrvec_push(c->a, &stack, (void *)(uintptr_t)e);
    while (stack.len) {
        const sig_ast_expr *x = stack.items[--stack.len];
        if (x->kind == k) {
            sig_ptrvec_push(c->a, &stack, x->rhs);
            sig_ptrvec_push(c->a, &stack, x->lhs);
        } else {
            sig_ptrvec_push(c->a, &items, (void *)(uintptr_t)x);
        }
    }
    sig_icriteria *arr = SIG_NEW_ARRAY(c->a, sig_icriteria, items.len ? items.len : 1);
    bool ok = true;
    for (size_t i = 0; i < items.len; i++) ok &= icriteria(c, items.items[i], &arr[i]);
    out->items = arr;
    out->nitems = items.len;
    return ok;
}

static bool icriteria(ck *c, const sig_ast_expr *e, sig_icriteria *out)
{
    memset(out, 0, sizeof *out);
    if (!e) return false;
    out->loc = e->loc;
    switch (e->kind) {
    case SIG_AST_AND:
        out->kind = SIG_ICRIT_ALL;
        return group(c, e, SIG_AST_AND, out);
    case SIG_AST_OR:
        out->kind = SIG_ICRIT_ANY;
        return group(c, e, SIG_AST_OR, out);
    case SIG_AST_NOT: {
        /* not (A or B): none of them; not A: none of [A] */
        out->kind = SIG_ICRIT_NONE;
        if (e->lhs && e->lhs->kind == SIG_AST_OR) return group(c, e->lhs, SIG_AST_OR, out);
        sig_icriteria *one = SIG_NEW(c->a, sig_icriteria);
        out->items = one;
        out->nitems = 1;
        return icriteria(c, e->lhs, one);
    }
    case SIG_AST_CMP: {
        out->kind = SIG_ICRIT_CRITERION;
        out->op = ck_map_op(e->op);
        bool ok = attribute_ref(c, e->property, out);
        ok &= value_fits(c, e, out->op);
        if (e->value && sig_op_takes_value(out->op)) out->value = ck_literal(c, e->value);
        return ok;
    }
    }
    return false;
}

void ck_collect_intervention(ck *c, const sig_ast_decl *d, ck_sym *s)
{
    sig_intervention *iv = SIG_NEW(c->a, sig_intervention);
    iv->name = s->name;
    iv->version = d->has_version ? d->version : 1;
    iv->loc = s->loc;
    s->obj = iv;
    s->version = iv->version;
    sig_ptrvec_push(c->a, &c->interventions_out, iv);
    sig_ptrvec_push(c->a, &c->intervention_syms, s);
    if (!ck_check_name(c, s->name, s->loc, "intervention")) s->ok = false;
    /* interventions are versioned: a name may repeat with another version */
    const char *key = sig_arena_printf(c->a, "%s/v%d", s->name ? s->name : "", iv->version);
    ck_sym *prev = ck_map_get(&c->interventions, key);
    if (prev) {
        ck_dup_error(c, prev, s->name, s->loc, "intervention");
        s->ok = false;
    } else {
        ck_map_put(c->a, &c->interventions, key, s);
    }
}

void ck_check_intervention(ck *c, ck_sym *s)
{
    sig_intervention *iv = s->obj;
    const sig_ast_decl *d = s->decl;
    bool ok = s->ok;
    if (d->has_version && d->version < 1) {
        sig_diag *dg = sig_error(c->ctx, d->version_loc, "E0351", "intervention version `v%d` "
                                 "is invalid", d->version);
        sig_diag_label(c->ctx, dg, "versions start at 1");
        ok = false;
    }
    const sig_ast_setting *set[SIG_SET__COUNT];
    ck_collect_settings(c, d->block, BK_INTERVENTION, set);
    if (set[SIG_SET_OWNER]) iv->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) iv->description = set[SIG_SET_DESCRIPTION]->str;
    if (!set[SIG_SET_WHEN]) {
        if (!c->partial) {
            sig_diag *dg = sig_error(c->ctx, s->loc, "E0312", "intervention `%s` has no `when`",
                                     s->name);
            sig_diag_label(c->ctx, dg, "when does it trigger?");
            sig_diag_help(c->ctx, dg, "add `when VIEW.ATTRIBUTE > 3` to its block");
        }
        ok = false;
    } else if (!icriteria(c, set[SIG_SET_WHEN]->where, &iv->criteria)) {
        ok = false;
    }
    const sig_ast_setting *t = set[SIG_SET_TARGET];
    if (t && t->nnames) {
        const sig_attribute_key **keys = SIG_NEW_ARRAY(c->a, const sig_attribute_key *, t->nnames);
        for (size_t i = 0; i < t->nnames; i++) {
            ck_sym *k = ck_use_entity(c, &t->names[i]);
            if (k && k->ok) keys[iv->ntargets++] = k->obj;
            else ok = false;
        }
        iv->targets = keys;
    }
    const sig_ast_setting *p = set[SIG_SET_PAYLOAD];
    if (p && p->nviews) {
        sig_view_ref *refs = SIG_NEW_ARRAY(c->a, sig_view_ref, p->nviews);
        for (size_t i = 0; i < p->nviews; i++) {
            const sig_ast_view_ref *r = &p->views[i];
            ck_sym *first = ck_resolve(c, &r->name, &c->views, CK_VIEW, NULL);
            if (!first) { ok = false; continue; }
            ck_sym *pick = first;
            for (ck_sym *v = first; v; v = v->next_version)
                if (r->has_version ? v->version == r->version : v->version > pick->version)
                    pick = v;
            if (r->has_version && pick->version != r->version) {
                sig_diag *dg = sig_error(c->ctx, r->version_loc, "E0305", "view `%s` has no "
                                         "version %d", r->name.name, r->version);
                sig_diag_label(c->ctx, dg, "no such version");
                ok = false;
                continue;
            }
            refs[iv->npayload].view = pick->obj;
            refs[iv->npayload++].version = pick->version;
        }
        iv->payload = refs;
    }
    s->ok = ok;
}
