/* check_crit.c: the checker's criteria rules: `where` into the API's
 * all/any (E0330) and every comparison's operator and value (E0331-E0333).
 * See check.c for the passes and codes_check.def for every code. */
#include <ctype.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "check_internal.h"
#include "signals/output.h"

/* ----------------------------------------------------------- criteria */

static void flatten(const sig_ast_expr *e, sig_ast_expr_kind k, sig_arena *a, sig_ptrvec *out)
{
    if (!e) return;
    if (e->kind == k) {
        flatten(e->lhs, k, a, out);
        flatten(e->rhs, k, a, out);
    } else {
        sig_ptrvec_push(a, out, (void *)(uintptr_t)e);
    }
}

static const char *const criteria_help =
    "the Signals API takes criteria as `all` (every comparison holds) and `any` (at least "
    "one holds): write `A and B and (C or D)`, with at most one `or` group; alternatives "
    "on one property can be written `x in (\"a\", \"b\")`, or split the attribute in two";

static sig_op map_op(sig_ast_cmp_op op)
{
    switch (op) {
    case SIG_AST_EQ: return SIG_OP_EQ;
    case SIG_AST_NE: return SIG_OP_NE;
    case SIG_AST_LT: return SIG_OP_LT;
    case SIG_AST_GT: return SIG_OP_GT;
    case SIG_AST_LE: return SIG_OP_LE;
    case SIG_AST_GE: return SIG_OP_GE;
    case SIG_AST_LIKE: return SIG_OP_LIKE;
    case SIG_AST_IN: return SIG_OP_IN;
    case SIG_AST_IS_NULL: return SIG_OP_IS_NULL;
    case SIG_AST_IS_NOT_NULL: return SIG_OP_IS_NOT_NULL;
    case SIG_AST_NOT_LIKE: return SIG_OP_NOT_LIKE;
    case SIG_AST_RLIKE: return SIG_OP_RLIKE;
    case SIG_AST_NOT_RLIKE: return SIG_OP_NOT_RLIKE;
    case SIG_AST_NOT_IN: return SIG_OP_NOT_IN;
    case SIG_AST_CHANGED: return SIG_OP_CHANGED;
    }
    return SIG_OP_EQ;
}

sig_op ck_map_op(sig_ast_cmp_op op)
{
    return map_op(op);
}

bool ck_intervention_only_op(sig_op op)
{
    return op >= SIG_OP_NOT_LIKE;
}

typedef enum vkind { VK_STRING, VK_NUMBER, VK_BOOL, VK_LIST } vkind;

static vkind value_kind(const sig_ast_literal *l)
{
    switch (l->kind) {
    case SIG_AST_LIT_STRING: return VK_STRING;
    case SIG_AST_LIT_INT: case SIG_AST_LIT_DECIMAL: return VK_NUMBER;
    case SIG_AST_LIT_BOOL: return VK_BOOL;
    default: return VK_LIST;
    }
}

static const char *vk_what(vkind k)
{
    switch (k) {
    case VK_STRING: return "a string";
    case VK_NUMBER: return "a number";
    case VK_BOOL: return "a bool";
    default: return "a list";
    }
}

static bool looks_numeric(const char *s)
{
    if (!s || !*s) return false;
    char *end;
    strtod(s, &end);
    return *end == 0 && strspn(s, "+-0123456789.eE") == strlen(s);
}

/* E0332: one scalar value against an atomic column of known type. */
static bool value_fits_column(ck *c, const sig_ast_literal *v, sig_op op,
                              const sig_property *prop)
{
    sig_type t = prop->type;
    vkind k = value_kind(v);
    const char *col = prop->atomic;
    const char *tn = sig_type_name(t);
    sig_diag *d = NULL;
    if (op == SIG_OP_LIKE && t.scalar != SIG_STRING && t.scalar != SIG_BYTES) {
        d = sig_error(c->ctx, prop->loc, "E0332",
                      "`like` needs a string column, but `%s` is `%s`", col, tn);
        sig_diag_label(c->ctx, d, "%s `%s` column", ck_article(t), tn);
        sig_diag_help(c->ctx, d, "compare it with `=`, `<`, `>`, ... instead");
        return false;
    }
    switch (t.scalar) {
    case SIG_INT32: case SIG_INT64: case SIG_DOUBLE: case SIG_FLOAT:
        if (k == VK_NUMBER) return true;
        d = sig_error(c->ctx, v->loc, "E0332", "`%s` is a numeric (`%s`) column; it cannot "
                      "be compared with %s", col, tn, vk_what(k));
        sig_diag_label(c->ctx, d, "expected a number");
        if (k == VK_STRING && looks_numeric(v->str))
            sig_diag_help(c->ctx, d, "write the number without quotes: `%s`", v->str);
        return false;
    case SIG_STRING: case SIG_BYTES:
        if (k != VK_BOOL) return true;
        d = sig_error(c->ctx, v->loc, "E0332", "`%s` is a string column; it cannot be "
                      "compared with a bool", col);
        sig_diag_label(c->ctx, d, "expected a string");
        sig_diag_help(c->ctx, d, "to compare with the text, quote it: `\"%s\"`",
                      v->b ? "true" : "false");
        return false;
    case SIG_BOOL:
        if (k == VK_BOOL) return true;
        d = sig_error(c->ctx, v->loc, "E0332", "`%s` is a bool column; it cannot be "
                      "compared with %s", col, vk_what(k));
        sig_diag_label(c->ctx, d, "expected `true` or `false`");
        return false;
    case SIG_UNIX_TIMESTAMP:
        if (k == VK_STRING) return true;
        d = sig_error(c->ctx, v->loc, "E0332", "`%s` is a timestamp column; it cannot be "
                      "compared with %s", col, vk_what(k));
        sig_diag_label(c->ctx, d, "expected a timestamp string");
        sig_diag_help(c->ctx, d, "write a timestamp such as `\"2024-01-31 12:00:00\"`");
        return false;
    case SIG_TIMESTAMP: case SIG_DICT: /* attribute types; no atomic column has them */
        return true;
    }
    return true;
}

static bool check_cmp(ck *c, const sig_ast_expr *e, const sig_property *prop, bool prop_ok)
{
    const sig_ast_literal *v = e->value;
    sig_op op = map_op(e->op);
    if (ck_intervention_only_op(op)) {
        /* Attribute criteria have 10 operators (Criterion.operator) */
        sig_diag *d = sig_error(c->ctx, e->op_loc, "E0334", "`%s` is an operator of "
                                "interventions only", sig_op_name(op));
        sig_diag_label(c->ctx, d, "not in an attribute's criteria");
        sig_diag_help(c->ctx, d, "an attribute's criteria take `=`, `!=`, `<`, `>`, `<=`, "
                      "`>=`, `like`, `in`, `is null` and `is not null`");
        return false;
    }
    if (!sig_op_takes_value(op)) return true; /* any property may be tested */
    if (!v) return false;
    const char *opn = sig_op_name(op);
    bool known = prop_ok && prop->kind == SIG_PROP_ATOMIC && prop->type_known;
    if (op == SIG_OP_IN) {
        if (v->kind != SIG_AST_LIT_LIST) {
            sig_diag *d = sig_error(c->ctx, v->loc, "E0331", "`in` takes a list, not %s",
                                    ck_lit_what(v));
            sig_diag_label(c->ctx, d, "a single value");
            sig_diag_help(c->ctx, d, "write a list, `in (\"a\", \"b\")`, or compare with `=`");
            return false;
        }
        if (v->nitems == 0 || !v->items) {
            sig_diag *d = sig_error(c->ctx, v->loc, "E0331", "`in` with an empty list "
                                    "matches nothing");
            sig_diag_label(c->ctx, d, "empty list");
            sig_diag_help(c->ctx, d, "list at least one value");
            return false;
        }
        vkind first = VK_LIST;
        for (size_t i = 0; i < v->nitems; i++) {
            const sig_ast_literal *it = &v->items[i];
            vkind k = value_kind(it);
            if (k == VK_LIST) {
                sig_diag *d = sig_error(c->ctx, it->loc, "E0331", "lists cannot be nested");
                sig_diag_label(c->ctx, d, "expected a string, number or bool");
                return false;
            }
            if (i == 0) first = k;
            else if (k != first) {
                sig_diag *d = sig_error(c->ctx, it->loc, "E0331", "the list of `in` mixes "
                                        "%s and %s", vk_what(first), vk_what(k));
                sig_diag_label(c->ctx, d, "%s, but the first item is %s", vk_what(k),
                               vk_what(first));
                sig_diag_help(c->ctx, d, "the API takes a list of one kind of value");
                return false;
            }
        }
        if (known)
            for (size_t i = 0; i < v->nitems; i++)
                if (!value_fits_column(c, &v->items[i], op, prop)) return false;
        return true;
    }
    if (v->kind == SIG_AST_LIT_LIST) {
        sig_diag *d = sig_error(c->ctx, v->loc, "E0331", "`%s` takes one value, not a list",
                                opn);
        sig_diag_label(c->ctx, d, "a list");
        sig_diag_help(c->ctx, d, "to match any of several values, write `in (...)`");
        return false;
    }
    vkind k = value_kind(v);
    if (op == SIG_OP_LIKE && k != VK_STRING) {
        sig_diag *d = sig_error(c->ctx, v->loc, "E0331", "`like` takes a string pattern, "
                                "not %s", vk_what(k));
        sig_diag_label(c->ctx, d, "expected a string");
        sig_diag_help(c->ctx, d, "write a SQL LIKE pattern such as `\"%%pricing%%\"`, or "
                      "compare with `=`");
        return false;
    }
    if (op == SIG_OP_LIKE) {
        /* `\` escapes `%`, `_` and itself, and nothing else: the one reading
         * every target shares (Databricks rejects any other escape,
         * PostgreSQL a trailing one; docs/language.md section 5) */
        for (const char *p = v->str; *p; p++) {
            if (*p != '\\') continue;
            if (p[1] == '%' || p[1] == '_' || p[1] == '\\') {
                p++;
                continue;
            }
            sig_diag *d = sig_error(c->ctx, v->loc, "E0333", "%s in a `like` pattern",
                                    p[1] ? "invalid escape" : "trailing backslash");
            sig_diag_label(c->ctx, d, p[1] ? "a backslash escapes only `%%`, `_` or a backslash"
                                           : "the pattern ends with an escaping backslash");
            sig_diag_help(c->ctx, d, "to match a backslash itself, write it twice in the "
                                     "pattern: `\\\\\\\\` in the string literal");
            return false;
        }
    }
    if (op == SIG_OP_LT || op == SIG_OP_GT || op == SIG_OP_LE || op == SIG_OP_GE) {
        bool ts = known && !prop->type.list && prop->type.scalar == SIG_UNIX_TIMESTAMP;
        if (k == VK_BOOL || (k == VK_STRING && !ts)) {
            sig_diag *d = sig_error(c->ctx, v->loc, "E0331", "`%s` compares numbers, not %s",
                                    opn, vk_what(k));
            sig_diag_label(c->ctx, d, "expected a number");
            if (k == VK_STRING && looks_numeric(v->str))
                sig_diag_help(c->ctx, d, "write the number without quotes: `%s`", v->str);
            else if (k == VK_STRING)
                sig_diag_help(c->ctx, d, "strings can be ordered only against timestamp "
                              "atomic columns; use `=`, `like` or `in` for strings");
            return false;
        }
    }
    if (known) return value_fits_column(c, v, op, prop);
    return true;
}

static bool build_crit(ck *c, const sig_ast_expr *e, sig_criterion *out, sig_ptrvec *reads)
{
    memset(out, 0, sizeof *out);
    out->loc = e->loc;
    out->op = map_op(e->op);
    bool pok = ck_resolve_property(c, e->property, &out->property);
    if (pok && reads) ck_event_reads(c, reads, &out->property);
    bool vok = check_cmp(c, e, &out->property, pok);
    if (e->value) out->value = ck_literal(c, e->value);
    return pok && vok;
}

/* E0330 for `not` in an attribute's criteria; returns false. */
static bool not_in_criteria(ck *c, const sig_ast_expr *e)
{
    sig_diag *d = sig_error(c->ctx, e->loc, "E0330", "`not` in an attribute's "
                            "criteria: the API's all/any cannot express it");
    sig_diag_label(c->ctx, d, "`not` is for interventions");
    sig_diag_help(c->ctx, d, "negate the comparison instead (`!=`, `is null`)");
    return false;
}

bool ck_criteria(ck *c, const sig_ast_expr *where, sig_criteria *out, sig_ptrvec *reads)
{
    memset(out, 0, sizeof *out);
    if (!where) return true;
    sig_ptrvec conj = {0}, allv = {0}, disj = {0}, anyv = {0};
    flatten(where, SIG_AST_AND, c->a, &conj);
    const sig_ast_expr *group = NULL;
    bool ok = true;
    for (size_t i = 0; i < conj.len; i++) {
        const sig_ast_expr *e = conj.items[i];
        if (e->kind == SIG_AST_NOT) {
            ok = not_in_criteria(c, e);
        } else if (e->kind == SIG_AST_OR) {
            if (group) {
                sig_diag *d = sig_error(c->ctx, e->loc, "E0330", "a second `or` group: these "
                                        "criteria cannot be expressed as the API's all/any");
                sig_diag_label(c->ctx, d, "second `or` group");
                sig_diag_note(c->ctx, d, group->loc, "the first `or` group is here");
                sig_diag_help(c->ctx, d, "%s", criteria_help);
                ok = false;
            } else {
                group = e;
            }
        } else {
            sig_ptrvec_push(c->a, &allv, (void *)(uintptr_t)e);
        }
    }
    if (group) {
        flatten(group, SIG_AST_OR, c->a, &disj);
        for (size_t i = 0; i < disj.len; i++) {
            const sig_ast_expr *e = disj.items[i];
            if (e->kind == SIG_AST_NOT) {
                ok = not_in_criteria(c, e);
            } else if (e->kind == SIG_AST_AND) {
                sig_diag *d = sig_error(c->ctx, e->loc, "E0330", "an `and` inside `or`: these "
                                        "criteria cannot be expressed as the API's all/any");
                sig_diag_label(c->ctx, d, "this `and` is one alternative of an `or`");
                sig_diag_help(c->ctx, d, "%s%s", criteria_help,
                              conj.len == 1 && !group->parenthesized
                                  ? " (`and` binds tighter than `or`)" : "");
                ok = false;
            } else {
                sig_ptrvec_push(c->a, &anyv, (void *)(uintptr_t)e);
            }
        }
    }
    if (!ok) return false;
    sig_criterion *all = SIG_NEW_ARRAY(c->a, sig_criterion, allv.len ? allv.len : 1);
    sig_criterion *any = SIG_NEW_ARRAY(c->a, sig_criterion, anyv.len ? anyv.len : 1);
    for (size_t i = 0; i < allv.len; i++)
        if (!build_crit(c, allv.items[i], &all[i], reads)) ok = false;
    for (size_t i = 0; i < anyv.len; i++)
        if (!build_crit(c, anyv.items[i], &any[i], reads)) ok = false;
    out->all = all;
    out->nall = allv.len;
    out->any = any;
    out->nany = anyv.len;
    return ok;
}
