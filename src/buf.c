/* buf.c: growable text buffers in an arena (sig_buf, include/signals/output.h). */
#define _GNU_SOURCE /* strnlen(3) */
#include "signals/output.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Growth doubles; storage grows in place when the buffer is the newest
 * allocation of its arena block (sig_arena_grow()), so a buffer built
 * without interleaved allocations is never copied. The first capacity fits
 * the first append: most buffers hold one short name or literal. */
static void buf_reserve(sig_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap * 2 : 32;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = sig_arena_grow(b->arena, b->data, b->cap, cap);
    b->cap = cap;
}

void sig_buf_append(sig_buf *b, const char *s, size_t len)
{
    buf_reserve(b, len);
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void sig_buf_puts(sig_buf *b, const char *s) { sig_buf_append(b, s, strlen(s)); }
void (sig_buf_putc)(sig_buf *b, char c)
{
    if (b->len + 2 <= b->cap) { /* the common case: room for c and the NUL */
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    sig_buf_append(b, &c, 1);
}

/* Decimal digits of `v` (with a '-' when `neg`), as printf's %d/%u write them. */
static void put_dec(sig_buf *b, unsigned long long v, bool neg)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg) tmp[--i] = '-';
    sig_buf_append(b, tmp + i, sizeof tmp - i);
}

/* printf without vsnprintf(3) for the conversions most generated text
 * uses (names and numbers spliced into fixed text): %s %.*s %c %%, and
 * %d %i %u with no, l, ll or z length. Returns false, having consumed
 * arguments and appended text, at the first other conversion. */
static bool fast_printf(sig_buf *b, const char *fmt, va_list ap)
{
    const char *p = fmt;
    for (;;) {
        const char *q = p;
        while (*q && *q != '%') q++;
        if (q > p) sig_buf_append(b, p, (size_t)(q - p));
        if (!*q) return true;
        p = q + 1;
        char len = 0;
        if (*p == '%') { sig_buf_putc(b, '%'); p++; continue; }
        if (*p == 's') {
            const char *s = va_arg(ap, const char *);
            sig_buf_puts(b, s ? s : "(null)"); /* as glibc prints NULL */
            p++;
            continue;
        }
        if (p[0] == '.' && p[1] == '*' && p[2] == 's') { /* at most `prec` bytes; < 0: all */
            int prec = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            sig_buf_append(b, s, prec < 0 ? strlen(s) : strnlen(s, (size_t)prec));
            p += 3;
            continue;
        }
        if (*p == 'c') { sig_buf_putc(b, (char)va_arg(ap, int)); p++; continue; }
        if (*p == 'z') len = 'z', p++;
        else if (*p == 'l' && p[1] == 'l') len = 'L', p += 2;
        else if (*p == 'l') len = 'l', p++;
        if (*p == 'u') {
            unsigned long long v = len == 'z' ? va_arg(ap, size_t)
                                 : len == 'L' ? va_arg(ap, unsigned long long)
                                 : len == 'l' ? va_arg(ap, unsigned long)
                                              : va_arg(ap, unsigned);
            put_dec(b, v, false);
        } else if (*p == 'd' || *p == 'i') {
            long long v = len == 'z' ? (long long)va_arg(ap, ssize_t)
                        : len == 'L' ? va_arg(ap, long long)
                        : len == 'l' ? va_arg(ap, long)
                                     : va_arg(ap, int);
            put_dec(b, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
        } else {
            return false;
        }
        p++;
    }
}

void sig_buf_vprintf(sig_buf *b, const char *fmt, va_list ap)
{
    va_list ap2, ap3;
    va_copy(ap2, ap);
    size_t mark = b->len;
    if (!b->data) buf_reserve(b, 0); /* "" formats to an empty, non-NULL string */
    if (fast_printf(b, fmt, ap)) {
        va_end(ap2);
        return;
    }
    b->len = mark; /* undo, and let vsnprintf(3) do it all */
    b->data[mark] = '\0';
    /* Format straight into the spare capacity; only when it does not fit,
     * grow and format again (one pass in the common case). */
    va_copy(ap3, ap2);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap2);
    if (n >= 0 && (size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap3);
    }
    if (n >= 0) b->len += (size_t)n;
    else b->data[b->len] = '\0';
    va_end(ap3);
    va_end(ap2);
}

void sig_buf_printf(sig_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sig_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *sig_buf_str(sig_buf *b) { return b->data ? b->data : ""; }

