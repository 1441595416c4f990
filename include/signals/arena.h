/* arena.h: one region allocator per compilation.
 *
 * Every AST node, string and model object of a compilation lives in the
 * compilation's arena and is released at once by sig_arena_free(). Nothing
 * allocated from an arena is freed on its own.
 *
 * Allocation failure is not reported to callers: the arena prints
 * "signalsc: out of memory" to stderr and calls abort(), as nftables'
 * xmalloc does, so that no code path has to unwind a half-built AST. */
#ifndef SIGNALS_ARENA_H
#define SIGNALS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "signals/export.h"

typedef struct sig_arena sig_arena;

/* A new, empty arena. Free it with sig_arena_free(). Never returns NULL. */
SIG_API sig_arena *sig_arena_new(void);

/* Releases every block of the arena and the arena itself. NULL is allowed. */
SIG_API void sig_arena_free(sig_arena *arena);

/* `size` bytes, zero-filled, aligned for any C object. Never returns NULL.
 * The memory is owned by the arena. size 0 returns a valid unique pointer. */
SIG_API void *sig_arena_alloc(sig_arena *arena, size_t size);

/* Grows the allocation `p` of `old_size` bytes (made by sig_arena_alloc()
 * or sig_arena_grow() on this arena with exactly that size) to `new_size`
 * bytes and returns it: the same pointer when the allocation is the newest
 * of its block and there is room after it, else a new allocation holding
 * the first `old_size` bytes of `p` (the old one is abandoned to the
 * arena). The bytes after `old_size` are unspecified (not zeroed). A
 * `new_size` not larger than `old_size` returns `p` (and gives the tail
 * back to the arena when `p` is the newest allocation of its block);
 * p == NULL is sig_arena_alloc(arena, new_size). Owned by the arena; never
 * NULL. */
SIG_API void *sig_arena_grow(sig_arena *arena, void *p, size_t old_size, size_t new_size);

/* Allocates `count` zeroed objects of `type` from `arena`. */
#define SIG_NEW(arena, type) ((type *)sig_arena_alloc((arena), sizeof(type)))
#define SIG_NEW_ARRAY(arena, type, count) \
    ((type *)sig_arena_alloc((arena), sizeof(type) * (size_t)(count)))

/* A NUL-terminated copy of `s` (`len` bytes for the n-variant; the copy may
 * contain no NUL before `len`). Owned by the arena. s == NULL gives NULL. */
SIG_API char *sig_arena_strdup(sig_arena *arena, const char *s);
SIG_API char *sig_arena_strndup(sig_arena *arena, const char *s, size_t len);

/* printf into an arena string. Owned by the arena. */
SIG_API char *sig_arena_printf(sig_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
SIG_API char *sig_arena_vprintf(sig_arena *arena, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Total bytes handed out so far (for benchmarks and tests). */
SIG_API size_t sig_arena_used(const sig_arena *arena);

/* A growable array of pointers whose storage comes from an arena. Old
 * storage is abandoned to the arena on growth (amortised O(1) pushes).
 * Zero-initialise a sig_ptrvec to get an empty vector. */
typedef struct sig_ptrvec {
    void **items;
    size_t len;
    size_t cap;
} sig_ptrvec;

/* Appends `item` (any pointer, NULL included) to `vec`, growing it in `arena`. */
SIG_API void sig_ptrvec_push(sig_arena *arena, sig_ptrvec *vec, void *item);

#endif
