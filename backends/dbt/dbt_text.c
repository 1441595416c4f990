/* dbt_text.c: the dbt backend's text rules: SQL string literals, Jinja- and
 * YAML-safe text, identifier quoting (reserved words), literals and the
 * attribute summaries written into comments and docs. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"

/* ----------------------------------------------------- text and escaping */

/* Copies `s` so that Jinja (dbt renders every .sql and .yml) reads it as
 * text: an opening `{{`, `{%` or `{#` becomes `{{ '{' }}` + the rest. */
static void put_jinja_safe(const gen *g, sig_buf *b, const char *s)
{
    if (g->plain) {
        sig_buf_puts(b, s);
        return;
    }
    for (const char *p = s; *p; p++) {
        if (p[0] == '{' && (p[1] == '{' || p[1] == '%' || p[1] == '#'))
            sig_buf_puts(b, "{{ '{' }}");
        else
            sig_buf_putc(b, *p);
    }
}

/* A control character that a string literal must not carry raw: Jinja
 * turns CR (and CRLF) into LF in every template, and a literal on one line
 * keeps the SQL line-oriented (`--` comments, scripts split by line). */
static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* The length of the character at `p` when a literal must not carry it raw
 * (setting *code), else 0: the control characters, and U+0085, U+2028,
 * U+2029 (line breaks to many tools) and U+FEFF (a byte order mark that
 * tools strip). */
static int special_char(const unsigned char *p, unsigned *code)
{
    if (is_ctl(p[0])) {
        *code = p[0];
        return 1;
    }
    if (p[0] == 0xc2 && p[1] == 0x85) {
        *code = 0x85;
        return 2;
    }
    if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
        *code = 0x2000u + p[2] - 0x80u;
        return 3;
    }
    if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        *code = 0xfeff;
        return 3;
    }
    return 0;
}

/* A SQL string literal of `s` for the dialect: one line, the same text on
 * every target, through Jinja too. A special_char() is escaped inside the
 * literal where the dialect has escapes (char_escape); else the literal is
 * cut there and the pieces are joined with || to char_expr, in
 * parentheses. */
const char *dbt_sql_str(gen *g, const char *s)
{
    sig_buf b = {.arena = g->a};
    sig_buf esc = {.arena = g->a};
    int pieces = 0;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        unsigned code = 0;
        int n = *p ? special_char(p, &code) : 0;
        if (n && g->d->char_escape) {
            const char *e = code < 0x20 ? strchr("\nn\rr\tt", (int)code) : NULL;
            if (e) sig_buf_printf(&esc, "\\%c", e[1]);
            else sig_dbt_tpl(&esc, g->d->char_escape, 1, (const char *const[]){S(g, "%04x", code)});
            p += n - 1;
            continue;
        }
        if (*p && !n) {
            /* where backslash escapes, a quote is \' too (BigQuery and Spark
             * read '' as two adjacent literals) */
            if (*p == '\'') sig_buf_putc(&esc, g->d->backslash_escapes ? '\\' : '\'');
            else if (*p == '\\' && g->d->backslash_escapes) sig_buf_putc(&esc, '\\');
            sig_buf_putc(&esc, (char)*p);
            continue;
        }
        /* the end, or a special character as an expression: close the
         * piece so far (the empty literal when it is all there is) */
        if (esc.len || (!*p && !pieces)) {
            if (pieces++) sig_buf_puts(&b, " || ");
            sig_buf_putc(&b, '\'');
            put_jinja_safe(g, &b, sig_buf_str(&esc));
            sig_buf_putc(&b, '\'');
            esc = (sig_buf){.arena = g->a};
        }
        if (!*p) break;
        if (pieces++) sig_buf_puts(&b, " || ");
        sig_dbt_tpl(&b, g->d->char_expr, 1, (const char *const[]){S(g, "%u", code)});
        p += n - 1;
    }
    return pieces > 1 ? S(g, "(%s)", sig_buf_str(&b)) : sig_buf_str(&b);
}

/* Text for a `--` comment: one line, Jinja-safe; special_char()s become
 * spaces. */
const char *dbt_comment_text(gen *g, const char *s)
{
    sig_buf raw = {.arena = g->a};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned code;
        int n = special_char(p, &code);
        sig_buf_putc(&raw, n ? ' ' : (char)*p);
        if (n) p += n - 1;
    }
    sig_buf b = {.arena = g->a};
    put_jinja_safe(g, &b, sig_buf_str(&raw));
    return sig_buf_str(&b);
}

/* Whether dbt renders a yml string with Jinja: only one that holds one of
 * {{ {% {# }} %} #} (get_rendered in dbt/clients/jinja.py, dbt-core). */
static bool jinja_renders(const char *s)
{
    for (const char *p = s; *p && p[1]; p++)
        if ((p[0] == '{' && strchr("{%#", p[1])) || (strchr("#}%", p[0]) && p[1] == '}'))
            return true;
    return false;
}

/* A YAML double-quoted scalar that reaches dbt as `s`: Jinja-safe (dbt
 * renders yml strings), every character YAML could read as a line break or
 * reject escaped. A string that dbt renders loses its CRs (Jinja turns them
 * into LF) and a final LF: these are then written as Jinja expressions. */
const char *dbt_yaml_str(gen *g, const char *s)
{
    bool rendered = !g->plain && jinja_renders(s);
    sig_buf b = {.arena = g->a};
    sig_buf_putc(&b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (!g->plain && p[0] == '{' && (p[1] == '{' || p[1] == '%' || p[1] == '#')) {
            sig_buf_puts(&b, "{{ '{' }}");
            continue;
        }
        switch (*p) {
        case '"': sig_buf_puts(&b, "\\\""); break;
        case '\\': sig_buf_puts(&b, "\\\\"); break;
        case '\n': sig_buf_puts(&b, rendered && !p[1] ? "{{ '\\\\n' }}" : "\\n"); break;
        case '\t': sig_buf_puts(&b, "\\t"); break;
        case '\r': sig_buf_puts(&b, rendered ? "{{ '\\\\r' }}" : "\\r"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                sig_buf_printf(&b, "\\x%02x", *p);
            } else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
                /* C1 controls: U+0085 is a line break to YAML, the others
                 * are not printable (yaml.org/spec/1.2.2, 5.4 and 5.1) */
                sig_buf_printf(&b, "\\x%02x", p[1]);
                p++;
            } else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
                /* U+2028, U+2029: line breaks to YAML 1.1 (PyYAML, dbt) */
                sig_buf_printf(&b, "\\u%04x", 0x2000 + (p[2] - 0x80));
                p += 2;
            } else if (p[0] == 0xef && ((p[1] == 0xbb && p[2] == 0xbf) ||
                                        (p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)))) {
                /* U+FEFF (a byte order mark to YAML), U+FFFE, U+FFFF */
                sig_buf_printf(&b, "\\u%04x", p[1] == 0xbb ? 0xfeff : 0xff00 + p[2] + 0x40);
                p += 2;
            } else {
                sig_buf_putc(&b, (char)*p);
            }
        }
    }
    sig_buf_putc(&b, '"');
    return sig_buf_str(&b);
}

static int cmp_word(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* Does `s` need quoting as a SQL identifier? Plain lower-case names that are
 * not reserved are left bare, so the SQL stays readable. */
bool dbt_needs_quote(const sig_dbt_dialect *d, const char *s)
{
    if (!*s || !(islower((unsigned char)*s) || *s == '_')) return true;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return true;
    return bsearch(s, d->reserved, d->nreserved, sizeof d->reserved[0], cmp_word) != NULL;
}

const char *dbt_qi(gen *g, const char *s)
{
    if (!dbt_needs_quote(g->d, s)) return s;
    sig_buf b = {.arena = g->a};
    sig_buf_puts(&b, g->d->quote_open);
    size_t ql = strlen(g->d->quote_close);
    for (const char *p = s; *p; p++) {
        if (strncmp(p, g->d->quote_close, ql) == 0) sig_buf_puts(&b, g->d->quote_close);
        sig_buf_putc(&b, *p);
    }
    sig_buf_puts(&b, g->d->quote_close);
    return sig_buf_str(&b);
}

/* dbt_qi(name + "__" + suffix) */
const char *dbt_qis(gen *g, const char *name, const char *suffix)
{
    return dbt_qi(g, S(g, "%s__%s", name, suffix));
}

bool dbt_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* ----------------------------------------------------------- attributes */

/* The value column an attribute aggregates (quoted). */
bool dbt_keeps_values(const sig_agg_info *agg)
{
    return (agg->states & SIG_STATE_BIT(SIG_STATE_VALUES)) != 0;
}

/* The SQL type of a Field type. */
const char *dbt_sql_type(gen *g, sig_type t)
{
    const char *s = g->d->type_name[t.scalar];
    return t.list ? T(g, g->d->list_type, 1, s) : s;
}

/* A scalar literal as SQL of the attribute's scalar type. */
const sqlx_node *dbt_scalar_literal(gen *g, const sig_literal *l, sig_scalar s)
{
    const char *type = g->d->type_name[s];
    switch (l->kind) {
    case SIG_LIT_STRING: return sqlx_cast(g->a, sqlx_str(g->a, l->str), type);
    case SIG_LIT_INT: return sqlx_cast(g->a, sqlx_raw(g->a, S(g, "%lld", (long long)l->i)), type);
    case SIG_LIT_DECIMAL:
        return sqlx_cast(g->a, sqlx_raw(g->a, l->str ? l->str : S(g, "%.17g", l->d)), type);
    case SIG_LIT_BOOL: return sqlx_raw(g->a, l->b ? "TRUE" : "FALSE");
    case SIG_LIT_LIST: break;
    }
    return sqlx_raw(g->a, "NULL");
}

/* A literal as the criteria compare it: strings, booleans and numbers as
 * written. */
const sqlx_node *dbt_criterion_literal(gen *g, const sig_literal *l, sig_scalar s)
{
    switch (l->kind) {
    case SIG_LIT_STRING: return sqlx_str(g->a, l->str);
    case SIG_LIT_BOOL: return sqlx_raw(g->a, l->b ? "TRUE" : "FALSE");
    case SIG_LIT_INT: return sqlx_raw(g->a, S(g, "%lld", (long long)l->i));
    case SIG_LIT_DECIMAL: return sqlx_raw(g->a, l->str ? l->str : S(g, "%.17g", l->d));
    case SIG_LIT_LIST: break;
    }
    return dbt_scalar_literal(g, l, s);
}

/* The attribute's default as a value of its type. */
const sqlx_node *dbt_default(gen *g, const sig_attribute *at)
{
    const sig_literal *l = at->default_value;
    if (!at->type.list) return dbt_scalar_literal(g, l, at->type.scalar);
    const char *lt = dbt_sql_type(g, at->type);
    if (l->kind != SIG_LIT_LIST || !l->nitems)
        return sqlx_fn_of(g->a, SQLX_FN_EMPTY_LIST, 1, sqlx_raw(g->a, lt));
    const sqlx_node **items = SIG_NEW_ARRAY(g->a, const sqlx_node *, l->nitems);
    for (size_t i = 0; i < l->nitems; i++)
        items[i] = dbt_scalar_literal(g, &l->items[i], at->type.scalar);
    const sqlx_node *list = sqlx_seq(g->a, ", ", items, l->nitems);
    return sqlx_cast(g->a, sqlx_fn_of(g->a, SQLX_FN_LIST_LITERAL, 1, list), lt);
}

/* Literal as written in the spec (for comments and docs). */
static void put_literal_text(sig_buf *b, const sig_literal *l)
{
    switch (l->kind) {
    case SIG_LIT_STRING:
        sig_buf_putc(b, '"');
        for (const char *p = l->str; *p; p++) {
            if (*p == '"' || *p == '\\') sig_buf_putc(b, '\\');
            if (*p == '\n') sig_buf_puts(b, "\\n");
            else if (*p == '\r') sig_buf_puts(b, "\\r");
            else if (*p == '\t') sig_buf_puts(b, "\\t");
            else if (is_ctl((unsigned char)*p)) sig_buf_printf(b, "\\u%04x", (unsigned char)*p);
            else sig_buf_putc(b, *p);
        }
        sig_buf_putc(b, '"');
        break;
    case SIG_LIT_INT: sig_buf_printf(b, "%lld", (long long)l->i); break;
    case SIG_LIT_DECIMAL:
        if (l->str) sig_buf_puts(b, l->str);
        else sig_buf_printf(b, "%.17g", l->d);
        break;
    case SIG_LIT_BOOL: sig_buf_puts(b, l->b ? "true" : "false"); break;
    case SIG_LIT_LIST:
        sig_buf_putc(b, '[');
        for (size_t i = 0; i < l->nitems; i++) {
            if (i) sig_buf_puts(b, ", ");
            put_literal_text(b, &l->items[i]);
        }
        sig_buf_putc(b, ']');
        break;
    }
}

const char *dbt_op_text(sig_op op)
{
    return sig_op_name(op);
}

/* The criteria as written, for comments and docs ("" when none). */
static const char *criteria_text(gen *g, const sig_criteria *cr)
{
    sig_buf b = {.arena = g->a};
    for (size_t i = 0; i < cr->nall; i++) {
        const sig_criterion *c = &cr->all[i];
        if (i) sig_buf_puts(&b, " and ");
        sig_buf_printf(&b, "%s %s", c->property.text ? c->property.text : "?", dbt_op_text(c->op));
        if (sig_op_takes_value(c->op)) {
            sig_buf_putc(&b, ' ');
            put_literal_text(&b, &c->value);
        }
    }
    if (cr->nany) {
        if (cr->nall) sig_buf_puts(&b, " and (");
        for (size_t i = 0; i < cr->nany; i++) {
            const sig_criterion *c = &cr->any[i];
            if (i) sig_buf_puts(&b, " or ");
            sig_buf_printf(&b, "%s %s", c->property.text ? c->property.text : "?", dbt_op_text(c->op));
            if (sig_op_takes_value(c->op)) {
                sig_buf_putc(&b, ' ');
                put_literal_text(&b, &c->value);
            }
        }
        if (cr->nall) sig_buf_puts(&b, ")");
    }
    return sig_buf_str(&b);
}

static const char *event_names(gen *g, const sig_attribute *at)
{
    sig_buf b = {.arena = g->a};
    for (size_t i = 0; i < at->nevents; i++)
        sig_buf_printf(&b, "%s%s", i ? (i + 1 == at->nevents ? " or " : ", ") : "",
                       at->events[i]->name);
    return sig_buf_str(&b);
}

/* "counter of page_view events where ... over the last 7 days" */
const char *dbt_attr_summary(gen *g, const sig_plan_attr *pa)
{
    const sig_attribute *at = pa->attr;
    sig_buf b = {.arena = g->a};
    const char *prop = at->property && at->property->text ? at->property->text : "the property";
    const char *args[1] = {prop};
    sig_dbt_tpl(&b, sig_agg_get(at->agg)->summary, 1, args);
    sig_buf_printf(&b, " %s events", event_names(g, at));
    const char *crit = criteria_text(g, &at->criteria);
    if (*crit) sig_buf_printf(&b, " where %s", crit);
    int64_t n = pa->window_days;
    if (n) sig_buf_printf(&b, ", over the last %lld day%s", (long long)n, n == 1 ? "" : "s");
    else sig_buf_puts(&b, ", over all time");
    if (at->default_value) {
        sig_buf_puts(&b, " (default ");
        put_literal_text(&b, at->default_value);
        sig_buf_puts(&b, ")");
    }
    return sig_buf_str(&b);
}
