/* arena.c: bump allocator in chained blocks (see include/signals/arena.h).
 *
 * Blocks are mapped straight from the kernel (mmap(2), MAP_ANONYMOUS),
 * whose pages are zero, so allocations are never memset one by one.
 * (calloc(3) is not enough: once a program frees a large chunk, glibc
 * raises its mmap threshold and serves later blocks from the heap, which
 * calloc then clears byte by byte: mallopt(3), M_MMAP_THRESHOLD.) Block
 * sizes double with the arena, so a large compilation maps few blocks. A
 * request bigger than a quarter of a block gets a block of its own ("big"
 * blocks, doubly linked), which sig_arena_grow() can mremap(2) without
 * copying, for the buffers that grow to hold whole generated files. */
#define _GNU_SOURCE /* mremap(2), MAP_ANONYMOUS */
#include "signals/arena.h"

#include "signals/output.h" /* sig_buf, for sig_arena_vprintf() */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Under AddressSanitizer the unused parts of blocks are poisoned, so that
 * reading or writing past an allocation (a buffer's capacity, say) is
 * reported as it would be for malloc(3)ed memory. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_MIN_BLOCK (64u * 1024u)
#define ARENA_MAX_BLOCK (4u * 1024u * 1024u)
#define ARENA_ALIGN _Alignof(max_align_t)

typedef struct arena_block {
    struct arena_block *next;
    size_t size, used;
    max_align_t data[]; /* aligned payload */
} arena_block;

/* A block holding exactly one allocation, right after this header. */
typedef struct big_block {
    struct big_block *prev, *next;
    size_t size;
    max_align_t data[];
} big_block;

struct sig_arena {
    arena_block *head;  /* the block small allocations come from */
    big_block *big;     /* one-allocation blocks */
    size_t total;
    size_t next_block;  /* size of the next small block */
};

static void oom(void)
{
    fputs("signalsc: out of memory\n", stderr);
    abort();
}

static void *xcalloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) oom();
    return p;
}

/* `n` zeroed bytes of fresh pages; pages_free() with the same `n`. */
static void *pages_alloc(size_t n)
{
#ifdef MAP_ANONYMOUS
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) oom();
    UNPOISON(p, n); /* ASan keeps the poison of an earlier mapping there */
    return p;
#else
    return xcalloc(n);
#endif
}

static void pages_free(void *p, size_t n)
{
#ifdef MAP_ANONYMOUS
    UNPOISON(p, n);
    munmap(p, n);
#else
    (void)n;
    free(p);
#endif
}

/* Resizes pages from pages_alloc(); the first `old` bytes are kept. */
static void *pages_grow(void *p, size_t old, size_t n)
{
#if defined(MAP_ANONYMOUS) && defined(MREMAP_MAYMOVE)
    UNPOISON(p, old);
    void *q = mremap(p, old, n, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) oom();
    UNPOISON(q, n);
    return q;
#else
    void *q = pages_alloc(n);
    memcpy(q, p, old);
    pages_free(p, old);
    return q;
#endif
}

static size_t round_up(size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < size) oom(); /* overflow */
    return need ? need : ARENA_ALIGN;
}

sig_arena *sig_arena_new(void)
{
    sig_arena *a = xcalloc(sizeof *a);
    a->next_block = ARENA_MIN_BLOCK;
    return a;
}

void sig_arena_free(sig_arena *arena)
{
    if (!arena) return;
    arena_block *b = arena->head;
    while (b) {
        arena_block *next = b->next;
        pages_free(b, sizeof *b + b->size);
        b = next;
    }
    big_block *g = arena->big;
    while (g) {
        big_block *next = g->next;
        pages_free(g, sizeof *g + g->size);
        g = next;
    }
    free(arena);
}

static void *alloc_big(sig_arena *arena, size_t need)
{
    if (need > SIZE_MAX - sizeof(big_block)) oom();
    big_block *g = pages_alloc(sizeof *g + need);
    g->size = need;
    g->prev = NULL;
    g->next = arena->big;
    if (g->next) g->next->prev = g;
    arena->big = g;
    arena->total += need;
    return g->data;
}

void *sig_arena_alloc(sig_arena *arena, size_t size)
{
    size_t need = round_up(size);
    arena_block *b = arena->head;
    if (!b || b->size - b->used < need) {
        if (need > arena->next_block / 4) return alloc_big(arena, need);
        size_t cap = arena->next_block - sizeof *b; /* whole pages mapped */
        if (arena->next_block < ARENA_MAX_BLOCK) arena->next_block *= 2;
        b = pages_alloc(sizeof *b + cap);
        b->size = cap;
        b->used = 0;
        b->next = arena->head;
        arena->head = b;
        POISON(b->data, cap);
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    arena->total += need;
    UNPOISON(p, size ? size : 1);
    return p;
}

void *sig_arena_grow(sig_arena *arena, void *p, size_t old_size, size_t new_size)
{
    if (!p) return sig_arena_alloc(arena, new_size);
    size_t old_need = round_up(old_size), need = round_up(new_size);
    arena_block *b = arena->head;
    bool last = b && (char *)p + old_need == (char *)b->data + b->used;
    if (need <= old_need) {
        if (last) { /* the newest allocation: give the tail back, zeroed again */
            UNPOISON((char *)p + need, old_need - need);
            memset((char *)p + need, 0, old_need - need);
            b->used -= old_need - need;
            arena->total -= old_need - need;
            POISON((char *)p + new_size, old_need - new_size);
        }
        return p;
    }
    /* The last allocation of the current block: extend it where it is. */
    if (last && b->size - b->used >= need - old_need) {
        b->used += need - old_need;
        arena->total += need - old_need;
        UNPOISON(p, new_size);
        return p;
    }
    /* The newest big block: remapped, not copied. */
    big_block *g = arena->big;
    if (g && p == (void *)g->data && old_need == g->size) {
        if (need > SIZE_MAX - sizeof(big_block)) oom();
        big_block *n = pages_grow(g, sizeof *g + g->size, sizeof *n + need);
        n->size = need;
        if (n->next) n->next->prev = n;
        arena->big = n;
        arena->total += need - old_need;
        return n->data;
    }
    void *q = sig_arena_alloc(arena, new_size);
    memcpy(q, p, old_size);
    return q;
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
    /* Through sig_buf_vprintf(): one pass, and no vsnprintf(3) for the
     * plain %s/%d conversions that most callers use. */
    sig_buf b = {.arena = arena};
    sig_buf_vprintf(&b, fmt, ap);
    if (!b.data) return sig_arena_alloc(arena, 1);
    return sig_arena_grow(arena, b.data, b.cap, b.len + 1); /* gives back the slack */
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
        if (cap > SIZE_MAX / sizeof(void *)) oom();
        vec->items = sig_arena_grow(arena, vec->items, vec->cap * sizeof(void *),
                                    cap * sizeof(void *));
        vec->cap = cap;
    }
    vec->items[vec->len++] = item;
}
