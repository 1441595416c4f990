/* signals.y: the parser of the .signals language (docs/language.md §2-§3).
 *
 * Builds the AST of src/ast.h in the context's arena. Lists are collected
 * in malloc'd vectors (sig_pvec, src/parse_util.h) and copied into the
 * arena when their rule completes; every typed semantic value has a
 * %destructor, so that symbols discarded during error recovery leak
 * nothing.
 *
 * Errors: E0201 (unexpected token, with the expected tokens and a
 * did-you-mean for misspelt keywords), E0202 (unclosed `{`, reported by the
 * scanner), E0203 (repeated attribute clause), E0204 (bad version), E0205
 * (bad index), E0206 (unmatched `}`), E0207 (nested too deeply). Recovery
 * resumes at the next declaration keyword at top level, and at the next
 * setting keyword or `}` inside blocks. */

%require "3.8"
%define api.pure full
%define api.prefix {sig_yy}
%define api.token.prefix {T_}
%define api.location.type {sig_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%param {yyscan_t scanner}
%parse-param {sig_pstate *ps}

%code requires {
#include <stdbool.h>
#include "ast.h"
#include "parse_util.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* The clauses of an attribute, gathered in any order. */
typedef struct sig_pclause {
    int kind;                  /* 0 from, 1 where, 2 over */
    sig_loc loc;               /* the whole clause */
    sig_ident *events;
    size_t nevents;
    sig_ast_expr *where;
    sig_ast_duration period;
} sig_pclause;

typedef struct sig_pclauses {
    sig_pclause *first[3];     /* first clause of each kind, or NULL */
} sig_pclauses;

/* An optional `vN` version. */
typedef struct sig_pversion {
    bool has;
    int value;
    sig_loc loc;
} sig_pversion;
}

%code {
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "signals/signals.h"
#include "scanner.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                     \
    do {                                                                \
        if (N) {                                                        \
            (Cur) = sig_ploc_join(YYRHSLOC(Rhs, 1), YYRHSLOC(Rhs, N));  \
        } else {                                                        \
            (Cur) = sig_ploc_end(YYRHSLOC(Rhs, 0));                     \
        }                                                               \
    } while (0)

static void sig_yyerror(sig_loc *loc, yyscan_t scanner, sig_pstate *ps, const char *msg);

#define A (ps->arena)

static sig_ident ident(sig_tok t, sig_loc l)
{
    return (sig_ident){t.text, l};
}

static sig_ast_decl *new_decl(sig_pstate *ps, sig_decl_kind kind, sig_loc loc,
                              sig_loc kw)
{
    sig_ast_decl *d = SIG_NEW(A, sig_ast_decl);
    d->kind = kind;
    d->loc = loc;
    d->keyword_loc = kw;
    return d;
}

/* A new declaration, recorded in the file at once. */
static sig_ast_decl *record(sig_pstate *ps, sig_decl_kind kind, sig_loc loc,
                            sig_loc kw, const sig_ident *name)
{
    sig_ast_decl *d = new_decl(ps, kind, loc, kw);
    if (name) d->name = *name;
    sig_pvec_push(&ps->decls, &d, sizeof d);
    return d;
}

static sig_ast_setting *new_setting(sig_pstate *ps, sig_setting_kind kind,
                                    sig_loc kw, sig_loc loc)
{
    sig_ast_setting *s = SIG_NEW(A, sig_ast_setting);
    s->kind = kind;
    s->keyword_loc = kw;
    s->loc = loc;
    return s;
}

/* A setting whose value is a name or a string (database, table, ...). */
static sig_ast_setting *name_or_string(sig_pstate *ps, sig_setting_kind kind,
                                       sig_loc kw, sig_loc loc,
                                       const sig_ast_setting *v)
{
    sig_ast_setting *s = new_setting(ps, kind, kw, loc);
    s->name = v->name;
    s->str = v->str;
    s->str_loc = v->str_loc;
    return s;
}

static sig_ast_expr *new_binary(sig_pstate *ps, sig_ast_expr_kind kind,
                                sig_ast_expr *lhs, sig_ast_expr *rhs, sig_loc loc)
{
    sig_ast_expr *e = SIG_NEW(A, sig_ast_expr);
    e->kind = kind;
    e->lhs = lhs;
    e->rhs = rhs;
    e->loc = loc;
    return e;
}

static sig_ast_expr *cmp(sig_pstate *ps, sig_ast_property *p, sig_ast_cmp_op op,
                         sig_loc op_loc, sig_ast_literal *v, sig_loc loc)
{
    sig_ast_expr *e = SIG_NEW(A, sig_ast_expr);
    e->kind = SIG_AST_CMP;
    e->property = p;
    e->op = op;
    e->op_loc = op_loc;
    e->value = v;
    e->loc = loc;
    return e;
}

/* The interventions' word operators: `rlike`, `not rlike` (with a value)
 * and `changed` (without); they are names, not keywords. E0201 for any
 * other word. */
static sig_ast_expr *word_cmp(sig_pstate *ps, sig_ast_property *p, sig_tok w, sig_loc wl,
                              bool negated, sig_ast_literal *v, sig_loc loc)
{
    bool rlike = strcmp(w.text, "rlike") == 0, changed = strcmp(w.text, "changed") == 0;
    if ((v && rlike) || (!v && !negated && changed))
        return cmp(ps, p, rlike ? (negated ? SIG_AST_NOT_RLIKE : SIG_AST_RLIKE) : SIG_AST_CHANGED,
                   wl, v, loc);
    sig_diag *d = sig_error(ps->ctx, wl, "E0201", "expected an operator, found `%s`", w.text);
    sig_diag_label(ps->ctx, d, "not an operator");
    sig_diag_help(ps->ctx, d, "the operators are `=`, `!=`, `<`, `>`, `<=`, `>=`, `like`, "
                  "`in`, `is null`, and in interventions `not like`, `rlike`, `not rlike`, "
                  "`not in`, `changed`");
    return cmp(ps, p, SIG_AST_EQ, wl, v, loc);
}

static sig_ast_literal *new_literal(sig_pstate *ps, sig_ast_lit_kind kind, sig_loc loc)
{
    sig_ast_literal *l = SIG_NEW(A, sig_ast_literal);
    l->kind = kind;
    l->loc = loc;
    return l;
}

static sig_ast_literal *number_literal(sig_pstate *ps, sig_ast_lit_kind kind,
                                       sig_tok t, sig_loc loc)
{
    sig_ast_literal *l = new_literal(ps, kind, loc);
    l->str = t.text;
    l->i = t.i;
    l->d = t.d;
    return l;
}

static sig_ast_literal *list_literal(sig_pstate *ps, sig_pvec *items, sig_loc loc)
{
    sig_ast_literal *l = new_literal(ps, SIG_AST_LIT_LIST, loc);
    l->items = sig_pvec_finish(A, items, sizeof(sig_ast_literal), &l->nitems);
    return l;
}

static sig_ast_seg name_seg(sig_tok t, char sep, sig_loc loc)
{
    return (sig_ast_seg){SIG_SEG_NAME, sep, t.text, 0, loc};
}

/* `vN`: the version of a view. E0204 when `text` is not v<digits>. */
static sig_pversion version(sig_pstate *ps, sig_tok t, sig_loc loc)
{
    sig_pversion v = {true, 0, loc};
    const char *s = t.text;
    bool ok = s[0] == 'v' && s[1] != '\0';
    long long n = 0;
    for (const char *p = s + 1; ok && *p; p++) {
        if (*p < '0' || *p > '9') ok = false;
        else if ((n = n * 10 + (*p - '0')) > INT_MAX) ok = false;
    }
    if (!ok) {
        sig_diag *d = sig_error(ps->ctx, loc, "E0204", "invalid version `%s`", s);
        if (s[0] == 'v' || s[0] == 'V')
            sig_diag_label(ps->ctx, d, "a version is `v` followed by a number");
        else
            sig_diag_label(ps->ctx, d, "expected a version like `v1`, or `{`");
        sig_diag_help(ps->ctx, d, "write the version as `v1`, `v2`, ...");
        v.has = false;
        return v;
    }
    v.value = (int)n;
    return v;
}

static const char *const clause_names[3] = {"from", "where", "over"};

/* Adds clause `c` to `cs`; a repeated clause is E0203. */
static void add_clause(sig_pstate *ps, sig_pclauses *cs, sig_pclause *c)
{
    sig_pclause *first = cs->first[c->kind];
    if (first) {
        sig_diag *d = sig_error(ps->ctx, c->loc, "E0203",
                                "an attribute has at most one `%s` clause",
                                clause_names[c->kind]);
        sig_diag_label(ps->ctx, d, "second `%s` clause", clause_names[c->kind]);
        sig_diag_note(ps->ctx, d, first->loc, "the first `%s` clause is here",
                      clause_names[c->kind]);
        if (c->kind == 0)
            sig_diag_help(ps->ctx, d, "list every event in one clause: "
                          "`from a, b`");
        else if (c->kind == 1)
            sig_diag_help(ps->ctx, d, "join the conditions with `and` or `or` "
                          "in one `where` clause");
        return;
    }
    cs->first[c->kind] = c;
}

static sig_ast_attribute *new_attribute(sig_pstate *ps, sig_ident name,
                                        sig_ident type, sig_ident agg,
                                        sig_ast_property *prop, sig_loc call,
                                        const sig_pclauses *cs,
                                        sig_ast_block *block)
{
    sig_ast_attribute *a = SIG_NEW(A, sig_ast_attribute);
    a->name = name;
    a->has_type = type.name != NULL;
    a->type = type;
    a->agg = agg;
    a->property = prop;
    a->call_loc = call;
    if (cs->first[0]) {
        a->has_from = true;
        a->events = cs->first[0]->events;
        a->nevents = cs->first[0]->nevents;
        a->from_loc = cs->first[0]->loc;
    }
    if (cs->first[1]) a->where = cs->first[1]->where;
    if (cs->first[2]) {
        a->has_period = true;
        a->period = cs->first[2]->period;
        a->period_loc = cs->first[2]->loc;
    }
    a->block = block;
    return a;
}

static sig_ast_property *new_property(sig_pstate *ps, sig_pvec *segs, sig_loc loc)
{
    sig_ast_property *p = SIG_NEW(A, sig_ast_property);
    p->segs = sig_pvec_finish(A, segs, sizeof(sig_ast_seg), &p->nsegs);
    p->text = sig_arena_strndup(A, ps->text + loc.start, loc.end - loc.start);
    p->loc = loc;
    return p;
}

/* `NAME(ARG, ...)`: the arguments are in `args` (sig_ast_property *),
 * `sep` is the last `separator "..."` argument, if any. */
static sig_ast_property *call_property(sig_pstate *ps, sig_tok name, sig_loc name_loc,
                                       sig_pvec *args, const sig_ast_property *sep, sig_loc loc)
{
    sig_ast_property *p = SIG_NEW(A, sig_ast_property);
    p->call = name.text;
    p->call_loc = name_loc;
    p->args = sig_pvec_finish(A, args, sizeof(sig_ast_property *), &p->nargs);
    if (sep) {
        p->separator = sep->separator;
        p->separator_loc = sep->separator_loc;
    }
    p->text = sig_arena_strndup(A, ps->text + loc.start, loc.end - loc.start);
    p->loc = loc;
    return p;
}

static sig_ast_block *new_block(sig_pstate *ps, sig_pvec *items, sig_loc loc)
{
    sig_ast_block *b = SIG_NEW(A, sig_ast_block);
    b->items = sig_pvec_finish(A, items, sizeof(sig_ast_setting), &b->nitems);
    b->loc = loc;
    return b;
}
}

%initial-action {
    @$ = (sig_loc){ps->source, 0, 0, 1, 1, 1, 1};
}

%union {
    sig_tok tok;
    sig_ident ident;
    sig_pvec vec;
    bool b;
    int op;
    sig_ast_literal *lit;
    sig_ast_property *prop;
    sig_ast_expr *expr;
    sig_ast_duration dur;
    sig_ast_block *block;
    sig_ast_setting *setting;
    sig_ast_attribute *attr;
    sig_pclauses *clauses;
    sig_pclause *clause;
    sig_ast_decl *decl;
    sig_ast_view_ref vref;
    sig_ast_tag tag;
    sig_pversion ver;
}

/* Values in malloc'd vectors are freed when discarded. */
%destructor { sig_pvec_free(&$$); } <vec>
/* Everything else is owned by the context's arena and released with it:
 * discarding such a value needs no work. */
%destructor { (void)$$; } <tok> <ident> <b> <op> <lit> <prop> <expr> <dur>
%destructor { (void)$$; } <block> <setting> <attr> <clauses> <clause> <decl>
%destructor { (void)$$; } <vref> <tag> <ver>

%token <tok> NAME     "a name"
%token <tok> STRING   "a string"
%token <tok> INT      "an integer"
%token <tok> DECIMAL  "a decimal number"
%token <tok> IGLU     "an Iglu URI"

%token IMPORT "`import`" EVENT "`event`" CONTEXT "`context`" ENTITY "`entity`"
       ATTRIBUTE "`attribute`" VIEW "`view`" SERVICE "`service`"
       BATCH_SOURCE "`batch_source`" INTERVENTION "`intervention`"
%token FROM "`from`" WHERE "`where`" OVER "`over`" LAST "`last`"
       AND "`and`" OR "`or`" LIKE "`like`" IN "`in`"
       IS "`is`" NOT "`not`" NULL "`null`" TRUE "`true`" FALSE "`false`"
%token ONLINE "`online`" OFFLINE "`offline`" OWNER "`owner`"
       DESCRIPTION "`description`" TTL "`ttl`" TAGS "`tags`"
       ATTRIBUTES "`attributes`" SOURCE "`source`" FIELD "`field`" VIEWS "`views`"
       DATABASE "`database`" SCHEMA "`schema`" TABLE "`table`"
       TIMESTAMP_FIELD "`timestamp_field`"
       CREATED_TIMESTAMP_COLUMN "`created_timestamp_column`"
       DATE_PARTITION_COLUMN "`date_partition_column`"
       PROPERTY "`property`" KEY "`key`" EXTERNAL_COLUMN "`external_column`"
       BACKFILL_SINCE_TSTAMP "`backfill_since_tstamp`" REFRESH_RATE "`refresh_rate`"
       WHEN "`when`" TARGET "`target`" PAYLOAD "`payload`"
       DEFAULT "`default`"
%token EQ "`=`" NE "`!=`" LT "`<`" GT "`>`" LE "`<=`" GE "`>=`"
       LPAREN "`(`" RPAREN "`)`" LBRACK "`[`" RBRACK "`]`"
       LBRACE "`{`" RBRACE "`}`" COMMA "`,`" DOT "`.`" COLON "`:`"

%type <ident> name opt_type agg_name tag_key
%type <attr> attr_body attr_rest
%type <clauses> clauses
%type <clause> clause
%type <vec> names ident_list segs lit_items lit_list dur_parts settings
%type <vec> tag_items tag_list view_refs view_ref_list
%type <prop> property opt_property separator
%type <vec> call_args
%type <expr> expr or_expr and_expr primary comparison
%type <op> cmp_op null_test
%type <lit> literal
%type <dur> duration
%type <block> block opt_block
%type <setting> setting name_or_string event_value
%type <b> bool
%type <tag> tag
%type <vref> view_ref
%type <ver> opt_version

%%

file:
    decls
    ;

decls:
    %empty
  | decls decl
  | decls error
    ;

/* A declaration is recorded as soon as its name is read, so that one with
 * a syntax error further on is still known to the checker (with NULL for
 * the parts not read: a syntax error was reported there). */
decl:
    IMPORT STRING {
        sig_ast_decl *d = record(ps, SIG_DECL_IMPORT, @$, @1, NULL);
        d->import_path = $2.text;
        d->import_path_loc = @2;
    }
  | EVENT name <decl>{
        $$ = record(ps, SIG_DECL_EVENT, sig_ploc_join(@1, @2), @1, &$2);
    } EQ event_value {
        if ($5->name.name) {
            $3->spec_id = $5->str;
            $3->uri_loc = $5->str_loc;
        } else {
            $3->uri = $5->str;
            $3->uri_loc = $5->str_loc;
        }
        $3->loc = @$;
    }
  | CONTEXT name <decl>{
        $$ = record(ps, SIG_DECL_CONTEXT, sig_ploc_join(@1, @2), @1, &$2);
    } EQ IGLU {
        $3->uri = $5.text;
        $3->uri_loc = @5;
        $3->loc = @$;
    }
  | ENTITY name <decl>{
        $$ = record(ps, SIG_DECL_ENTITY, sig_ploc_join(@1, @2), @1, &$2);
    } opt_block {
        $3->block = $4;
        $3->loc = @$;
    }
  | ATTRIBUTE name <decl>{
        $$ = record(ps, SIG_DECL_ATTRIBUTE, sig_ploc_join(@1, @2), @1, &$2);
        $$->attribute = SIG_NEW(A, sig_ast_attribute);
        $$->attribute->name = $2;
        $$->attribute->loc = $$->loc;
    } attr_rest {
        *$3->attribute = *$4;
        $3->attribute->name = $2;
        $3->attribute->loc = @$;
        $3->loc = @$;
    }
  | VIEW name <decl>{
        $$ = record(ps, SIG_DECL_VIEW, sig_ploc_join(@1, @2), @1, &$2);
    } opt_version block {
        $3->has_version = $4.has;
        $3->version = $4.value;
        $3->version_loc = $4.loc;
        $3->block = $5;
        $3->loc = @$;
    }
  | BATCH_SOURCE name <decl>{
        $$ = record(ps, SIG_DECL_BATCH_SOURCE, sig_ploc_join(@1, @2), @1, &$2);
    } block {
        $3->block = $4;
        $3->loc = @$;
    }
  | INTERVENTION name <decl>{
        $$ = record(ps, SIG_DECL_INTERVENTION, sig_ploc_join(@1, @2), @1, &$2);
    } opt_version block {
        $3->has_version = $4.has;
        $3->version = $4.value;
        $3->version_loc = $4.loc;
        $3->block = $5;
        $3->loc = @$;
    }
  | SERVICE name <decl>{
        $$ = record(ps, SIG_DECL_SERVICE, sig_ploc_join(@1, @2), @1, &$2);
    } block {
        $3->block = $4;
        $3->loc = @$;
    }
    ;

name:
    NAME                { $$ = ident($1, @1); }
    ;

/* An event is an Iglu URI, or `specification "ID"`: an event
 * specification id (the API's Event.event_specification_id, SDK 0.4.4);
 * `specification` is a name, not a keyword. A scratch setting carries it. */
event_value:
    IGLU {
        $$ = SIG_NEW(A, sig_ast_setting);
        $$->str = $1.text;
        $$->str_loc = @1;
    }
  | NAME STRING {
        $$ = SIG_NEW(A, sig_ast_setting);
        $$->name = ident($1, @1);
        $$->str = $2.text;
        $$->str_loc = @2;
        if (strcmp($1.text, "specification") != 0) {
            sig_diag *d = sig_error(ps->ctx, @1, "E0201", "expected an Iglu URI or "
                                    "`specification`, found `%s`", $1.text);
            sig_diag_label(ps->ctx, d, "not `specification`");
            sig_diag_help(ps->ctx, d, "an event is `iglu:VENDOR/NAME/jsonschema/1-0-0`, or "
                          "`specification \"ID\"`");
        }
    }
    /* A bare name (`event x = page_view`) is the usual slip: said here, at
     * the name, rather than as a missing string after it. */
  | NAME {
        /* kept as a specification id, so that no URI error follows */
        $$ = SIG_NEW(A, sig_ast_setting);
        $$->name = ident($1, @1);
        $$->str = $1.text;
        $$->str_loc = @1;
        sig_diag *d = sig_error(ps->ctx, @1, "E0201", "expected an Iglu URI, found `%s`", $1.text);
        sig_diag_label(ps->ctx, d, "expected an Iglu URI");
    }
    ;

opt_version:
    %empty              { $$ = (sig_pversion){false, 0, SIG_NOLOC}; }
  | NAME                { $$ = version(ps, $1, @1); }
    ;

/* ------------------------------------------------------------ attributes */

attr_body:
    name attr_rest      { $$ = $2; $$->name = $1; }
    ;

/* Everything after the name (which attr_body and decl fill in). */
attr_rest:
    opt_type EQ agg_name LPAREN opt_property RPAREN clauses opt_block {
        sig_ident none = {NULL, SIG_NOLOC};
        $$ = new_attribute(ps, none, $1, $3, $5, sig_ploc_join(@3, @6), $7, $8);
    }
    ;

opt_type:
    %empty              { $$ = (sig_ident){NULL, SIG_NOLOC}; }
  | COLON name          { $$ = $2; }
    ;

/* `last` is a keyword (`over last`) and an aggregation. */
agg_name:
    NAME                { $$ = ident($1, @1); }
  | LAST                { $$ = (sig_ident){"last", @1}; }
    ;

opt_property:
    %empty              { $$ = NULL; }
  | property
    ;

clauses:
    %empty              { $$ = SIG_NEW(A, sig_pclauses); }
  | clauses clause      { $$ = $1; add_clause(ps, $$, $2); }
    ;

clause:
    FROM names {
        $$ = SIG_NEW(A, sig_pclause);
        $$->kind = 0;
        $$->loc = @$;
        $$->events = sig_pvec_finish(A, &$2, sizeof(sig_ident), &$$->nevents);
    }
  | WHERE expr {
        $$ = SIG_NEW(A, sig_pclause);
        $$->kind = 1;
        $$->loc = @$;
        $$->where = $2;
    }
  | OVER LAST duration {
        $$ = SIG_NEW(A, sig_pclause);
        $$->kind = 2;
        $$->loc = @$;
        $$->period = $3;
    }
    ;

/* NAME, NAME, ... (a trailing comma is allowed). */
names:
    ident_list
  | ident_list COMMA
    ;

ident_list:
    name                { $$ = (sig_pvec){0}; sig_pvec_push(&$$, &$1, sizeof $1); }
  | ident_list COMMA name { $$ = $1; sig_pvec_push(&$$, &$3, sizeof $3); }
    ;

/* -------------------------------------------------------------- criteria */

expr:
    or_expr
    ;

or_expr:
    and_expr
  | or_expr OR and_expr { $$ = new_binary(ps, SIG_AST_OR, $1, $3, @$); }
    ;

and_expr:
    primary
  | and_expr AND primary { $$ = new_binary(ps, SIG_AST_AND, $1, $3, @$); }
    ;

primary:
    comparison
  | NOT primary {
        $$ = SIG_NEW(A, sig_ast_expr);
        $$->kind = SIG_AST_NOT;
        $$->lhs = $2;
        $$->loc = @$;
    }
  | LPAREN or_expr RPAREN {
        $$ = $2;
        $$->parenthesized = true;
        $$->loc = @$;
    }
    ;

comparison:
    property cmp_op literal {
        $$ = SIG_NEW(A, sig_ast_expr);
        $$->kind = SIG_AST_CMP;
        $$->property = $1;
        $$->op = (sig_ast_cmp_op)$2;
        $$->op_loc = @2;
        $$->value = $3;
        $$->loc = @$;
    }
  | property NOT LIKE literal   { $$ = cmp(ps, $1, SIG_AST_NOT_LIKE, sig_ploc_join(@2, @3), $4, @$); }
  | property NOT IN literal     { $$ = cmp(ps, $1, SIG_AST_NOT_IN, sig_ploc_join(@2, @3), $4, @$); }
  | property NAME literal       { $$ = word_cmp(ps, $1, $2, @2, false, $3, @$); }
  | property NOT NAME literal   { $$ = word_cmp(ps, $1, $3, sig_ploc_join(@2, @3), true, $4, @$); }
  | property NAME               { $$ = word_cmp(ps, $1, $2, @2, false, NULL, @$); }
  | property IS null_test {
        $$ = SIG_NEW(A, sig_ast_expr);
        $$->kind = SIG_AST_CMP;
        $$->property = $1;
        $$->op = (sig_ast_cmp_op)$3;
        $$->op_loc = sig_ploc_join(@2, @3);
        $$->loc = @$;
    }
    ;

/* The API's `is null` / `is not null` (SDK 0.4.3): no value. */
null_test:
    NULL                { $$ = SIG_AST_IS_NULL; }
  | NOT NULL            { $$ = SIG_AST_IS_NOT_NULL; }
    ;

cmp_op:
    EQ      { $$ = SIG_AST_EQ; }
  | NE      { $$ = SIG_AST_NE; }
  | LT      { $$ = SIG_AST_LT; }
  | GT      { $$ = SIG_AST_GT; }
  | LE      { $$ = SIG_AST_LE; }
  | GE      { $$ = SIG_AST_GE; }
  | LIKE    { $$ = SIG_AST_LIKE; }
  | IN      { $$ = SIG_AST_IN; }
    ;

/* ------------------------------------------------------------ properties */

property:
    segs                { $$ = new_property(ps, &$1, @1); }
  | NAME LPAREN call_args RPAREN {
        $$ = call_property(ps, $1, @1, &$3, NULL, @$);
    }
  | NAME LPAREN call_args COMMA separator RPAREN {
        $$ = call_property(ps, $1, @1, &$3, $5, @$);
    }
    ;

/* The arguments of a date part or a calculated property. */
call_args:
    property            { $$ = (sig_pvec){0}; sig_pvec_push(&$$, &$1, sizeof $1); }
  | call_args COMMA property { $$ = $1; sig_pvec_push(&$$, &$3, sizeof $3); }
    ;

/* `separator "..."` of concat (the API's CalculatedProperty.separator);
 * `separator` is a name, not a keyword. */
separator:
    NAME STRING {
        if (strcmp($1.text, "separator") != 0) {
            sig_diag *d = sig_error(ps->ctx, @1, "E0201", "expected `separator`, found `%s`",
                                    $1.text);
            sig_diag_label(ps->ctx, d, "a string argument is the separator of `concat`");
            sig_diag_help(ps->ctx, d, "write `concat(a, b, separator \"-\")`");
        }
        $$ = SIG_NEW(A, sig_ast_property);
        $$->separator = $2.text;
        $$->separator_loc = @2;
    }
    ;

/* The head is a name, or `event` (an atomic column). After `.` and `:` the
 * scanner gives every word as a name. */
segs:
    NAME {
        sig_ast_seg s = name_seg($1, 0, @1);
        $$ = (sig_pvec){0};
        sig_pvec_push(&$$, &s, sizeof s);
    }
  | EVENT {
        sig_tok t = {"event", 0, 0};
        sig_ast_seg s = name_seg(t, 0, @1);
        $$ = (sig_pvec){0};
        sig_pvec_push(&$$, &s, sizeof s);
    }
  | segs DOT NAME {
        sig_ast_seg s = name_seg($3, '.', @3);
        $$ = $1;
        sig_pvec_push(&$$, &s, sizeof s);
    }
  | segs COLON NAME {
        sig_ast_seg s = name_seg($3, ':', @3);
        $$ = $1;
        sig_pvec_push(&$$, &s, sizeof s);
    }
  | segs LBRACK INT RBRACK {
        sig_ast_seg s = {SIG_SEG_INDEX, '[', NULL, 0, sig_ploc_join(@2, @4)};
        if ($3.i < 0 || $3.i > (int64_t)UINT32_MAX) {
            sig_diag *d = sig_error(ps->ctx, @3, "E0205", "invalid index `%s`", $3.text);
            sig_diag_label(ps->ctx, d, "an index is a number from 0 to 4294967295");
        } else {
            s.index = (uint32_t)$3.i;
        }
        $$ = $1;
        sig_pvec_push(&$$, &s, sizeof s);
    }
    ;

/* -------------------------------------------------------------- literals */

literal:
    STRING {
        $$ = new_literal(ps, SIG_AST_LIT_STRING, @1);
        $$->str = $1.text;
    }
  | INT                 { $$ = number_literal(ps, SIG_AST_LIT_INT, $1, @1); }
  | DECIMAL             { $$ = number_literal(ps, SIG_AST_LIT_DECIMAL, $1, @1); }
  | TRUE                { $$ = new_literal(ps, SIG_AST_LIT_BOOL, @1); $$->b = true; }
  | FALSE               { $$ = new_literal(ps, SIG_AST_LIT_BOOL, @1); $$->b = false; }
  | LPAREN lit_items RPAREN { $$ = list_literal(ps, &$2, @$); }
  | LBRACK lit_items RBRACK { $$ = list_literal(ps, &$2, @$); }
    ;

lit_items:
    %empty              { $$ = (sig_pvec){0}; }
  | lit_list
  | lit_list COMMA
    ;

lit_list:
    literal             { $$ = (sig_pvec){0}; sig_pvec_push(&$$, $1, sizeof *$1); }
  | lit_list COMMA literal { $$ = $1; sig_pvec_push(&$$, $3, sizeof *$3); }
    ;

bool:
    TRUE                { $$ = true; }
  | FALSE               { $$ = false; }
    ;

/* ------------------------------------------------------------- durations */

duration:
    dur_parts {
        $$.parts = sig_pvec_finish(A, &$1, sizeof(sig_ast_duration_part), &$$.nparts);
        $$.loc = @1;
    }
    ;

dur_parts:
    INT NAME {
        sig_ast_duration_part p = {$1.i, ident($2, @2)};
        $$ = (sig_pvec){0};
        sig_pvec_push(&$$, &p, sizeof p);
    }
  | dur_parts INT NAME {
        sig_ast_duration_part p = {$2.i, ident($3, @3)};
        $$ = $1;
        sig_pvec_push(&$$, &p, sizeof p);
    }
    ;

/* ---------------------------------------------------------------- blocks */

opt_block:
    %empty              { $$ = NULL; }
  | block
    ;

block:
    LBRACE settings RBRACE { $$ = new_block(ps, &$2, @$); }
    ;

settings:
    %empty              { $$ = (sig_pvec){0}; }
  | settings setting    { $$ = $1; sig_pvec_push(&$$, $2, sizeof *$2); }
  | settings error      { $$ = $1; }
    ;

setting:
    ENTITY name {
        $$ = new_setting(ps, SIG_SET_ENTITY, @1, @$);
        $$->name = $2;
    }
  | ONLINE bool {
        $$ = new_setting(ps, SIG_SET_ONLINE, @1, @$);
        $$->b = $2;
    }
  | OFFLINE bool {
        $$ = new_setting(ps, SIG_SET_OFFLINE, @1, @$);
        $$->b = $2;
    }
  | OWNER STRING {
        $$ = new_setting(ps, SIG_SET_OWNER, @1, @$);
        $$->str = $2.text;
        $$->str_loc = @2;
    }
  | DESCRIPTION STRING {
        $$ = new_setting(ps, SIG_SET_DESCRIPTION, @1, @$);
        $$->str = $2.text;
        $$->str_loc = @2;
    }
  | TTL duration {
        $$ = new_setting(ps, SIG_SET_TTL, @1, @$);
        $$->duration = $2;
    }
  | TAGS LBRACE tag_items RBRACE {
        $$ = new_setting(ps, SIG_SET_TAGS, @1, @$);
        $$->tags = sig_pvec_finish(A, &$3, sizeof(sig_ast_tag), &$$->ntags);
    }
  | TAGS LBRACE error RBRACE {
        $$ = new_setting(ps, SIG_SET_TAGS, @1, @$);
    }
  | ATTRIBUTES names {
        $$ = new_setting(ps, SIG_SET_ATTRIBUTES, @1, @$);
        $$->names = sig_pvec_finish(A, &$2, sizeof(sig_ident), &$$->nnames);
    }
  | ATTRIBUTE attr_body {
        $$ = new_setting(ps, SIG_SET_ATTRIBUTE, @1, @$);
        $2->loc = @$;
        $$->attribute = $2;
    }
  | SOURCE name {
        $$ = new_setting(ps, SIG_SET_SOURCE, @1, @$);
        $$->name = $2;
    }
  | FIELD name COLON name opt_block {
        $$ = new_setting(ps, SIG_SET_FIELD, @1, @$);
        $$->field = (sig_ast_field){$2, $4, $5};
    }
  | VIEWS view_refs {
        $$ = new_setting(ps, SIG_SET_VIEWS, @1, @$);
        $$->views = sig_pvec_finish(A, &$2, sizeof(sig_ast_view_ref), &$$->nviews);
    }
  | DATABASE name_or_string   { $$ = name_or_string(ps, SIG_SET_DATABASE, @1, @$, $2); }
  | SCHEMA name_or_string     { $$ = name_or_string(ps, SIG_SET_SCHEMA, @1, @$, $2); }
  | TABLE name_or_string      { $$ = name_or_string(ps, SIG_SET_TABLE, @1, @$, $2); }
  | TIMESTAMP_FIELD name_or_string {
        $$ = name_or_string(ps, SIG_SET_TIMESTAMP_FIELD, @1, @$, $2);
    }
  | CREATED_TIMESTAMP_COLUMN name_or_string {
        $$ = name_or_string(ps, SIG_SET_CREATED_TIMESTAMP_COLUMN, @1, @$, $2);
    }
  | DATE_PARTITION_COLUMN name_or_string {
        $$ = name_or_string(ps, SIG_SET_DATE_PARTITION_COLUMN, @1, @$, $2);
    }
  | WHEN expr {
        $$ = new_setting(ps, SIG_SET_WHEN, @1, @$);
        $$->where = $2;
    }
  | TARGET names {
        $$ = new_setting(ps, SIG_SET_TARGET, @1, @$);
        $$->names = sig_pvec_finish(A, &$2, sizeof(sig_ident), &$$->nnames);
    }
  | PAYLOAD view_refs {
        $$ = new_setting(ps, SIG_SET_PAYLOAD, @1, @$);
        $$->views = sig_pvec_finish(A, &$2, sizeof(sig_ast_view_ref), &$$->nviews);
    }
  | PROPERTY property {
        $$ = new_setting(ps, SIG_SET_PROPERTY, @1, @$);
        $$->property = $2;
    }
  | KEY name {
        $$ = new_setting(ps, SIG_SET_KEY, @1, @$);
        $$->name = $2;
    }
  | EXTERNAL_COLUMN name {
        $$ = new_setting(ps, SIG_SET_EXTERNAL_COLUMN, @1, @$);
        $$->name = $2;
    }
  | BACKFILL_SINCE_TSTAMP STRING {
        $$ = new_setting(ps, SIG_SET_BACKFILL_SINCE_TSTAMP, @1, @$);
        $$->str = $2.text;
        $$->str_loc = @2;
    }
  | REFRESH_RATE duration {
        $$ = new_setting(ps, SIG_SET_REFRESH_RATE, @1, @$);
        $$->duration = $2;
    }
  | DEFAULT literal {
        $$ = new_setting(ps, SIG_SET_DEFAULT, @1, @$);
        $$->literal = $2;
    }
    ;

/* A scratch setting carrying only the name or the string. */
name_or_string:
    name {
        $$ = SIG_NEW(A, sig_ast_setting);
        $$->name = $1;
    }
  | STRING {
        $$ = SIG_NEW(A, sig_ast_setting);
        $$->str = $1.text;
        $$->str_loc = @1;
    }
    ;

tag_items:
    %empty              { $$ = (sig_pvec){0}; }
  | tag_list
  | tag_list COMMA
    ;

tag_list:
    tag                 { $$ = (sig_pvec){0}; sig_pvec_push(&$$, &$1, sizeof $1); }
  | tag_list COMMA tag  { $$ = $1; sig_pvec_push(&$$, &$3, sizeof $3); }
    ;

tag:
    tag_key EQ STRING   { $$ = (sig_ast_tag){$1, $3.text, @$}; }
    ;

/* A tag key is a name (keywords included) or a string. */
tag_key:
    NAME                { $$ = ident($1, @1); }
  | STRING              { $$ = ident($1, @1); }
  | IMPORT { $$ = (sig_ident){"import", @1}; }
  | EVENT { $$ = (sig_ident){"event", @1}; }
  | CONTEXT { $$ = (sig_ident){"context", @1}; }
  | ENTITY { $$ = (sig_ident){"entity", @1}; }
  | ATTRIBUTE { $$ = (sig_ident){"attribute", @1}; }
  | VIEW { $$ = (sig_ident){"view", @1}; }
  | SERVICE { $$ = (sig_ident){"service", @1}; }
  | BATCH_SOURCE { $$ = (sig_ident){"batch_source", @1}; }
  | INTERVENTION { $$ = (sig_ident){"intervention", @1}; }
  | FROM { $$ = (sig_ident){"from", @1}; }
  | WHERE { $$ = (sig_ident){"where", @1}; }
  | OVER { $$ = (sig_ident){"over", @1}; }
  | LAST { $$ = (sig_ident){"last", @1}; }
  | AND { $$ = (sig_ident){"and", @1}; }
  | OR { $$ = (sig_ident){"or", @1}; }
  | LIKE { $$ = (sig_ident){"like", @1}; }
  | IN { $$ = (sig_ident){"in", @1}; }
  | IS { $$ = (sig_ident){"is", @1}; }
  | NOT { $$ = (sig_ident){"not", @1}; }
  | NULL { $$ = (sig_ident){"null", @1}; }
  | TRUE { $$ = (sig_ident){"true", @1}; }
  | FALSE { $$ = (sig_ident){"false", @1}; }
  | ONLINE { $$ = (sig_ident){"online", @1}; }
  | OFFLINE { $$ = (sig_ident){"offline", @1}; }
  | OWNER { $$ = (sig_ident){"owner", @1}; }
  | DESCRIPTION { $$ = (sig_ident){"description", @1}; }
  | TTL { $$ = (sig_ident){"ttl", @1}; }
  | TAGS { $$ = (sig_ident){"tags", @1}; }
  | ATTRIBUTES { $$ = (sig_ident){"attributes", @1}; }
  | SOURCE { $$ = (sig_ident){"source", @1}; }
  | FIELD { $$ = (sig_ident){"field", @1}; }
  | VIEWS { $$ = (sig_ident){"views", @1}; }
  | DATABASE { $$ = (sig_ident){"database", @1}; }
  | SCHEMA { $$ = (sig_ident){"schema", @1}; }
  | TABLE { $$ = (sig_ident){"table", @1}; }
  | TIMESTAMP_FIELD { $$ = (sig_ident){"timestamp_field", @1}; }
  | CREATED_TIMESTAMP_COLUMN { $$ = (sig_ident){"created_timestamp_column", @1}; }
  | DATE_PARTITION_COLUMN { $$ = (sig_ident){"date_partition_column", @1}; }
  | PROPERTY { $$ = (sig_ident){"property", @1}; }
  | KEY { $$ = (sig_ident){"key", @1}; }
  | EXTERNAL_COLUMN { $$ = (sig_ident){"external_column", @1}; }
  | BACKFILL_SINCE_TSTAMP { $$ = (sig_ident){"backfill_since_tstamp", @1}; }
  | REFRESH_RATE { $$ = (sig_ident){"refresh_rate", @1}; }
  | WHEN { $$ = (sig_ident){"when", @1}; }
  | TARGET { $$ = (sig_ident){"target", @1}; }
  | PAYLOAD { $$ = (sig_ident){"payload", @1}; }
  | DEFAULT { $$ = (sig_ident){"default", @1}; }
    ;

view_refs:
    view_ref_list
  | view_ref_list COMMA
    ;

view_ref_list:
    view_ref            { $$ = (sig_pvec){0}; sig_pvec_push(&$$, &$1, sizeof $1); }
  | view_ref_list COMMA view_ref { $$ = $1; sig_pvec_push(&$$, &$3, sizeof $3); }
    ;

view_ref:
    name opt_version    { $$ = (sig_ast_view_ref){$1, $2.has, $2.value, $2.loc}; }
    ;

%%

/* ------------------------------------------------------ error reporting */

static bool is_keyword(yysymbol_kind_t k)
{
    return k >= YYSYMBOL_IMPORT && k <= YYSYMBOL_DEFAULT;
}

/* Keywords that start a declaration, and setting keywords (src/keywords.def). */
#define KW_DECL_DECL(tok) YYSYMBOL_##tok,
#define KW_DECL_DECL_SET(tok) YYSYMBOL_##tok,
#define KW_DECL_SET(tok)
#define KW_DECL_WORD(tok)
static const yysymbol_kind_t decl_keywords[] = {
#define SIG_KEYWORD(tok, text, role) KW_DECL_##role(tok)
#include "keywords.def"
};

#define KW_SET_DECL(tok)
#define KW_SET_DECL_SET(tok) YYSYMBOL_##tok,
#define KW_SET_SET(tok) YYSYMBOL_##tok,
#define KW_SET_WORD(tok)
static const yysymbol_kind_t setting_keywords[] = {
#define SIG_KEYWORD(tok, text, role) KW_SET_##role(tok)
#include "keywords.def"
};

static const yysymbol_kind_t value_tokens[] = {
    YYSYMBOL_STRING, YYSYMBOL_INT, YYSYMBOL_DECIMAL, YYSYMBOL_TRUE, YYSYMBOL_FALSE,
};

static const yysymbol_kind_t cmp_tokens[] = {
    YYSYMBOL_EQ, YYSYMBOL_NE, YYSYMBOL_LT, YYSYMBOL_GT, YYSYMBOL_LE, YYSYMBOL_GE,
    YYSYMBOL_LIKE, YYSYMBOL_IN,
};

#define NELEMS(a) (sizeof (a) / sizeof (a)[0])

static bool all_in(const bool *set, const yysymbol_kind_t *group, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!set[group[i]]) return false;
    return true;
}

static void clear(bool *set, const yysymbol_kind_t *group, size_t n)
{
    for (size_t i = 0; i < n; i++) set[group[i]] = false;
}

/* The keyword of a symbol without its backquotes ("`where`" -> "where"),
 * in a static buffer per symbol. */
static const char *keyword_text(yysymbol_kind_t k)
{
    static char buf[YYNTOKENS][32];
    const char *s = yysymbol_name(k);
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '`' && s[n - 1] == '`' && n - 2 < sizeof buf[0]) {
        memcpy(buf[k], s + 1, n - 2);
        buf[k][n - 2] = '\0';
        return buf[k];
    }
    return s;
}

/* How the offending token is shown: "`whre`", "end of file", "a string". */
static const char *describe(sig_pstate *ps, yysymbol_kind_t k, const sig_loc *l)
{
    if (k == YYSYMBOL_YYEOF) return "end of file";
    if (k == YYSYMBOL_YYUNDEF) return "an invalid token";
    size_t n = l->end - l->start;
    bool short_enough = n > 0 && n <= 40 && l->line == l->end_line;
    if (short_enough)
        return sig_arena_printf(A, "`%.*s`", (int)n, ps->text + l->start);
    return yysymbol_name(k);
}

/* The Signals SDK's Python classes: a definition pasted from Python. */
static const char *const sdk_classes[] = {
    "Attribute", "AttributeGroup", "StreamAttributeGroup", "BatchAttributeGroup",
    "ExternalBatchAttributeGroup", "AttributeKey", "View", "StreamView", "BatchView",
    "ExternalBatchView", "Entity", "Event", "Service", "Criteria", "Criterion",
    "RuleIntervention", "BatchSource", "Field", "Signals", NULL};

static bool tok_is(const sig_pstate *ps, const sig_loc *l, const char *w)
{
    size_t n = strlen(w);
    return l->end - l->start == n && memcmp(ps->text + l->start, w, n) == 0;
}

/* An ISO 8601 duration (`P7D`, `PT30M`) as the language writes it
 * (`7 days`), or NULL. Only one unit: what a window usually is. */
static const char *iso_period(sig_pstate *ps, const sig_loc *l)
{
    const char *t = ps->text + l->start;
    size_t n = l->end - l->start, i = 1;
    if (n < 3 || t[0] != 'P') return NULL;
    bool time = t[i] == 'T';
    if (time) i++;
    size_t digits = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') i++;
    if (i == digits || i + 1 != n) return NULL;
    const char *unit = NULL;
    switch (t[i]) {
    case 'D': unit = time ? NULL : "days"; break;
    case 'W': unit = time ? NULL : "weeks"; break;
    case 'H': unit = time ? "hours" : NULL; break;
    case 'M': unit = time ? "minutes" : NULL; break;
    case 'S': unit = time ? "seconds" : NULL; break;
    }
    return unit ? sig_arena_printf(ps->arena, "%.*s %s", (int)(i - digits), t + digits, unit) : NULL;
}

/* Help for what users arriving from elsewhere write; true when given. */
static bool arrival_help(sig_pstate *ps, sig_diag *d, yysymbol_kind_t la, const sig_loc *loc,
                         const bool *set)
{
    if (la == YYSYMBOL_NAME) {
        for (size_t i = 0; sdk_classes[i]; i++)
            if (tok_is(ps, loc, sdk_classes[i])) {
                sig_diag_help(ps->ctx, d, "this looks like Python from the Signals SDK; "
                              "`signalsc import` turns the SDK's JSON (or the API's) into a spec");
                return true;
            }
        const char *period = set[YYSYMBOL_INT] ? iso_period(ps, loc) : NULL;
        if (period) {
            sig_diag_help(ps->ctx, d, "a period is written `over last %s`, not as an ISO 8601 "
                          "duration", period);
            d->replacement = period;
            return true;
        }
    }
    if (la == YYSYMBOL_LBRACK && ps->prev_kind == T_NAME && ps->prev2_kind == T_COLON) {
        sig_diag_help(ps->ctx, d, "a list type is one word: `string_list`, `int64_list`, "
                      "`double_list`, ...");
        return true;
    }
    if (la == YYSYMBOL_LBRACK && ps->prev_kind == T_ATTRIBUTES) {
        sig_diag_help(ps->ctx, d, "list a view's attributes without brackets: "
                      "`attributes a, b`");
        return true;
    }
    if (la == YYSYMBOL_COLON && ps->prev_kind != T_NAME && ps->prev_kind != T_RBRACK) {
        sig_diag_help(ps->ctx, d, "a setting is written without `:` (`entity domain_userid`, "
                      "`owner \"you@example.com\"`)");
        return true;
    }
    if (la == YYSYMBOL_DOT && ps->prev_kind == T_NAME && ps->prev2_kind == T_EQ
        && set[YYSYMBOL_STRING]) {
        sig_diag_help(ps->ctx, d, "an Iglu URI starts with `iglu:` "
                      "(`iglu:com.acme/checkout/jsonschema/1-0-0`)");
        return true;
    }
    return false;
}


static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner,
                                 sig_pstate *ps)
{
    (void)scanner;
    yysymbol_kind_t la = yypcontext_token(yyctx);
    const sig_loc *loc = yypcontext_location(yyctx);

    /* A `}` inserted by the scanner: E0202 already said what is wrong. */
    if (la == YYSYMBOL_RBRACE && ps->synthetic) return 0;
    if (ps->have_error && ps->last_error_start == loc->start) return 0;
    ps->have_error = true;
    ps->last_error_start = loc->start;

    if (la == YYSYMBOL_RBRACE && ps->unmatched_close) {
        sig_diag *d = sig_error(ps->ctx, *loc, "E0206", "unmatched `}`");
        sig_diag_label(ps->ctx, d, "this `}` closes no block");
        sig_diag_help(ps->ctx, d, "remove it, or add the `{` it was meant to close");
        return 0;
    }

    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, expected, YYNTOKENS);
    if (n < 0) n = 0;
    bool set[YYNTOKENS] = {false};
    for (int i = 0; i < n; i++) set[expected[i]] = true;

    /* Keywords that would fit, for did-you-mean. */
    const char *cands[YYNTOKENS];
    size_t ncands = 0;
    for (int i = 0; i < n; i++)
        if (is_keyword(expected[i])) cands[ncands++] = keyword_text(expected[i]);

    /* Group what is expected into words a user thinks in. */
    const char *groups[4];
    size_t ngroups = 0;
    if (set[YYSYMBOL_NAME]) {
        /* A name where keywords are allowed too (tag keys). */
        bool all_kw = true;
        for (int k = YYSYMBOL_IMPORT; k <= YYSYMBOL_DEFAULT; k++)
            if (!set[k]) all_kw = false;
        if (all_kw)
            for (int k = YYSYMBOL_IMPORT; k <= YYSYMBOL_DEFAULT; k++) set[k] = false;
    }
    if (all_in(set, value_tokens, NELEMS(value_tokens))) {
        clear(set, value_tokens, NELEMS(value_tokens));
        set[YYSYMBOL_LPAREN] = set[YYSYMBOL_LBRACK] = false;
        groups[ngroups++] = "a value";
    }
    if (all_in(set, cmp_tokens, NELEMS(cmp_tokens))) {
        clear(set, cmp_tokens, NELEMS(cmp_tokens));
        /* `is null`, `not like`, `rlike`, `changed`: operators too */
        set[YYSYMBOL_IS] = set[YYSYMBOL_NOT] = set[YYSYMBOL_NAME] = false;
        groups[ngroups++] = "an operator (`=`, `!=`, `<`, `>`, `<=`, `>=`, `like`, `in`)";
    }
    bool decls = all_in(set, decl_keywords, NELEMS(decl_keywords));
    bool settings = all_in(set, setting_keywords, NELEMS(setting_keywords));
    if (decls) clear(set, decl_keywords, NELEMS(decl_keywords));
    if (settings) clear(set, setting_keywords, NELEMS(setting_keywords));
    /* Where a comparison starts, `not` (interventions) is not suggested. */
    if (set[YYSYMBOL_NOT] && set[YYSYMBOL_LPAREN] && set[YYSYMBOL_NAME]) set[YYSYMBOL_NOT] = false;
    /* After `event NAME =`, the Iglu URI is what to suggest (the
     * `specification "ID"` form is in the docs). */
    if (set[YYSYMBOL_IGLU]) set[YYSYMBOL_NAME] = false;
    /* `event` as a property head is a name to the user. */
    if (set[YYSYMBOL_NAME]) set[YYSYMBOL_EVENT] = false;
    if (settings) groups[ngroups++] = "a setting";
    if (decls) groups[ngroups++] = "a declaration";

    /* The list: single tokens first, in grammar order, then the groups;
     * end of file only when nothing else fits. */
    const char *items[YYNTOKENS + 4];
    size_t nitems = 0;
    for (int k = 0; k < YYNTOKENS; k++)
        if (set[k] && k != YYSYMBOL_YYEOF) items[nitems++] = yysymbol_name((yysymbol_kind_t)k);
    for (size_t i = 0; i < ngroups; i++) items[nitems++] = groups[i];
    if (set[YYSYMBOL_YYEOF] && nitems == 0) items[nitems++] = "end of file";

    const char *found = describe(ps, la, loc);
    /* A misspelt keyword: the did-you-mean, computed first because it decides
     * where to point. */
    const char *suggestion = NULL;
    if ((la == YYSYMBOL_NAME || is_keyword(la)) && ncands > 0) {
        char word[64];
        size_t len = loc->end - loc->start;
        if (len < sizeof word) {
            memcpy(word, ps->text + loc->start, len);
            word[len] = '\0';
            suggestion = sig_did_you_mean(word, cands, ncands);
            if (suggestion && strcmp(suggestion, word) == 0) suggestion = NULL;
        }
    }
    /* When the offending token starts a new line, what is missing belongs at
     * the end of the previous line: point there, unless the token itself is
     * the likely mistake (a misspelt keyword). */
    sig_loc at = *loc;
    bool moved = false;
    if (ps->prev_tok.line && ps->prev_tok.end_line < loc->line
        && la != YYSYMBOL_YYEOF && !suggestion) {
        at = sig_ploc_end(ps->prev_tok);
        moved = true;
    }
    sig_diag *d;
    if (nitems == 0 || nitems > 7) {
        d = sig_error(ps->ctx, *loc, "E0201", "unexpected %s", found);
        sig_diag_label(ps->ctx, d, "not expected here");
        /* (too many possibilities to list them usefully) */
    } else {
        sig_buf b = {.arena = A};
        sig_buf_puts(&b, "expected ");
        if (nitems > 2) sig_buf_puts(&b, "one of ");
        for (size_t i = 0; i < nitems; i++) {
            if (i > 0) sig_buf_puts(&b, i + 1 == nitems ? " or " : ", ");
            sig_buf_puts(&b, items[i]);
        }
        d = sig_error(ps->ctx, at, "E0201", "%s, found %s", b.data, found);
        if (moved)
            sig_diag_label(ps->ctx, d, "%s after this", b.data);
        else if (nitems == 1)
            sig_diag_label(ps->ctx, d, "expected %s", items[0]);
        else if (found[0] == '`' || la == YYSYMBOL_YYEOF)
            sig_diag_label(ps->ctx, d, "unexpected %s", found);
        else
            sig_diag_label(ps->ctx, d, "not expected here");
    }

    /* Help for the usual mistakes, first those of users arriving from the
     * Python SDK, Snowplow's docs and other languages. */
    if (arrival_help(ps, d, la, loc, set)) return 0;
    if (suggestion) {
        sig_diag_suggest(ps->ctx, d, suggestion);
        return 0;
    }
    if (is_keyword(la) && set[YYSYMBOL_NAME] && !set[la]) {
        const char *kw = keyword_text(la);
        sig_diag_help(ps->ctx, d, "`%s` is a reserved word; to use it as a name, write "
                      "``%s`` (in backquotes)", kw, kw);
        d->replacement = sig_arena_printf(A, "`%s`", kw);
        return 0;
    }
    if (la == YYSYMBOL_STRING && set[YYSYMBOL_IGLU]) {
        sig_diag_help(ps->ctx, d, "write the Iglu URI without quotes: "
                      "`iglu:com.acme/checkout/jsonschema/1-0-0`");
    } else if (la == YYSYMBOL_INT && set[YYSYMBOL_NAME] && ps->prev_kind == T_NAME
               && (ps->prev2_kind == T_VIEW || ps->prev2_kind == T_VIEWS
                   || ps->prev2_kind == T_COMMA)) {
        sig_diag_help(ps->ctx, d, "a version is written `v2`");
    } else if (la == YYSYMBOL_INT && set[YYSYMBOL_LAST]) {
        sig_diag_help(ps->ctx, d, "a period is written `over last 7 days`");
    } else if (la == YYSYMBOL_COMMA && ps->prev2_kind == T_ATTRIBUTE) {
        sig_diag_help(ps->ctx, d, "to list the attributes of a view, write "
                      "`attributes a, b, ...`");
    } else if (set[YYSYMBOL_EQ] && set[YYSYMBOL_COLON] && !set[YYSYMBOL_DOT]
               && ps->prev_kind == T_NAME && ps->prev2_kind == T_ATTRIBUTE
               && (la == YYSYMBOL_NAME || la == YYSYMBOL_LAST)) {
        sig_diag_help(ps->ctx, d, "an attribute is written "
                      "`attribute NAME = AGGREGATION(PROPERTY)`");
    } else if (la == YYSYMBOL_STRING && set[YYSYMBOL_NAME] && !set[YYSYMBOL_STRING]) {
        sig_diag_help(ps->ctx, d, "write the name without quotes");
    } else if (ps->braces.len > 0
               && (la == YYSYMBOL_IMPORT || la == YYSYMBOL_EVENT
                   || la == YYSYMBOL_CONTEXT || la == YYSYMBOL_VIEW
                   || la == YYSYMBOL_BATCH_SOURCE || la == YYSYMBOL_SERVICE)
               && !set[la]) {
        sig_loc brace = ((sig_loc *)ps->braces.items)[ps->braces.len - 1];
        sig_diag_note(ps->ctx, d, brace, "this block is still open: is a `}` missing?");
    }
    return 0;
}

static void sig_yyerror(sig_loc *loc, yyscan_t scanner, sig_pstate *ps, const char *msg)
{
    (void)scanner;
    /* With custom error reporting bison only calls this when its stack is
     * exhausted. */
    sig_diag *d = sig_error(ps->ctx, *loc, "E0207", "nested too deeply");
    sig_diag_label(ps->ctx, d, "the parser gave up here (%s)", msg);
}

/* --------------------------------------------------------------- driver */

sig_ast_file *sig_parse(struct sig_ctx *ctx, unsigned source)
{
    sig_arena *arena = sig_ctx_arena(ctx);
    sig_ast_file *file = SIG_NEW(arena, sig_ast_file);
    file->source = source;
    const sig_source *src = sig_ctx_source(ctx, source);
    if (!src) return file;

    sig_pstate ps = {0};
    ps.ctx = ctx;
    ps.arena = arena;
    ps.source = source;
    ps.text = src->text;
    ps.len = src->len;
    ps.line = ps.col = 1;

    if (src->len > (size_t)INT_MAX / 2) {
        sig_loc at = {source, 0, 0, 1, 1, 1, 1};
        sig_error(ctx, at, "E0207", "file too large to parse");
        return file;
    }

    yyscan_t scanner;
    if (sig_yylex_init_extra(&ps, &scanner) != 0) {
        fputs("signalsc: out of memory\n", stderr);
        abort();
    }
    YY_BUFFER_STATE buf = sig_yy_scan_bytes(src->text, (int)src->len, scanner);
    sig_yyparse(scanner, &ps);
    sig_yy_delete_buffer(buf, scanner);
    sig_yylex_destroy(scanner);

    file->ndecls = ps.decls.len;
    file->decls = SIG_NEW_ARRAY(arena, sig_ast_decl, ps.decls.len);
    for (size_t i = 0; i < ps.decls.len; i++)
        file->decls[i] = *((sig_ast_decl **)ps.decls.items)[i];
    sig_pvec_free(&ps.decls);
    file->comments = sig_pvec_finish(arena, &ps.comments, sizeof(sig_ast_comment),
                                     &file->ncomments);
    sig_pvec_free(&ps.braces);
    return file;
}
