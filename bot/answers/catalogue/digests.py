"""The words of digests (bot/digests.py, bot/digest_content.py): a subscription's daily or weekly summary and its
cadence, in English and French."""

WEEKDAY_NAMES = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}

EN: dict[str, str] = {
    "digest_everything": "every move",
    "digest_left": "departures",
    "digest_joined": "arrivals",
    "digest_title_daily": "Daily digest: {target}",
    "digest_title_weekly": "Weekly digest: {target}",
    "digest_title_test": "Test digest: {target}",
    "digest_title_instant": "Last digest: {target}",
    "digest_window": "from {start} to {end} ({tz})",
    "digest_period": "recorded {window}",
    "digest_summary": "{count} moves recorded {window}.",
    "digest_summary_one": "1 move recorded {window}.",
    "digest_test_latest": "Nothing recorded since the last digest yet: the latest moves on record, to check that "
                          "posting works here.",
    "digest_chart_note": "(with the flows chart of these moves)",
    "digest_more": "… and {count} more (/recent lists them).",
    "digest_empty": "Nothing recorded {window}: no digest would be posted.",
    "digest_next": "Next digest: {when} ({tz}).",
    "cadence_bad_kind": "cadence must be instant, daily or weekly, not “{value}”.",
    "cadence_bad_hour": "hour must be a whole hour from 0 to 23, not {value}.",
    "cadence_bad_timezone": "“{value}” is not an IANA time zone (like Europe/Paris, America/New_York or UTC).",
    "cadence_bad_weekday": "weekday must be a day of the week (monday to sunday), not “{value}”.",
    "cadence_instant": "an alert for each new move",
    "cadence_daily": "a digest every day at {hour:02d}:00 ({tz})",
    "cadence_weekly": "a digest every {day} at {hour:02d}:00 ({tz})",
    "cadence_changed": "Subscription #{id} ({target}) now gets {cadence}.",
}

FR: dict[str, str] = {
    "digest_everything": "tous les mouvements",
    "digest_left": "départs",
    "digest_joined": "arrivées",
    "digest_title_daily": "Résumé du jour : {target}",
    "digest_title_weekly": "Résumé de la semaine : {target}",
    "digest_title_test": "Résumé de test : {target}",
    "digest_title_instant": "Dernier résumé : {target}",
    "digest_window": "du {start} au {end} ({tz})",
    "digest_period": "enregistrés {window}",
    "digest_summary": "{count} mouvements enregistrés {window}.",
    "digest_summary_one": "1 mouvement enregistré {window}.",
    "digest_test_latest": "Rien d'enregistré depuis le dernier résumé pour l'instant : les derniers mouvements du "
                          "registre, pour vérifier que la publication fonctionne ici.",
    "digest_chart_note": "(avec le graphique des flux de ces mouvements)",
    "digest_more": "… et {count} de plus (/recent les liste).",
    "digest_empty": "Rien d'enregistré {window} : aucun résumé ne serait publié.",
    "digest_next": "Prochain résumé : {when} ({tz}).",
    "cadence_bad_kind": "la cadence est instant, daily ou weekly, pas « {value} ».",
    "cadence_bad_hour": "l'heure est une heure pleine de 0 à 23, pas {value}.",
    "cadence_bad_timezone": "« {value} » n'est pas un fuseau horaire IANA (comme Europe/Paris, America/New_York ou "
                            "UTC).",
    "cadence_bad_weekday": "le jour est un jour de la semaine (monday à sunday), pas « {value} ».",
    "cadence_instant": "une alerte par nouveau mouvement",
    "cadence_daily": "un résumé chaque jour à {hour:02d} h ({tz})",
    "cadence_weekly": "un résumé chaque {day} à {hour:02d} h ({tz})",
    "cadence_changed": "L'abonnement n°{id} ({target}) reçoit désormais {cadence}.",
}
