"""The Discord face's own words: errors, menus, buttons, alert titles, admin replies, in English and French."""

EN: dict[str, str] = {
    "apology": "Sorry, something went wrong on my side. It has been logged; please try again later.",
    "unavailable": "Sorry, I can't read my database right now; the people running me have been told.",
    "bad_date": "“{value}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.",
    "err_perm": "You need the {perms} permission for this.",
    "err_cooldown": "Slow down: try again in {s:.0f} s.",
    "err_check": "You can't use this command here.",
    "err_transform": "I could not read “{value}”.",
    "not_yours": "Only the person who asked can use these buttons.",
    "did_you_mean_menu": "Did you mean…",
    "alert_new": "New move",
    "alert_correction": "Correction",
    "alert_completion": "Destination now known",
    "alert_test": "Test alert",
    "alert_digest": "{count} new moves",
    "sync_owner_only": "Only the bot's owner can do this.",
    "synced": "Synced {count} commands.",
}

FR: dict[str, str] = {
    "apology": "Désolé, une erreur s'est produite de mon côté. Elle a été notée ; réessayez plus tard.",
    "unavailable": "Désolé, je ne peux pas lire ma base de données pour l'instant ; les responsables sont prévenus.",
    "bad_date": "« {value} » n'est pas une date : utilisez AAAA, AAAA-MM ou AAAA-MM-JJ.",
    "err_perm": "Il vous faut la permission {perms}.",
    "err_cooldown": "Doucement : réessayez dans {s:.0f} s.",
    "err_check": "Vous ne pouvez pas utiliser cette commande ici.",
    "err_transform": "Je n'ai pas pu lire « {value} ».",
    "not_yours": "Seule la personne qui a posé la question peut utiliser ces boutons.",
    "did_you_mean_menu": "Vouliez-vous dire…",
    "alert_new": "Nouveau mouvement",
    "alert_correction": "Correction",
    "alert_completion": "Destination désormais connue",
    "alert_test": "Alerte de test",
    "alert_digest": "{count} nouveaux mouvements",
    "sync_owner_only": "Seul le propriétaire du bot peut faire cela.",
    "synced": "{count} commandes synchronisées.",
}
