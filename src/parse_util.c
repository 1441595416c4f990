/* parse_util.c: growable vectors and location helpers for the parser. */
#include "parse_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("signalsc: out of memory\n", stderr);
        abort();
    }
    return q;
}

void sig_pvec_push(sig_pvec *v, const void *item, size_t size)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        if (cap > SIZE_MAX / size) {
            fputs("signalsc: out of memory\n", stderr);
            abort();
        }
        v->items = xrealloc(v->items, cap * size);
        v->cap = cap;
    }
    memcpy((char *)v->items + v->len * size, item, size);
    v->len++;
}

void *sig_pvec_finish(sig_arena *arena, sig_pvec *v, size_t size, size_t *count)
{
    void *out = NULL;
    *count = v->len;
    if (v->len) {
        out = sig_arena_alloc(arena, v->len * size);
        memcpy(out, v->items, v->len * size);
    }
    sig_pvec_free(v);
    return out;
}

void sig_pvec_free(sig_pvec *v)
{
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}

sig_loc sig_ploc_join(sig_loc a, sig_loc b)
{
    if (a.line == 0) return b;
    if (b.line == 0) return a;
    sig_loc r = a;
    r.end = b.end;
    r.end_line = b.end_line;
    r.end_col = b.end_col;
    return r;
}

sig_loc sig_ploc_end(sig_loc l)
{
    l.start = l.end;
    l.line = l.end_line;
    l.col = l.end_col;
    return l;
}
