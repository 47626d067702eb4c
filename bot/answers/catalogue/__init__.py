"""movesbot's one catalogue of user-facing words, in English and French, by face: the answers, the charts, the
Discord face (errors, menus, alerts, admin replies). `bot.answers.i18n.t` reads it; a test holds every key to
having both languages."""
