/* sqlx.c: building and rendering the SQL expression tree (sqlx.h). */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "dbt.h"

static sqlx_node *node(sig_arena *a, sqlx_kind kind, const char *text)
{
    sqlx_node *x = SIG_NEW(a, sqlx_node);
    *x = (sqlx_node){.kind = kind, .text = text};
    return x;
}

static const sqlx_node *with_args(sig_arena *a, sqlx_node *x, int n, va_list ap)
{
    const sqlx_node **args = SIG_NEW_ARRAY(a, const sqlx_node *, n > 0 ? (size_t)n : 1);
    for (int i = 0; i < n; i++) args[i] = va_arg(ap, const sqlx_node *);
    x->args = args;
    x->nargs = (size_t)n;
    return x;
}

const sqlx_node *sqlx_raw(sig_arena *a, const char *text)
{
    return node(a, SQLX_RAW, text);
}

const sqlx_node *sqlx_ident(sig_arena *a, const char *qual, const char *name)
{
    sqlx_node *x = node(a, SQLX_IDENT, name);
    x->qual = qual;
    return x;
}

const sqlx_node *sqlx_str(sig_arena *a, const char *value)
{
    return node(a, SQLX_STR, value);
}

const sqlx_node *sqlx_fn_of(sig_arena *a, sqlx_fn fn, int n, ...)
{
    sqlx_node *x = node(a, SQLX_FN, NULL);
    x->fn = fn;
    va_list ap;
    va_start(ap, n);
    const sqlx_node *r = with_args(a, x, n, ap);
    va_end(ap);
    return r;
}

const sqlx_node *sqlx_call(sig_arena *a, const char *name, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    const sqlx_node *r = with_args(a, node(a, SQLX_CALL, name), n, ap);
    va_end(ap);
    return r;
}

const sqlx_node *sqlx_case(sig_arena *a, const sqlx_node *subject, int n, ...)
{
    sqlx_node *x = node(a, SQLX_CASE, NULL);
    const sqlx_node **args = SIG_NEW_ARRAY(a, const sqlx_node *, (size_t)n + 1);
    args[0] = subject;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) args[i + 1] = va_arg(ap, const sqlx_node *);
    va_end(ap);
    x->args = args;
    x->nargs = (size_t)n + 1;
    return x;
}

static const sqlx_node *pair(sig_arena *a, sqlx_kind kind, const char *text,
                             const sqlx_node *x, const sqlx_node *y)
{
    sqlx_node *r = node(a, kind, text);
    const sqlx_node **args = SIG_NEW_ARRAY(a, const sqlx_node *, 2);
    args[0] = x;
    args[1] = y;
    r->args = args;
    r->nargs = y ? 2 : 1;
    return r;
}

const sqlx_node *sqlx_bin(sig_arena *a, const sqlx_node *x, const char *op, const sqlx_node *y)
{
    return pair(a, SQLX_BIN, op, x, y);
}

const sqlx_node *sqlx_paren(sig_arena *a, const sqlx_node *x)
{
    return pair(a, SQLX_PAREN, NULL, x, NULL);
}

const sqlx_node *sqlx_post(sig_arena *a, const sqlx_node *x, const char *text)
{
    return pair(a, SQLX_POSTFIX, text, x, NULL);
}

const sqlx_node *sqlx_seq(sig_arena *a, const char *sep, const sqlx_node *const *items, size_t n)
{
    sqlx_node *x = node(a, SQLX_SEQ, sep);
    x->args = items;
    x->nargs = n;
    return x;
}

const sqlx_node *sqlx_when(sig_arena *a, const sqlx_node *cond, const sqlx_node *x)
{
    return sqlx_case(a, NULL, 2, cond, x);
}

const sqlx_node *sqlx_between(sig_arena *a, const sqlx_node *x, const sqlx_node *lo,
                              const sqlx_node *hi)
{
    return sqlx_bin(a, x, "BETWEEN", sqlx_bin(a, lo, "AND", hi));
}

const sqlx_node *sqlx_cast(sig_arena *a, const sqlx_node *x, const char *type)
{
    return sqlx_fn_of(a, SQLX_FN_CAST, 2, x, sqlx_raw(a, type));
}

void sqlx_select_col(sig_arena *a, sqlx_select *s, const sqlx_node *x, const char *alias,
                     const char *comment)
{
    sqlx_item *it = SIG_NEW(a, sqlx_item);
    *it = (sqlx_item){x, alias, comment};
    sig_ptrvec_push(a, &s->items, it);
}

void sqlx_select_where(sig_arena *a, sqlx_select *s, const sqlx_node *cond)
{
    sig_ptrvec_push(a, &s->where, (void *)(uintptr_t)cond);
}

void sqlx_select_group(sig_arena *a, sqlx_select *s, const sqlx_node *key)
{
    sig_ptrvec_push(a, &s->group, (void *)(uintptr_t)key);
}

/* ------------------------------------------------------------ rendering */

static void render(gen *g, sig_buf *b, const sqlx_node *x);

/* A dialect function: its arguments rendered, then the dialect's template. */
static void render_fn(gen *g, sig_buf *b, const sqlx_node *x)
{
    const char *args[10];
    size_t n = x->nargs < 10 ? x->nargs : 10;
    for (size_t i = 0; i < n; i++) args[i] = dbt_x(g, x->args[i]);
    sig_dbt_tpl(b, g->d->fn[x->fn], (int)n, args);
}

static void render_case(gen *g, sig_buf *b, const sqlx_node *x)
{
    sig_buf_puts(b, "CASE");
    if (x->args[0]) {
        sig_buf_putc(b, ' ');
        render(g, b, x->args[0]);
    }
    size_t i = 1;
    for (; i + 1 < x->nargs; i += 2) {
        sig_buf_puts(b, " WHEN ");
        render(g, b, x->args[i]);
        sig_buf_puts(b, " THEN ");
        render(g, b, x->args[i + 1]);
    }
    if (i < x->nargs) {
        sig_buf_puts(b, " ELSE ");
        render(g, b, x->args[i]);
    }
    sig_buf_puts(b, " END");
}

static void render(gen *g, sig_buf *b, const sqlx_node *x)
{
    switch (x->kind) {
    case SQLX_RAW: sig_buf_puts(b, x->text); return;
    case SQLX_IDENT:
        if (x->qual) {
            sig_buf_puts(b, x->qual);
            sig_buf_putc(b, '.');
        }
        sig_buf_puts(b, dbt_qi(g, x->text));
        return;
    case SQLX_STR: sig_buf_puts(b, dbt_sql_str(g, x->text)); return;
    case SQLX_FN: render_fn(g, b, x); return;
    case SQLX_CALL:
    case SQLX_SEQ:
        if (x->kind == SQLX_CALL) {
            sig_buf_puts(b, x->text);
            sig_buf_putc(b, '(');
        }
        for (size_t i = 0; i < x->nargs; i++) {
            if (i) sig_buf_puts(b, x->kind == SQLX_CALL ? ", " : x->text);
            render(g, b, x->args[i]);
        }
        if (x->kind == SQLX_CALL) sig_buf_putc(b, ')');
        return;
    case SQLX_BIN:
    case SQLX_POSTFIX:
        render(g, b, x->args[0]);
        sig_buf_putc(b, ' ');
        sig_buf_puts(b, x->text);
        if (x->kind == SQLX_BIN) {
            sig_buf_putc(b, ' ');
            render(g, b, x->args[1]);
        }
        return;
    case SQLX_PAREN:
        sig_buf_putc(b, '(');
        render(g, b, x->args[0]);
        sig_buf_putc(b, ')');
        return;
    case SQLX_CASE: render_case(g, b, x); return;
    }
}

const char *dbt_x(gen *g, const sqlx_node *x)
{
    sig_buf b = {.arena = g->a};
    render(g, &b, x);
    return sig_buf_str(&b);
}

/* A line break, then `indent`, then `extra` more (the column indent). */
static void newline(sig_buf *b, const char *indent, const char *extra)
{
    sig_buf_putc(b, '\n');
    sig_buf_puts(b, indent);
    sig_buf_puts(b, extra);
}

void dbt_put_select(gen *g, sig_buf *b, const sqlx_select *s, const char *indent)
{
    sig_buf_puts(b, indent);
    sig_buf_puts(b, "SELECT");
    for (size_t i = 0; i < s->items.len; i++) {
        const sqlx_item *it = s->items.items[i];
        if (i) sig_buf_putc(b, ',');
        if (it->comment) {
            newline(b, indent, "    -- ");
            sig_buf_puts(b, it->comment);
        }
        newline(b, indent, "    ");
        render(g, b, it->expr);
        if (it->alias) {
            sig_buf_puts(b, " AS ");
            sig_buf_puts(b, dbt_qi(g, it->alias));
        }
    }
    newline(b, indent, "FROM ");
    sig_buf_puts(b, s->from);
    for (size_t i = 0; i < s->where.len; i++) {
        newline(b, indent, i ? "  AND " : "WHERE ");
        render(g, b, s->where.items[i]);
    }
    for (size_t i = 0; i < s->group.len; i++) {
        if (i) sig_buf_putc(b, ',');
        else newline(b, indent, "GROUP BY");
        newline(b, indent, "    ");
        render(g, b, s->group.items[i]);
    }
}
