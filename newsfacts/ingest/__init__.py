"""Ingest: sources -> raw bytes -> decoded text -> cleaned article (title, body, published date)."""

from newsfacts.ingest.clean import clean, clean_text, text_sha256
from newsfacts.ingest.decode import decode, decode_bytes
from newsfacts.ingest.model import CleanArticle, DecodeError, RawInput, Rejection
from newsfacts.ingest.parse import parse_input
from newsfacts.ingest.sources import iter_inputs

__all__ = [
    "CleanArticle",
    "DecodeError",
    "RawInput",
    "Rejection",
    "clean",
    "clean_text",
    "decode",
    "decode_bytes",
    "iter_inputs",
    "parse_input",
    "text_sha256",
]
