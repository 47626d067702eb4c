"""French names and descriptions for the slash commands (Discord shows them to French-locale users)."""

from __future__ import annotations

import discord
from discord import app_commands

FRENCH: dict[str, str] = {
    # command and option names (lower case, no spaces: Discord's rules)
    "person": "personne", "left": "departs", "joined": "arrivees", "moves": "mouvements", "recent": "recents",
    "org": "org", "ask": "demander", "about": "a-propos", "help": "aide", "name": "nom", "team": "equipe",
    "since": "depuis", "from_org": "depuis_org", "to_org": "vers_org", "question": "question",
    "sync": "synchroniser", "subscribe": "abonner", "unsubscribe": "desabonner", "subscriptions": "abonnements",
    "everything": "tout", "resume": "reprendre", "test": "test", "direction": "sens",
    "mention_role": "role_a_mentionner", "corrections": "corrections", "subscription": "abonnement",
    "alerts": "alertes", "log": "journal", "limit": "nombre", "move": "mouvement", "add": "ajouter",
    "edit": "corriger", "retract": "retirer", "move_id": "id", "status": "statut", "note": "note",
    "reason": "raison",
    "Get alerts in this channel": "Recevoir des alertes dans ce salon",
    "Alerts for people leaving or joining an org": "Alertes : départs ou arrivées dans une organisation",
    "Alerts for people leaving or joining a team": "Alertes quand des personnes quittent ou rejoignent une équipe",
    "Alerts when this person moves": "Alertes quand cette personne change de poste",
    "Alerts for every new move": "Alertes pour chaque nouveau mouvement",
    "Restart a paused subscription": "Relancer un abonnement suspendu",
    "Send a test alert (the latest move) to a subscription's channel":
        "Envoyer une alerte de test (le dernier mouvement) dans le salon d'un abonnement",
    "Stop a subscription": "Arrêter un abonnement",
    "This server's alert subscriptions": "Les abonnements aux alertes de ce serveur",
    "Alert delivery": "Distribution des alertes",
    "Where recent alerts went, or why not": "Où sont allées les dernières alertes, ou pourquoi pas",
    "Record, correct or retract a move (moderators)": "Enregistrer, corriger ou retirer un mouvement (modération)",
    "Record a new move (a form opens; a source URL is required)":
        "Enregistrer un mouvement (un formulaire s'ouvre ; une URL de source est requise)",
    "Correct a recorded move (a form opens with its values)": "Corriger un mouvement enregistré",
    "Withdraw a move (kept in its history, no longer answered)": "Retirer un mouvement (gardé dans l'historique)",
    "Team": "Équipe", "Person": "Personne", "left, joined or both": "départs, arrivées ou les deux",
    "Role to mention in each alert (optional)": "Rôle à mentionner dans chaque alerte (facultatif)",
    "Also post a notice when a move is corrected": "Publier aussi un avis quand un mouvement est corrigé",
    "Subscription number (see /subscriptions)": "Numéro d'abonnement (voir /subscriptions)",
    "How many entries (default 15)": "Combien d'entrées (15 par défaut)",
    "confirmed (on record) or reported (press citing unnamed people)":
        "confirmed (officiel) ou reported (presse citant des sources anonymes)",
    "Short context (optional)": "Contexte en quelques mots (facultatif)",
    "The move's id": "L'id du mouvement", "confirmed or reported (unchanged if empty)": "confirmed ou reported",
    "New note (unchanged if empty)": "Nouvelle note (inchangée si vide)", "Why (kept in the history)": "Pourquoi",
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
    # /chart (bot/discord_bot/cogs/charts.py)
    "chart": "graphique", "flows": "flux", "timeline": "chronologie", "war": "guerre", "top": "top",
    "The talent war as pictures: flows, timeline, net flows":
        "La guerre des talents en images : flux, chronologie, soldes",
    "Who came and went: an org's arrivals and departures by org":
        "Arrivées et départs d'une organisation, par organisation",
    "An org's departures and arrivals per month": "Départs et arrivées d'une organisation par mois",
    "The talent war: net flows between the most active orgs":
        "La guerre des talents : soldes entre les organisations les plus actives",
    "How many of the most active orgs (default 8)": "Combien d'organisations parmi les plus actives (8 par défaut)",
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
