"""Validates the api backend's output with the real Signals SDK.

Run with the interpreter of an SDK virtual environment (tests/api/setup.sh):

    .venv-sdk04/bin/python tests/api/validate_bodies.py OUT_DIR attribute-groups
    .venv-sdk01/bin/python tests/api/validate_bodies.py OUT_DIR views

Every body is parsed into the SDK's model for its endpoint (the SDK wrapper
class, which requires an email owner, when the body has an owner; else the
API model it derives from), dumped back exactly as the SDK's registry client
does (model_dump(mode="json", exclude_none=True, by_alias=True)), and the
dump, pretty-printed as json.dumps(indent=2, ensure_ascii=False) + newline,
must equal the file byte for byte: same keys, same order, same values.
plan.json must list every body once, in the SDK's publish order.

Prints one JSON object {"checked": N, "errors": [...]} and exits 1 on any
error."""
import json
import os
import sys

import snowplow_signals
from snowplow_signals.models import model as api


def dump(obj):
    return obj.model_dump(mode="json", exclude_none=True, by_alias=True)


def text(body):
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def parse_group(body, views):
    owner = body.get("owner")
    if views:
        from snowplow_signals.models.view import View, StreamView, BatchView, ExternalBatchView
        if not owner:
            return api.ViewInput.model_validate(body)
        if body.get("fields"):
            return ExternalBatchView.model_validate(body)
        if body.get("offline") is True and body.get("attributes"):
            return BatchView.model_validate(body)
        if body.get("offline") is False and body.get("attributes"):
            return StreamView.model_validate(body)
        return View.model_validate(body)
    from snowplow_signals.models.attribute_group import (
        AttributeGroup, StreamAttributeGroup, BatchAttributeGroup, ExternalBatchAttributeGroup)
    if not owner:
        return api.AttributeGroupInput.model_validate(body)
    if body.get("fields"):
        return ExternalBatchAttributeGroup.model_validate(body)
    if body.get("offline") is True and body.get("attributes"):
        return BatchAttributeGroup.model_validate(body)
    if body.get("offline") is False and body.get("attributes"):
        return StreamAttributeGroup.model_validate(body)
    return AttributeGroup.model_validate(body)


def parse_key(body, views):
    if views:
        return api.Entity.model_validate(body)
    from snowplow_signals.models.attribute_key import AttributeKey
    return AttributeKey.model_validate(body)


def parse_service(body, views):
    if body.get("owner"):
        return snowplow_signals.Service.model_validate(body)
    if views:
        return api.Service.model_validate(body)
    return api.Service.model_validate(body)


def parse_intervention(body, views):
    """A RuleIntervention (registry/interventions/): the SDK wrapper, which
    requires an email owner, when the body has an owner."""
    if body.get("owner"):
        try:
            from snowplow_signals.models.interventions import RuleIntervention
            return RuleIntervention.model_validate(body)
        except ImportError:  # SDKs before the wrapper: the API model
            pass
    return api.RuleInterventionInput.model_validate(body)


def main():
    out, target = sys.argv[1], sys.argv[2]
    views = target == "views"
    kdir, gdir = ("entities", "views") if views else ("attribute_keys", "attribute_groups")
    errors, checked = [], 0
    files = {}
    for d, parse in ((kdir, parse_key), (gdir, parse_group), ("services", parse_service),
                     ("interventions", parse_intervention)):
        path = os.path.join(out, d)
        names = sorted(os.listdir(path)) if os.path.isdir(path) else []
        files[d] = [f"{d}/{n}" for n in names]
        for n in names:
            rel = f"{d}/{n}"
            with open(os.path.join(path, n), encoding="utf-8") as f:
                raw = f.read()
            checked += 1
            try:
                body = json.loads(raw)
                obj = parse(body, views)
                got = text(dump(obj))
                if got != raw:
                    errors.append({"file": rel, "error": "SDK dump differs", "sdk": got, "ours": raw})
            except Exception as e:  # pydantic ValidationError and JSON errors
                errors.append({"file": rel, "error": f"{type(e).__name__}: {e}"})
    with open(os.path.join(out, "plan.json"), encoding="utf-8") as f:
        plan = json.load(f)
    bodies = [s.get("body") for s in plan if s.get("body")]
    # SDK order: keys, then groups, then services, then interventions (each
    # kind in output order).
    kinds = [b.split("/")[0] for b in bodies]
    order = {kdir: 0, gdir: 1, "services": 2, "interventions": 3}
    if kinds != sorted(kinds, key=lambda k: order[k]):
        errors.append({"file": "plan.json", "error": f"not in publish order: {bodies}"})
    if sorted(bodies) != sorted(files[kdir] + files[gdir] + files["services"] + files["interventions"]):
        errors.append({"file": "plan.json", "error": "plan bodies != files written"})
    for s in plan:
        body = s.get("body")
        if not body:
            continue
        with open(os.path.join(out, body), encoding="utf-8") as f:
            b = json.load(f)
        kind = body.split("/")[0]
        want_post = f"registry/{kind}/"
        if s["method"] != "POST" or s["path"] != want_post:
            errors.append({"file": "plan.json", "error": f"bad create step {s}"})
        if kind in (gdir, "interventions"):
            put = f"registry/{kind}/{b['name']}/versions/{b.get('version', 1)}"
        else:
            put = f"registry/{kind}/{b['name']}"
        if s.get("on_400") != {"method": "PUT", "path": put}:
            errors.append({"file": "plan.json", "error": f"bad on_400 in {s}"})
        if not views and b.get("is_published") is not True:
            errors.append({"file": body, "error": "is_published is not true"})
    if views and (not plan or plan[-1] != {"method": "POST", "path": "feature_store/apply"}):
        errors.append({"file": "plan.json", "error": "View-era plan must end with feature_store/apply"})
    print(json.dumps({"checked": checked, "errors": errors}, indent=1))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
