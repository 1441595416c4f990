/* import_rule.c: rule-based interventions (the API's RuleIntervention,
 * SDK 0.4.6; RuleInterventionInput of SDK 0.4.10) as `intervention NAME vN
 * { when ... target ... payload ... }`. */
#include <limits.h>
#include <string.h>

#include "import/import_internal.h"
#include "text.h"

/* The operators of a rule's Criterion, and those that take no value. */
static const char *const rule_ops[] = {"=", "!=", "<", ">", "<=", ">=", "like", "not like", "rlike",
                                       "not rlike", "in", "not in", "is null", "is not null",
                                       "changed", NULL};

static bool in_list(const char *const *l, const char *s)
{
    for (size_t i = 0; s && l[i]; i++)
        if (strcmp(l[i], s) == 0) return true;
    return false;
}

/* A Criterion {attribute "VIEW:ATTRIBUTE", operator, value?} as
 * `VIEW.ATTRIBUTE OP VALUE`. */
static bool put_rule_criterion(im *m, sig_buf *b, const cJSON *c, const char *where)
{
    static const char *const carried[] = {"attribute", "operator", "value", NULL};
    static const char *const no_value[] = {"is null", "is not null", "changed", NULL};
    if (!imp_members(m, c, where, carried, NULL)) return false;
    const char *ref = imp_jstr(c, "attribute"), *op = imp_jstr(c, "operator");
    const cJSON *v = imp_jget(c, "value");
    if (!ref || !in_list(rule_ops, op)) {
        imp_err(m, "E0931", where, "a rule criterion needs an `attribute` and an operator (= != < > "
                "<= >= like not like rlike not rlike in not in, is null, is not null, changed)");
        return false;
    }
    if (in_list(no_value, op) ? v != NULL : v == NULL) {
        imp_err(m, "E0931", in_list(no_value, op) ? imp_member(m, where, "value") : where,
                "the operator `%s` takes %s value", op, in_list(no_value, op) ? "no" : "a");
        return false;
    }
    /* "view:attribute" (unversioned, the checker's E0370). */
    const char *colon = strchr(ref, ':');
    const char *view = colon ? sig_arena_strndup(m->a, ref, (size_t)(colon - ref)) : NULL;
    if (!view || !imp_is_name(colon + 1)) {
        imp_err(m, "E0932", imp_member(m, where, "attribute"), "`%s` is not `view:attribute`",
                imp_clip(m, ref));
        return false;
    }
    if (!imp_check_name(m, view, "view name", imp_member(m, where, "attribute"))) return false;
    sig_buf_printf(b, "%s.%s %s", imp_name(m, view), colon + 1, op);
    if (!v) return true;
    sig_buf_putc(b, ' ');
    return imp_put_literal(m, b, v, true, imp_member(m, where, "value"));
}

static bool put_rule(im *m, sig_buf *b, const cJSON *c, const char *where, bool nested);

/* The items of an all / any / none as `A and B`, `A or B`, `not (A or B)`.
 * A one-item all or any is its item, and an all in an all (any in an any)
 * merges into it: the language writes them so, and the rule is the same. */
static bool put_rule_group(im *m, sig_buf *b, const cJSON *c, const char *k, const char *where,
                           bool nested)
{
    const cJSON *l = imp_jget(c, k);
    const char *w = imp_member(m, where, k);
    int n = cJSON_IsArray(l) ? cJSON_GetArraySize(l) : 0;
    if (!n) {
        imp_err(m, "E0931", w, "`%s` is a list of at least one criterion", k);
        return false;
    }
    bool none = strcmp(k, "none") == 0;
    bool parens = none ? n > 1 : nested && n > 1;
    sig_buf_puts(b, none ? "not " : "");
    if (parens) sig_buf_putc(b, '(');
    const cJSON *it;
    int i = 0;
    cJSON_ArrayForEach(it, l) {
        if (i) sig_buf_puts(b, strcmp(k, "all") == 0 ? " and " : " or ");
        if (!put_rule(m, b, it, sig_arena_printf(m->a, "%s[%d]", w, i), n > 1 || none)) return false;
        i++;
    }
    if (parens) sig_buf_putc(b, ')');
    return true;
}

/* CriteriaAll / Any / None or a Criterion; `nested` when it is an item
 * of a group with others (a group is then in parentheses). */
static bool put_rule(im *m, sig_buf *b, const cJSON *c, const char *where, bool nested)
{
    if (!cJSON_IsObject(c)) {
        imp_err(m, "E0931", where, "a rule criterion is an object");
        return false;
    }
    static const char *const kinds[] = {"all", "any", "none", NULL};
    for (size_t i = 0; kinds[i]; i++) {
        if (!imp_jget(c, kinds[i])) continue;
        const char *const carried[] = {kinds[i], NULL};
        if (!imp_members(m, c, where, carried, NULL)) return false;
        return put_rule_group(m, b, c, kinds[i], where, nested);
    }
    return put_rule_criterion(m, b, c, where);
}

/* `IND KW a, b vN, ...` from a list of {"name"[, "version"]} links. */
static bool put_links(im *m, sig_buf *b, const cJSON *l, const char *kw, const char *where,
                      bool versioned)
{
    static const char *const key_link[] = {"name", NULL};
    static const char *const group_link[] = {"name", "version", NULL};
    if (!l || !cJSON_GetArraySize(l)) return true;
    sig_buf_printf(b, "    %s ", kw);
    const cJSON *r;
    int i = 0;
    cJSON_ArrayForEach(r, l) {
        const char *w = sig_arena_printf(m->a, "%s[%d]", where, i);
        if (!cJSON_IsObject(r)) {
            imp_err(m, "E0931", w, "a link is an object");
            return false;
        }
        if (!imp_members(m, r, w, versioned ? group_link : key_link, NULL)) return false;
        const char *name = imp_jstr(r, "name");
        if (!imp_check_name(m, name, kw, imp_member(m, w, "name"))) return false;
        sig_buf_printf(b, "%s%s", i++ ? ", " : "", imp_name(m, name));
        const cJSON *ver = imp_jget(r, "version");
        long long v;
        if (versioned && ver) {
            if (!imp_int_in(m, ver, 1, INT_MAX, "a version", imp_member(m, w, "version"), &v)) return false;
            sig_buf_printf(b, " v%lld", v);
        }
    }
    sig_buf_putc(b, '\n');
    return true;
}

void imp_put_intervention(im *m, sig_buf *b, const cJSON *iv, const char *where)
{
    static const char *const carried[] = {"name", "version", "description", "owner", "criteria",
                                          "target_attribute_keys", "payload_attribute_groups", NULL};
    static const char *const ignored[] = {"is_published", NULL};
    const char *name = imp_jstr(iv, "name");
    if (!imp_check_name(m, name, "intervention name", imp_member(m, where, "name"))) return;
    if (!imp_members(m, iv, where, carried, ignored)) return;
    const cJSON *ver = imp_jget(iv, "version");
    long long version = 1;
    if (ver && !imp_int_in(m, ver, 1, INT_MAX, "an intervention version", imp_member(m, where, "version"),
                           &version))
        return;
    const cJSON *cr = imp_jget(iv, "criteria");
    if (!cr) {
        imp_err(m, "E0931", where, "an intervention needs `criteria`");
        return;
    }
    sig_buf t = {.arena = m->a};
    sig_buf_printf(&t, "intervention %s v%lld {\n    when ", imp_name(m, name), version);
    if (!put_rule(m, &t, cr, imp_member(m, where, "criteria"), false)) return;
    sig_buf_putc(&t, '\n');
    if (!put_links(m, &t, imp_jget(iv, "target_attribute_keys"), "target",
                   imp_member(m, where, "target_attribute_keys"), false) ||
        !put_links(m, &t, imp_jget(iv, "payload_attribute_groups"), "payload",
                   imp_member(m, where, "payload_attribute_groups"), true))
        return;
    imp_put_setting_str(&t, "    ", "owner", imp_jstr(iv, "owner"));
    imp_put_setting_str(&t, "    ", "description", imp_jstr(iv, "description"));
    sig_buf_puts(&t, "}\n");
    if (b->len) sig_buf_putc(b, '\n');
    sig_buf_append(b, t.data, t.len);
}
