"""The words the question parser reads, in English and French (folded: no accents, lower case).

Each set is one role a word can play in a question: a direction ("left", "rejoint"), a marker before a name
("from", "chez"), a word that is never a name ("the", "qui"), chat that is not a question about moves.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEFT = _words("""
left leave leaves leaving quit quits quitting departed departure departures exit exits exited exodus lost lose
loses losing quitte quitter quittent quittes quittees parti partie partis parties partir partent depart departs fled
perd perdu perdent perdre
""")
JOINED = _words("""
joined join joins joining hired hire hires hiring recruited recruit recruits recruiting poached poach poaches
poaching arrivals arrival arrived rejoint rejoindre rejoignent rejoints recrute recrutes
recrutee recrutees recrutement recrue recrues embauche embauches embauchee embauchees arrive arrivee arrivees
arrives debauche debauches debauchee attire attires signed signe recrutent recruter recrutements embauchent
embaucher embauchage debauchent debaucher attirent attirer hirings hirees newcomers
""")
ROLE = _words("""
ceo cto coo cfo cso president vp director founder founders cofounder co-founder founded cofounded fondateur
fondateurs fondatrice cofondateur fonde
leads lead leading led heads head heading runs run running charge manages manage boss chief chiefs dirige
dirigent diriger chef chefs patron patronne responsable tete leader leaders pdg directeur directrice presidente
caio cpo cro cmo
""")
RANKING = _words("""
most top biggest largest fewest least winning winners winner losing losers loser gagnant gagnants perdant perdants
best worst highest lowest greatest meilleur meilleure meilleurs pire pires ranked ranking classement
""")
WIN = _words("""
winning winners winner gagnant gagnants gagne gagnent war guerre
""")
RECENT = _words("""
recent latest newest new news lately derniers dernieres recents recentes nouveaux neuf
""")
SUMMARY = _words("""
summary overview stats statistics flow flows bilan resume balance net
""")
HELP = _words("""
help aide commands commandes
""")
PERSON_Q = _words("""
where wheres ou whereabouts happened devenu devenue travaille works working
""")
FROM_MARK = _words("""
from de d du des depuis venant provenance ex former formerly quittant via
""")
TO_MARK = _words("""
to for pour vers chez a au aux into towards toward at
""")
STOP = _words("""
many much number count combien nombre last next over ever also just like know said says year years month
week today
who whom whose what which when why how is are was were did do does has have had the a an of in on at to for from
and or by with about me tell show list give get find any all people person someone anyone researchers researcher
engineers engineer employees staff team teams org orgs company companies lab labs moves move movement movements
now currently current today still ever so far yet please pls thanks recently there their they he she his her it
its that this those these s d l qui que quoi quel quelle quels quelles est sont a ont ete le la les un une des
du de au aux en dans pour par avec sur chez et ou qu il elle ils elles son sa ses leur leurs ce cette ces equipe
equipes entreprise societe gens personnes chercheurs chercheur ingenieurs mouvements mouvement depart
actuellement maintenant aujourd hui encore svp merci moi dis montre liste quoi y since until before after
between during depuis avant apres entre pendant durant jusqu than go going left joined whats wheres whos hows
talent talents war guerre somewhere ailleurs elsewhere else autre autres other others where ou
""")
FRENCH = _words("""
qui quoi ou est sont ont quitte rejoint parti partie partis depuis chez vers pour equipe les des une dirige
aujourd dernier derniers recents aide quel quelle quels quelles arrivees departs mouvements recrues passe bonjour
entreprises combien recrutent perdent gagne gagnent recrutements embauches laboratoires labos partis que devient
devenu devenue
""")
# Neutral verbs of movement: the small words around the names say which way ("moved to Meta", "went from X").
MOVED = _words("""
moved move moves movers went gone switched jumped defected transfers passe passes passee passees alle allee alles
mouvements transferts
""")


# Words of chat that is not about people moving: never taken as (part of) a name to suggest.
CHAT = _words("""
hello hi hey hiya yo sup you your yours i im my we our us ok okay thanks thank cool nice good great bad fine
weather rain sunny forecast temperature joke jokes funny lol haha time today tomorrow day night morning evening
bonjour salut coucou bonsoir merci ca va vas allez comment tu toi vous votre nous meteo temps pluie soleil blague
blagues drole heure demain jour nuit matin soir bien mal super cool oui non yes no paris london
""")


# "other than Meta", "not to Meta", "sauf Meta": the place after these is excluded, not the counterpart.
NEGATION = _words("""
not except excluding besides sauf hormis excepte exceptes hors other autre autres pas non
""")
CONFIRMED = _words("""
confirmed confirmes confirme confirmee confirmees official officially officiel officiels officielle
""")
REPORTED = _words("""
reported rumored rumoured rumor rumors rumour rumours unconfirmed rumeur rumeurs alleged presumed
""")
# Returns to a former org: "boomerang hires", "who went back to OpenAI", "revenus chez Google".
RETURNS = _words("""
back return returned returns returning returnee returnees boomerang boomerangs rejoined revenu revenue revenus
revenues retour retours retourne retournes retournee retournent reviennent revient
""")
WHERE = _words("""
where wheres ou whither
""")
# Where hires came from: "where did Meta's hires come from?", "d'où viennent les recrues de Meta ?".
CAME = _words("""
come came comes coming viennent venus venues venu vient provenance origin origins sources
""")
# "left OpenAI without a known destination", "départs sans destination connue"
UNKNOWN_DESTINATION = _words("""
unknown undisclosed unannounced unreported inconnue inconnu inconnues inconnus
""")
# Nouns of hiring: "les recrues de Meta", "recrutements de Meta" name the hirer after "de", not the origin.
HIRE_NOUNS = _words("""
recrue recrues recrutement recrutements embauche embauches arrivee arrivees hires hirings arrivals newcomers
""")
# "débaucher chez OpenAI" is to poach from OpenAI: after these, "chez" names the origin.
POACH = _words("""
debauche debauches debauchee debauchees debauchent debaucher debauchage pille pillent piller
""")
