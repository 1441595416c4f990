/* json_out.c: Python-style JSON text, ISO 8601 durations and float repr for
 * the api backend (see json_out.h). */
#include "api/json_out.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_json_string(sig_buf *b, const char *s)
{
    sig_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sig_buf_puts(b, "\\\""); break;
        case '\\': sig_buf_puts(b, "\\\\"); break;
        case '\n': sig_buf_puts(b, "\\n"); break;
        case '\r': sig_buf_puts(b, "\\r"); break;
        case '\t': sig_buf_puts(b, "\\t"); break;
        case '\b': sig_buf_puts(b, "\\b"); break;
        case '\f': sig_buf_puts(b, "\\f"); break;
        default:
            /* Only C0 controls must be escaped (RFC 8259 section 7); DEL
             * stays raw, as the SDK's JSON encoder writes it. */
            if (*p < 0x20) sig_buf_printf(b, "\\u%04x", *p);
            else sig_buf_putc(b, (char)*p);
        }
    }
    sig_buf_putc(b, '"');
}

static void indent(sig_buf *b, int depth)
{
    for (int i = 0; i < depth; i++) sig_buf_puts(b, "  ");
}

static void print_item(sig_buf *b, const cJSON *item, int depth)
{
    if (cJSON_IsRaw(item)) {
        sig_buf_puts(b, item->valuestring);
    } else if (cJSON_IsNull(item)) {
        sig_buf_puts(b, "null");
    } else if (cJSON_IsTrue(item)) {
        sig_buf_puts(b, "true");
    } else if (cJSON_IsFalse(item)) {
        sig_buf_puts(b, "false");
    } else if (cJSON_IsNumber(item)) {
        char tmp[32];
        double d = item->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            sig_buf_printf(b, "%" PRId64, (int64_t)d);
        else
            sig_buf_puts(b, api_py_float(d, tmp));
    } else if (cJSON_IsString(item)) {
        api_json_string(b, item->valuestring);
    } else if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        bool obj = cJSON_IsObject(item);
        const cJSON *c = item->child;
        if (!c) {
            sig_buf_puts(b, obj ? "{}" : "[]");
            return;
        }
        sig_buf_putc(b, obj ? '{' : '[');
        for (; c; c = c->next) {
            sig_buf_putc(b, '\n');
            indent(b, depth + 1);
            if (obj) {
                api_json_string(b, c->string);
                sig_buf_puts(b, ": ");
            }
            print_item(b, c, depth + 1);
            if (c->next) sig_buf_putc(b, ',');
        }
        sig_buf_putc(b, '\n');
        indent(b, depth);
        sig_buf_putc(b, obj ? '}' : ']');
    }
}

void api_json_print(sig_buf *b, const cJSON *item)
{
    print_item(b, item, 0);
}

char *api_iso_duration(int64_t seconds, char out[48])
{
    char *p = out;
    /* uint64_t so that INT64_MIN negates safely. */
    uint64_t s = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
    if (seconds < 0) *p++ = '-';
    *p++ = 'P';
    uint64_t days = s / 86400, rest = s % 86400;
    if (days >= 365) p += sprintf(p, "%" PRIu64 "Y", days / 365);
    if (days % 365) p += sprintf(p, "%" PRIu64 "D", days % 365);
    if (rest) {
        *p++ = 'T';
        if (rest / 3600) p += sprintf(p, "%" PRIu64 "H", rest / 3600);
        if (rest % 3600 / 60) p += sprintf(p, "%" PRIu64 "M", rest % 3600 / 60);
        if (rest % 60) p += sprintf(p, "%" PRIu64 "S", rest % 60);
    }
    if (s == 0) p += sprintf(p, "T0S");
    *p = '\0';
    return out;
}

bool api_parse_iso_duration(const char *s, int64_t *seconds)
{
    bool neg = false;
    if (*s == '-') neg = true, s++;
    else if (*s == '+') s++;
    if (*s != 'P') return false;
    s++;
    bool time = false, any = false;
    int64_t total = 0;
    const char *order_date = "YMWD", *order_time = "HMS";
    const char *pos = order_date;
    while (*s) {
        if (*s == 'T') {
            if (time) return false;
            time = true;
            pos = order_time;
            s++;
            if (!*s) return false;
            continue;
        }
        if (*s < '0' || *s > '9') return false;
        int64_t n = 0;
        while (*s >= '0' && *s <= '9') {
            if (n > (INT64_MAX - 9) / 10) return false;
            n = n * 10 + (*s++ - '0');
        }
        const char *u = strchr(pos, *s);
        if (!*s || !u) return false;
        int64_t mult;
        switch (*s) {
        case 'Y': mult = 365 * 86400; break;
        case 'W': mult = 7 * 86400; break;
        case 'D': mult = 86400; break;
        case 'H': mult = 3600; break;
        case 'S': mult = 1; break;
        default: mult = time ? 60 : 30 * 86400; break; /* 'M' */
        }
        if (n > INT64_MAX / mult || total > INT64_MAX - n * mult) return false;
        total += n * mult;
        pos = u + 1;
        any = true;
        s++;
    }
    if (!any) return false;
    *seconds = neg ? -total : total;
    return true;
}

char *api_py_float(double d, char out[32])
{
    if (d == 0) {
        strcpy(out, signbit(d) ? "-0.0" : "0.0");
        return out;
    }
    if (!isfinite(d)) { /* not JSON; Python would write these */
        strcpy(out, isnan(d) ? "NaN" : d < 0 ? "-Infinity" : "Infinity");
        return out;
    }
    char e[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (strtod(e, NULL) == d) break;
    }
    /* e = [-]D[.DDD]e[+-]XX */
    char digits[24];
    size_t nd = 0;
    const char *p = e;
    bool neg = *p == '-';
    if (neg) p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') digits[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = '\0';
    char *o = out;
    if (neg) *o++ = '-';
    if (exp >= -4 && exp < 16) {
        if (exp >= 0) {
            for (int i = 0; i <= exp; i++) *o++ = (size_t)i < nd ? digits[i] : '0';
            *o++ = '.';
            if ((size_t)exp + 1 < nd) {
                for (size_t i = (size_t)exp + 1; i < nd; i++) *o++ = digits[i];
            } else {
                *o++ = '0';
            }
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -exp - 1; i++) *o++ = '0';
            for (size_t i = 0; i < nd; i++) *o++ = digits[i];
        }
        *o = '\0';
    } else {
        *o++ = digits[0];
        if (nd > 1) {
            *o++ = '.';
            for (size_t i = 1; i < nd; i++) *o++ = digits[i];
        }
        sprintf(o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
    return out;
}

cJSON *api_json_int(cJSON *obj, const char *key, int64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRId64, v);
    return cJSON_AddRawToObject(obj, key, t);
}

cJSON *api_json_float(cJSON *obj, const char *key, double v)
{
    char t[32];
    return cJSON_AddRawToObject(obj, key, api_py_float(v, t));
}

void api_json_array_int(cJSON *arr, int64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRId64, v);
    cJSON_AddItemToArray(arr, cJSON_CreateRaw(t));
}

void api_json_array_float(cJSON *arr, double v)
{
    char t[32];
    cJSON_AddItemToArray(arr, cJSON_CreateRaw(api_py_float(v, t)));
}
