/* explain.c: `explain CODE|AGGREGATION`, `codes` and `aggregations`, all
 * read from the library's tables (the diagnostic codes; the rows of
 * signals/aggregations.def through sig_agg_get()). */
#include <string.h>

#include "cli.h"

static const char *prop_text(const sig_agg_info *a)
{
    if (!a->needs_property) return "no property (counts the matching events)";
    return a->property_must_be_numeric ? "a numeric property (int32, int64, double, float)"
                                       : "a property of any type";
}

static const char *rule_text(sig_agg_rule r)
{
    switch (r) {
    case SIG_RULE_ANY: return "any of the types above, whatever the property";
    case SIG_RULE_SUM: return "the property's kind of number (an integer result needs an integer property)";
    case SIG_RULE_REAL: return "always a real number";
    case SIG_RULE_SAME: return "the property's type (int32 and int64 interchangeable)";
    case SIG_RULE_ELEMENT: return "a list of the property's type";
    }
    return "?";
}

static const char *finish_text(sig_finish f)
{
    switch (f) {
    case SIG_FINISH_COUNT: return "the event count; no event gives the default or 0";
    case SIG_FINISH_SUM: return "the sum; no value gives the default or 0";
    case SIG_FINISH_DIVIDE: return "sum / count as a double; no value gives the default or null";
    case SIG_FINISH_VALUE: return "the merged state itself; no value gives the default or null";
    case SIG_FINISH_LIST: return "the values last seen latest, oldest first, capped; none gives the default or []";
    }
    return "?";
}

/* The Field types in a SIG_TYPE_BIT set, "int32, int64". */
static void print_yields(unsigned yields)
{
    if ((yields & SIG_YIELDS_SCALAR) == SIG_YIELDS_SCALAR) {
        fputs("any scalar type", stdout);
        yields &= ~(unsigned)SIG_YIELDS_SCALAR;
        if (yields) fputs(", ", stdout);
    }
    if ((yields & SIG_YIELDS_LIST) == SIG_YIELDS_LIST) {
        fputs("any list type", stdout);
        return;
    }
    const char *sep = "";
    for (unsigned bit = 0; bit < 32; bit++) { /* SIG_TYPE_BIT: scalar + 16 * list */
        if (!(yields & (1u << bit))) continue;
        sig_type t = {(sig_scalar)(bit % 16), bit >= 16};
        printf("%s%s", sep, sig_type_name(t));
        sep = ", ";
    }
}

/* One aggregation: its meaning, then one "Key: value" line per fact
 * (tools/gen_aggregations_doc.py reads these lines). */
static void explain_aggregation(const sig_agg_info *a)
{
    char first = a->meaning[0];
    if (first >= 'a' && first <= 'z') first = (char)(first - 'a' + 'A');
    printf("%s: an aggregation\n\n%c%s.\n\n", a->name, first, a->meaning + 1);
    printf("Reads: %s\n", prop_text(a));
    fputs("Yields: ", stdout);
    print_yields(a->yields);
    printf("\nResult type: %s\n", rule_text(a->rule));
    printf("Default type: %s\n", sig_type_name(a->default_type));
    if (!a->in_warehouse) {
        /* no daily states or finish yet: the plan lowering refuses it */
        fputs("Kept per entity and day: not computed by the dbt and ddl backends yet (E0360)\n"
              "Finish: not computed by the dbt and ddl backends yet (E0360)", stdout);
    } else {
        fputs("Kept per entity and day:", stdout);
        const char *sep = " ";
        for (unsigned k = 0; k < SIG_STATE__COUNT; k++) {
            const sig_state_info *st = sig_state_get((sig_state_kind)k);
            if (!(a->states & SIG_STATE_BIT(k)) || !st) continue;
            printf("%s%s (%s; days merge by %s)", sep, st->name, st->meaning, st->merge_name);
            sep = ", ";
        }
        printf("\nFinish: %s: %s", sig_finish_name(a->finish), finish_text(a->finish));
        if (a->list_cap) printf(" (at most %d values)", a->list_cap);
    }
    printf("\nAPI (attribute groups): %s\n", a->in_groups ? "yes" : "no");
    printf("API (views, SDK 0.1.x): %s\n", a->in_views ? "yes" : "no");
}

int cmd_explain(const cli *c)
{
    if (c->nfiles != 1) return usage_error("%s", "usage: signalsc explain CODE|AGGREGATION");
    const char *code = c->files[0];
    const sig_agg_info *agg = sig_agg_lookup(code);
    if (agg) {
        explain_aggregation(agg);
        return EXIT_OK;
    }
    char upper[16];
    size_t n = strlen(code);
    if (n >= sizeof upper) n = sizeof upper - 1;
    for (size_t i = 0; i < n; i++) upper[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
    upper[n] = '\0';
    const char *title = sig_code_title(upper);
    if (!title) {
        const char *s = sig_did_you_mean(code, sig_agg_names, 0);
        fputs("signalsc: error: no diagnostic code or aggregation '", stderr);
        sig_write_escaped(stderr, code, strlen(code), false);
        fprintf(stderr, "'%s%s%s (signalsc codes and signalsc aggregations list them)\n",
                s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        return EXIT_USAGE;
    }
    printf("%s: %s\n\n%s\n", upper, title, sig_code_explanation(upper));
    return EXIT_OK;
}

static void print_code(const char *code, const char *title, void *data)
{
    (void)data;
    printf("%s  %s\n", code, title);
}

int cmd_codes(const cli *c)
{
    if (c->nfiles) return usage_error("%s", "codes takes no argument");
    sig_codes_foreach(print_code, NULL);
    return EXIT_OK;
}

int cmd_aggregations(const cli *c)
{
    if (c->nfiles) return usage_error("%s", "aggregations takes no argument");
    for (unsigned i = 0; i < SIG_AGG__COUNT; i++) {
        const sig_agg_info *a = sig_agg_get((sig_agg)i);
        if (a) printf("%-12s %s\n", a->name, a->meaning);
    }
    return EXIT_OK;
}
