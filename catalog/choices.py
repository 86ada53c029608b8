"""The controlled vocabularies of the catalog (model modalities, capabilities, doc types...).

Labels are marked for translation: the public site shows them in the visitor's language.
"""

from django.utils.translation import gettext_lazy as _

MODALITIES = [
    ("text", _("Text")),
    ("image", _("Image")),
    ("audio", _("Audio")),
    ("video", _("Video")),
]

CAPABILITIES = [
    ("function_calling", _("Function calling")),
    ("streaming", _("Streaming")),
    ("vision", _("Vision input")),
    ("json_mode", _("JSON mode")),
    ("structured_outputs", _("Structured outputs")),
    ("reasoning", _("Reasoning")),
    ("prompt_caching", _("Prompt caching")),
    ("batch", _("Batch API")),
    ("fine_tuning", _("Fine-tuning")),
    ("web_search", _("Web search")),
    ("code_execution", _("Code execution")),
    ("embeddings", _("Embeddings")),
    ("image_generation", _("Image generation")),
    ("speech_to_text", _("Speech to text")),
    ("text_to_speech", _("Text to speech")),
]

BENCHMARK_CATEGORIES = [
    ("reasoning", _("Reasoning")),
    ("code", _("Code")),
    ("language", _("Language")),
    ("multimodal", _("Multimodal")),
    ("math", _("Math")),
    ("safety", _("Safety")),
]

EVALUATION_TYPES = [("accuracy", _("Accuracy")), ("performance", _("Performance")), ("safety", _("Safety"))]

SCORING_METHODS = [("percentage", _("Percentage")), ("raw_score", _("Raw score")), ("percentile", _("Percentile"))]

DOC_TYPES = [
    ("api", _("API reference")),
    ("quickstart", _("Quickstart")),
    ("cookbook", _("Cookbook")),
    ("changelog", _("Changelog")),
    ("model_card", _("Model card")),
    ("pricing", _("Pricing page")),
]
