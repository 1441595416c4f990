/* types.c: the 16 Field types, the aggregation rules table, operator names
 * and Iglu version helpers.
 *
 * The aggregation table below is the one place that says what each
 * aggregation takes and yields; the checker (src/check*.c) asks it through
 * sig_agg_lookup/sig_agg_get and the helpers declared in src/check.h, so a
 * new aggregation is a new row here (and a new enum value in model.h). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "signals/model.h"

/* ------------------------------------------------------------------ types */

/* In sig_scalar order, then the lists in the same order. */
const char *const sig_type_names[] = {
    "bytes", "string", "int32", "int64", "double", "float", "bool", "unix_timestamp",
    "bytes_list", "string_list", "int32_list", "int64_list", "double_list",
    "float_list", "bool_list", "unix_timestamp_list",
    NULL
};

#define SIG_NSCALARS 8

const char *sig_type_name(sig_type t)
{
    unsigned s = (unsigned)t.scalar;
    if (s >= SIG_NSCALARS) return "?";
    return sig_type_names[s + (t.list ? SIG_NSCALARS : 0)];
}

bool sig_type_parse(const char *name, sig_type *out)
{
    if (!name) return false;
    for (unsigned i = 0; i < 2 * SIG_NSCALARS; i++) {
        if (strcmp(name, sig_type_names[i]) == 0) {
            if (out) {
                out->scalar = (sig_scalar)(i % SIG_NSCALARS);
                out->list = i >= SIG_NSCALARS;
            }
            return true;
        }
    }
    return false;
}

bool sig_type_is_numeric(sig_type t)
{
    if (t.list) return false;
    return t.scalar == SIG_INT32 || t.scalar == SIG_INT64 ||
           t.scalar == SIG_DOUBLE || t.scalar == SIG_FLOAT;
}

bool sig_type_equal(sig_type a, sig_type b)
{
    return a.scalar == b.scalar && a.list == b.list;
}

bool sig_type_is_integer(sig_type t)
{
    return !t.list && (t.scalar == SIG_INT32 || t.scalar == SIG_INT64);
}

/* Equal, treating int32 and int64 as interchangeable (also as list elements). */
bool sig_type_compatible(sig_type a, sig_type b)
{
    if (a.list != b.list) return false;
    if (a.scalar == b.scalar) return true;
    bool ai = a.scalar == SIG_INT32 || a.scalar == SIG_INT64;
    bool bi = b.scalar == SIG_INT32 || b.scalar == SIG_INT64;
    return ai && bi;
}

/* ----------------------------------------------------------- aggregations */

#define T(s, l) {(s), (l)}

static const sig_agg_info agg_table[SIG_AGG__COUNT] = {
    {SIG_AGG_COUNTER, "counter", false, false, false, T(SIG_INT64, false),
     "the number of matching events"},
    {SIG_AGG_SUM, "sum", true, true, false, T(SIG_DOUBLE, false),
     "the sum of the property's values"},
    {SIG_AGG_MIN, "min", true, false, false, T(SIG_STRING, false),
     "the smallest value of the property"},
    {SIG_AGG_MAX, "max", true, false, false, T(SIG_STRING, false),
     "the largest value of the property"},
    {SIG_AGG_MEAN, "mean", true, true, false, T(SIG_DOUBLE, false),
     "the mean of the property's values, a double"},
    {SIG_AGG_FIRST, "first", true, false, false, T(SIG_STRING, false),
     "the property's value on the earliest event (by derived_tstamp)"},
    {SIG_AGG_LAST, "last", true, false, false, T(SIG_STRING, false),
     "the property's value on the latest event (by derived_tstamp)"},
    {SIG_AGG_UNIQUE_LIST, "unique_list", true, false, true, T(SIG_STRING, true),
     "the distinct values of the property, oldest seen first, at most 100"},
};

/* What each aggregation may yield, as bit sets over the 16 types
 * (bit = scalar + 8 * list). */
#define BIT(s, l) (1u << ((unsigned)(s) + ((l) ? SIG_NSCALARS : 0)))
#define ALL_SCALARS 0xffu
#define ALL_LISTS 0xff00u
static const unsigned agg_yields[SIG_AGG__COUNT] = {
    [SIG_AGG_COUNTER] = BIT(SIG_INT32, 0) | BIT(SIG_INT64, 0),
    [SIG_AGG_SUM] = BIT(SIG_INT32, 0) | BIT(SIG_INT64, 0) | BIT(SIG_DOUBLE, 0) |
                    BIT(SIG_FLOAT, 0),
    [SIG_AGG_MIN] = ALL_SCALARS,
    [SIG_AGG_MAX] = ALL_SCALARS,
    [SIG_AGG_MEAN] = BIT(SIG_DOUBLE, 0) | BIT(SIG_FLOAT, 0),
    [SIG_AGG_FIRST] = ALL_SCALARS,
    [SIG_AGG_LAST] = ALL_SCALARS,
    [SIG_AGG_UNIQUE_LIST] = ALL_LISTS,
};

const char *const sig_agg_names[] = {
    "counter", "sum", "min", "max", "mean", "first", "last", "unique_list", NULL
};

const sig_agg_info *sig_agg_lookup(const char *name)
{
    if (!name) return NULL;
    for (unsigned i = 0; i < SIG_AGG__COUNT; i++)
        if (strcmp(agg_table[i].name, name) == 0) return &agg_table[i];
    return NULL;
}

const sig_agg_info *sig_agg_get(sig_agg agg)
{
    if ((unsigned)agg >= SIG_AGG__COUNT) return NULL;
    return &agg_table[agg];
}

bool sig_agg_can_yield(sig_agg agg, sig_type t)
{
    if ((unsigned)agg >= SIG_AGG__COUNT || (unsigned)t.scalar >= SIG_NSCALARS)
        return false;
    return (agg_yields[agg] & BIT(t.scalar, t.list)) != 0;
}

const char *sig_agg_yields_text(sig_agg agg)
{
    switch (agg) {
    case SIG_AGG_COUNTER: return "`int32` or `int64`";
    case SIG_AGG_SUM: return "`int32`, `int64`, `double` or `float`";
    case SIG_AGG_MEAN: return "`double` or `float`";
    case SIG_AGG_MIN: case SIG_AGG_MAX: case SIG_AGG_FIRST: case SIG_AGG_LAST:
        return "a scalar type (not a `_list`)";
    case SIG_AGG_UNIQUE_LIST: return "a `_list` type";
    default: return "?";
    }
}

bool sig_agg_result_fits(sig_agg agg, sig_type prop, sig_type result,
                         const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    *why = NULL;
    if (!sig_agg_can_yield(agg, result)) {
        *why = "yields";
        return false;
    }
    switch (agg) {
    case SIG_AGG_COUNTER:
        return true;
    case SIG_AGG_SUM:
        /* An integer result needs an integer column: a double sum would be
         * truncated. */
        if (sig_type_is_integer(result) && !sig_type_is_integer(prop)) {
            *why = "integer";
            return false;
        }
        return true;
    case SIG_AGG_MEAN:
        return true;
    case SIG_AGG_MIN: case SIG_AGG_MAX: case SIG_AGG_FIRST: case SIG_AGG_LAST:
        if (!sig_type_compatible(prop, result)) {
            *why = "same";
            return false;
        }
        return true;
    case SIG_AGG_UNIQUE_LIST: {
        sig_type elem = {result.scalar, false};
        if (!sig_type_compatible(prop, elem)) {
            *why = "element";
            return false;
        }
        return true;
    }
    default:
        return false;
    }
}

sig_type sig_agg_infer(sig_agg agg, bool prop_known, sig_type prop)
{
    const sig_agg_info *info = sig_agg_get(agg);
    sig_type d = info ? info->default_type : (sig_type){SIG_STRING, false};
    if (!prop_known || prop.list) return d;
    switch (agg) {
    case SIG_AGG_SUM:
        if (sig_type_is_integer(prop)) return (sig_type){SIG_INT64, false};
        return d;
    case SIG_AGG_MIN: case SIG_AGG_MAX: case SIG_AGG_FIRST: case SIG_AGG_LAST:
        return prop;
    case SIG_AGG_UNIQUE_LIST:
        return (sig_type){prop.scalar, true};
    default:
        return d;
    }
}

/* ------------------------------------------------------------ operators */

const char *sig_op_name(sig_op op)
{
    switch (op) {
    case SIG_OP_EQ: return "=";
    case SIG_OP_NE: return "!=";
    case SIG_OP_LT: return "<";
    case SIG_OP_GT: return ">";
    case SIG_OP_LE: return "<=";
    case SIG_OP_GE: return ">=";
    case SIG_OP_LIKE: return "like";
    case SIG_OP_IN: return "in";
    }
    return "?";
}

/* -------------------------------------------------------------- schemas */

const char *sig_schema_exact_version(const struct sig_schema_ref *ref)
{
    if (!ref || !ref->has_version || ref->model < 0 || ref->revision < 0 ||
        ref->addition < 0)
        return NULL;
    /* The checker rejects leading zeros, so the URI's last part is the
     * canonical spelling and lives as long as the model. */
    if (ref->uri) {
        const char *slash = strrchr(ref->uri, '/');
        if (slash) {
            char buf[48];
            snprintf(buf, sizeof buf, "%d-%d-%d", ref->model, ref->revision,
                     ref->addition);
            if (strcmp(slash + 1, buf) == 0) return slash + 1;
        }
    }
    static _Thread_local char tbuf[48];
    snprintf(tbuf, sizeof tbuf, "%d-%d-%d", ref->model, ref->revision,
             ref->addition);
    return tbuf;
}
