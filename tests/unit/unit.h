/* unit.h: a minimal unit-test harness. Each test file defines tests with
 * TEST(name) { ... } and checks with CHECK(cond) / CHECK_STR(a, b) /
 * CHECK_INT(a, b); tests register themselves before main() runs, and
 * tests/unit/test_main.c runs them all (or those whose name contains argv[1])
 * and prints "N passed, N failed". */
#ifndef SIGNALS_UNIT_H
#define SIGNALS_UNIT_H

#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(void);
void unit_register(const char *name, const char *file, unit_fn fn);
void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                      \
    static void test_##name(void);                                      \
    __attribute__((constructor)) static void register_##name(void) {    \
        unit_register(#name, __FILE__, test_##name);                    \
    }                                                                   \
    static void test_##name(void)

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
    } while (0)

#define CHECK_STR(a, b)                                                 \
    do {                                                                \
        const char *a_ = (a), *b_ = (b);                                \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                          \
            unit_fail(__FILE__, __LINE__, "%s == %s\n  got:      %s\n  expected: %s", \
                      #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");  \
    } while (0)

#define CHECK_INT(a, b)                                                 \
    do {                                                                \
        long long a_ = (long long)(a), b_ = (long long)(b);             \
        if (a_ != b_)                                                   \
            unit_fail(__FILE__, __LINE__, "%s == %s: got %lld, expected %lld", \
                      #a, #b, a_, b_);                                  \
    } while (0)

#endif
