"""News in, moves out: feeds, articles and the candidate moves found in them (core: no Discord)."""
