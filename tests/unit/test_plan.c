/* Unit tests of the planner (src/plan.c, signals/plan.h): they assert the
 * plan, as `signalsc debug plan` prints it (docs/plan-json.md), not SQL. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "signals/plan.h"
#include "signals/signals.h"
#include "unit.h"

static const char spec[] =
    "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
    "event pv_again  = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
    "event cart      = iglu:com.acme/add_to_cart/jsonschema/1-*-*\n"
    "context product = iglu:com.acme/product/jsonschema/1-0-0\n"
    "attribute n_views = counter() from page_view, pv_again over last 7 days\n"
    "attribute spend: double = sum(product.price) from cart where product.price > 0\n"
    "attribute avg_price: float = mean(product.price) from cart\n"
    "attribute cheapest: int64 = min(product.price) from cart\n"
    "attribute se: double = max(se_value) from page_view where se_value < 10\n"
    "attribute cats: string_list = unique_list(product.category) from cart\n"
    "    where product.category like \"s%\" over last 30 days\n"
    "attribute first_src = first(mkt_source) from page_view { default \"none\" }\n"
    "view v v2 {\n"
    "    entity domain_userid\n"
    "    offline true\n"
    "    attributes n_views, spend, avg_price, cheapest, se, cats, first_src\n"
    "}\n"
    "view online_only { entity domain_userid  attributes n_views }\n";

/* The plan JSON of `src` parsed, or NULL (with a failed check). */
static cJSON *plan_of(const char *src)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "t.signals", src, strlen(src));
    const sig_model *m = sig_ctx_check(ctx);
    CHECK(m != NULL);
    char *json = m ? sig_plan_json(m) : NULL;
    sig_ctx_free(ctx);
    CHECK(json != NULL);
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    free(json);
    return root;
}

/* `node` printed compactly, compared with `want`. */
#define CHECK_JSON(node, want)                                   \
    do {                                                         \
        char *got_ = cJSON_PrintUnformatted(node);               \
        CHECK_STR(got_, want);                                   \
        cJSON_free(got_);                                        \
    } while (0)

static cJSON *attr(cJSON *view, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(view, "attributes"), i);
}

TEST(plan_views_and_events)
{
    cJSON *root = plan_of(spec);
    if (!root) return;
    cJSON *views = cJSON_GetObjectItem(root, "views");
    CHECK_INT(cJSON_GetArraySize(views), 1); /* online_only is not offline */
    cJSON *v = cJSON_GetArrayItem(views, 0);
    CHECK_STR(cJSON_GetObjectItem(v, "prefix")->valuestring, "v_v2");
    cJSON *src = cJSON_GetObjectItem(v, "source");
    /* page_view and pv_again filter alike: one event type */
    CHECK_JSON(cJSON_GetObjectItem(src, "events"),
               "[{\"vendor\":\"com.snowplowanalytics.snowplow\",\"name\":\"page_view\","
               "\"version\":\"1-0-0\"},{\"vendor\":\"com.acme\",\"name\":\"add_to_cart\","
               "\"version\":\"1-*-*\"}]");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 0), "events"), "[0,0]");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 1), "events"), "[1]");
    cJSON_Delete(root);
}

TEST(plan_shared_columns)
{
    cJSON *root = plan_of(spec);
    if (!root) return;
    cJSON *src = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "views"), 0),
                                     "source");
    /* product.price: extracted once, read as a double by sum, mean and the
     * criterion, as an int64 by min; se_value (a double column) only cast */
    CHECK_JSON(cJSON_GetObjectItem(src, "columns"),
               "[{\"name\":\"product_price__double\",\"property\":\"product_price\",\"as\":\"double\","
               "\"direct_cast\":false},"
               "{\"name\":\"product_price__int64\",\"property\":\"product_price\",\"as\":\"int64\","
               "\"direct_cast\":false},"
               "{\"name\":\"se_value__double\",\"property\":\"se_value\",\"as\":\"double\","
               "\"direct_cast\":true},"
               "{\"name\":\"product_category__string\",\"property\":\"product_category\","
               "\"as\":\"string\",\"direct_cast\":false},"
               "{\"name\":\"mkt_source__string\",\"property\":\"mkt_source\",\"as\":\"string\","
               "\"direct_cast\":false}]");
    cJSON *props = cJSON_GetObjectItem(src, "properties");
    CHECK_INT(cJSON_GetArraySize(props), 4);
    CHECK_JSON(cJSON_GetArrayItem(props, 0),
               "{\"name\":\"product_price\",\"text\":\"product.price\",\"kind\":\"entity\","
               "\"column\":\"contexts_com_acme_product_1\",\"path\":\"$[0].price\",\"raw\":true,"
               "\"number\":true}");
    /* a directly cast column needs no text */
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(props, 1), "raw")));
    cJSON_Delete(root);
}

TEST(plan_states_windows_finish)
{
    cJSON *root = plan_of(spec);
    if (!root) return;
    cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "views"), 0);
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 0), "states"),
               "[{\"state\":\"events\",\"column\":\"n_views__n\",\"type\":\"int64\",\"merge\":\"sum\",\"shared\":false}]");
    CHECK_INT(cJSON_GetObjectItem(attr(v, 0), "window_days")->valueint, 7);
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 2), "states"),
               "[{\"state\":\"sum\",\"column\":\"avg_price__sum\",\"type\":\"double\",\"merge\":\"sum\",\"shared\":false},"
               "{\"state\":\"count\",\"column\":\"avg_price__count\",\"type\":\"int64\",\"merge\":\"sum\",\"shared\":false}]");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 2), "finish"), "{\"kind\":\"divide\",\"default\":null}");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(attr(v, 2), "window_days")));
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 3), "states"),
               "[{\"state\":\"min\",\"column\":\"cheapest__min\",\"type\":\"int64\",\"merge\":\"min\",\"shared\":false}]");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 5), "states"),
               "[{\"state\":\"values\",\"column\":null,\"type\":\"string\",\"merge\":\"union\",\"shared\":false}]");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 5), "finish"),
               "{\"kind\":\"list\",\"default\":null,\"cap\":100}");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 5), "criteria"),
               "{\"all\":[{\"column\":\"product_category__string\",\"operator\":\"like\","
               "\"value\":\"s%\"}],\"any\":[]}");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 6), "finish"), "{\"kind\":\"value\",\"default\":\"none\"}");
    CHECK_JSON(cJSON_GetObjectItem(attr(v, 6), "states"),
               "[{\"state\":\"first\",\"column\":\"first_src__first\",\"type\":\"string\","
               "\"merge\":\"earliest\",\"shared\":false}]");
    cJSON_Delete(root);
}

TEST(plan_deterministic_and_struct)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "t.signals", spec, strlen(spec));
    const sig_model *m = sig_ctx_check(ctx);
    CHECK(m != NULL);
    if (!m) {
        sig_ctx_free(ctx);
        return;
    }
    char *a = sig_plan_json(m), *b = sig_plan_json(m);
    CHECK_STR(a, b);
    free(a);
    free(b);
    const sig_plan *p = sig_plan_view(sig_ctx_arena(ctx), m->views[0]);
    CHECK(p != NULL);
    CHECK_INT(p->nattrs, 7);
    CHECK(p->has_lists);
    CHECK_INT(p->list_scalars, 1u << SIG_STRING);
    CHECK_STR(p->attrs[5].window, "in_last_30_days");
    CHECK_STR(p->attrs[1].match, "spend__match");
    CHECK(p->attrs[0].value == NULL);
    CHECK(p->attrs[1].all[0].column == p->attrs[1].value);
    CHECK(sig_plan_view(NULL, m->views[0]) == NULL);
    CHECK_STR(sig_plan_conv_name(SIG_PLAN_CONV__COUNT), "?");
    CHECK_STR(sig_plan_conv_words(SIG_PLAN_CONV_INT32), "as a 32-bit integer");
    CHECK_INT(sig_plan_conv_scalar(SIG_PLAN_CONV_TIMESTAMP), SIG_UNIX_TIMESTAMP);
    sig_ctx_free(ctx);
}

/* Equal daily states are kept once: the same kind, events (as a set),
 * criteria and value; windows differ freely, criteria or events do not. */
TEST(plan_shared_states)
{
    static const char src[] =
        "event pv = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
        "event pv2 = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
        "event cart = iglu:com.acme/add_to_cart/jsonschema/1-*-*\n"
        "attribute n_7 = counter() from pv, cart over last 7 days\n"
        "attribute n_30 = counter() from cart, pv2 over last 30 days\n"
        "attribute n_src = counter() from pv, cart where mkt_source = \"x\"\n"
        "attribute total = sum(se_value) from pv where se_value > 1\n"
        "attribute avg = mean(se_value) from pv where se_value > 1 over last 3 days\n"
        "attribute avg2 = mean(se_value) from pv where se_value > 2\n"
        "view v { entity domain_userid  offline true\n"
        "    attributes n_7, n_30, n_src, total, avg, avg2 }\n";
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "t.signals", src, strlen(src));
    const sig_model *m = sig_ctx_check(ctx);
    CHECK(m != NULL);
    if (!m) {
        sig_ctx_free(ctx);
        return;
    }
    const sig_plan *p = sig_plan_view(sig_ctx_arena(ctx), m->views[0]);
    CHECK(!p->attrs[0].states[0].shared);
    CHECK(p->attrs[1].states[0].shared); /* same events, other order and name */
    CHECK_STR(p->attrs[1].states[0].column, "n_7__n");
    CHECK(p->attrs[1].match == NULL); /* no column of its own reads a flag */
    CHECK_STR(p->attrs[4].match, "avg__match");
    CHECK(!p->attrs[2].states[0].shared); /* criteria differ */
    CHECK_STR(p->attrs[2].states[0].column, "n_src__n");
    CHECK(!p->attrs[3].states[0].shared);
    CHECK(p->attrs[4].states[0].shared); /* mean's sum is sum's */
    CHECK_STR(p->attrs[4].states[0].column, "total__sum");
    CHECK(!p->attrs[4].states[1].shared);
    CHECK_STR(p->attrs[4].states[1].column, "avg__count");
    CHECK(!p->attrs[5].states[0].shared); /* another criterion literal */
    CHECK_STR(p->attrs[5].states[0].column, "avg2__sum");
    sig_ctx_free(ctx);
}
