/* check_attr.c: pass 3 of the checker, attributes: aggregation, property,
 * type, criteria, events, period and block (E0320-E0327). See check.c for
 * the passes and codes_check.def for every code. */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"
#include "signals/output.h"
#include "signals/signals.h"

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

/* The API's Attribute.time_unit values (SDK 0.4.8). */
static const char *const time_units[] = {"s", "min", "h", "d", NULL};

/* time_since_*(UNIT): the argument is the unit; E0328 when it is missing
 * or not one of s, min, h, d. */
static bool time_unit(ck *c, const sig_ast_attribute *at, const sig_agg_info *info,
                      const char **out)
{
    const sig_ast_property *p = at->property;
    const char *unit = p && p->nsegs == 1 && p->segs[0].kind == SIG_SEG_NAME ? p->segs[0].name
                                                                          : NULL;
    for (size_t i = 0; unit && time_units[i]; i++) {
        if (strcmp(unit, time_units[i]) == 0) {
            *out = time_units[i];
            return true;
        }
    }
    sig_loc l = p ? p->loc : (ck_has_loc(at->call_loc) ? at->call_loc : at->agg.loc);
    sig_diag *d;
    if (!p) {
        d = sig_error(c->ctx, l, "E0328", "`%s` needs a time unit", info->name);
        sig_diag_label(c->ctx, d, "in which unit?");
    } else {
        d = sig_error(c->ctx, l, "E0328", "`%s` is not a time unit", p->text ? p->text : "?");
        sig_diag_label(c->ctx, d, "`%s` takes a time unit, not a property", info->name);
        const char *sug = unit ? sig_did_you_mean(unit, time_units, 0) : NULL;
        if (sug) sig_diag_suggest(c->ctx, d, sug);
    }
    sig_diag_help(c->ctx, d, "write `%s(s)`, `(min)`, `(h)` or `(d)`: seconds, minutes, hours "
                  "or days", info->name);
    return false;
}

void ck_check_attribute(ck *c, ck_sym *s)
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

    /* Property (for time_since_*, the time unit in its place). */
    sig_ptrvec reads = {0};
    sig_property *prop = NULL;
    bool prop_ok = false;
    if (info && info->takes_unit) {
        if (!time_unit(c, at, info, &a->time_unit)) ok = false;
    } else if (at->property) {
        prop = SIG_NEW(c->a, sig_property);
        prop_ok = ck_resolve_property(c, at->property, prop);
        if (!prop_ok) ok = false;
        else ck_event_reads(c, &reads, prop);
    }
    if (info && info->needs_property && !at->property) {
        sig_loc l = ck_has_loc(at->call_loc) ? at->call_loc : at->agg.loc;
        sig_diag *d = sig_error(c->ctx, l, "E0323", "`%s` needs a property", info->name);
        sig_diag_label(c->ctx, d, "aggregates what?");
        sig_diag_help(c->ctx, d, "write the property to aggregate, e.g. `%s(%s)`", info->name,
                      info->property_must_be_numeric ? "se_value" : "mkt_source");
        ok = false;
    } else if (info && !info->needs_property && !info->takes_unit && at->property) {
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
        if (!ck_parse_type(c, &at->type, &t)) {
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
    /* `from all`: every event, the API's empty `events` list (SDK 0.4.10),
     * unless an event is named `all` */
    a->all_events = at->nevents == 1 && at->events && at->events[0].name &&
                    strcmp(at->events[0].name, "all") == 0 && !ck_map_get(&c->evctx, "all");
    if (at->has_from || at->nevents) {
        for (size_t i = 0; !a->all_events && at->events && i < at->nevents; i++) {
            const sig_ident *id = &at->events[i];
            ck_sym *es = ck_resolve(c, id, &c->evctx, CK_EVENT,
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
        if (events_ok && !a->all_events) {
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
    ck_collect_settings(c, at->block, BK_ATTRIBUTE, set);
    if (set[SIG_SET_DESCRIPTION]) a->description = set[SIG_SET_DESCRIPTION]->str;
    if (set[SIG_SET_TTL] && ck_duration(c, &set[SIG_SET_TTL]->duration, &a->ttl_seconds)) {
        if (at->has_period) {
            /* Attribute.ttl: "Only valid for lifetime attributes (no period)" */
            sig_diag *d = sig_error(c->ctx, set[SIG_SET_TTL]->loc, "E0343", "attribute `%s` "
                                    "has a `ttl` and a period", s->name);
            sig_diag_label(c->ctx, d, "a ttl is for lifetime attributes only");
            sig_diag_note(c->ctx, d, at->period_loc, "the period is here");
            sig_diag_help(c->ctx, d, "remove the `ttl`, or the `over last` period");
            ok = false;
        }
    } else if (set[SIG_SET_TTL]) {
        a->ttl_seconds = 0;
        ok = false;
    }
    ck_convert_tags(c, set[SIG_SET_TAGS], &a->tags, &a->ntags);
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

