"""Who made a model and which model it is, whatever source names it: slugs, the makers behind
vendor prefixes and model families, model ids normalised to their foundation model."""

import re
from collections.abc import Iterator
from itertools import count

MODEL_SLUG_LENGTH = 100
PROVIDER_SLUG_LENGTH = 50

# Providers that make models, in import order, with the maker they stand for. Only these take
# a model's bare slug ("gpt-4o"); everyone else's copy is "gpt-4o-openrouter". Importing them
# first makes the choice deterministic when two of them claim the same name.
HOME_VENDORS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "x-ai": "xai",
    "meta": "meta",
    "cohere": "cohere",
    "moonshotai": "moonshotai",
    "zai": "zhipu",
    "zhipuai": "zhipu",
    "minimax": "minimax",
    "perplexity": "perplexity",
    "voyageai": "voyageai",
    "elevenlabs": "elevenlabs",
    "azure": "microsoft",
    "aws": "amazon",
    "cloudflare": "cloudflare",
    "arcee": "arcee",
    "cursor": "cursor",
    "typesafe": "typesafe",
    "openai-decisions": "openai",
}
# "vendor/" prefixes in model ids that spell a maker differently.
VENDOR_ALIASES = {
    "meta-llama": "meta",
    "meta-models": "meta",
    "mistralai": "mistral",
    "deepseek-ai": "deepseek",
    "x-ai": "xai",
    "z-ai": "zhipu",
    "zai-org": "zhipu",
    "zai": "zhipu",
    "thudm": "zhipu",
    "minimaxai": "minimax",
    "qwen": "alibaba",
}
# Model families that first-party providers also resell (Google sells Claude, Azure sells o3),
# so a home provider does not take the bare slug of another maker's model.
FAMILY_VENDORS = (
    ("claude", "anthropic"),
    ("gpt-", "openai"),
    ("chatgpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("text-embedding", "openai"),
    ("gemini", "google"),
    ("gemma", "google"),
    ("grok", "xai"),
    ("deepseek", "deepseek"),
    ("kimi", "moonshotai"),
    ("glm", "zhipu"),
    ("zai-glm", "zhipu"),
    ("llama", "meta"),
    ("qwen", "alibaba"),
    ("nemotron", "nvidia"),
)
# Bedrock cross-region inference profiles ("global.anthropic.claude-...").
AWS_SCOPES = ("global", "regional", "us", "eu", "apac", "au", "jp", "ca")
# OpenRouter-style offers of one model ("openai/gpt-4o:batch").
OFFER_SUFFIX = re.compile(r"(.+):(free|batch|extended|thinking|beta|online|nitro|floor)")


def slugify(text: str) -> str:
    # Not django's slugify: it drops dots ("gpt-4.1" -> "gpt-41") and keeps underscores.
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def slug_candidates(stem: str, provider_slug: str, own: bool) -> Iterator[str]:
    """The bare stem (first-party only), then stem-provider, then stem-provider-2, -3..."""

    def fit(suffix: str) -> str:
        return stem[: MODEL_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix

    if own:
        yield fit("")
    yield fit(f"-{provider_slug}")
    for n in count(2):
        yield fit(f"-{provider_slug}-{n}")


def normalise_id(provider_id: str, model_id: str) -> tuple[str, list[str], str | None]:
    """(foundation model, offer qualifiers, maker) of a provider's model id.

    Conservative on purpose: only prefixes and suffixes that name the vendor, the Bedrock
    scope/revision or an OpenRouter offer are removed, so "openai/gpt-4o:batch" groups with
    OpenAI's "gpt-4o" but "claude-haiku-4.5" and "claude-haiku-4-5" stay apart.
    """
    ident, offer, vendor = model_id.lower(), [], None
    if provider_id == "aws":
        scope, _, rest = ident.partition(".")
        if scope in AWS_SCOPES:
            offer.append(scope)
            ident = rest
        maker, dot, rest = ident.partition(".")
        if dot:
            vendor, ident = maker, rest
        # "-v0:2" is Mistral's v0.2; "-v1:0", "-1:0" and ":0" are Bedrock revisions.
        ident = re.sub(r"-v0:(\d+)$", r"-v0.\1", ident)
        ident = re.sub(r"(-v?1)?:\d+$", "", ident)
    if "/" in ident:
        prefix, _, ident = ident.rpartition("/")
        vendor = prefix.rpartition("/")[2].lstrip("~")
    if provider_id == "databricks":
        ident = ident.removeprefix("databricks-")
    if match := OFFER_SUFFIX.fullmatch(ident):
        ident = match.group(1)
        offer.append(match.group(2))
    # The family wins over the prefix: "perplexity/kimi-k3" is Moonshot's model served by Perplexity.
    family = next((maker for family, maker in FAMILY_VENDORS if ident.startswith(family)), None)
    return ident, offer, family or (VENDOR_ALIASES.get(vendor, vendor) if vendor else None)


# Snapshot dates and the "latest" alias: gpt-4o-2024-08-06, claude-3-5-haiku-20241022, gpt-4-0613.
SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest)$")
# A version written with a dot or a dash between digits is the same model: claude-3.5 / claude-3-5.
VERSION_DOT = re.compile(r"(?<=\d)\.(?=\d)")


def canonical_base(model_id: str) -> str:
    """The released model an id names, whatever its snapshot date or spelling: the grouping key
    of one model across its providers ("anthropic/claude-3.5-sonnet-20241022" -> "claude-3-5-sonnet")."""
    # Vertex names a snapshot after an "@": claude-sonnet-4-5@20250929.
    ident = model_id.lower().rpartition("/")[2].partition("@")[0]
    while match := SNAPSHOT_SUFFIX.search(ident):
        ident = ident[: match.start()]
    return VERSION_DOT.sub("-", ident)


def model_identity(provider_id: str, model_id: str) -> tuple[str | None, str]:
    """(maker, canonical base) of a model as a provider names it. `provider_id` is in genai-prices'
    vocabulary (the catalog's first source): other sources map their provider ids to it first."""
    foundation, _offer, vendor = normalise_id(provider_id, model_id)
    return vendor or HOME_VENDORS.get(provider_id), canonical_base(foundation)


# Each maker (as model_identity names it) -> the catalog provider that is the maker's own (genai-prices'
# id), or None where the catalog has no provider of theirs yet, and its name for a new one.
MAKERS: dict[str, tuple[str | None, str]] = {
    "openai": ("openai", "OpenAI"),
    "anthropic": ("anthropic", "Anthropic"),
    "google": ("google", "Google"),
    "mistral": ("mistral", "Mistral AI"),
    "deepseek": ("deepseek", "DeepSeek"),
    "xai": ("x-ai", "xAI"),
    "meta": ("meta", "Meta"),
    "cohere": ("cohere", "Cohere"),
    "moonshotai": ("moonshotai", "Moonshot AI"),
    "zhipu": ("zhipuai", "Zhipu AI"),
    "minimax": ("minimax", "MiniMax"),
    "perplexity": ("perplexity", "Perplexity"),
    "voyageai": ("voyageai", "Voyage AI"),
    "elevenlabs": ("elevenlabs", "ElevenLabs"),
    "microsoft": ("azure", "Microsoft"),
    "amazon": ("aws", "Amazon"),
    "cloudflare": ("cloudflare", "Cloudflare"),
    "arcee": ("arcee", "Arcee AI"),
    "cursor": ("cursor", "Cursor"),
    "alibaba": (None, "Alibaba (Qwen)"),
    "nvidia": (None, "NVIDIA"),
    "ibm": (None, "IBM"),
    "ai21": (None, "AI21 Labs"),
}


def canonical_key(maker: str | None, base: str, provider_slug: str) -> str:
    """The key of the released model an offer is: its maker's, or (maker unknown) its seller's."""
    return f"{maker or '@' + provider_slug}/{base}"
