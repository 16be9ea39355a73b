"""newsfacts: Russian regional news -> dates, topics, trade figures and named entities in Parquet."""

__version__ = "0.1.0"
