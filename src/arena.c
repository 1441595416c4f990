/* arena.c: bump allocator in chained blocks (see include/signals/arena.h). */
#include "signals/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (64u * 1024u)
#define ARENA_ALIGN _Alignof(max_align_t)

typedef struct arena_block {
    struct arena_block *next;
    size_t size, used;
    max_align_t data[]; /* aligned payload */
} arena_block;

struct sig_arena {
    arena_block *head;
    size_t total;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("signalsc: out of memory\n", stderr);
        abort();
    }
    return p;
}

sig_arena *sig_arena_new(void)
{
    sig_arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->total = 0;
    return a;
}

void sig_arena_free(sig_arena *arena)
{
    if (!arena) return;
    arena_block *b = arena->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(arena);
}

void *sig_arena_alloc(sig_arena *arena, size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0) need = ARENA_ALIGN;
    if (need < size) { /* overflow */
        fputs("signalsc: out of memory\n", stderr);
        abort();
    }
    arena_block *b = arena->head;
    if (!b || b->size - b->used < need) {
        size_t cap = need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;
        b = xmalloc(sizeof *b + cap);
        b->size = cap;
        b->used = 0;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    arena->total += need;
    memset(p, 0, need);
    return p;
}

char *sig_arena_strndup(sig_arena *arena, const char *s, size_t len)
{
    if (!s) return NULL;
    char *p = sig_arena_alloc(arena, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *sig_arena_strdup(sig_arena *arena, const char *s)
{
    return s ? sig_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *sig_arena_vprintf(sig_arena *arena, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = sig_arena_alloc(arena, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *sig_arena_printf(sig_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = sig_arena_vprintf(arena, fmt, ap);
    va_end(ap);
    return p;
}

size_t sig_arena_used(const sig_arena *arena)
{
    return arena->total;
}

void sig_ptrvec_push(sig_arena *arena, sig_ptrvec *vec, void *item)
{
    if (vec->len == vec->cap) {
        size_t cap = vec->cap ? vec->cap * 2 : 8;
        void **items = SIG_NEW_ARRAY(arena, void *, cap);
        if (vec->len) memcpy(items, vec->items, vec->len * sizeof *items);
        vec->items = items;
        vec->cap = cap;
    }
    vec->items[vec->len++] = item;
}
