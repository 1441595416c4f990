/* sqlx.h: the SQL expression tree of the dbt backend.
 *
 * The backend builds each expression of the plan (property conversions,
 * criteria, daily states, merges, finishes) as a small tree of nodes and
 * renders it per dialect: identifiers quoted and strings escaped by the
 * dialect's rules, and each dialect function (sqlx_fn) written by the
 * dialect's template for it (dialect.h), or the shared default. Most
 * SELECTs of the models are sqlx_select values (below); the CTE headers,
 * comments, dbt config and `is_incremental()` blocks around them stay text.
 *
 * Nodes live in the generator's arena; they are built, rendered once and
 * never changed. Rendering adds no parentheses of its own: a SQLX_PAREN
 * node writes them where the SQL needs them, so the text is exactly what
 * the tree says. */
#ifndef SIGNALS_DBT_SQLX_H
#define SIGNALS_DBT_SQLX_H

#include <stddef.h>

#include "signals/arena.h"
#include "signals/output.h"

/* The functions whose SQL differs between warehouses: each is a template of
 * the dialect ({0}.. its arguments, dialect.h says what each takes). */
typedef enum sqlx_fn {
    SQLX_FN_CAST,              /* {0} as type {1} */
    SQLX_FN_TRY_CAST,          /* ... NULL when it does not convert */
    SQLX_FN_LOWER,
    SQLX_FN_TRIM,              /* strip surrounding blanks */
    SQLX_FN_FLOOR,
    SQLX_FN_MIN,               /* aggregates: min/max of {0} */
    SQLX_FN_MAX,
    SQLX_FN_BOOL_MIN,          /* ... of a boolean */
    SQLX_FN_BOOL_MAX,
    SQLX_FN_LIKE,              /* {0} LIKE {1}, escape character {2} (a backslash) */
    SQLX_FN_REGEX_MATCH,       /* text {0} matches regex literal {1} */
    SQLX_FN_JSON_TEXT,         /* a JSON value as text (dialect.h) */
    SQLX_FN_PATH_INDEX,        /* {0}[{1}] */
    SQLX_FN_PATH_FIELD,        /* {0}.{1} */
    SQLX_FN_PATH_FIRST_FIELD,  /* the first field step */
    SQLX_FN_TEXT_TO_TIMESTAMP, /* ISO 8601 text {0} to a UTC timestamp */
    SQLX_FN_DATE_OF,           /* UTC date of timestamp {0} */
    SQLX_FN_DATE_MINUS_DAYS,   /* date {0} minus {1} days */
    SQLX_FN_CURRENT_UTC_DATE,
    SQLX_FN_CURRENT_UTC_TIMESTAMP,
    SQLX_FN_DATE_LITERAL,      /* {0} a quoted 'YYYY-MM-DD' */
    SQLX_FN_TIMESTAMP_LITERAL, /* {0} a quoted timestamp */
    SQLX_FN_FIRST_ORDERED,     /* see dialect.h */
    SQLX_FN_LAST_ORDERED,
    SQLX_FN_LIST_AGG_ORDERED,
    SQLX_FN_LIST_LITERAL,      /* {0} the items */
    SQLX_FN_EMPTY_LIST,        /* {0} the list type */
    SQLX_FN_DISTINCT_FROM,     /* null-safe "differs" */
    SQLX_FN__COUNT
} sqlx_fn;

typedef enum sqlx_kind {
    SQLX_RAW,     /* text as is: a keyword, a number, an ordering list */
    SQLX_IDENT,   /* [qual.]name, name quoted when needed */
    SQLX_STR,     /* a string literal */
    SQLX_FN,      /* a dialect function of args */
    SQLX_CALL,    /* name(args, ...): functions every dialect writes alike */
    SQLX_BIN,     /* args[0] text args[1]: "a = b", "a AND b" */
    SQLX_SEQ,     /* args joined by text: ", ", " AND ", a line break */
    SQLX_PAREN,   /* (args[0]) */
    SQLX_POSTFIX, /* args[0] text: "x IS NULL" */
    SQLX_CASE,    /* CASE [args[0]] WHEN args[1] THEN args[2] ... [ELSE last] END */
} sqlx_kind;

typedef struct sqlx_node sqlx_node;
struct sqlx_node {
    sqlx_kind kind;
    sqlx_fn fn;             /* SQLX_FN */
    const char *text;       /* RAW text, IDENT name, STR value, CALL name,
                             * BIN operator, SEQ separator, POSTFIX text */
    const char *qual;       /* IDENT: the table alias, or NULL */
    const sqlx_node *const *args;
    size_t nargs;
};

/* Constructors; every node and array is allocated in `a`. */
const sqlx_node *sqlx_raw(sig_arena *a, const char *text);
const sqlx_node *sqlx_ident(sig_arena *a, const char *qual, const char *name);
const sqlx_node *sqlx_str(sig_arena *a, const char *value);
const sqlx_node *sqlx_fn_of(sig_arena *a, sqlx_fn fn, int n, ...);
const sqlx_node *sqlx_call(sig_arena *a, const char *name, int n, ...);
const sqlx_node *sqlx_bin(sig_arena *a, const sqlx_node *x, const char *op, const sqlx_node *y);
const sqlx_node *sqlx_seq(sig_arena *a, const char *sep, const sqlx_node *const *items, size_t n);
const sqlx_node *sqlx_paren(sig_arena *a, const sqlx_node *x);
const sqlx_node *sqlx_post(sig_arena *a, const sqlx_node *x, const char *text);
/* CASE [subject] WHEN c1 THEN v1 ... [ELSE e] END: `n` nodes after the
 * subject (NULL: a searched CASE), WHEN/THEN pairs, an odd last one the ELSE. */
const sqlx_node *sqlx_case(sig_arena *a, const sqlx_node *subject, int n, ...);
/* CASE WHEN cond THEN x END */
const sqlx_node *sqlx_when(sig_arena *a, const sqlx_node *cond, const sqlx_node *x);
/* x BETWEEN lo AND hi */
const sqlx_node *sqlx_between(sig_arena *a, const sqlx_node *x, const sqlx_node *lo,
                              const sqlx_node *hi);
/* CAST(x AS type), the dialect's way */
const sqlx_node *sqlx_cast(sig_arena *a, const sqlx_node *x, const char *type);

/* A SELECT: columns (each an expression, its alias or NULL, a comment line
 * or NULL), FROM, WHERE (conditions ANDed, one a line), GROUP BY. Rendered
 * one column a line, indented four spaces past the SELECT. Start from
 * {0} (the vectors grow in the arena passed to the adders). */
typedef struct sqlx_item {
    const sqlx_node *expr;
    const char *alias;      /* an identifier, quoted when rendered */
    const char *comment;    /* `--` comment text (Jinja-safe), or NULL */
} sqlx_item;

typedef struct sqlx_select {
    sig_ptrvec items;       /* sqlx_item * */
    const char *from;       /* a table, CTE or ref, with its alias */
    sig_ptrvec where;       /* const sqlx_node * */
    sig_ptrvec group;       /* const sqlx_node * */
} sqlx_select;

void sqlx_select_col(sig_arena *a, sqlx_select *s, const sqlx_node *x, const char *alias,
                     const char *comment);
void sqlx_select_where(sig_arena *a, sqlx_select *s, const sqlx_node *cond);
void sqlx_select_group(sig_arena *a, sqlx_select *s, const sqlx_node *key);

#endif
