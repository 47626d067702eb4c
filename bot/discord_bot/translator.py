"""French names and descriptions for the slash commands (Discord shows them to French-locale users)."""

from __future__ import annotations

import discord
from discord import app_commands

FRENCH: dict[str, str] = {
    # command and option names (lower case, no spaces: Discord's rules)
    "person": "personne", "left": "departs", "joined": "arrivees", "moves": "mouvements", "recent": "recents",
    "org": "org", "ask": "demander", "about": "a-propos", "help": "aide", "name": "nom", "team": "equipe",
    "since": "depuis", "from_org": "depuis_org", "to_org": "vers_org", "question": "question",
    "sync": "synchroniser",
    # descriptions
    "A person's moves, current position and sources": "Les départs d'une personne, son poste actuel et les sources",
    "Who left an org or a team": "Qui a quitté une organisation ou une équipe",
    "Who joined an org or a team": "Qui a rejoint une organisation ou une équipe",
    "Moves from one org to another": "Les passages d'une organisation à une autre",
    "The most recent moves on record": "Les mouvements les plus récents",
    "An org's arrivals, departures and net flow": "Arrivées, départs et solde d'une organisation",
    "Ask a question in plain words (English or French)": "Posez une question en français ou en anglais",
    "About this bot and its dataset": "À propos du bot et de ses données",
    "What you can ask": "Ce que vous pouvez demander",
    "Person's name (misspellings are fine)": "Nom de la personne (même mal orthographié)",
    "Organisation": "Organisation",
    "Team inside the org": "Équipe au sein de l'organisation",
    "Only since this date (YYYY, YYYY-MM or YYYY-MM-DD)": "Seulement depuis cette date (AAAA, AAAA-MM ou AAAA-MM-JJ)",
    "Only people coming from this org": "Seulement les personnes venant de cette organisation",
    "Org they left": "Organisation quittée",
    "Org they joined": "Organisation rejointe",
    "Your question": "Votre question",
    "Owner only: push the command list to Discord now": "Propriétaire : envoyer la liste des commandes à Discord",
}


class MovesTranslator(app_commands.Translator):
    """Translates command strings for French locales; other locales fall back to English."""

    def __init__(self, extra: dict[str, str] | None = None):
        self.french = {**FRENCH, **(extra or {})}

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContext) -> str | None:
        if locale is discord.Locale.french:
            return self.french.get(string.message)
        return None
