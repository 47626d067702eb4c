"""The Discord face of movesbot: a thin layer of cogs, views and embeds over `bot.answers.Engine`."""
