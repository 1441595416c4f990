/* export.h: what libsignals exports.
 *
 * The library is compiled with -fvisibility=hidden, so libsignals.so exports
 * only the declarations marked SIG_API in these public headers (GCC manual,
 * "Common Function Attributes": visibility; https://gcc.gnu.org/wiki/Visibility).
 * Everything else, the flex/bison parser included, stays internal.
 *
 * Every exported symbol starts with `sig_`. The API client's functions keep
 * their short C names (api_call, api_run, ...) and get a `sig_` symbol name
 * with an asm label (GCC manual, "Controlling Names Used in Assembler Code"):
 * callers write api_call(), the linker sees sig_api_call. */
#ifndef SIGNALS_EXPORT_H
#define SIGNALS_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SIG_API __attribute__((visibility("default")))
#define SIG_SYMBOL(name) __asm__(name)
#else
#define SIG_API
#define SIG_SYMBOL(name)
#endif

#endif
