"""News in, moves out: feeds, articles and the candidate moves found in them (core: no Discord)."""

from bot.news.article import Article, article_from_html, article_from_text, detect_language
from bot.news.extract import Candidate, extract_candidates, extract_with_store

__all__ = ["Article", "Candidate", "article_from_html", "article_from_text", "detect_language",
           "extract_candidates", "extract_with_store"]
