"""The words of every answer in English and French, and dates at their precision in each language."""

from __future__ import annotations

import re

from bot.answers.catalogue import digests as digest_words

LOCALES = ("en", "fr")

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "moved": "{person} moved from {src} to {dst}",
        "moved_reported": "{person} reportedly moved from {src} to {dst}",
        "departed": "{person} left {src} (destination not reported)",
        "departed_reported": "{person} reportedly left {src} (destination not reported)",
        "completed": "Now known: {person} joined {dst}",
        "person_summary_departed": "{person}: {count} recorded moves; left {src} {when}; no destination on record.",
        "person_summary_departed_one": "{person}: 1 recorded move; left {src} {when}; no destination on record.",
        "unknown_destination": "destination not reported",
        "recorded_completed": "Completed the departure {id} with its destination: one move, its history keeps both.",
        "recorded_source_added": "Already on record as {id}: the new source was added to it.",
        "recorded_unchanged": "Already on record as {id} with these sources: nothing changed.",
        "record_current": "record current to {latest}",
        "newest_first": "Newest first.",
        "reported_short": "reported",
        "unknown_short": "(not reported)",
        "latest_moves": "Latest moves",
        "flow_columns": "in|out|net",
        "only_confirmed": " (confirmed moves only)",
        "only_reported": " (reported moves only, not confirmed)",
        "excluding": " (destinations other than {place})",
        "returns_title": "Returns to {place}",
        "returns_title_any": "Returns to a former org",
        "returns_summary": "{count} people went back to {place}{period}.",
        "returns_summary_one": "1 person went back to {place}{period}.",
        "returns_none": "No one is on record as having gone back to {place}{period}.",
        "returns_summary_any": "{count} people went back to an org they had left{period}.",
        "returns_summary_any_one": "1 person went back to an org they had left{period}.",
        "returns_none_any": "No return to a former org is on record{period}.",
        "went_to_title": "Where {place}'s people went",
        "went_to_summary": "{count} departures from {place}{period}, by destination:",
        "went_to_summary_one": "1 departure from {place}{period}:",
        "went_to_none": "No one is on record as having left {place}{period}.",
        "came_from_title": "Where {place}'s hires came from",
        "came_from_summary": "{count} arrivals at {place}{period}, by origin:",
        "came_from_summary_one": "1 arrival at {place}{period}:",
        "came_from_none": "No one is on record as having joined {place}{period}.",
        "counterpart_line": "{other}: {count}",
        "off_topic": "I answer questions about people moving between AI labs: try “who left OpenAI?”, “where did "
                     "Ruoming Pang go?” or just a name. /help lists more.",
        "try_org": "Try an org or a team as written on record (“OpenAI”, “Google DeepMind”, “AFM”); "
                   "autocomplete offers them as you type.",
        "try_person": "Try a person's full name (“Ruoming Pang”); autocomplete offers names as you type.",
        "as_role": "as {role}",
        "person_title": "{person}",
        "person_summary": "{person}: {count} recorded moves; now at {where}.",
        "person_summary_one": "{person}: 1 recorded move; now at {where}.",
        "person_summary_role": "{person}: no recorded move. Latest role on record: {where}, {role}{when}.",
        "left_title": "Who left {place}",
        "left_summary": "{count} people left {place}{period}.",
        "left_summary_one": "1 person left {place}{period}.",
        "joined_title": "Who joined {place}",
        "joined_summary": "{count} people joined {place}{period}.",
        "joined_summary_one": "1 person joined {place}{period}.",
        "joined_from_summary": "{count} people joined {place} from {src}{period}.",
        "joined_from_summary_one": "1 person joined {place} from {src}{period}.",
        "between_title": "{src} → {dst}",
        "between_summary": "{count} people moved from {src} to {dst}{period}.",
        "between_summary_one": "1 person moved from {src} to {dst}{period}.",
        "recent_title": "Recent moves",
        "recent_at_title": "Recent moves: {place}",
        "recent_summary": "The {count} most recent moves on record.",
        "recent_summary_one": "The most recent move on record.",
        "recent_period_summary": "{count} moves on record{period}, newest first.",
        "recent_period_summary_one": "1 move on record{period}.",
        "recent_period_none": "No move on record{period}.",
        "org_title": "{org}",
        "org_summary": "{org}: {joined} joined, {left} left (net {net:+d}){period}.",
        "flow_line": "{other}: {joined} in, {left} out (net {net:+d})",
        "ranking_title_left": "Who lost the most people",
        "ranking_title_joined": "Who hired the most people",
        "ranking_title_net": "Who is winning the talent war",
        "ranking_summary": "Orgs by {measure}{period}, of {count} with moves on record.",
        "ranking_none": "No move on record{period}.",
        "measure_left": "departures",
        "measure_joined": "arrivals",
        "measure_net": "net flow (arrivals minus departures)",
        "role_title": "Who leads {place}",
        "role_summary": "On record for {place}:",
        "role_asked_none": "No {title} of {place} is on record. Other roles on record:",
        "role_line": "{person}: {role}",
        "role_line_former": "{person}: {role} (former: has left)",
        "role_only_former": "No current holder of a role at {place} is on record; former ones:",
        "role_none": "No role holder of {place} is on record.",
        "as_of": "as of {date}",
        "none_left": "No one is on record as having left {place}{period}.",
        "none_joined": "No one is on record as having joined {place}{period}.",
        "none_between": "No move from {src} to {dst} is on record{period}.",
        "not_found": "I found nothing on record for “{query}”.",
        "did_you_mean": "Did you mean: {names}?",
        "several": "No sure match for “{query}”.",
        "try": "Try a name (“Ruoming Pang”), an org or team (“AFM”), or a question such as “who left Apple?”.",
        "ambiguous_title": "Which one did you mean?",
        "sources": "Sources",
        "more": "… and {count} more.",
        "period_since": " since {date}",
        "period_until": " before {date}",
        "period_in": " in {date}",
        "period_between": " between {start} and {end}",
        "note": "Note: {text}",
        "help_title": "What you can ask",
        "help": (
            "Ask in plain words, in English or French:\n"
            "• who left Apple's AFM team?   • where did Bowen Zhang go?\n"
            "• who joined Meta from OpenAI in 2025?   • who leads AFM now?\n"
            "• OpenAI to Meta   • recent moves   • a bare name, even misspelled: ruoming pnag\n"
            "• which company lost the most researchers?   • who left Apple in summer 2025?\n"
            "Commands: /ask QUESTION, /person NAME, /left ORG [TEAM] [since YEAR], /joined ORG [from ORG],\n"
            "/moves FROM TO, /recent, /org NAME, /about, /help"
        ),
        "about": "{moves} moves, {people} people, {orgs} orgs, {sources} source pages; latest move {latest}; "
                 "loaded {loaded}. Corrections: open an issue or pull request against data/ with a source URL.",
    },
    "fr": {
        "moved": "{person} a quitté {src} pour {dst}",
        "moved_reported": "{person} aurait quitté {src} pour {dst}",
        "departed": "{person} a quitté {src} (destination non communiquée)",
        "departed_reported": "{person} aurait quitté {src} (destination non communiquée)",
        "completed": "Désormais connu : {person} a rejoint {dst}",
        "person_summary_departed": "{person} : {count} mouvements enregistrés ; a quitté {src} {when} ; aucune "
                                   "destination connue.",
        "person_summary_departed_one": "{person} : 1 mouvement enregistré ; a quitté {src} {when} ; aucune "
                                       "destination connue.",
        "unknown_destination": "destination non communiquée",
        "recorded_completed": "Départ {id} complété par sa destination : un seul mouvement, son historique garde "
                              "les deux états.",
        "recorded_source_added": "Déjà enregistré sous {id} : la nouvelle source y a été ajoutée.",
        "recorded_unchanged": "Déjà enregistré sous {id} avec ces sources : rien n'a changé.",
        "record_current": "données à jour au {latest}",
        "newest_first": "Du plus récent au plus ancien.",
        "reported_short": "non confirmé",
        "unknown_short": "(non communiquée)",
        "latest_moves": "Derniers mouvements",
        "flow_columns": "arr.|dép.|solde",
        "only_confirmed": " (mouvements confirmés seulement)",
        "only_reported": " (mouvements rapportés seulement, non confirmés)",
        "excluding": " (destinations autres que {place})",
        "returns_title": "Retours chez {place}",
        "returns_title_any": "Retours dans une ancienne maison",
        "returns_summary": "{count} personnes sont revenues chez {place}{period}.",
        "returns_summary_one": "1 personne est revenue chez {place}{period}.",
        "returns_none": "Aucun retour chez {place} n'est enregistré{period}.",
        "returns_summary_any": "{count} personnes sont revenues dans une organisation qu'elles avaient "
                               "quittée{period}.",
        "returns_summary_any_one": "1 personne est revenue dans une organisation qu'elle avait quittée{period}.",
        "returns_none_any": "Aucun retour dans une ancienne maison n'est enregistré{period}.",
        "went_to_title": "Où sont partis les gens de {place}",
        "went_to_summary": "{count} départs de {place}{period}, par destination :",
        "went_to_summary_one": "1 départ de {place}{period} :",
        "went_to_none": "Aucun départ de {place} n'est enregistré{period}.",
        "came_from_title": "D'où viennent les recrues de {place}",
        "came_from_summary": "{count} arrivées chez {place}{period}, par origine :",
        "came_from_summary_one": "1 arrivée chez {place}{period} :",
        "came_from_none": "Aucune arrivée chez {place} n'est enregistrée{period}.",
        "counterpart_line": "{other} : {count}",
        "off_topic": "Je réponds aux questions sur les départs et arrivées entre labos d'IA : essayez « qui a "
                     "quitté OpenAI ? », « où est parti Ruoming Pang ? » ou simplement un nom. /help en dit plus.",
        "try_org": "Essayez une organisation ou une équipe telle qu'enregistrée (« OpenAI », « Google DeepMind », "
                   "« AFM ») ; l'autocomplétion les propose pendant la saisie.",
        "try_person": "Essayez le nom complet d'une personne (« Ruoming Pang ») ; l'autocomplétion propose les noms "
                      "pendant la saisie.",
        "as_role": "comme {role}",
        "person_title": "{person}",
        "person_summary": "{person} : {count} mouvements enregistrés ; aujourd'hui chez {where}.",
        "person_summary_one": "{person} : 1 mouvement enregistré ; aujourd'hui chez {where}.",
        "person_summary_role": "{person} : aucun mouvement enregistré. Dernier poste connu : {where}, {role}{when}.",
        "left_title": "Qui a quitté {place}",
        "left_summary": "{count} personnes ont quitté {place}{period}.",
        "left_summary_one": "1 personne a quitté {place}{period}.",
        "joined_title": "Qui a rejoint {place}",
        "joined_summary": "{count} personnes ont rejoint {place}{period}.",
        "joined_summary_one": "1 personne a rejoint {place}{period}.",
        "joined_from_summary": "{count} personnes ont rejoint {place} en venant de {src}{period}.",
        "joined_from_summary_one": "1 personne a rejoint {place} en venant de {src}{period}.",
        "between_title": "{src} → {dst}",
        "between_summary": "{count} personnes sont passées de {src} à {dst}{period}.",
        "between_summary_one": "1 personne est passée de {src} à {dst}{period}.",
        "recent_title": "Mouvements récents",
        "recent_at_title": "Mouvements récents : {place}",
        "recent_summary": "Les {count} mouvements les plus récents enregistrés.",
        "recent_summary_one": "Le mouvement le plus récent enregistré.",
        "recent_period_summary": "{count} mouvements enregistrés{period}, du plus récent au plus ancien.",
        "recent_period_summary_one": "1 mouvement enregistré{period}.",
        "recent_period_none": "Aucun mouvement enregistré{period}.",
        "org_title": "{org}",
        "org_summary": "{org} : {joined} arrivée(s), {left} départ(s) (solde {net:+d}){period}.",
        "flow_line": "{other} : {joined} arrivée(s), {left} départ(s) (solde {net:+d})",
        "ranking_title_left": "Qui a perdu le plus de monde",
        "ranking_title_joined": "Qui a recruté le plus",
        "ranking_title_net": "Qui gagne la guerre des talents",
        "ranking_summary": "Organisations par {measure}{period}, sur {count} ayant des mouvements enregistrés.",
        "ranking_none": "Aucun mouvement enregistré{period}.",
        "measure_left": "départs",
        "measure_joined": "arrivées",
        "measure_net": "solde (arrivées moins départs)",
        "role_title": "Qui dirige {place}",
        "role_summary": "Enregistré pour {place} :",
        "role_asked_none": "Aucun {title} de {place} n'est enregistré. Autres rôles enregistrés :",
        "role_line": "{person} : {role}",
        "role_line_former": "{person} : {role} (ancien poste : a quitté depuis)",
        "role_only_former": "Aucun titulaire actuel n'est enregistré pour {place} ; anciens titulaires :",
        "role_none": "Aucun responsable de {place} n'est enregistré.",
        "as_of": "{date}",
        "none_left": "Aucun départ de {place} n'est enregistré{period}.",
        "none_joined": "Aucune arrivée chez {place} n'est enregistrée{period}.",
        "none_between": "Aucun passage de {src} à {dst} n'est enregistré{period}.",
        "not_found": "Je n'ai rien trouvé pour « {query} ».",
        "did_you_mean": "Vouliez-vous dire : {names} ?",
        "several": "Pas de correspondance sûre pour « {query} ».",
        "try": "Essayez un nom (« Ruoming Pang »), une organisation ou une équipe (« AFM »), ou une question "
               "comme « qui a quitté Apple ? ».",
        "ambiguous_title": "Lequel vouliez-vous dire ?",
        "sources": "Sources",
        "more": "… et {count} de plus.",
        "period_since": " depuis {date}",
        "period_until": " avant {date}",
        "period_in": " en {date}",
        "period_between": " entre {start} et {end}",
        "note": "Note : {text}",
        "help_title": "Ce que vous pouvez demander",
        "help": (
            "Posez votre question en français ou en anglais :\n"
            "• qui a quitté l'équipe AFM d'Apple ?   • où est parti Bowen Zhang ?\n"
            "• qui a rejoint Meta depuis OpenAI en 2025 ?   • qui dirige AFM ?\n"
            "• de OpenAI à Meta   • mouvements récents   • un nom, même mal écrit : ruoming pnag\n"
            "• qui recrute le plus ?   • qui a quitté Apple à l'été 2025 ?\n"
            "Commandes : /ask QUESTION, /person NOM, /left ORG [ÉQUIPE], /joined ORG, /moves DE VERS, /recent, "
            "/org NOM, /about, /help"
        ),
        "about": "{moves} mouvements, {people} personnes, {orgs} organisations, {sources} pages sources ; "
                 "dernier mouvement {latest} ; chargé le {loaded}. Corrections : ouvrez une issue ou une pull "
                 "request sur data/ avec l'URL d'une source.",
    },
}


# -- charts (bot/charts): titles, legends, captions, alt text and the sentences that replace an empty chart ----------
MONTHS_SHORT = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
}
MESSAGES["en"].update({
    "chart_all_time": "all moves on record",
    "chart_caption": "Source: movesbot record, latest move {date} · Period: {period}",
    "chart_bad_top": "top must be between {low} and {high}.",
    "chart_arrivals": "arrivals (came from)",
    "chart_departures": "departures (left for)",
    "chart_unknown": "destination not reported",
    "chart_others": "{count} other orgs",
    "chart_others_one": "1 other org",
    "chart_flows_title": "Who came and went: {place}",
    "chart_flows_alt": "Bar chart of the moves of {place}{period}: {joined} in, {left} out (net {net:+d}). "
                       "By counterpart: {details}.",
    "chart_flow_words": "{other}, {joined} in and {left} out",
    "chart_none": "No move of {place} is on record{period}: there is nothing to chart.",
    "chart_timeline_title": "Moves by month: {place}",
    "chart_timeline_alt": "Monthly bar chart of the moves of {place}{period}, from {first} to {last}: {joined} in, "
                          "{left} out. Busiest month: {busiest} (in and out: {peak}).",
    "chart_sep": "; ",
    "chart_year_only": "{count} moves dated only to the year are not shown.",
    "chart_year_only_one": "1 move dated only to the year is not shown.",
    "chart_latest": "Latest move: {move}.",
    "chart_latest_mark": "latest: {person}, {date}",
    "chart_war_title": "Talent war: net flows between the {count} most active orgs",
    "chart_war_legend": "Each cell: people the row's org gained from (+) or lost to (−) the column's org",
    "chart_war_alt": "Matrix of net flows between the {count} most active orgs{period} ({names}). "
                     "Largest net flows: {details}.",
    "chart_war_pair": "{src} to {dst}, {count} net",
    "chart_war_none": "No move between the most active orgs is on record{period}: there is nothing to chart.",
    "chart_and_more": "and {count} more",
})
MESSAGES["fr"].update({
    "chart_all_time": "tous les mouvements enregistrés",
    "chart_caption": "Source : registre movesbot, dernier mouvement {date} · Période : {period}",
    "chart_bad_top": "top doit être entre {low} et {high}.",
    "chart_arrivals": "arrivées (en venant de)",
    "chart_departures": "départs (vers)",
    "chart_unknown": "destination non communiquée",
    "chart_others": "{count} autres organisations",
    "chart_others_one": "1 autre organisation",
    "chart_flows_title": "Arrivées et départs : {place}",
    "chart_flows_alt": "Diagramme en barres des mouvements de {place}{period} : {joined} arrivée(s) et {left} "
                       "départ(s) (solde {net:+d}). Par organisation : {details}.",
    "chart_flow_words": "{other}, {joined} arrivée(s) et {left} départ(s)",
    "chart_none": "Aucun mouvement de {place} n'est enregistré{period} : il n'y a rien à représenter.",
    "chart_timeline_title": "Mouvements par mois : {place}",
    "chart_timeline_alt": "Diagramme mensuel des mouvements de {place}{period}, de {first} à {last} : {joined} "
                          "arrivée(s) et {left} départ(s). Mois le plus actif : {busiest} (arrivées et départs : "
                          "{peak}).",
    "chart_sep": " ; ",
    "chart_year_only": "{count} mouvements datés seulement de l'année ne sont pas représentés.",
    "chart_year_only_one": "1 mouvement daté seulement de l'année n'est pas représenté.",
    "chart_latest": "Dernier mouvement : {move}.",
    "chart_latest_mark": "dernier : {person}, {date}",
    "chart_war_title": "Guerre des talents : soldes entre les {count} organisations les plus actives",
    "chart_war_legend": "Chaque case : personnes gagnées (+) ou perdues (−) par l'organisation de la ligne "
                        "face à celle de la colonne",
    "chart_war_alt": "Matrice des soldes entre les {count} organisations les plus actives{period} ({names}). "
                     "Plus grands soldes : {details}.",
    "chart_war_pair": "de {src} vers {dst}, solde {count}",
    "chart_war_none": "Aucun mouvement entre les organisations les plus actives n'est enregistré{period} : "
                      "il n'y a rien à représenter.",
    "chart_and_more": "et {count} de plus",
})


# -- digests: bot/answers/catalogue/digests.py ---------------------------------------------------------------------
MESSAGES["en"].update(digest_words.EN)
MESSAGES["fr"].update(digest_words.FR)

def normalize_locale(locale: str | None) -> str:
    """Map Discord locales ("fr", "en-US", "en-GB") and anything else onto the languages we speak."""
    return "fr" if locale and locale.lower().startswith("fr") else "en"


_ELIDE = re.compile(r"\b([dD])e ([AEIOUYaeiouyÉé])")


_PLURAL = re.compile(r"\b(\d+) (\w+)\(s\)")


def _plural(m: re.Match[str]) -> str:
    """"1 arrivée(s)" -> "1 arrivée", "3 arrivée(s)" -> "3 arrivées" (French: 0 and 1 take the singular)."""
    return f"{m.group(1)} {m.group(2)}" + ("" if int(m.group(1)) <= 1 else "s")


def t(locale: str, key: str, **values: object) -> str:
    """The message `key` in `locale`, filled in; French elides "de Apple" into "d'Apple" and writes real
    plurals for the catalogue's "N mot(s)"."""
    loc = normalize_locale(locale)
    if values.get("count") == 1 and f"{key}_one" in MESSAGES[loc]:
        key = f"{key}_one"
    if key == "as_of" and loc == "fr":  # "au 7 octobre 2025" but "en octobre 2025", never "au octobre"
        date = str(values.get("date", ""))
        return f"au {date}" if date[:1].isdigit() and len(date.split()) == 3 else f"en {date}"
    text = MESSAGES[loc][key].format(**values)
    return _PLURAL.sub(_plural, _ELIDE.sub(r"\1'\2", text)) if loc == "fr" else text


def format_date(value: str | None, precision: str | None, locale: str) -> str:
    """A date at the precision the sources support: "2025", "July 2025" / "juillet 2025", "7 July 2025"."""
    if not value:
        return "?"
    loc = normalize_locale(locale)
    parts = value.split("-")
    if precision == "year" or len(parts) == 1:
        return parts[0]
    month = MONTHS[loc][int(parts[1]) - 1]
    if precision == "month" or len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    if loc == "fr":
        return f"{'1er' if day == 1 else day} {month} {parts[0]}"
    return f"{day} {month} {parts[0]}"


def date_phrase(value: str | None, precision: str | None, locale: str) -> str:
    """A date as a sentence says it: "in July 2025", "on 7 July 2025"; "en juillet 2025", "le 7 juillet 2025"."""
    text = format_date(value, precision, locale)
    day = precision == "day" and bool(value) and len(value or "") == 10
    if normalize_locale(locale) == "fr":
        return f"le {text}" if day else f"en {text}"
    return f"on {text}" if day else f"in {text}"


def format_iso(value: str | None, locale: str) -> str:
    """A stored partial date ("2026", "2026-07", "2026-07-15") at the precision its length gives."""
    precision = {4: "year", 7: "month", 10: "day"}.get(len(value or ""), "day")
    return format_date(value, precision, locale)
