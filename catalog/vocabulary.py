"""The controlled vocabularies of the catalog (model modalities, capabilities, doc types...)."""

MODALITIES = [
    ("text", "Text"),
    ("image", "Image"),
    ("audio", "Audio"),
    ("video", "Video"),
]

CAPABILITIES = [
    ("function_calling", "Function calling"),
    ("streaming", "Streaming"),
    ("vision", "Vision input"),
    ("json_mode", "JSON mode"),
    ("structured_outputs", "Structured outputs"),
    ("reasoning", "Reasoning"),
    ("prompt_caching", "Prompt caching"),
    ("batch", "Batch API"),
    ("fine_tuning", "Fine-tuning"),
    ("web_search", "Web search"),
    ("code_execution", "Code execution"),
    ("embeddings", "Embeddings"),
    ("image_generation", "Image generation"),
    ("speech_to_text", "Speech to text"),
    ("text_to_speech", "Text to speech"),
]

BENCHMARK_CATEGORIES = [
    ("reasoning", "Reasoning"),
    ("code", "Code"),
    ("language", "Language"),
    ("multimodal", "Multimodal"),
    ("math", "Math"),
    ("safety", "Safety"),
]

EVALUATION_TYPES = [("accuracy", "Accuracy"), ("performance", "Performance"), ("safety", "Safety")]

SCORING_METHODS = [("percentage", "Percentage"), ("raw_score", "Raw score"), ("percentile", "Percentile")]

DOC_TYPES = [
    ("api", "API reference"),
    ("quickstart", "Quickstart"),
    ("cookbook", "Cookbook"),
    ("changelog", "Changelog"),
    ("model_card", "Model card"),
    ("pricing", "Pricing page"),
]
