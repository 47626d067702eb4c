"""The charts' words (bot/charts): titles, legends, captions, alt text and the sentences that replace an empty
chart."""

MONTHS_SHORT = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
}

EN: dict[str, str] = {
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
}

FR: dict[str, str] = {
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
}
