/* dbt.c: the dbt backend. Lowers the offline views of a checked model into a
 * self-contained dbt project (no dbt packages) that computes their
 * attributes incrementally, exactly as docs/language.md section 6 says.
 *
 * Per view V version N (prefix P = V_vN) it writes four models, all in the
 * target schema:
 *
 *   P_events        incremental, append only: the view's events, one row per
 *                   event_id (the copy loaded first), with the entity value,
 *                   event day and every property value converted once.
 *   P_daily         incremental, delete+insert on (entity, event_day): the
 *                   partial state of every scalar attribute per entity and
 *                   day. A run recomputes exactly the (entity, day) pairs
 *                   touched by the events stored since it last ran, from all
 *                   stored events of those pairs, so late events are counted.
 *   P_daily_values  (only with unique_list attributes) same grain plus
 *                   (attribute, value): when each value was last seen.
 *   P_attributes    incremental, delete+insert on the entity: recomputes every
 *                   row from the daily models (windows move with `today`) and
 *                   writes only new or changed rows, stamped with updated_at.
 *
 * What each model computes comes from the view's plan (signals/plan.h:
 * event filters, property columns, match flags, states, windows), lowered
 * once; this file only says how, in SQL. Every warehouse difference comes
 * from the dialect table (dialect.c). The generated text is a function of
 * the model and options only. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "dialect.h"
#include "sqlgen.h"
#include "signals/plan.h"
#include "signals/signals.h"

typedef struct gen {
    sig_ctx *ctx;
    sig_arena *a;
    const sig_dbt_dialect *d;
    const sig_compile_options *opts;
    const char *project;
    /* the view being generated */
    const sig_view *v;
    const char *prefix;      /* "V_vN" */
    const char *entity;      /* entity column name as written */
    const char *qentity;     /* ... quoted when needed */
    const char *run_ts;      /* SQL timestamp literal of the run */
    /* plain SQL (sig_sqlgen_plain): no Jinja, a full recompute; models are
     * handed to sink instead of written as files */
    bool plain;
    const char *events_table; /* plain: the qualified events table */
    sig_sqlgen_sink *sink;
    void *sink_ud;
    /* the view's plan: its events, property columns, states and windows */
    const sig_plan *plan;
    /* plain: inside the incremental part of a block, which starts at inc_mark */
    bool inc_in_if;
    size_t inc_mark;
} gen;

static const char *S(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *S(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = sig_arena_vprintf(g->a, fmt, ap);
    va_end(ap);
    return s;
}

static const char *T(gen *g, const char *tpl, int n, ...)
{
    const char *args[10];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n && i < 10; i++) args[i] = va_arg(ap, const char *);
    va_end(ap);
    sig_buf b = {.arena = g->a};
    sig_dbt_tpl(&b, tpl, n, args);
    return sig_buf_str(&b);
}

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
static const char *sql_str(gen *g, const char *s)
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

/* A LIKE comparison of `col` with `pattern`, whose `\` escapes `%`, `_`
 * and `\` (docs/language.md section 5; the checker rejects any other use of
 * `\`, E0333), written so that every target reads it so: each dialect's
 * ESCAPE clause, or none where `\` is the only escape (BigQuery). */
static const char *like_sql(gen *g, const char *col, const char *pattern)
{
    return T(g, g->d->like, 3, col, sql_str(g, pattern), sql_str(g, "\\"));
}

/* Text for a `--` comment: one line, Jinja-safe; special_char()s become
 * spaces. */
static const char *comment_text(gen *g, const char *s)
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
static const char *yaml_str(gen *g, const char *s)
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

/* Words reserved by DuckDB, PostgreSQL, Snowflake, BigQuery or Databricks
 * (the union, so that a name is quoted the same way on every target).
 * Sorted in strcmp order: is_reserved() binary-searches it. */
static const char *const reserved_words[] = {
    "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc",
    "asymmetric", "at", "between", "both", "by", "case", "cast", "check",
    "collate", "column", "connect", "constraint", "create", "cross", "current",
    "current_date", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "delete", "desc", "describe", "distinct", "do",
    "drop", "else", "end", "except", "exists", "extract", "false", "fetch",
    "following", "for", "foreign", "from", "full", "grant", "group", "having",
    "if", "ilike", "in", "increment", "initially", "inner", "insert",
    "intersect", "interval", "into", "is", "join", "lambda", "lateral",
    "leading", "left", "like", "limit", "localtime", "localtimestamp",
    "minus", "natural", "not", "null", "of", "offset", "on", "only", "or",
    "order", "outer", "over", "partition", "pivot", "pivot_longer",
    "pivot_wider", "placing", "primary", "qualify", "range", "references",
    "regexp", "returning", "revoke", "right", "rlike", "row", "rows", "sample",
    "select", "session_user", "set", "show", "some", "start", "summarize",
    "symmetric", "table", "tablesample", "then", "to", "trailing", "trigger",
    "true", "union", "unique", "unpivot", "update", "user", "using", "values",
    "variadic", "when", "whenever", "where", "window", "with",
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

static bool is_reserved(const char *s)
{
    return bsearch(s, reserved_words, sizeof reserved_words / sizeof reserved_words[0],
                   sizeof reserved_words[0], cmp_word) != NULL;
}

/* Does `s` need quoting as a SQL identifier? Plain lower-case names that are
 * not reserved are left bare, so the SQL stays readable. */
static bool needs_quote(const char *s)
{
    if (!*s || !(islower((unsigned char)*s) || *s == '_')) return true;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return true;
    return is_reserved(s);
}

static const char *qi(gen *g, const char *s)
{
    if (!needs_quote(s)) return s;
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

/* qi(name + "__" + suffix) */
static const char *qis(gen *g, const char *name, const char *suffix)
{
    return qi(g, S(g, "%s__%s", name, suffix));
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* ----------------------------------------------------------- properties */

/* A field name as Snowplow's BigQuery and Databricks loaders name struct
 * fields: camelCase becomes snake_case (`deviceClass` -> `device_class`). */
static const char *snake_case(gen *g, const char *s)
{
    return sig_snake_case(g->a, s);
}

/* The property's value as text, read the dialect's way (dialect.h). */
static const char *json_access(gen *g, const sig_property *p)
{
    const sig_dbt_dialect *d = g->d;
    if (d->json_path_literal) {
        const char *path = sig_plan_path(g->a, p);
        if (d->json_path_prefix) path = S(g, "%s%s", d->json_path_prefix, path);
        return T(g, d->json_text, 2, qi(g, p->column), sql_str(g, path));
    }
    const char *x = qi(g, p->column);
    bool first_field = true;
    if (p->kind == SIG_PROP_ENTITY) x = T(g, d->path_index, 2, x, S(g, "%u", (unsigned)p->index));
    for (size_t i = 0; i < p->nsteps; i++) {
        const sig_path_step *st = &p->steps[i];
        if (st->kind == SIG_STEP_INDEX) {
            x = T(g, d->path_index, 2, x, S(g, "%u", (unsigned)st->index));
            continue;
        }
        const char *f = d->snake_case_fields ? snake_case(g, st->field) : st->field;
        bool plain = isalpha((unsigned char)f[0]) || f[0] == '_';
        for (const char *q = f; *q && plain; q++) plain = isalnum((unsigned char)*q) || *q == '_';
        if (!plain) {
            sig_buf b = {.arena = g->a};
            sig_buf_puts(&b, d->field_quote_open);
            size_t ql = strlen(d->field_quote_close);
            for (const char *q = f; *q; q++) {
                if (strncmp(q, d->field_quote_close, ql) == 0) sig_buf_puts(&b, d->field_quote_close);
                sig_buf_putc(&b, *q);
            }
            sig_buf_puts(&b, d->field_quote_close);
            f = sig_buf_str(&b);
        }
        const char *tpl = first_field && d->path_first_field ? d->path_first_field : d->path_field;
        x = T(g, tpl, 2, x, f);
        first_field = false;
    }
    return T(g, d->json_text, 1, x);
}

/* The property's raw value as text (JSON null and missing keys: NULL). */
static const char *raw_expr(gen *g, const sig_property *p)
{
    if (p->kind == SIG_PROP_ATOMIC) {
        const char *col = qi(g, p->atomic);
        if (p->type_known && !p->type.list &&
            (p->type.scalar == SIG_STRING || p->type.scalar == SIG_BYTES))
            return col;
        return T(g, g->d->to_text, 1, col);
    }
    return json_access(g, p);
}

/* A text that holds a number (as JSON numbers are written; surrounding
 * blanks allowed). Anything else, "inf", "0x1A" or "1_000" included, is no
 * number. */
#define NUMBER_PATTERN "^\\s*[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$"

/* The column's value from the `extracted`/`numbers` stages of P_events. */
static const char *col_expr(gen *g, const sig_plan_column *c)
{
    const sig_dbt_dialect *d = g->d;
    const sig_property *p = c->prop->prop;
    sig_plan_conv k = c->conv;
    if (c->direct)
        return T(g, d->try_cast, 2, qi(g, p->atomic), d->type_name[sig_plan_conv_scalar(k)]);
    const char *raw = qis(g, c->prop->base, "raw");
    const char *num = qis(g, c->prop->base, "number");
    switch (k) {
    case SIG_PLAN_CONV_TEXT: return raw;
    case SIG_PLAN_CONV_DOUBLE: return num;
    case SIG_PLAN_CONV_INT64:
        /* the bounds are -2^63 and 2^63 as doubles: every double in between
         * converts */
        return S(g, "CASE WHEN %s = %s AND %s >= -9223372036854775808.0 AND %s < 9223372036854775808.0 THEN %s END",
                 num, T(g, d->floor, 1, num), num, num,
                 T(g, d->try_cast, 2, num, d->type_name[SIG_INT64]));
    case SIG_PLAN_CONV_INT32:
        return S(g, "CASE WHEN %s = %s AND %s BETWEEN -2147483648 AND 2147483647 THEN %s END",
                 num, T(g, d->floor, 1, num), num, T(g, d->cast, 2, num, d->type_name[SIG_INT32]));
    case SIG_PLAN_CONV_BOOL:
        return S(g, "CASE %s WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
                 T(g, d->lower, 1, T(g, d->trim, 1, raw)));
    case SIG_PLAN_CONV_TIMESTAMP: return T(g, d->text_to_timestamp, 1, raw);
    default: return raw;
    }
}

/* ----------------------------------------------------------- attributes */

/* The value column an attribute aggregates (quoted). */
static const char *attr_value_col(gen *g, const sig_plan_attr *pa)
{
    return qi(g, pa->value->name);
}

/* Does the attribute keep a value set (P_daily_values) rather than columns? */
static bool keeps_values(const sig_agg_info *agg)
{
    return (agg->states & SIG_STATE_BIT(SIG_STATE_VALUES)) != 0;
}

/* The SQL type of a Field type. */
static const char *sql_type(gen *g, sig_type t)
{
    const char *s = g->d->type_name[t.scalar];
    return t.list ? T(g, g->d->list_type, 1, s) : s;
}

/* A scalar literal as SQL of the attribute's scalar type. */
static const char *sql_scalar_literal(gen *g, const sig_literal *l, sig_scalar s)
{
    const char *type = g->d->type_name[s];
    switch (l->kind) {
    case SIG_LIT_STRING: return T(g, g->d->cast, 2, sql_str(g, l->str), type);
    case SIG_LIT_INT: return T(g, g->d->cast, 2, S(g, "%lld", (long long)l->i), type);
    case SIG_LIT_DECIMAL: return T(g, g->d->cast, 2, l->str ? l->str : S(g, "%.17g", l->d), type);
    case SIG_LIT_BOOL: return l->b ? "TRUE" : "FALSE";
    case SIG_LIT_LIST: return "NULL";
    }
    return "NULL";
}

static const char *sql_default(gen *g, const sig_attribute *at)
{
    const sig_literal *l = at->default_value;
    if (!at->type.list) return sql_scalar_literal(g, l, at->type.scalar);
    const char *lt = sql_type(g, at->type);
    if (l->kind != SIG_LIT_LIST || !l->nitems) return T(g, g->d->empty_list, 1, lt);
    sig_buf items = {.arena = g->a};
    for (size_t i = 0; i < l->nitems; i++) {
        if (i) sig_buf_puts(&items, ", ");
        sig_buf_puts(&items, sql_scalar_literal(g, &l->items[i], at->type.scalar));
    }
    return T(g, g->d->cast, 2, T(g, g->d->list_literal, 1, sig_buf_str(&items)), lt);
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

static const char *op_text(sig_op op)
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
        sig_buf_printf(&b, "%s %s", c->property.text ? c->property.text : "?", op_text(c->op));
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
            sig_buf_printf(&b, "%s %s", c->property.text ? c->property.text : "?", op_text(c->op));
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
static const char *attr_summary(gen *g, const sig_plan_attr *pa)
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

/* ----------------------------------------------------- event conditions */

static const char *event_cond(gen *g, const sig_event *e)
{
    const sig_schema_ref *s = &e->schema;
    sig_buf b = {.arena = g->a};
    sig_buf_printf(&b, "event_vendor = %s AND event_name = %s", sql_str(g, s->vendor),
                   sql_str(g, s->name));
    if (s->has_version && s->model >= 0) {
        if (s->revision >= 0 && s->addition >= 0)
            sig_buf_printf(&b, " AND event_version = %s",
                           sql_str(g, S(g, "%d-%d-%d", s->model, s->revision, s->addition)));
        else if (s->revision >= 0)
            sig_buf_printf(&b, " AND event_version LIKE %s",
                           sql_str(g, S(g, "%d-%d-%%", s->model, s->revision)));
        else
            sig_buf_printf(&b, " AND event_version LIKE %s", sql_str(g, S(g, "%d-%%", s->model)));
    }
    return sig_buf_str(&b);
}

/* One comparison, on the P_events column of its property. */
static const char *criterion_sql(gen *g, const sig_plan_criterion *pc)
{
    const sig_criterion *c = pc->criterion;
    const char *col = qi(g, pc->column->name);
    sig_scalar s = sig_plan_conv_scalar(pc->column->conv);
    const char *lit;
    if (!sig_op_takes_value(c->op))
        return S(g, "%s IS %sNULL", col, c->op == SIG_OP_IS_NULL ? "" : "NOT ");
    if (c->op == SIG_OP_IN) {
        if (c->value.kind != SIG_LIT_LIST || !c->value.nitems) return "FALSE";
        sig_buf b = {.arena = g->a};
        for (size_t i = 0; i < c->value.nitems; i++) {
            const sig_literal *it = &c->value.items[i];
            if (i) sig_buf_puts(&b, ", ");
            if (it->kind == SIG_LIT_STRING) sig_buf_puts(&b, sql_str(g, it->str));
            else if (it->kind == SIG_LIT_BOOL) sig_buf_puts(&b, it->b ? "TRUE" : "FALSE");
            else if (it->kind == SIG_LIT_INT) sig_buf_printf(&b, "%lld", (long long)it->i);
            else sig_buf_puts(&b, it->str ? it->str : S(g, "%.17g", it->d));
        }
        return S(g, "%s IN (%s)", col, sig_buf_str(&b));
    }
    const sig_literal *l = &c->value;
    if (l->kind == SIG_LIT_STRING) lit = sql_str(g, l->str);
    else if (l->kind == SIG_LIT_BOOL) lit = l->b ? "TRUE" : "FALSE";
    else if (l->kind == SIG_LIT_INT) lit = S(g, "%lld", (long long)l->i);
    else if (l->kind == SIG_LIT_DECIMAL) lit = l->str ? l->str : S(g, "%.17g", l->d);
    else lit = sql_scalar_literal(g, l, s);
    switch (c->op) {
    case SIG_OP_NE: return S(g, "(%s IS NULL OR %s <> %s)", col, col, lit);
    case SIG_OP_LIKE: return like_sql(g, col, l->str);
    default: return S(g, "%s %s %s", col, op_text(c->op), lit);
    }
}

/* Whether an event counts for `at`: one of its events, and its criteria.
 * Absent values make a comparison NULL, which no CASE/FILTER takes as true;
 * nothing is ever negated, so NULL behaves as false throughout. */
static const char *match_sql(gen *g, const sig_plan_attr *pa, const char *indent)
{
    const sig_attribute *at = pa->attr;
    sig_buf b = {.arena = g->a};
    sig_buf_puts(&b, "(");
    for (size_t i = 0; i < at->nevents; i++)
        sig_buf_printf(&b, "%s(%s)", i ? S(g, "\n%s    OR ", indent) : "",
                       event_cond(g, at->events[i]));
    sig_buf_puts(&b, ")");
    for (size_t i = 0; i < pa->nall; i++)
        sig_buf_printf(&b, "\n%sAND %s", indent, criterion_sql(g, &pa->all[i]));
    if (pa->nany) {
        sig_buf_printf(&b, "\n%sAND (", indent);
        for (size_t i = 0; i < pa->nany; i++)
            sig_buf_printf(&b, "%s%s", i ? " OR " : "", criterion_sql(g, &pa->any[i]));
        sig_buf_puts(&b, ")");
    }
    return sig_buf_str(&b);
}

static const char *const list_value_col[8] = {
    [SIG_BYTES] = "bytes_value", [SIG_STRING] = "string_value",
    [SIG_INT32] = "int32_value", [SIG_INT64] = "int64_value",
    [SIG_DOUBLE] = "double_value", [SIG_FLOAT] = "float_value",
    [SIG_BOOL] = "bool_value", [SIG_UNIX_TIMESTAMP] = "timestamp_value",
};

static const char *const internal_names[] = {
    "event_id", "event_vendor", "event_name", "event_version", "derived_tstamp",
    "event_day", "load_tstamp", "collector_tstamp", "loaded_at", "copy_rank",
    "computed_at", "updated_at", "attribute", "last_seen", "value", "recency",
    "today", "bytes_value", "string_value", "int32_value", "int64_value",
    "double_value", "float_value", "bool_value", "timestamp_value", "value_key", NULL,
};

/* Names the generated models cannot take: E0911, E0912, E0913. */
static bool check_names(gen *g)
{
    const sig_view *v = g->v;
    bool ok = true;
    for (const char *const *n = internal_names; *n; n++) {
        if (ieq(*n, g->entity)) {
            sig_diag *dg = sig_error(g->ctx, v->key->loc, "E0912",
                                     "the entity `%s` of view `%s` has the name of a column the "
                                     "dbt backend generates", g->entity, v->name);
            sig_diag_note(g->ctx, dg, v->loc, "view `%s` v%d uses it here", v->name, v->version);
            sig_diag_help(g->ctx, dg, "declare an entity with another name and `key %s`",
                          g->entity);
            ok = false;
            break;
        }
    }
    bool is_prop = false;
    const sig_plan *pl = g->plan;
    for (size_t i = 0; i < pl->ncolumns; i++) is_prop |= ieq(pl->columns[i]->name, g->entity);
    for (size_t i = 0; i < pl->nprops; i++)
        is_prop |= ieq(S(g, "%s__raw", pl->props[i]->base), g->entity) ||
                   ieq(S(g, "%s__number", pl->props[i]->base), g->entity);
    if (is_prop) {
        sig_error(g->ctx, v->key->loc, "E0912",
                  "the entity `%s` of view `%s` has the name of a property column the dbt "
                  "backend generates", g->entity, v->name);
        ok = false;
    }
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (ieq(at->name, g->entity) || ieq(at->name, "updated_at")) {
            sig_diag *dg = sig_error(g->ctx, at->loc, "E0911",
                                     "attribute `%s` of view `%s` has a reserved name", at->name,
                                     v->name);
            sig_diag_label(g->ctx, dg, "the attributes table already has a column `%s`",
                           ieq(at->name, "updated_at") ? "updated_at" : g->entity);
            sig_diag_help(g->ctx, dg, "rename the attribute");
            ok = false;
        }
        for (size_t j = 0; j < i; j++) {
            if (ieq(at->name, v->attributes[j]->name)) {
                sig_diag *dg = sig_error(g->ctx, at->loc, "E0913",
                                         "attributes `%s` and `%s` of view `%s` would be the "
                                         "same warehouse column", v->attributes[j]->name,
                                         at->name, v->name);
                sig_diag_note(g->ctx, dg, v->attributes[j]->loc, "`%s` is here",
                              v->attributes[j]->name);
                sig_diag_help(g->ctx, dg, "warehouse column names ignore case; rename one");
                ok = false;
            }
        }
    }
    return ok;
}

static const char *model_name(gen *g, const char *suffix);

/* Names longer than the target keeps (E0914): PostgreSQL truncates
 * identifiers to 63 bytes, so long names would silently collide. */
static bool check_name_length(gen *g, const char *name, sig_loc loc, const char *what)
{
    size_t max = g->d->max_identifier;
    if (!max || strlen(name) <= max) return true;
    sig_diag *dg = sig_error(g->ctx, loc, "E0914",
                             "%s `%s` is %zu bytes long; target `%s` keeps identifiers of at "
                             "most %zu bytes", what, name, strlen(name), g->d->target, max);
    sig_diag_help(g->ctx, dg, "shorten the name, or use another target");
    return false;
}

static bool check_fields(gen *g)
{
    const sig_view *v = g->v;
    bool ok = check_name_length(g, g->entity, v->key->loc, "entity");
    /* the longest table name: P_daily_values */
    ok &= check_name_length(g, model_name(g, g->plan->has_lists ? "daily_values" : "attributes"), v->loc,
                            "generated table");
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        ok &= check_name_length(g, at->name, at->loc, "attribute");
        ok &= check_name_length(g, S(g, "%s__match", at->name), at->loc,
                                "the generated column of attribute");
    }
    return ok;
}

/* --------------------------------------------------------- P_events */

static const char *model_name(gen *g, const char *suffix)
{
    return S(g, "%s_%s", g->prefix, suffix);
}

static const char *ref(gen *g, const char *suffix)
{
    if (g->plain) return qi(g, model_name(g, suffix));
    return S(g, "{{ ref('%s') }}", model_name(g, suffix));
}

/* Where events are read from when the generated SQL is plain (no dbt var). */
#define PLAIN_START_DATE "2020-01-01"

static const char *jinja_key(gen *g, const char *ident);

/* The dbt config block of a model (nothing in plain SQL): `unique_key` a
 * Jinja expression or NULL; `extra` a dialect template ({0} = the entity
 * column as a Jinja string). */
static void put_config(gen *g, sig_buf *b, const char *strategy, const char *unique_key,
                       const char *extra)
{
    if (g->plain) return;
    sig_buf_puts(b, "{{\n    config(\n        materialized='incremental',\n");
    if (g->d->model_config) sig_buf_puts(b, g->d->model_config);
    if (extra) {
        const char *args[1] = {jinja_key(g, g->entity)};
        sig_dbt_tpl(b, extra, 1, args);
    }
    sig_buf_printf(b, "        incremental_strategy='%s'", strategy);
    if (unique_key) sig_buf_printf(b, ",\n        unique_key=%s", unique_key);
    sig_buf_puts(b, "\n    )\n}}\n\n");
}

static void put_config_upsert(gen *g, sig_buf *b, const char *keys, const char *extra)
{
    put_config(g, b, g->d->upsert_strategy, keys, extra);
}

/* The tags of a dbt `is_incremental()` block: dbt renders the part after
 * INC_IF on incremental runs, the part after INC_ELSE (if any) on the first
 * run and on full refreshes. Plain SQL is a full recompute: it keeps only
 * the else part, and each tag still strips the blanks before it, as
 * Jinja's `{%-` does, so both forms read alike. */
typedef enum inc_tag { INC_IF, INC_ELSE, INC_ENDIF } inc_tag;

static void put_inc(gen *g, sig_buf *b, inc_tag tag)
{
    static const char *const tags[] = {"{%- if is_incremental() %}", "{%- else %}",
                                       "{%- endif %}"};
    if (!g->plain) {
        sig_buf_puts(b, tags[tag]);
        return;
    }
    if (tag != INC_IF && g->inc_in_if) b->len = g->inc_mark; /* drop the incremental part */
    while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n')) b->len--;
    if (b->data) b->data[b->len] = '\0';
    g->inc_in_if = tag == INC_IF;
    g->inc_mark = b->len;
}

static void attributes_columns(gen *g, sig_sqlgen_model *m);

/* Writes a model: a dbt model file, or (plain) hands its SQL to the sink. */
static void finish_model(gen *g, sig_output *out, const char *kind, const char *name, sig_buf *b)
{
    if (!g->plain) {
        sig_output_add_buf(out, S(g, "models/%s/%s.sql", g->prefix, name), b);
        return;
    }
    sig_sqlgen_model m = {.view = g->v, .kind = kind, .name = qi(g, name),
                          .sql = sig_buf_str(b)};
    if (strcmp(kind, "attributes") == 0) attributes_columns(g, &m);
    g->sink(g->sink_ud, &m);
}

static void put_header(gen *g, sig_buf *b, const char *model, const char *what)
{
    sig_buf_printf(b, "-- %s: %s\n", model, what);
    sig_buf_printf(b, "-- View `%s` v%d, entity `%s`.\n", comment_text(g, g->v->name),
                   g->v->version, comment_text(g, g->entity));
    sig_buf_puts(b, "-- Generated by signalsc " SIGNALS_VERSION ". Do not edit: recompile the spec.\n");
}

/* The event day of events without derived_tstamp: before every window. */
#define NO_DAY "0001-01-01"

static const char *no_day(gen *g)
{
    return T(g, g->d->date_literal, 1, "'" NO_DAY "'");
}

static const char *entity_expr(gen *g)
{
    const sig_property *p = g->v->key->property;
    if (p->kind == SIG_PROP_ATOMIC) return qi(g, p->atomic);
    return raw_expr(g, p);
}

/* The `extracted` and `numbers` CTEs: each property's raw text once, and
 * the texts that are numbers as doubles, as the plan says each property
 * needs. Returns the CTE the final SELECT reads. */
static const char *put_extract(gen *g, sig_buf *b)
{
    const sig_dbt_dialect *d = g->d;
    const char *from = "view_events";
    bool raw = false, num = false;
    for (size_t i = 0; i < g->plan->nprops; i++) {
        raw |= g->plan->props[i]->needs_raw;
        num |= g->plan->props[i]->needs_number;
    }
    if (raw) {
        sig_buf_puts(b, ",\n\n-- The raw value of each property read, as text (JSON null: NULL).\n"
                         "extracted AS (\n    SELECT\n        *");
        for (size_t i = 0; i < g->plan->nprops; i++) {
            const sig_plan_prop *ps = g->plan->props[i];
            if (!ps->needs_raw) continue;
            sig_buf_printf(b, ",\n        -- %s\n        %s AS %s",
                           comment_text(g, ps->prop->text ? ps->prop->text : "?"),
                           raw_expr(g, ps->prop), qis(g, ps->base, "raw"));
        }
        sig_buf_puts(b, "\n    FROM view_events\n)");
        from = "extracted";
    }
    if (num) {
        sig_buf_puts(b, ",\n\n-- The raw values that are numbers, as numbers (other text: NULL).\n"
                         "numbers AS (\n    SELECT\n        *");
        for (size_t i = 0; i < g->plan->nprops; i++) {
            const sig_plan_prop *ps = g->plan->props[i];
            if (!ps->needs_number) continue;
            const char *r = qis(g, ps->base, "raw");
            sig_buf_printf(b, ",\n        CASE WHEN %s THEN %s END AS %s",
                           T(g, d->regex_match, 2, r, sql_str(g, NUMBER_PATTERN)),
                           T(g, d->try_cast, 2, T(g, d->trim, 1, r), d->type_name[SIG_DOUBLE]),
                           qis(g, ps->base, "number"));
        }
        sig_buf_printf(b, "\n    FROM %s\n)", from);
        from = "numbers";
    }
    return from;
}

static void emit_events(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = model_name(g, "events");
    put_config(g, &b, d->append_strategy, NULL, d->events_config);
    put_header(g, &b, name,
               "the view's events, one row per event_id, with every property value its "
               "attributes read.");
    const char *start = T(g, d->timestamp_literal, 1,
                          g->plain ? "'" PLAIN_START_DATE "'" : "'{{ var(\"snowplow__start_date\") }}'");
    sig_buf_printf(&b,
                   "\nWITH\n\n"
                   "-- Events loaded since the previous run (on the first run or a full refresh:\n"
                   "-- every event loaded since snowplow__start_date). Events loaded at the same\n"
                   "-- load_tstamp as the newest stored one are read again; `view_events` drops\n"
                   "-- those already stored.\n"
                   "loaded AS (\n"
                   "    SELECT\n"
                   "        *\n"
                   "    FROM %s\n"
                   "    WHERE load_tstamp >= %s\n",
                   g->plain ? g->events_table : "{{ source('atomic', 'events') }}", start);
    put_inc(g, &b, INC_IF);
    sig_buf_printf(&b,
                   "\n"
                   "      AND load_tstamp >= (\n"
                   "          SELECT coalesce(max(load_tstamp), %s)\n"
                   "          FROM {{ this }}\n"
                   "      )\n",
                   start);
    put_inc(g, &b, INC_ENDIF);
    sig_buf_puts(&b, "\n),\n\n");
    sig_buf_puts(&b,
                 "-- One copy per event_id: the one loaded first (smallest load_tstamp, then\n"
                 "-- collector_tstamp).\n"
                 "deduplicated AS (\n"
                 "    SELECT\n"
                 "        *\n"
                 "    FROM (\n"
                 "        SELECT\n"
                 "            *,\n"
                 "            row_number() OVER (\n"
                 "                PARTITION BY event_id\n"
                 "                ORDER BY load_tstamp, collector_tstamp, derived_tstamp\n"
                 "            ) AS copy_rank\n"
                 "        FROM loaded\n"
                 "    ) ranked\n"
                 "    WHERE copy_rank = 1\n"
                 "),\n\n");
    /* union of the view's event types, in order of first use */
    sig_buf_puts(&b,
                 "-- The view's event types, with an entity value and a derived_tstamp. An\n"
                 "-- event_id already stored is never replaced.\n"
                 "view_events AS (\n"
                 "    SELECT\n"
                 "        *\n"
                 "    FROM deduplicated e\n"
                 "    WHERE (\n");
    for (size_t i = 0; i < g->plan->nevents; i++)
        sig_buf_printf(&b, "        %s(%s)\n", i ? "OR " : "   ", event_cond(g, g->plan->events[i]));
    sig_buf_printf(&b,
                   "    )\n"
                   "      AND %s IS NOT NULL\n",
                   entity_expr(g));
    put_inc(g, &b, INC_IF);
    sig_buf_puts(&b,
                 "\n"
                 "      AND NOT EXISTS (\n"
                 "          SELECT 1\n"
                 "          FROM {{ this }} stored\n"
                 "          WHERE stored.event_id = e.event_id\n"
                 "      )\n");
    put_inc(g, &b, INC_ENDIF);
    sig_buf_puts(&b, "\n)");
    const char *from = put_extract(g, &b);
    sig_buf_printf(&b,
                   "\n\nSELECT\n"
                   "    event_id,\n"
                   "    event_vendor,\n"
                   "    event_name,\n"
                   "    event_version,\n"
                   "    %s%s%s,\n"
                   "    derived_tstamp,\n"
                   "    -- the event day: the UTC date of derived_tstamp (%s when it is NULL)\n"
                   "    coalesce(%s, %s) AS event_day,\n"
                   "    load_tstamp,\n"
                   "    -- the run that stored the event (the daily models recompute its days)\n"
                   "    %s AS loaded_at",
                   entity_expr(g), strcmp(entity_expr(g), g->qentity) ? " AS " : "",
                   strcmp(entity_expr(g), g->qentity) ? g->qentity : "", NO_DAY,
                   T(g, d->date_of, 1, "derived_tstamp"), no_day(g), g->run_ts);
    for (size_t i = 0; i < g->plan->ncolumns; i++) {
        const sig_plan_column *c = g->plan->columns[i];
        const sig_property *p = c->prop->prop;
        sig_buf_printf(&b, ",\n    -- %s %s\n    %s AS %s",
                       comment_text(g, p->text ? p->text : "?"), sig_plan_conv_words(c->conv),
                       col_expr(g, c), qi(g, c->name));
    }
    sig_buf_printf(&b, "\nFROM %s\n", from);
    finish_model(g, out, "events", name, &b);
}

/* ------------------------------------------------- P_daily, P_daily_values */

/* Emits the CTEs shared by the daily models: touched (incremental), events,
 * flagged (one boolean per attribute of `lists` kind). */
static void put_daily_ctes(gen *g, sig_buf *b, bool lists)
{
    const char *E = g->qentity;
    sig_buf_puts(b, "\nWITH\n\n");
    put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   "\n\n"
                   "-- (entity, day) pairs that events stored since this model last ran fall on.\n"
                   "touched AS (\n"
                   "    SELECT DISTINCT\n"
                   "        %s,\n"
                   "        event_day\n"
                   "    FROM %s\n"
                   "    WHERE loaded_at > (\n"
                   "        SELECT coalesce(max(computed_at), %s)\n"
                   "        FROM {{ this }}\n"
                   "    )\n"
                   "),\n",
                   E, ref(g, "events"), T(g, g->d->timestamp_literal, 1, "'1970-01-01 00:00:00'"));
    put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n\n");
    sig_buf_printf(b,
                   "-- Every stored event of those pairs (of all pairs on a full refresh): a pair\n"
                   "-- is recomputed from all its events, so late events are counted.\n"
                   "events AS (\n"
                   "    SELECT\n"
                   "        e.*\n"
                   "    FROM %s e\n",
                   ref(g, "events"));
    put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   "\n"
                   "    INNER JOIN touched t\n"
                   "        ON t.%s = e.%s\n"
                   "        AND t.event_day = e.event_day\n",
                   E, E);
    put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n),\n\n");
    sig_buf_puts(b,
                 "-- Which attributes each event counts for: one of the attribute's events,\n"
                 "-- passing its criteria.\n"
                 "flagged AS (\n"
                 "    SELECT\n"
                 "        *");
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (keeps_values(pa->agg) != lists || !pa->match) continue;
        sig_buf_printf(b, ",\n        -- %s\n        %s AS %s", comment_text(g, at->name),
                       match_sql(g, pa, "        "), qi(g, pa->match));
    }
    sig_buf_puts(b, "\n    FROM events\n)");
}


static const char *jinja_key(gen *g, const char *ident)
{
    /* a Jinja string literal holding the (quoted) identifier */
    const char *q = qi(g, ident);
    sig_buf b = {.arena = g->a};
    sig_buf_putc(&b, '\'');
    for (const char *p = q; *p; p++) {
        if (*p == '\'' || *p == '\\') sig_buf_putc(&b, '\\');
        sig_buf_putc(&b, *p);
    }
    sig_buf_putc(&b, '\'');
    return sig_buf_str(&b);
}

/* What each daily state column holds: for its `--` comment in SQL and its
 * description in schema.yml. Values (unique_list) are rows of P_daily_values. */
static const struct {
    const char *sql, *yml;
} state_text[SIG_STATE__COUNT] = {
    [SIG_STATE_EVENTS] = {"number of events", "number of its events that day."},
    [SIG_STATE_SUM] = {"sum of the values (NULL: no value)",
                       "sum of the values that day (NULL: no value)."},
    [SIG_STATE_COUNT] = {"number of the values", "number of values that day."},
    [SIG_STATE_MIN] = {"smallest value", "smallest value that day."},
    [SIG_STATE_MAX] = {"largest value", "largest value that day."},
    [SIG_STATE_FIRST] = {"value of the earliest event with a value (ties: smallest event_id)",
                         "value of the day's earliest event with a value."},
    [SIG_STATE_LAST] = {"value of the latest event with a value (ties: largest event_id)",
                        "value of the day's latest event with a value."},
};

/* min or max of `x` for a min or max state (booleans: the dialect's way) */
static const char *minmax(gen *g, const sig_plan_state *st, const char *x)
{
    bool min = st->kind == SIG_STATE_MIN;
    const char *tpl = st->type.scalar == SIG_BOOL ? (min ? g->d->bool_min : g->d->bool_max) : NULL;
    if (!tpl) tpl = min ? "min({0})" : "max({0})";
    return T(g, tpl, 1, x);
}

/* The daily state `st` of attribute `pa` over the day's flagged events
 * (`m`: its match flag column). */
static const char *daily_state_sql(gen *g, const sig_plan_attr *pa, const sig_plan_state *st,
                                   const char *m)
{
    const sig_dbt_dialect *d = g->d;
    const char *v = pa->value ? attr_value_col(g, pa) : NULL;
    switch (st->kind) {
    case SIG_STATE_EVENTS: return S(g, "count(CASE WHEN %s THEN 1 END)", m);
    case SIG_STATE_SUM: return S(g, "sum(CASE WHEN %s THEN %s END)", m, v);
    case SIG_STATE_COUNT: return S(g, "count(CASE WHEN %s THEN %s END)", m, v);
    case SIG_STATE_MIN:
    case SIG_STATE_MAX: return minmax(g, st, S(g, "CASE WHEN %s THEN %s END", m, v));
    case SIG_STATE_FIRST:
    case SIG_STATE_LAST: {
        bool first = st->kind == SIG_STATE_FIRST;
        return T(g, first ? d->first_ordered : d->last_ordered, 5, v,
                 first ? "derived_tstamp NULLS FIRST, event_id"
                       : "derived_tstamp DESC NULLS LAST, event_id DESC",
                 S(g, "%s AND %s IS NOT NULL", m, v), d->type_name[st->type.scalar],
                 "derived_tstamp, event_id");
    }
    default: return NULL;
    }
}

static void emit_daily(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = model_name(g, "daily");
    put_config_upsert(g, &b, S(g, "[%s, 'event_day']", jinja_key(g, g->entity)), d->daily_config);
    put_header(g, &b, name,
               "per entity value and event day, the partial state of every attribute\n"
               "-- (unique_list attributes: see _daily_values).");
    put_daily_ctes(g, &b, false);
    sig_buf_puts(&b, "\n\n");
    sig_buf_printf(&b, "SELECT\n    %s,\n    event_day", g->qentity);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const char *m = pa->match ? qi(g, pa->match) : NULL;
        for (size_t j = 0; j < pa->nstates; j++) {
            const sig_plan_state *st = &pa->states[j];
            if (st->shared) continue; /* an earlier attribute's column */
            const char *x = daily_state_sql(g, pa, st, m);
            if (!x) continue;
            sig_buf_printf(&b, ",\n    -- %s: %s\n    %s AS %s", comment_text(g, pa->attr->name),
                           state_text[st->kind].sql, x, qi(g, st->column));
        }
    }
    sig_buf_printf(&b,
                   ",\n    -- the run that computed the row\n    %s AS computed_at\n"
                   "FROM flagged\nGROUP BY\n    %s,\n    event_day\n",
                   g->run_ts, g->qentity);
    finish_model(g, out, "daily", name, &b);
}

static void emit_daily_values(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = model_name(g, "daily_values");
    put_config_upsert(g, &b,
                      d->upsert_needs_row_key
                          ? S(g, "[%s, 'event_day', 'attribute', 'value_key']", jinja_key(g, g->entity))
                          : S(g, "[%s, 'event_day']", jinja_key(g, g->entity)),
                      d->daily_config);
    put_header(g, &b, name,
               "per entity value, event day and unique_list attribute, each value\n"
               "-- seen and when it was last seen that day.");
    put_daily_ctes(g, &b, true);
    sig_buf_puts(&b, ",\n\n");
    sig_buf_puts(&b, "-- The values of each unique_list attribute on its events.\nobserved AS (\n");
    bool firstq = true;
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (!keeps_values(pa->agg)) continue;
        const char *v = attr_value_col(g, pa);
        const char *val = v;
        if (at->type.scalar == SIG_FLOAT)
            val = T(g, d->cast, 2, v, d->type_name[SIG_FLOAT]);
        if (!firstq) sig_buf_puts(&b, "    UNION ALL\n");
        firstq = false;
        sig_buf_printf(&b,
                       "    -- %s\n"
                       "    SELECT\n"
                       "        %s,\n"
                       "        event_day,\n"
                       "        %s AS attribute",
                       comment_text(g, at->name), g->qentity, sql_str(g, at->name));
        for (int s = 0; s < 8; s++) {
            if (!(g->plan->list_scalars >> s & 1u)) continue;
            sig_buf_printf(&b, ",\n        %s AS %s",
                           s == (int)at->type.scalar
                               ? val
                               : T(g, d->cast, 2, "NULL", d->type_name[s]),
                           list_value_col[s]);
        }
        if (d->upsert_needs_row_key)
            sig_buf_printf(&b, ",\n        -- the value as text: with attribute, a key of the row\n"
                               "        %s AS value_key", T(g, d->to_text, 1, val));
        sig_buf_printf(&b,
                       ",\n        derived_tstamp\n"
                       "    FROM flagged\n"
                       "    WHERE %s\n"
                       "      AND %s IS NOT NULL\n",
                       qi(g, pa->match), v);
    }
    sig_buf_puts(&b, ")\n\n");
    sig_buf_printf(&b, "SELECT\n    %s,\n    event_day,\n    attribute", g->qentity);
    for (int s = 0; s < 8; s++)
        if ((g->plan->list_scalars >> s & 1u)) sig_buf_printf(&b, ",\n    %s", list_value_col[s]);
    if (d->upsert_needs_row_key) sig_buf_puts(&b, ",\n    value_key");
    sig_buf_printf(&b,
                   ",\n    max(derived_tstamp) AS last_seen,\n"
                   "    %s AS computed_at\n"
                   "FROM observed\n"
                   "GROUP BY\n    %s,\n    event_day,\n    attribute",
                   g->run_ts, g->qentity);
    for (int s = 0; s < 8; s++)
        if ((g->plan->list_scalars >> s & 1u)) sig_buf_printf(&b, ",\n    %s", list_value_col[s]);
    if (d->upsert_needs_row_key) sig_buf_puts(&b, ",\n    value_key");
    sig_buf_puts(&b, "\n");
    finish_model(g, out, "daily_values", name, &b);
}

/* ------------------------------------------------------- P_attributes */

/* `CASE WHEN w THEN x END`, or x for lifetime attributes */
static const char *in_window(gen *g, const sig_plan_attr *pa, const char *x)
{
    const char *w = pa->window;
    return w ? S(g, "CASE WHEN %s THEN %s END", w, x) : x;
}

/* Emits `name AS (SELECT entity, event_day, ..., in_last_N_days ... FROM src)`. */
static void put_window_cte(gen *g, sig_buf *b, const char *cte, const char *src, bool lists)
{
    sig_buf_printf(b, "%s AS (\n    SELECT\n        d.*", cte);
    sig_ptrvec seen = {0};
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        if (keeps_values(pa->agg) != lists) continue;
        int64_t n = pa->window_days;
        if (!n) continue;
        const char *w = pa->window;
        bool dup = false;
        for (size_t k = 0; k < seen.len && !dup; k++) dup = strcmp(seen.items[k], w) == 0;
        if (dup) continue;
        sig_ptrvec_push(g->a, &seen, sig_arena_strdup(g->a, w));
        sig_buf_printf(b, ",\n        d.event_day BETWEEN %s AND p.today AS %s",
                       T(g, g->d->date_minus_days, 2, "p.today", S(g, "%lld", (long long)(n - 1))),
                       w);
    }
    sig_buf_printf(b, "\n    FROM %s d\n    CROSS JOIN params p\n),\n\n", src);
}

static bool any_window(gen *g)
{
    for (size_t i = 0; i < g->v->nattributes; i++)
        if (g->plan->attrs[i].window_days) return true;
    return false;
}

/* The state of `pa` of kind `k` (the planner keeps every state of the row). */
static const sig_plan_state *state_of(const sig_plan_attr *pa, sig_state_kind k)
{
    for (size_t i = 0; i < pa->nstates; i++)
        if (pa->states[i].kind == k) return &pa->states[i];
    return NULL;
}

/* The daily states `st` of the days in `pa`'s window, merged (the state's
 * merge rule, model.h sig_merge). */
static const char *merged_state(gen *g, const sig_plan_attr *pa, const sig_plan_state *st)
{
    const sig_dbt_dialect *d = g->d;
    const char *col = qi(g, st->column);
    switch (sig_state_get(st->kind)->merge) {
    case SIG_MERGE_SUM: return S(g, "sum(%s)", in_window(g, pa, col));
    case SIG_MERGE_MIN:
    case SIG_MERGE_MAX: return minmax(g, st, in_window(g, pa, col));
    case SIG_MERGE_EARLIEST:
    case SIG_MERGE_LATEST: {
        bool first = sig_state_get(st->kind)->merge == SIG_MERGE_EARLIEST;
        const char *w = pa->window;
        return T(g, first ? d->first_ordered : d->last_ordered, 5, col,
                 first ? "event_day" : "event_day DESC",
                 w ? S(g, "%s AND %s IS NOT NULL", w, col) : S(g, "%s IS NOT NULL", col),
                 d->type_name[st->type.scalar], "event_day");
    }
    case SIG_MERGE_UNION: break;
    }
    return NULL;
}

/* The attribute's value from its merged states (before the cast to its
 * type), `def` its default as SQL or NULL; NULL for value lists, which
 * have their own CTEs. */
static const char *finish_sql(gen *g, const sig_plan_attr *pa, const char *def)
{
    const sig_plan_state *st = &pa->states[0];
    switch (pa->agg->finish) {
    case SIG_FINISH_COUNT: {
        const char *n = merged_state(g, pa, st);
        return def ? S(g, "coalesce(nullif(%s, 0), %s)", n, def) : S(g, "coalesce(%s, 0)", n);
    }
    case SIG_FINISH_SUM: return S(g, "coalesce(%s, %s)", merged_state(g, pa, st), def ? def : "0");
    case SIG_FINISH_DIVIDE: {
        const sig_plan_state *sum = state_of(pa, SIG_STATE_SUM);
        const sig_plan_state *count = state_of(pa, SIG_STATE_COUNT);
        const char *x = S(g, "%s / nullif(%s, 0)",
                          T(g, g->d->cast, 2, merged_state(g, pa, sum), g->d->type_name[SIG_DOUBLE]),
                          merged_state(g, pa, count));
        return def ? S(g, "coalesce(%s, %s)", x, def) : x;
    }
    case SIG_FINISH_VALUE: {
        const char *x = merged_state(g, pa, st);
        return def ? S(g, "coalesce(%s, %s)", x, def) : x;
    }
    case SIG_FINISH_LIST: break;
    }
    return NULL;
}

/* The `params` CTE (today) and the CTEs that flag the windows each day
 * falls in; sets the sources the roll-ups read. */
static void put_windows(gen *g, sig_buf *b, const char **daily_src, const char **values_src)
{
    const sig_dbt_dialect *d = g->d;
    bool windows = any_window(g);
    bool scalar_windows = false, list_windows = false;
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        if (!pa->window_days) continue;
        if (keeps_values(pa->agg)) list_windows = true;
        else scalar_windows = true;
    }
    *daily_src = ref(g, "daily");
    *values_src = ref(g, "daily_values");
    if (windows && g->plain) {
        sig_buf_printf(b,
                       "-- Today: the current UTC date (to compute for another day, replace it\n"
                       "-- with a date). A window of N days is today - (N - 1) <= event_day <= today.\n"
                       "params AS (\n"
                       "    SELECT\n"
                       "        %s AS today\n"
                       "),\n\n",
                       d->current_utc_date);
    } else if (windows) {
        sig_buf_printf(b,
                       "-- Today: the `today` var (YYYY-MM-DD), by default the current UTC date.\n"
                       "-- A window of N days is today - (N - 1) <= event_day <= today.\n"
                       "params AS (\n"
                       "    SELECT\n"
                       "{%%- if var('today') %%}\n"
                       "        %s AS today\n"
                       "{%%- else %%}\n"
                       "        %s AS today\n"
                       "{%%- endif %%}\n"
                       "),\n\n",
                       T(g, d->date_literal, 1,
                         "'{{ var(\"today\") | string | replace(\"'\", \"''\") }}'"),
                       d->current_utc_date);
    }
    if (windows) {
        if (scalar_windows) {
            sig_buf_puts(b, "-- Daily states with the windows each day falls in.\n");
            put_window_cte(g, b, "daily", *daily_src, false);
            *daily_src = "daily";
        }
        if (list_windows && g->plan->has_lists) {
            sig_buf_puts(b, "-- Daily values with the windows each day falls in.\n");
            put_window_cte(g, b, "daily_values", *values_src, true);
            *values_src = "daily_values";
        }
    }
}

/* `aggregated`: every attribute kept in daily columns, its states merged
 * over its window and finished. */
static void put_aggregated(gen *g, sig_buf *b, const char *daily_src)
{
    const sig_dbt_dialect *d = g->d;
    const char *E = g->qentity;
    /* scalar aggregations */
    sig_buf_printf(b,
                   "-- Every attribute but unique_list, rolled up over its window. One row per\n"
                   "-- entity value with at least one event of the view.\n"
                   "aggregated AS (\n"
                   "    SELECT\n"
                   "        %s",
                   E);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        const char *an = qi(g, at->name);
        const char *def = at->default_value ? sql_default(g, at) : NULL;
        const char *type = sql_type(g, at->type);
        const char *x = finish_sql(g, pa, def);
        if (!x) continue;
        sig_buf_printf(b, ",\n        -- %s\n        %s AS %s", comment_text(g, attr_summary(g, pa)),
                       T(g, d->cast, 2, x, type), an);
    }
    sig_buf_printf(b, "\n    FROM %s\n    GROUP BY\n        %s\n),\n\n", daily_src, E);
}

/* Per value-set attribute: each value in its window with when it was last
 * seen, then the values seen latest (the row's list cap), oldest first. */
static void put_lists(gen *g, sig_buf *b, const char *values_src)
{
    const sig_dbt_dialect *d = g->d;
    const char *E = g->qentity;
    /* unique lists */
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (!keeps_values(pa->agg)) continue;
        const char *w = pa->window;
        const char *vc = list_value_col[at->type.scalar];
        sig_buf_printf(b,
                       "-- %s: each value in the window and when it was last seen.\n"
                       "%s AS (\n"
                       "    SELECT\n"
                       "        %s,\n"
                       "        %s AS value,\n"
                       "        max(last_seen) AS last_seen\n"
                       "    FROM %s\n"
                       "    WHERE attribute = %s%s\n"
                       "    GROUP BY\n"
                       "        %s,\n"
                       "        %s\n"
                       "),\n\n",
                       comment_text(g, at->name), qis(g, at->name, "seen"), E, vc, values_src,
                       sql_str(g, at->name), w ? S(g, "\n      AND %s", w) : "", E, vc);
        sig_buf_printf(b,
                       "-- %s: the %d values seen most recently, oldest first (ties by value).\n"
                       "%s AS (\n"
                       "    SELECT\n"
                       "        %s,\n"
                       "        %s AS %s\n"
                       "    FROM (\n"
                       "        SELECT\n"
                       "            *,\n"
                       "            row_number() OVER (\n"
                       "                PARTITION BY %s\n"
                       "                ORDER BY last_seen DESC NULLS LAST, value DESC\n"
                       "            ) AS recency\n"
                       "        FROM %s\n"
                       "    ) ranked\n"
                       "    WHERE recency <= %d\n"
                       "    GROUP BY\n"
                       "        %s\n"
                       "),\n\n",
                       comment_text(g, at->name), pa->agg->list_cap, qis(g, at->name, "list"), E,
                       T(g, d->list_agg_ordered, 3, "value", "last_seen NULLS FIRST, value",
                         "last_seen, value"),
                       qi(g, at->name), E, qis(g, at->name, "seen"), pa->agg->list_cap, E);
    }
}

/* `computed`: every attribute in the view's order, lists joined in. */
static void put_computed(gen *g, sig_buf *b)
{
    const sig_dbt_dialect *d = g->d;
    const char *E = g->qentity;
    /* computed: every attribute in the view's order */
    sig_buf_printf(b,
                   "-- The attributes of every entity value, in the view's order.\n"
                   "computed AS (\n"
                   "    SELECT\n"
                   "        a.%s",
                   E);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        const char *an = qi(g, at->name);
        if (!keeps_values(pa->agg)) {
            sig_buf_printf(b, ",\n        a.%s", an);
            continue;
        }
        const char *type = sql_type(g, at->type);
        const char *def = at->default_value ? sql_default(g, at) : T(g, d->empty_list, 1, type);
        sig_buf_printf(b, ",\n        -- %s\n        %s AS %s",
                       comment_text(g, attr_summary(g, pa)),
                       T(g, d->cast, 2, S(g, "coalesce(l%zu.%s, %s)", i, an, def), type), an);
    }
    sig_buf_puts(b, "\n    FROM aggregated a");
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (!keeps_values(pa->agg)) continue;
        sig_buf_printf(b, "\n    LEFT JOIN %s l%zu\n        ON l%zu.%s = a.%s",
                       qis(g, at->name, "list"), i, i, E, E);
    }
    sig_buf_puts(b, "\n)");
}

/* The incremental `changed` CTE and the final SELECT (new or changed rows
 * only, stamped with updated_at; everything on a full recompute). */
static void put_changed(gen *g, sig_buf *b)
{
    const sig_dbt_dialect *d = g->d;
    const char *E = g->qentity;
    /* incremental: only new or changed rows */
    sig_buf_puts(b, "\n\n");
    put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   ",\n\n"
                   "-- Only the rows that are new or whose values changed since they were stored;\n"
                   "-- unchanged rows keep their updated_at.\n"
                   "changed AS (\n"
                   "    SELECT\n"
                   "        c.*\n"
                   "    FROM computed c\n"
                   "    LEFT JOIN {{ this }} stored\n"
                   "        ON stored.%s = c.%s\n"
                   "    WHERE stored.%s IS NULL",
                   E, E, E);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const char *an = qi(g, g->v->attributes[i]->name);
        sig_buf_printf(b, "\n       OR %s",
                       T(g, d->distinct_from, 2, S(g, "c.%s", an), S(g, "stored.%s", an)));
    }
    sig_buf_puts(b, "\n)\n");
    put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n\n");
    sig_buf_printf(b, "SELECT\n    %s", E);
    for (size_t i = 0; i < g->v->nattributes; i++)
        sig_buf_printf(b, ",\n    %s", qi(g, g->v->attributes[i]->name));
    sig_buf_printf(b, ",\n    %s AS updated_at\n", g->run_ts);
    put_inc(g, b, INC_IF);
    sig_buf_puts(b, "\nFROM changed\n");
    put_inc(g, b, INC_ELSE);
    sig_buf_puts(b, "\nFROM computed\n");
    put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n");
}

static void emit_attributes(gen *g, sig_output *out)
{
    sig_buf b = {.arena = g->a};
    const char *name = model_name(g, "attributes");
    put_config_upsert(g, &b, jinja_key(g, g->entity), NULL);
    put_header(g, &b, name,
               "the attributes table: one row per entity value, one column per\n"
               "-- attribute; updated_at is the run in which the row's values last changed.");
    sig_buf_puts(&b, "\nWITH\n\n");
    const char *daily_src, *values_src;
    put_windows(g, &b, &daily_src, &values_src);
    put_aggregated(g, &b, daily_src);
    put_lists(g, &b, values_src);
    put_computed(g, &b);
    put_changed(g, &b);
    finish_model(g, out, "attributes", name, &b);
}

/* ------------------------------------------------------------ schema.yml */

static const char *entity_type_name(gen *g)
{
    const sig_property *p = g->v->key->property;
    if (p->kind == SIG_PROP_ATOMIC && p->type_known) return sql_type(g, p->type);
    return g->d->type_name[SIG_STRING];
}

static void yml_col(gen *g, sig_buf *b, const char *name, const char *type, const char *desc,
                    bool key)
{
    sig_buf_printf(b, "      - name: %s\n", yaml_str(g, name));
    if (needs_quote(name)) sig_buf_puts(b, "        quote: true\n");
    if (type) sig_buf_printf(b, "        data_type: %s\n", yaml_str(g, type));
    sig_buf_printf(b, "        description: %s\n", yaml_str(g, desc));
    if (key) sig_buf_puts(b, "        data_tests:\n          - unique\n          - not_null\n");
}

/* The attributes table's columns and description, for plain SQL's DDL. */
static void attributes_columns(gen *g, sig_sqlgen_model *m)
{
    const sig_view *v = g->v;
    size_t n = v->nattributes + 2;
    sig_sqlgen_column *c = SIG_NEW_ARRAY(g->a, sig_sqlgen_column, n);
    c[0] = (sig_sqlgen_column){g->qentity, entity_type_name(g),
                               S(g, "The entity value (attribute key `%s`).", v->key->name)};
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        sig_buf ad = {.arena = g->a};
        if (at->description) sig_buf_printf(&ad, "%s\n\n", at->description);
        sig_buf_printf(&ad, "%s: %s.", sig_type_name(at->type), attr_summary(g, pa));
        c[i + 1] = (sig_sqlgen_column){qi(g, at->name), sql_type(g, at->type), sig_buf_str(&ad)};
    }
    c[n - 1] = (sig_sqlgen_column){"updated_at", g->d->type_name[SIG_UNIX_TIMESTAMP],
                                   "When the statement that computed this row ran (UTC)."};
    m->columns = c;
    m->ncolumns = n;
    sig_buf desc = {.arena = g->a};
    if (v->description) sig_buf_printf(&desc, "%s\n\n", v->description);
    sig_buf_printf(&desc, "Attributes of view `%s` v%d, one row per `%s` value.", v->name,
                   v->version, v->key->name);
    m->comment = sig_buf_str(&desc);
}

static void emit_schema(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    const sig_view *v = g->v;
    sig_buf b = {.arena = g->a};
    const char *ent_desc = S(g, "The entity value (attribute key `%s`).", v->key->name);
    const char *ts = d->type_name[SIG_UNIX_TIMESTAMP];
    sig_buf_puts(&b, "# Generated by signalsc " SIGNALS_VERSION ". Do not edit: recompile the spec.\n"
                     "version: 2\n\nmodels:\n");
    /* events */
    sig_buf_printf(&b, "  - name: %s\n    description: %s\n    columns:\n",
                   yaml_str(g, model_name(g, "events")),
                   yaml_str(g, S(g, "Events of view `%s` v%d: one row per event_id (the copy "
                                    "loaded first), with the entity value and every property "
                                    "value its attributes read, converted.",
                                 v->name, v->version)));
    yml_col(g, &b, "event_id", NULL, "The event's id.", true);
    yml_col(g, &b, "event_vendor", NULL, "The event's schema vendor.", false);
    yml_col(g, &b, "event_name", NULL, "The event's schema name.", false);
    yml_col(g, &b, "event_version", NULL, "The event's schema version.", false);
    yml_col(g, &b, g->entity, entity_type_name(g), ent_desc, false);
    yml_col(g, &b, "derived_tstamp", ts, "The event's derived_tstamp (UTC).", false);
    yml_col(g, &b, "event_day", "DATE", "The UTC date of derived_tstamp.", false);
    yml_col(g, &b, "load_tstamp", ts, "When the event was loaded into the warehouse.", false);
    yml_col(g, &b, "loaded_at", ts, "When the run that stored this event started.", false);
    for (size_t i = 0; i < g->plan->ncolumns; i++) {
        const sig_plan_column *c = g->plan->columns[i];
        yml_col(g, &b, c->name, d->type_name[sig_plan_conv_scalar(c->conv)],
                S(g, "`%s` %s; NULL when absent or not convertible.",
                  c->prop->prop->text ? c->prop->prop->text : "?", sig_plan_conv_words(c->conv)),
                false);
    }
    /* daily */
    sig_buf_printf(&b, "\n  - name: %s\n    description: %s\n    columns:\n",
                   yaml_str(g, model_name(g, "daily")),
                   yaml_str(g, "Partial state of every attribute (but unique_list) per entity "
                               "value and event day."));
    yml_col(g, &b, g->entity, entity_type_name(g), ent_desc, false);
    yml_col(g, &b, "event_day", "DATE", "The event day.", false);
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        for (size_t j = 0; j < pa->nstates; j++) {
            const sig_plan_state *st = &pa->states[j];
            if (!st->column || st->shared) continue;
            yml_col(g, &b, st->column, d->type_name[st->type.scalar],
                    S(g, "`%s`: %s", at->name, state_text[st->kind].yml), false);
        }
    }
    yml_col(g, &b, "computed_at", ts, "When the run that computed this row started.", false);
    if (g->plan->has_lists) {
        sig_buf_printf(&b, "\n  - name: %s\n    description: %s\n    columns:\n",
                       yaml_str(g, model_name(g, "daily_values")),
                       yaml_str(g, "Values of the unique_list attributes per entity value and "
                                   "event day, with when each was last seen that day."));
        yml_col(g, &b, g->entity, entity_type_name(g), ent_desc, false);
        yml_col(g, &b, "event_day", "DATE", "The event day.", false);
        yml_col(g, &b, "attribute", NULL, "The unique_list attribute.", false);
        for (int s = 0; s < 8; s++)
            if ((g->plan->list_scalars >> s & 1u))
                yml_col(g, &b, list_value_col[s], d->type_name[s],
                        S(g, "The value, for attributes of type %s_list.",
                          sig_type_name((sig_type){(sig_scalar)s, false})),
                        false);
        yml_col(g, &b, "last_seen", ts, "Latest derived_tstamp of the value that day.", false);
        yml_col(g, &b, "computed_at", ts, "When the run that computed this row started.", false);
    }
    /* attributes */
    sig_buf desc = {.arena = g->a};
    if (v->description) sig_buf_printf(&desc, "%s\n\n", v->description);
    sig_buf_printf(&desc, "Attributes of view `%s` v%d, one row per `%s` value.", v->name,
                   v->version, v->key->name);
    sig_buf_printf(&b, "\n  - name: %s\n    description: %s\n    columns:\n",
                   yaml_str(g, model_name(g, "attributes")), yaml_str(g, sig_buf_str(&desc)));
    yml_col(g, &b, g->entity, entity_type_name(g), ent_desc, true);
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        sig_buf ad = {.arena = g->a};
        if (at->description) sig_buf_printf(&ad, "%s\n\n", at->description);
        sig_buf_printf(&ad, "%s: %s.", sig_type_name(at->type), attr_summary(g, pa));
        yml_col(g, &b, at->name, sql_type(g, at->type), sig_buf_str(&ad), false);
    }
    yml_col(g, &b, "updated_at", ts,
            "Start of the run in which this row's values last changed (UTC).", false);
    sig_output_add_buf(out, S(g, "models/%s/schema.yml", g->prefix), &b);
}

/* ------------------------------------------------------- project files */

static const char *sanitize_project(gen *g, const char *name)
{
    sig_buf b = {.arena = g->a};
    bool us = false;
    for (const char *p = name ? name : ""; *p; p++) {
        if (isalnum((unsigned char)*p)) {
            sig_buf_putc(&b, (char)tolower((unsigned char)*p));
            us = false;
        } else if (!us && b.len) {
            sig_buf_putc(&b, '_');
            us = true;
        }
    }
    const char *s = sig_buf_str(&b);
    size_t n = strlen(s);
    while (n && s[n - 1] == '_') n--;
    s = sig_arena_strndup(g->a, s, n);
    if (!*s) return "signals";
    if (isdigit((unsigned char)s[0])) return S(g, "signals_%s", s);
    return s;
}

static void emit_project(gen *g, sig_output *out, const sig_view *const *views, size_t n)
{
    sig_buf b = {.arena = g->a};
    sig_buf_printf(&b,
                   "# Generated by signalsc " SIGNALS_VERSION ". Do not edit: recompile the spec.\n"
                   "name: '%s'\n"
                   "version: '1.0.0'\n"
                   "config-version: 2\n"
                   "require-dbt-version: [\">=1.8.0\", \"<2.0.0\"]\n"
                   "profile: 'signals'\n"
                   "\n"
                   "model-paths: [\"models\"]\n"
                   "target-path: \"target\"\n"
                   "clean-targets: [\"target\", \"logs\"]\n"
                   "\n"
                   "models:\n"
                   "  %s:\n"
                   "    +materialized: table\n"
                   "\n"
                   "vars:\n"
                   "  # Database of the atomic events table (none: the target's database).\n"
                   "  snowplow__database: null\n"
                   "  snowplow__atomic_schema: 'atomic'\n"
                   "  snowplow__events_table: 'events'\n"
                   "  # Events loaded (load_tstamp) before this date are not read.\n"
                   "  snowplow__start_date: '2020-01-01'\n"
                   "  # The last day of every window (YYYY-MM-DD); none: the current UTC date.\n"
                   "  today: null\n",
                   g->project, g->project);
    sig_output_add_buf(out, "dbt_project.yml", &b);

    const char *args[1] = {g->d->target};
    if (g->d->profile_output) {
        sig_buf p = {.arena = g->a};
        sig_buf_printf(&p, "# Generated by signalsc " SIGNALS_VERSION ".\nsignals:\n  target: %s\n  outputs:\n",
                       g->d->target);
        sig_dbt_tpl(&p, g->d->profile_output, 1, args);
        sig_output_add_buf(out, "profiles.yml", &p);
    }

    sig_buf s = {.arena = g->a};
    sig_buf_puts(&s,
                 "# Generated by signalsc " SIGNALS_VERSION ". Do not edit: recompile the spec.\n"
                 "version: 2\n"
                 "\n"
                 "sources:\n"
                 "  - name: atomic\n"
                 "    description: \"Snowplow atomic events.\"\n"
                 "    database: \"{{ var('snowplow__database') or target.database or none }}\"\n"
                 "    schema: \"{{ var('snowplow__atomic_schema') }}\"\n"
                 "    tables:\n"
                 "      - name: events\n"
                 "        identifier: \"{{ var('snowplow__events_table') }}\"\n");
    sig_output_add_buf(out, "models/sources.yml", &s);

    sig_buf gi = {.arena = g->a};
    sig_buf_puts(&gi, "target/\nlogs/\n*.duckdb\n*.duckdb.wal\n");
    sig_output_add_buf(out, ".gitignore", &gi);

    const char *pd = g->d->profile_output ? " --profiles-dir ." : "";
    sig_buf r = {.arena = g->a};
    sig_buf_printf(&r,
                   "# %s\n\n"
                   "A dbt project generated by signalsc " SIGNALS_VERSION " from a .signals spec. It\n"
                   "computes the attributes of the spec's offline views from Snowplow atomic events,\n"
                   "incrementally. It needs no dbt package. Do not edit it: recompile the spec.\n\n"
                   "## Run it\n\n"
                   "```sh\n"
                   "dbt run --project-dir .%s     # first run, then after each load\n"
                   "dbt test --project-dir .%s    # key checks\n"
                   "dbt run --project-dir .%s --full-refresh   # recompute everything\n"
                   "```\n\n"
                   "## Connection\n\n",
                   g->project, pd, pd, pd);
    sig_buf_puts(&r, g->d->profile_doc);
    if (g->d->profile_example) {
        sig_buf_printf(&r, "\n```yaml\n# ~/.dbt/profiles.yml\nsignals:\n  target: %s\n  outputs:\n",
                       g->d->target);
        sig_dbt_tpl(&r, g->d->profile_example, 1, args);
        sig_buf_puts(&r, "```\n");
    }
    sig_buf_puts(&r,
                 "\n## Variables\n\n"
                 "| var | default | meaning |\n"
                 "|---|---|---|\n"
                 "| `snowplow__database` | the target's database | database of the events table |\n"
                 "| `snowplow__atomic_schema` | `atomic` | schema of the events table |\n"
                 "| `snowplow__events_table` | `events` | name of the events table |\n"
                 "| `snowplow__start_date` | `2020-01-01` | events loaded before it are not read |\n"
                 "| `today` | current UTC date | last day of every window (`YYYY-MM-DD`) |\n\n"
                 "For example `dbt run --vars '{today: \"2024-05-01\"}'`.\n\n"
                 "## Models\n\n");
    for (size_t i = 0; i < n; i++) {
        const char *pf = S(g, "%s_v%d", views[i]->name, views[i]->version);
        sig_buf_printf(&r,
                       "View `%s` v%d (`models/%s/`):\n\n"
                       "- `%s_events`: the view's events, one row per event_id, properties extracted.\n"
                       "- `%s_daily`: per entity value and day, the partial state of each attribute.\n",
                       views[i]->name, views[i]->version, pf, pf, pf);
        bool lists = false;
        for (size_t j = 0; j < views[i]->nattributes; j++)
            lists |= keeps_values(sig_agg_get(views[i]->attributes[j]->agg));
        if (lists)
            sig_buf_printf(&r, "- `%s_daily_values`: per entity value and day, the values of the "
                               "unique_list attributes.\n", pf);
        sig_buf_printf(&r,
                       "- `%s_attributes`: the attributes, one row per entity value; `updated_at` is\n"
                       "  the start of the run in which the row last changed.\n\n",
                       pf);
    }
    sig_buf_puts(&r,
                 "Each run reads the events loaded since the previous one, recomputes the\n"
                 "(entity, day) pairs they touch from all stored events of those pairs (so late\n"
                 "events are counted), then recomputes every attribute row and writes the rows\n"
                 "that changed. After any sequence of runs the attributes equal a full refresh.\n");
    sig_output_add_buf(out, "README.md", &r);
}

/* --------------------------------------------------------------- emit */

/* Every offline view with attributes, checked and generated (files into
 * `out`, or plain models to base->sink). `backend` names the backend in
 * diagnostics. */
static bool generate(gen *base, const sig_model *model, sig_output *out, const char *backend)
{
    sig_ctx *ctx = base->ctx;
    sig_arena *arena = base->a;
    const sig_dbt_dialect *d = base->d;
    /* the views to compute */
    sig_ptrvec views = {0};
    for (size_t i = 0; i < model->nviews; i++) {
        const sig_view *v = model->views[i];
        if (v->offline && v->nattributes) sig_ptrvec_push(arena, &views, (void *)(uintptr_t)v);
    }
    if (!views.len) {
        sig_diag *dg = sig_error(ctx, SIG_NOLOC, "E0910", "no view for the %s backend to compute",
                                 backend);
        if (!model->nviews)
            sig_diag_note(ctx, dg, SIG_NOLOC, "the spec declares no view");
        for (size_t i = 0; i < model->nviews; i++) {
            const sig_view *v = model->views[i];
            if (!v->offline)
                sig_diag_note(ctx, dg, v->loc, "view `%s` v%d is not offline (`offline true` is missing)",
                              v->name, v->version);
            else
                sig_diag_note(ctx, dg, v->loc, "view `%s` v%d has no attributes", v->name, v->version);
        }
        sig_diag_help(ctx, dg, "add `offline true` to a view with attributes");
        return false;
    }
    bool ok = true;
    /* model prefixes must differ in the warehouse (names ignore case) */
    for (size_t i = 0; i < views.len; i++) {
        const sig_view *v = views.items[i];
        for (size_t j = 0; j < i; j++) {
            const sig_view *w = views.items[j];
            if (v->version == w->version && ieq(v->name, w->name)) {
                sig_diag *dg = sig_error(ctx, v->loc, "E0913",
                                         "views `%s` and `%s` v%d would have the same warehouse "
                                         "tables", w->name, v->name, v->version);
                sig_diag_note(ctx, dg, w->loc, "`%s` is here", w->name);
                sig_diag_help(ctx, dg, "warehouse table names ignore case; rename one");
                ok = false;
            }
        }
    }
    if (!base->plain) emit_project(base, out, (const sig_view *const *)views.items, views.len);
    for (size_t i = 0; i < views.len; i++) {
        gen g = *base;
        g.v = views.items[i];
        g.prefix = S(&g, "%s_v%d", g.v->name, g.v->version);
        g.entity = g.v->key->name;
        g.qentity = qi(&g, g.entity);
        g.run_ts = g.plain ? d->current_utc_timestamp
                           : T(&g, d->timestamp_literal, 1,
                               "'{{ run_started_at.strftime(\"%Y-%m-%d %H:%M:%S.%f\") }}'");
        g.plan = sig_plan_view(arena, g.v);
        if (!check_fields(&g) || !check_names(&g)) {
            ok = false;
            continue;
        }
        if (!ok) continue;
        emit_events(&g, out);
        emit_daily(&g, out);
        if (g.plan->has_lists) emit_daily_values(&g, out);
        emit_attributes(&g, out);
        if (!g.plain) emit_schema(&g, out);
    }
    return ok;
}

static bool dbt_emit(sig_ctx *ctx, const sig_model *model, const char *target,
                     const sig_compile_options *opts, sig_output *out)
{
    const sig_dbt_dialect *d = sig_dbt_dialect_find(target ? target : "duckdb");
    gen base = {.ctx = ctx, .a = sig_ctx_arena(ctx), .d = d, .opts = opts};
    if (!d) {
        sig_error(ctx, SIG_NOLOC, "E0902", "the dbt backend has no target `%s`", target);
        return false;
    }
    base.project = sanitize_project(&base, opts ? opts->project_name : NULL);
    return generate(&base, model, out, "dbt");
}

bool sig_sqlgen_plain(sig_ctx *ctx, const sig_model *model, const sig_dbt_dialect *d,
                      const char *events_table, sig_sqlgen_sink *sink, void *ud)
{
    gen base = {.ctx = ctx, .a = sig_ctx_arena(ctx), .d = d, .plain = true,
                .events_table = events_table, .sink = sink, .sink_ud = ud,
                .project = "signals"};
    return generate(&base, model, NULL, "ddl");
}

const char *sig_sqlgen_ident(sig_arena *a, const sig_dbt_dialect *d, const char *name)
{
    gen g = {.a = a, .d = d, .plain = true};
    return qi(&g, name);
}

const char *sig_sqlgen_string(sig_arena *a, const sig_dbt_dialect *d, const char *s)
{
    gen g = {.a = a, .d = d, .plain = true};
    return sql_str(&g, s);
}

const char *sig_sqlgen_type(sig_arena *a, const sig_dbt_dialect *d, sig_type t)
{
    gen g = {.a = a, .d = d, .plain = true};
    return sql_type(&g, t);
}

const sig_backend sig_backend_dbt = {
    .name = "dbt",
    .summary = "a dbt project computing the offline views' attributes incrementally",
    .targets = sig_dbt_targets,
    .single_file = false,
    .emit = dbt_emit,
};
