/* check_call.c: properties written as calls, `NAME(ARG, ...)`: the date
 * parts of SDK 0.4.7 (`hour_of_day(derived_tstamp)`, E0411) and the
 * calculated properties of SDK 0.4.9 (E0412 until they are supported).
 * See check.c for the passes and codes_check.def for every code. */
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

bool ck_resolve_call(ck *c, const sig_ast_property *p, sig_property *out)
{
    memset(out, 0, sizeof *out);
    if (in_list(sig_date_parts, p->call)) return date_part(c, p, out);
    sig_diag *d;
    if (in_list(calc_ops, p->call)) {
        d = sig_error(c->ctx, p->loc, "E0412", "calculated properties (`%s(...)`) are not "
                      "supported yet", p->call);
        sig_diag_label(c->ctx, d, "a calculated property of SDK 0.4.9");
        sig_diag_help(c->ctx, d, "aggregate one property per attribute for now");
        return false;
    }
    d = sig_error(c->ctx, p->call_loc, "E0412", "unknown function `%s`", p->call);
    sig_diag_label(c->ctx, d, "not a date part or a calculated property");
    const char *sug = sig_did_you_mean(p->call, call_names(c), 0);
    if (sug) sig_diag_suggest(c->ctx, d, sug);
    else sig_diag_help(c->ctx, d, "the date parts are active_day, active_week, active_month, "
                       "hour_of_day, day_of_week and month_of_year");
    return false;
}
