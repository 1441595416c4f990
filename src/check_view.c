/* check_view.c: passes 4 and 5 of the checker, views (attribute groups)
 * and services. See check.c for the passes and codes_check.def for every
 * code. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check_internal.h"
#include "signals/output.h"
#include "signals/signals.h"

/* ------------------------------------------------------ pass 4: views */

ck_sym *ck_use_entity(ck *c, const sig_ident *id)
{
    ck_sym *s = ck_resolve(c, id, &c->entities, CK_ENTITY,
                        "the built-in entities are domain_userid, domain_sessionid, user_id, "
                        "network_userid, user and session; or declare one with "
                        "`entity NAME { property ... }`");
    if (!s) return NULL;
    if (s->builtin && !s->done) {
        s->done = true; /* in the model's keys */
        sig_ptrvec_push(c->a, &c->keys, s->obj);
    }
    return s;
}

/* E0352: `YYYY-MM-DDTHH:MM:SSZ`, a UTC instant in the one form that
 * pydantic's datetime sends back as written (AttributeGroup
 * .backfill_since_tstamp), so that bodies are byte-identical. */
static bool ck_utc_timestamp(ck *c, const char *t, sig_loc loc)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    bool ok = strlen(t) == sizeof shape - 1;
    for (size_t i = 0; ok && shape[i]; i++)
        ok = shape[i] == 'd' ? (t[i] >= '0' && t[i] <= '9') : t[i] == shape[i];
    if (ok) {
        int mo = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
        int h = (t[11] - '0') * 10 + (t[12] - '0'), mi = (t[14] - '0') * 10 + (t[15] - '0');
        int se = (t[17] - '0') * 10 + (t[18] - '0');
        ok = mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 59;
    }
    if (ok) return true;
    sig_diag *d = sig_error(c->ctx, loc, "E0352", "invalid timestamp `%s`", t);
    sig_diag_label(c->ctx, d, "expected a UTC timestamp");
    sig_diag_help(c->ctx, d, "write it as `\"2025-01-31T00:00:00Z\"`");
    return false;
}

void ck_check_view(ck *c, ck_sym *s)
{
    const sig_ast_decl *decl = s->decl;
    sig_view *v = s->obj;
    v->name = s->name;
    v->version = s->version >= 1 ? s->version : 1;
    v->loc = s->loc;
    v->ttl_seconds = -1;
    v->online = true;
    bool ok = true;
    const sig_ast_setting *set[SIG_SET__COUNT];
    ck_collect_settings(c, decl->block, BK_VIEW, set);

    if (!set[SIG_SET_ENTITY] && c->partial) {
        ok = false;
    } else if (!set[SIG_SET_ENTITY]) {
        sig_diag *d = sig_error(c->ctx, s->loc, "E0312", "view `%s` has no `entity`", s->name);
        sig_diag_label(c->ctx, d, "the entity the attributes are computed for is required");
        sig_diag_help(c->ctx, d, "add `entity domain_userid` (or another entity) to its block");
        ok = false;
    } else {
        ck_sym *e = ck_use_entity(c, &set[SIG_SET_ENTITY]->name);
        if (e && e->ok) v->key = e->obj;
        else ok = false;
    }
    if (set[SIG_SET_ONLINE]) v->online = set[SIG_SET_ONLINE]->b;
    if (set[SIG_SET_OFFLINE]) {
        v->offline_set = true;
        v->offline = set[SIG_SET_OFFLINE]->b;
    }
    if (set[SIG_SET_TTL] && !ck_duration(c, &set[SIG_SET_TTL]->duration, &v->ttl_seconds)) {
        v->ttl_seconds = -1;
        ok = false;
    }
    if (set[SIG_SET_REFRESH_RATE] &&
        !ck_duration(c, &set[SIG_SET_REFRESH_RATE]->duration, &v->refresh_rate_seconds)) {
        v->refresh_rate_seconds = 0;
        ok = false;
    }
    if (set[SIG_SET_BACKFILL_SINCE_TSTAMP] && set[SIG_SET_BACKFILL_SINCE_TSTAMP]->str) {
        const sig_ast_setting *b = set[SIG_SET_BACKFILL_SINCE_TSTAMP];
        if (ck_utc_timestamp(c, b->str, b->str_loc)) v->backfill_since_tstamp = b->str;
        else ok = false;
    }
    if (set[SIG_SET_OWNER]) v->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) v->description = set[SIG_SET_DESCRIPTION]->str;
    ck_convert_tags(c, set[SIG_SET_TAGS], &v->tags, &v->ntags);

    /* Attributes, listed and inline, in the order written. */
    sig_ptrvec attrs = {0}, attr_locs = {0};
    size_t next_inline = 0;
    bool any_attr_setting = false;
    sig_loc first_attr_loc = SIG_NOLOC;
    for (size_t i = 0; decl->block && decl->block->items && i < decl->block->nitems; i++) {
        const sig_ast_setting *st = &decl->block->items[i];
        if (st->kind == SIG_SET_ATTRIBUTES && st == set[SIG_SET_ATTRIBUTES]) {
            any_attr_setting = true;
            if (!ck_has_loc(first_attr_loc)) first_attr_loc = st->loc;
            for (size_t j = 0; st->names && j < st->nnames; j++) {
                const sig_ident *id = &st->names[j];
                ck_sym *as = ck_resolve(c, id, &c->attributes, CK_ATTRIBUTE,
                                     "declare it with `attribute NAME = AGGREGATION(...) "
                                     "from EVENT`, at top level or inside this view");
                if (!as) { ok = false; continue; }
                bool dup = false;
                for (size_t k = 0; k < attrs.len; k++) {
                    if (attrs.items[k] != as) continue;
                    sig_diag *d = sig_error(c->ctx, id->loc, "E0314", "attribute `%s` is "
                                            "listed twice in view `%s`", id->name, s->name);
                    sig_diag_label(c->ctx, d, "listed again here");
                    sig_diag_note(c->ctx, d, *(sig_loc *)attr_locs.items[k], "first listed here");
                    dup = true;
                    break;
                }
                if (dup) { ok = false; continue; }
                sig_ptrvec_push(c->a, &attrs, as);
                sig_ptrvec_push(c->a, &attr_locs, (void *)(uintptr_t)&id->loc);
            }
        } else if (st->kind == SIG_SET_ATTRIBUTE && st->attribute) {
            any_attr_setting = true;
            if (!ck_has_loc(first_attr_loc)) first_attr_loc = st->loc;
            if (!st->attribute->name.name || next_inline >= s->inline_attrs.len) continue;
            ck_sym *as = s->inline_attrs.items[next_inline++];
            sig_ptrvec_push(c->a, &attrs, as);
            sig_ptrvec_push(c->a, &attr_locs, (void *)(uintptr_t)&as->loc);
        }
    }
    const sig_attribute **list = SIG_NEW_ARRAY(c->a, const sig_attribute *,
                                               attrs.len ? attrs.len : 1);
    for (size_t i = 0; i < attrs.len; i++) {
        ck_sym *as = attrs.items[i];
        list[i] = as->obj;
        if (!as->ok) ok = false;
    }
    v->attributes = list;
    v->nattributes = attrs.len;

    /* Source and fields. */
    const sig_ast_setting *src = set[SIG_SET_SOURCE];
    if (src) {
        ck_sym *bs = ck_resolve(c, &src->name, &c->sources, CK_SOURCE,
                             "declare it with `batch_source NAME { database ... schema ... "
                             "table ... timestamp_field ... }`");
        if (bs && bs->ok) v->source = bs->obj;
        else ok = false;
    }
    size_t nfields = 0;
    const sig_ast_setting *first_field = NULL;
    for (size_t i = 0; decl->block && decl->block->items && i < decl->block->nitems; i++)
        if (decl->block->items[i].kind == SIG_SET_FIELD) {
            if (!first_field) first_field = &decl->block->items[i];
            nfields++;
        }
    sig_field *fields = SIG_NEW_ARRAY(c->a, sig_field, nfields ? nfields : 1);
    size_t nf = 0;
    for (size_t i = 0; decl->block && decl->block->items && i < decl->block->nitems; i++) {
        const sig_ast_setting *st = &decl->block->items[i];
        if (st->kind != SIG_SET_FIELD || !st->field.name.name) continue;
        const sig_ast_field *f = &st->field;
        if (!ck_check_name(c, f->name.name, f->name.loc, "field")) ok = false;
        bool dup = false;
        for (size_t k = 0; k < nf; k++) {
            if (strcmp(fields[k].name, f->name.name) != 0) continue;
            sig_diag *d = sig_error(c->ctx, f->name.loc, "E0302", "field `%s` is declared "
                                    "twice in view `%s`", f->name.name, s->name);
            sig_diag_label(c->ctx, d, "declared again here");
            sig_diag_note(c->ctx, d, fields[k].loc, "first declared here");
            dup = true;
        }
        if (dup) { ok = false; continue; }
        sig_field *out = &fields[nf];
        out->name = f->name.name;
        out->loc = f->name.loc;
        if (f->type.name && !ck_parse_type(c, &f->type, &out->type)) {
            ok = false;
        } else if (f->type.name && !sig_type_is_field(out->type)) {
            /* FieldModel.type has the 16 Field types only (SDK 0.4.10) */
            sig_diag *d = sig_error(c->ctx, f->type.loc, "E0329", "a field cannot be `%s`",
                                    f->type.name);
            sig_diag_label(c->ctx, d, "an attribute type only");
            sig_diag_help(c->ctx, d, "a field of an external table has one of the 16 Field "
                          "types: bytes, string, int32, int64, double, float, bool, "
                          "unix_timestamp and their `_list` forms");
            ok = false;
        }
        const sig_ast_setting *fset[SIG_SET__COUNT];
        ck_collect_settings(c, f->block, BK_FIELD, fset);
        if (fset[SIG_SET_DESCRIPTION]) out->description = fset[SIG_SET_DESCRIPTION]->str;
        nf++;
    }
    v->fields = fields;
    v->nfields = nf;

    /* Shape: attributes, or source + fields; an offline view with
     * attributes may name the batch source its results are synced to (the
     * API's BatchAttributeGroup.batch_source, SDK 0.4.10). */
    bool batch_group = any_attr_setting && src && !first_field && v->offline;
    if (any_attr_setting && (src || first_field) && !batch_group) {
        const sig_ast_setting *bad = src ? src : first_field;
        sig_diag *d = sig_error(c->ctx, ck_has_loc(bad->keyword_loc) ? bad->keyword_loc
                                                                      : bad->loc, "E0313",
                                "view `%s` has both attributes and %s",
                                s->name, src ? "a `source`" : "`field`s");
        sig_diag_label(c->ctx, d, "not allowed in a view with attributes");
        sig_diag_note(c->ctx, d, first_attr_loc, "the view's attributes start here");
        sig_diag_help(c->ctx, d, "a view is computed from attributes, or describes an existing "
                      "table with `source` and `field`s; split it into two views");
        ok = false;
    } else if (!any_attr_setting && !src && !first_field && c->partial) {
        ok = false;
    } else if (!any_attr_setting && !src && !first_field) {
        sig_diag *d = sig_error(c->ctx, s->loc, "E0313", "view `%s` has no attributes and no "
                                "fields", s->name);
        sig_diag_label(c->ctx, d, "an empty view");
        sig_diag_help(c->ctx, d, "list attributes (`attributes a, b`), declare them inside "
                      "(`attribute ...`), or describe a table with `source NAME` and "
                      "`field NAME: TYPE`");
        ok = false;
    } else if (src && !first_field && !batch_group) {
        sig_diag *d = sig_error(c->ctx, ck_has_loc(src->keyword_loc) ? src->keyword_loc
                                                                      : src->loc, "E0313",
                                "view `%s` has a batch source but no fields", s->name);
        sig_diag_label(c->ctx, d, "which columns of the table?");
        sig_diag_help(c->ctx, d, "describe the table's columns: `field NAME: TYPE`");
        ok = false;
    } else if (first_field && !src) {
        sig_diag *d = sig_error(c->ctx, ck_has_loc(first_field->keyword_loc)
                                            ? first_field->keyword_loc : first_field->loc,
                                "E0313", "view `%s` has fields but no batch source", s->name);
        sig_diag_label(c->ctx, d, "fields of which table?");
        sig_diag_help(c->ctx, d, "add `source BATCH_SOURCE` naming the table's batch source");
        ok = false;
    }

    /* Offline views work at day grain. */
    if (v->offline) {
        for (size_t i = 0; i < attrs.len; i++) {
            ck_sym *as = attrs.items[i];
            const sig_attribute *a = as->obj;
            if (!as->done || a->period_seconds % 86400 == 0 || as->offline_reported) continue;
            as->offline_reported = true;
            sig_loc pl = ck_has_loc(as->attr->period_loc) ? as->attr->period_loc : as->loc;
            sig_diag *d = sig_error(c->ctx, pl, "E0340", "attribute `%s` is in an offline view, "
                                    "but its period is not whole days", as->name);
            sig_diag_label(c->ctx, d, "%" PRId64 " seconds is not a whole number of days",
                           a->period_seconds);
            sig_diag_note(c->ctx, d, set[SIG_SET_OFFLINE] ? set[SIG_SET_OFFLINE]->loc : s->loc,
                          "view `%s` is computed in the warehouse (offline), at day grain",
                          s->name);
            int64_t days = (a->period_seconds + 86399) / 86400;
            sig_diag_help(c->ctx, d, "use `over last %" PRId64 " day%s`, or list the attribute "
                          "in online views only", days, days == 1 ? "" : "s");
            ok = false;
        }
    }
    s->ok = s->ok && ok;
}

/* --------------------------------------------------- pass 5: services */

void ck_check_service(ck *c, ck_sym *s)
{
    sig_service *sv = s->obj;
    sv->name = s->name;
    sv->loc = s->loc;
    const sig_ast_setting *set[SIG_SET__COUNT];
    ck_collect_settings(c, s->decl->block, BK_SERVICE, set);
    if (set[SIG_SET_OWNER]) sv->owner = set[SIG_SET_OWNER]->str;
    if (set[SIG_SET_DESCRIPTION]) sv->description = set[SIG_SET_DESCRIPTION]->str;
    ck_convert_tags(c, set[SIG_SET_TAGS], &sv->tags, &sv->ntags);
    const sig_ast_setting *vs = set[SIG_SET_VIEWS];
    if (!vs) {
        s->ok = false;
        if (c->partial) return;
        sig_diag *d = sig_error(c->ctx, s->loc, "E0312", "service `%s` has no `views`",
                                s->name);
        sig_diag_label(c->ctx, d, "a service serves views");
        sig_diag_help(c->ctx, d, "add `views VIEW, ...` to its block");
        s->ok = false;
        return;
    }
    sig_view_ref *refs = SIG_NEW_ARRAY(c->a, sig_view_ref, vs->nviews ? vs->nviews : 1);
    size_t n = 0;
    for (size_t i = 0; vs->views && i < vs->nviews; i++) {
        const sig_ast_view_ref *r = &vs->views[i];
        ck_sym *first = ck_resolve(c, &r->name, &c->views, CK_VIEW,
                                "declare it with `view NAME { entity ... attributes ... }`");
        if (!first) { s->ok = false; continue; }
        ck_sym *pick = NULL;
        if (r->has_version) {
            if (r->version < 1) {
                sig_diag *d = sig_error(c->ctx, r->version_loc, "E0351", "view version `v%d` "
                                        "is invalid", r->version);
                sig_diag_label(c->ctx, d, "versions start at 1");
                s->ok = false;
                continue;
            }
            for (ck_sym *p = first; p; p = p->next_version)
                if (p->version == r->version) pick = p;
            if (!pick) {
                sig_buf vers = {.arena = c->a};
                ck_sym *hi = first;
                for (ck_sym *p = first; p; p = p->next_version) {
                    sig_buf_printf(&vers, "%sv%d", p == first ? "" : ", ", p->version);
                    if (p->version > hi->version) hi = p;
                }
                sig_diag *d = sig_error(c->ctx, ck_has_loc(r->version_loc) ? r->version_loc
                                                                             : r->name.loc,
                                        "E0305", "view `%s` has no version %d", r->name.name,
                                        r->version);
                sig_diag_label(c->ctx, d, "no such version");
                sig_diag_note(c->ctx, d, hi->loc, "`%s` is declared with %s", r->name.name,
                              sig_buf_str(&vers));
                sig_diag_help(c->ctx, d, "write `%s v%d`, or leave the version out for the "
                              "highest", r->name.name, hi->version);
                s->ok = false;
                continue;
            }
        } else {
            pick = first;
            for (ck_sym *p = first; p; p = p->next_version)
                if (p->version > pick->version) pick = p;
        }
        bool dup = false;
        for (size_t k = 0; k < n; k++) {
            if (refs[k].view != pick->obj) continue;
            sig_diag *d = sig_error(c->ctx, r->name.loc, "E0314", "view `%s` v%d is listed "
                                    "twice in service `%s`", r->name.name, pick->version,
                                    s->name);
            sig_diag_label(c->ctx, d, "listed again here");
            dup = true;
        }
        if (dup) { s->ok = false; continue; }
        refs[n].view = pick->obj;
        refs[n].version = pick->version;
        n++;
    }
    sv->views = refs;
    sv->nviews = n;
}

