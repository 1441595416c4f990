/* check_call.c: properties written as calls, `NAME(ARG, ...)`: the date
 * parts of SDK 0.4.7 (`hour_of_day(derived_tstamp)`, E0411) and the
 * calculated properties of SDK 0.4.9 (`concat(a, b, separator "-")`, the
 * API's arity and type rules, E0413); other names are E0412.
 * See check.c for the passes and codes_check.def for every code. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"
#include "signals/output.h"
#include "signals/signals.h"

/* CalculatedProperty.operation (SDK 0.4.9). */
static const char *const calc_ops[] = {"concat", "sum", "product", "min", "max", "coalesce",
                                       NULL};

static bool in_list(const char *const *l, const char *s)
{
    for (size_t i = 0; l[i]; i++)
        if (strcmp(l[i], s) == 0) return true;
    return false;
}

/* Every name a call may have, for did-you-mean. */
static const char *const *call_names(ck *c)
{
    static const char *const *names;
    (void)c;
    if (!names) {
        static const char *all[16];
        size_t n = 0;
        for (size_t i = 0; sig_date_parts[i]; i++) all[n++] = sig_date_parts[i];
        for (size_t i = 0; calc_ops[i]; i++) all[n++] = calc_ops[i];
        all[n] = NULL;
        names = all;
    }
    return names;
}

static bool date_part(ck *c, const sig_ast_property *p, sig_property *out)
{
    if (p->nargs != 1 || p->separator) {
        sig_loc l = p->nargs > 1 ? p->args[1]->loc : p->separator_loc;
        sig_diag *d = sig_error(c->ctx, l, "E0411", "`%s` takes one property", p->call);
        sig_diag_label(c->ctx, d, "one property only");
        sig_diag_help(c->ctx, d, "write `%s(derived_tstamp)`", p->call);
        return false;
    }
    const sig_ast_property *arg = p->args[0];
    if (arg->call) {
        sig_diag *d = sig_error(c->ctx, arg->loc, "E0411", "`%s` applies to a property, not "
                                "to `%s(...)`", p->call, arg->call);
        sig_diag_label(c->ctx, d, "a date part of a date-time property only");
        return false;
    }
    if (!ck_resolve_property(c, arg, out)) return false;
    /* AtomicProperty.date_part: "only valid on date-time atomic fields";
     * a JSON field's format is checked by the API against its schema */
    if (out->type_known && !(out->type.scalar == SIG_UNIX_TIMESTAMP && !out->type.list)) {
        sig_diag *d = sig_error(c->ctx, arg->loc, "E0411", "`%s` needs a date-time property, "
                                "but `%s` is %s `%s` column", p->call, out->text,
                                ck_article(out->type), sig_type_name(out->type));
        sig_diag_label(c->ctx, d, "not a timestamp");
        sig_diag_help(c->ctx, d, "take the date part of a `*_tstamp` column, such as "
                      "`derived_tstamp`, or of a date-time field of an event or context");
        return false;
    }
    for (size_t i = 0; sig_date_parts[i]; i++)
        if (strcmp(sig_date_parts[i], p->call) == 0) out->date_part = sig_date_parts[i];
    out->type_known = true;
    out->type = sig_date_part_type(out->date_part);
    out->text = p->text;
    out->loc = p->loc;
    return true;
}

/* The API's rules for one operand of `op` (CalculatedProperty.properties):
 * concat takes strings and integers, the arithmetic ones numbers, coalesce
 * any non-list type. Operands of unknown type (JSON fields) pass. */
static bool operand_fits(const char *op, const sig_property *o)
{
    if (!o->type_known) return true;
    if (o->type.list) return false;
    if (strcmp(op, "concat") == 0)
        return o->type.scalar == SIG_STRING || o->type.scalar == SIG_BYTES ||
               sig_type_is_integer(o->type);
    if (strcmp(op, "coalesce") == 0) return true;
    return sig_type_is_numeric(o->type);
}

/* The result type, when every operand's type is known. */
static void calc_type(sig_property *out)
{
    out->type_known = true;
    for (size_t i = 0; i < out->noperands; i++) out->type_known &= out->operands[i].type_known;
    if (strcmp(out->calc_op, "concat") == 0) {
        out->type_known = true;
        out->type = (sig_type){SIG_STRING, false};
    } else if (!out->type_known) {
        return;
    } else if (strcmp(out->calc_op, "coalesce") == 0) {
        out->type = out->operands[0].type;
    } else {
        bool ints = true;
        for (size_t i = 0; i < out->noperands; i++) ints &= sig_type_is_integer(out->operands[i].type);
        out->type = (sig_type){ints ? SIG_INT64 : SIG_DOUBLE, false};
    }
}

/* Code points of UTF-8 text (the checker's input is valid UTF-8). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0u) != 0x80u;
    return n;
}

static bool calc_arity(ck *c, const sig_ast_property *p, bool coalesce)
{
    size_t min = coalesce ? 1 : 2;
    if (p->nargs >= min && p->nargs <= 50) return true;
    sig_diag *d = sig_error(c->ctx, p->loc, "E0413", "`%s` takes %s properties, not %zu",
                            p->call, coalesce ? "1 to 50" : "2 to 50", p->nargs);
    sig_diag_label(c->ctx, d, "%zu propert%s", p->nargs, p->nargs == 1 ? "y" : "ies");
    sig_diag_help(c->ctx, d, "the API's calculated properties combine %s to 50 properties",
                  coalesce ? "1" : "2");
    return false;
}

static bool calculated(ck *c, const sig_ast_property *p, sig_property *out)
{
    bool coalesce = strcmp(p->call, "coalesce") == 0;
    bool ok = calc_arity(c, p, coalesce);
    if (p->separator && strcmp(p->call, "concat") != 0) {
        sig_diag *d = sig_error(c->ctx, p->separator_loc, "E0413", "only `concat` takes a "
                                "separator");
        sig_diag_label(c->ctx, d, "`%s` has none", p->call);
        ok = false;
    } else if (p->separator && utf8_chars(p->separator) > 16) {
        /* CalculatedProperty.separator: max_length=16 (characters) */
        sig_diag *d = sig_error(c->ctx, p->separator_loc, "E0413", "a separator is at most "
                                "16 characters");
        sig_diag_label(c->ctx, d, "%zu characters", utf8_chars(p->separator));
        ok = false;
    }
    sig_property *ops = SIG_NEW_ARRAY(c->a, sig_property, p->nargs ? p->nargs : 1);
    for (size_t i = 0; i < p->nargs; i++) {
        const sig_ast_property *arg = p->args[i];
        if (arg->call && !in_list(sig_date_parts, arg->call)) {
            sig_diag *d = sig_error(c->ctx, arg->loc, "E0413", "calculated properties do not "
                                    "nest");
            sig_diag_label(c->ctx, d, "`%s(...)` inside `%s(...)`", arg->call, p->call);
            sig_diag_help(c->ctx, d, "list the leaf properties in one `%s(...)`", p->call);
            ok = false;
            continue;
        }
        if (!ck_resolve_property(c, arg, &ops[i])) { ok = false; continue; }
        if (!operand_fits(p->call, &ops[i])) {
            sig_diag *d = sig_error(c->ctx, arg->loc, "E0413", "`%s` cannot take `%s`, %s `%s` "
                                    "column", p->call, ops[i].text, ck_article(ops[i].type),
                                    sig_type_name(ops[i].type));
            sig_diag_label(c->ctx, d, "%s", strcmp(p->call, "concat") == 0
                                                ? "concat takes strings and integers"
                                                : "this operation takes numbers");
            ok = false;
        }
    }
    for (size_t i = 1; ok && coalesce && i < p->nargs; i++) {
        if (ops[0].type_known && ops[i].type_known && !sig_type_equal(ops[0].type, ops[i].type)) {
            sig_diag *d = sig_error(c->ctx, p->args[i]->loc, "E0413", "`coalesce` needs one "
                                    "type, but `%s` is `%s` and `%s` is `%s`", ops[0].text,
                                    sig_type_name(ops[0].type), ops[i].text,
                                    sig_type_name(ops[i].type));
            sig_diag_label(c->ctx, d, "`%s`", sig_type_name(ops[i].type));
            ok = false;
        }
    }
    if (!ok) return false;
    out->kind = SIG_PROP_CALCULATED;
    for (size_t i = 0; calc_ops[i]; i++)
        if (strcmp(calc_ops[i], p->call) == 0) out->calc_op = calc_ops[i];
    out->operands = ops;
    out->noperands = p->nargs;
    out->separator = p->separator;
    out->text = p->text;
    out->loc = p->loc;
    calc_type(out);
    return true;
}

void ck_event_reads(ck *c, sig_ptrvec *reads, const sig_property *p)
{
    if (p->kind == SIG_PROP_EVENT) sig_ptrvec_push(c->a, reads, (void *)(uintptr_t)p);
    for (size_t i = 0; p->kind == SIG_PROP_CALCULATED && i < p->noperands; i++)
        ck_event_reads(c, reads, &p->operands[i]);
}

bool ck_resolve_call(ck *c, const sig_ast_property *p, sig_property *out)
{
    memset(out, 0, sizeof *out);
    if (in_list(sig_date_parts, p->call)) return date_part(c, p, out);
    sig_diag *d;
    if (in_list(calc_ops, p->call)) return calculated(c, p, out);
    d = sig_error(c->ctx, p->call_loc, "E0412", "unknown function `%s`", p->call);
    sig_diag_label(c->ctx, d, "not a date part or a calculated property");
    const char *sug = sig_did_you_mean(p->call, call_names(c), 0);
    if (sug) sig_diag_suggest(c->ctx, d, sug);
    else sig_diag_help(c->ctx, d, "the date parts are active_day, active_week, active_month, "
                       "hour_of_day, day_of_week and month_of_year");
    return false;
}
