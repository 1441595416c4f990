/* types.c: the 16 Field types, the aggregation rules table, operator names
 * and Iglu version helpers.
 *
 * The aggregation table is expanded from include/signals/aggregations.def,
 * the one place that says what each aggregation takes, yields, keeps per
 * day and finishes with; the checker (src/check*.c) asks it through
 * sig_agg_lookup/sig_agg_get and the helpers declared in src/check.h, the
 * planner (src/plan.c) and the backends read its rows. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "signals/model.h"

/* ------------------------------------------------------------------ types */

/* The API's order (Attribute.type, SDK 0.4.10). */
const char *const sig_type_names[] = {
    "bytes", "string", "int32", "int64", "double", "float", "bool", "unix_timestamp",
    "timestamp",
    "bytes_list", "string_list", "int32_list", "int64_list", "double_list",
    "float_list", "bool_list", "unix_timestamp_list",
    "dict",
    NULL
};

/* The 16 Field types are the first 8 scalars and their lists. */
#define SIG_NSCALARS 10
#define SIG_NFIELD_SCALARS 8
static const sig_type type_of_name[] = {
    {SIG_BYTES, false}, {SIG_STRING, false}, {SIG_INT32, false}, {SIG_INT64, false},
    {SIG_DOUBLE, false}, {SIG_FLOAT, false}, {SIG_BOOL, false}, {SIG_UNIX_TIMESTAMP, false},
    {SIG_TIMESTAMP, false},
    {SIG_BYTES, true}, {SIG_STRING, true}, {SIG_INT32, true}, {SIG_INT64, true},
    {SIG_DOUBLE, true}, {SIG_FLOAT, true}, {SIG_BOOL, true}, {SIG_UNIX_TIMESTAMP, true},
    {SIG_DICT, false},
};
#define NTYPE_NAMES (sizeof type_of_name / sizeof type_of_name[0])

const char *sig_type_name(sig_type t)
{
    for (unsigned i = 0; i < NTYPE_NAMES; i++)
        if (sig_type_equal(type_of_name[i], t)) return sig_type_names[i];
    return "?";
}

bool sig_type_parse(const char *name, sig_type *out)
{
    if (!name) return false;
    for (unsigned i = 0; i < NTYPE_NAMES; i++) {
        if (strcmp(name, sig_type_names[i]) == 0) {
            if (out) *out = type_of_name[i];
            return true;
        }
    }
    return false;
}

bool sig_type_is_field(sig_type t)
{
    return (unsigned)t.scalar < SIG_NFIELD_SCALARS;
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

/* Equal, treating int32 and int64 as interchangeable (also as list
 * elements), and unix_timestamp and timestamp (two spellings of an
 * instant). */
bool sig_type_compatible(sig_type a, sig_type b)
{
    if (a.list != b.list) return false;
    if (a.scalar == b.scalar) return true;
    bool ai = a.scalar == SIG_INT32 || a.scalar == SIG_INT64;
    bool bi = b.scalar == SIG_INT32 || b.scalar == SIG_INT64;
    bool at = a.scalar == SIG_UNIX_TIMESTAMP || a.scalar == SIG_TIMESTAMP;
    bool bt = b.scalar == SIG_UNIX_TIMESTAMP || b.scalar == SIG_TIMESTAMP;
    return (ai && bi) || (at && bt);
}

/* ----------------------------------------------------------- aggregations */

#define SIG_TYPE_INT64 {SIG_INT64, false}
#define SIG_TYPE_DOUBLE {SIG_DOUBLE, false}
#define SIG_TYPE_STRING {SIG_STRING, false}
#define SIG_TYPE_STRING_LIST {SIG_STRING, true}
#define SIG_TYPE_DICT {SIG_DICT, false}

/* Signals keeps at most this many values of a unique_list. */
#define LIST_CAP 100

static const sig_agg_info agg_table[SIG_AGG__COUNT] = {
#define SIG_AGG_ROW(ID, NAME, PROPERTY, YIELDS, RULE, DEFAULT_TYPE, STATES, FINISH, VIEWS, \
                    GROUPS, WAREHOUSE, SUMMARY, MEANING)                                   \
    {.agg = SIG_AGG_##ID, .name = NAME,                                                    \
     .needs_property = (PROPERTY) == SIG_AGG_PROP_ANY || (PROPERTY) == SIG_AGG_PROP_NUMERIC, \
     .takes_unit = (PROPERTY) == SIG_AGG_PROP_UNIT, .in_warehouse = WAREHOUSE,             \
     .property_must_be_numeric = (PROPERTY) == SIG_AGG_PROP_NUMERIC,                       \
     .yields_list = ((YIELDS) & SIG_YIELDS_LIST) != 0, .default_type = DEFAULT_TYPE,       \
     .meaning = MEANING, .yields = YIELDS, .rule = RULE, .states = STATES,                 \
     .finish = FINISH, .reads_double = (RULE) == SIG_RULE_REAL,                            \
     .list_cap = (FINISH) == SIG_FINISH_LIST ? LIST_CAP : 0, .in_views = VIEWS,            \
     .in_groups = GROUPS, .summary = SUMMARY},
#include "signals/aggregations.def"
#undef SIG_AGG_ROW
};

const char *const sig_agg_names[] = {
#define SIG_AGG_ROW(ID, NAME, ...) NAME,
#include "signals/aggregations.def"
#undef SIG_AGG_ROW
    NULL
};

static const sig_state_info state_table[SIG_STATE__COUNT] = {
    {SIG_STATE_EVENTS, "events", "n", SIG_MERGE_SUM, "sum", false,
     "number of matching events"},
    {SIG_STATE_SUM, "sum", "sum", SIG_MERGE_SUM, "sum", true, "sum of the values"},
    {SIG_STATE_COUNT, "count", "count", SIG_MERGE_SUM, "sum", false, "number of values"},
    {SIG_STATE_MIN, "min", "min", SIG_MERGE_MIN, "min", true, "smallest value"},
    {SIG_STATE_MAX, "max", "max", SIG_MERGE_MAX, "max", true, "largest value"},
    {SIG_STATE_FIRST, "first", "first", SIG_MERGE_EARLIEST, "earliest", true,
     "value of the earliest event with a value (ties: smallest event_id)"},
    {SIG_STATE_LAST, "last", "last", SIG_MERGE_LATEST, "latest", true,
     "value of the latest event with a value (ties: largest event_id)"},
    {SIG_STATE_VALUES, "values", NULL, SIG_MERGE_UNION, "union", true,
     "each value and when it was last seen"},
};

const sig_state_info *sig_state_get(sig_state_kind k)
{
    if ((unsigned)k >= SIG_STATE__COUNT) return NULL;
    return &state_table[k];
}

const char *sig_finish_name(sig_finish f)
{
    static const char *const names[] = {"count", "sum", "divide", "value", "list"};
    if ((unsigned)f >= sizeof names / sizeof names[0]) return "?";
    return names[f];
}

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
    return (agg_table[agg].yields & SIG_TYPE_BIT(t.scalar, t.list)) != 0;
}

/* "`int32` or `int64`", "a scalar type (not a `_list`)", ...: the row's
 * yields set in words. */
const char *sig_agg_yields_text(sig_agg agg)
{
    const sig_agg_info *info = sig_agg_get(agg);
    if (!info) return "?";
    if (info->yields == SIG_YIELDS_SCALAR) return "a scalar type (not a `_list`)";
    if (info->yields == SIG_YIELDS_LIST) return "a `_list` type";
    if (info->yields == SIG_YIELDS_DICT) return "`dict`";
    static _Thread_local char buf[SIG_AGG__COUNT][160];
    char *b = buf[agg];
    if (b[0]) return b;
    unsigned n = 0, total = 0;
    for (unsigned i = 0; i < NTYPE_NAMES; i++)
        total += (info->yields & SIG_TYPE_BIT(type_of_name[i].scalar, type_of_name[i].list)) != 0;
    size_t len = 0;
    for (unsigned i = 0; i < NTYPE_NAMES; i++) {
        sig_type t = type_of_name[i];
        if (!(info->yields & SIG_TYPE_BIT(t.scalar, t.list))) continue;
        const char *sep = n == 0 ? "" : (n + 1 == total ? " or " : ", ");
        int w = snprintf(b + len, sizeof buf[0] - len, "%s`%s`", sep, sig_type_name(t));
        if (w < 0 || (size_t)w >= sizeof buf[0] - len) break;
        len += (size_t)w;
        n++;
    }
    return b;
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
    switch (agg_table[agg].rule) {
    case SIG_RULE_ANY:
    case SIG_RULE_REAL:
        return true;
    case SIG_RULE_SUM:
        /* An integer result needs an integer column: a double sum would be
         * truncated. */
        if (sig_type_is_integer(result) && !sig_type_is_integer(prop)) {
            *why = "integer";
            return false;
        }
        return true;
    case SIG_RULE_SAME:
        if (!sig_type_compatible(prop, result)) {
            *why = "same";
            return false;
        }
        return true;
    case SIG_RULE_ELEMENT: {
        sig_type elem = {result.scalar, false};
        if (!sig_type_compatible(prop, elem)) {
            *why = "element";
            return false;
        }
        return true;
    }
    }
    return false;
}

sig_type sig_agg_infer(sig_agg agg, bool prop_known, sig_type prop)
{
    const sig_agg_info *info = sig_agg_get(agg);
    sig_type d = info ? info->default_type : (sig_type){SIG_STRING, false};
    if (!info || !prop_known || prop.list) return d;
    switch (info->rule) {
    case SIG_RULE_SUM:
        if (sig_type_is_integer(prop)) return (sig_type){SIG_INT64, false};
        return d;
    case SIG_RULE_SAME:
        return prop;
    case SIG_RULE_ELEMENT:
        return (sig_type){prop.scalar, true};
    case SIG_RULE_ANY:
    case SIG_RULE_REAL:
        return d;
    }
    return d;
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
    case SIG_OP_IS_NULL: return "is null";
    case SIG_OP_IS_NOT_NULL: return "is not null";
    case SIG_OP_NOT_LIKE: return "not like";
    case SIG_OP_RLIKE: return "rlike";
    case SIG_OP_NOT_RLIKE: return "not rlike";
    case SIG_OP_NOT_IN: return "not in";
    case SIG_OP_CHANGED: return "changed";
    }
    return "?";
}

/* ------------------------------------------------------------ date parts */

const char *const sig_date_parts[] = {"active_day", "active_week", "active_month",
                                      "hour_of_day", "day_of_week", "month_of_year", NULL};

sig_type sig_date_part_type(const char *part)
{
    bool active = part && strncmp(part, "active_", 7) == 0;
    return (sig_type){active ? SIG_STRING : SIG_INT64, false};
}

bool sig_op_takes_value(sig_op op)
{
    return op != SIG_OP_IS_NULL && op != SIG_OP_IS_NOT_NULL && op != SIG_OP_CHANGED;
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
