"""One cog per feature: lookup (slash commands), chat (mentions, [[name]], Q&A channels), admin, errors."""
