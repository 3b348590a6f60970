"""The data-rights SQL (queries.sql), loaded once for its modules."""

from pathlib import Path

from db.queries import load_queries

queries = load_queries(Path(__file__).with_name("queries.sql"))
