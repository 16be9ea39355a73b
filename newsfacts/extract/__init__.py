"""Extractors: dates, amounts, trade facts, topics and entities (see bundle.ExtractorSet)."""
