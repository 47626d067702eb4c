"""The words the extractor keys on, English and French: move verbs, markers of background, of hedging and of
statements on record, dates. Kept apart from the logic so a moderator's "it missed 'atterrit chez'" is a one-line
change here."""

from __future__ import annotations

import re

from bot.text import fold


def _words(text: str) -> frozenset[str]:
    """Words as `fold` leaves them (no accents, lower case): what they are compared with."""
    return frozenset(fold(text).split())


# -- move verbs ---------------------------------------------------------------------------------------------------
# JOIN: the subject (a person, before) arrives at the org after. LEAVE: the subject leaves the org after (and may go
# "for" another). HIRE: an org (before) takes a person (after); in the passive ("hired by Meta") the other way round.
# a founder's new company: "announced her new startup, X", "pour lancer sa propre start-up"
_VENTURE = (r"(?:launch(?:es|ed|ing)?|unveil(?:s|ed|ing)?|announc(?:es|ed|ing)|start(?:s|ed|ing)?|found(?:s|ed|ing)?|"
            r"lanc(?:e|er|é|ée)|dévoil(?:e|er|é|ée)|fond(?:e|er|é|ée)|cré(?:e|er|é|ée))\s+(?:(?:her|his|their|a|an|sa|son|"
            r"une|un|own|new|propre|nouvelle|nouveau)\s+){1,3}(?:ai\s+)?(?:startup|start-up|company|venture|lab|"
            r"société|entreprise|laboratoire)")
_JOIN = (r"(?P<venture>" + _VENTURE + r")|join(?:s|ed|ing)?|re-?join(?:s|ed|ing)?"
         r"|(?:come|comes|came|coming)\s+(?:on\s+board|aboard)|(?:begin|begins|start|starts)(?=\s+(?:shortly|soon)\b)"
         r"|(?:made|makes|making|make)\s+the\s+(?:switch|jump|move|leap)\s+to"
         r"|went\s+(?:back\s+)?to|(?:go|goes|going)\s+to|(?:moves?|moved|moving|heads?|headed|heading|defect(?:s|ed|ing)?"
         r"|returns?|returned|returning|decamp(?:s|ed)?|jump(?:s|ed)|jumping|switch(?:es|ed))\s+(?:back\s+)?to"
         r"|(?:started|starts|starting|landed|lands)(?:\s+(?:this|last|next)\s+(?:week|month)|\s+on\s+\w+day)?\s+at|signed\s+(?:on\s+)?with"
         r"|(?:co-?)?found(?:s|ed|ing(?!\s+(?:members?|team|engineers?|researchers?|staff|employees?)\b))|co-?found|to\s+(?:found|start|launch|create|co-?found)|(?P<launch>launch(?:es|ed))"
         r"|rejoin(?:t|s|dre|drait|draient|gnent|gnant|dra|dront)|rejoint(?:e|s|es)?"
         r"|(?:part(?:ent|i|is|ie|ies|ir|ira|iront|ait)?|pass(?:e|ent|é|ée|és|ées|er)|arriv(?:e|ent|é|ée|és|ées)"
         r"|atterri(?:t|ssent)?|file(?:nt|r)?|retourn(?:e|ent|é|ée)|revien(?:t|nent)|reven(?:u|ue|us))\s+chez"
         r"|(?:co-?)?fond(?:é|ée|és|er|e)"
         r"|(?:(?:are|is|was|were|become|becomes|became)\s+(?:also\s+)?(?:(?:one\s+of|among)\s+)?(?:the|a)\s+"
         r"|(?:announced|introduced|described)\s+(?:themselves|himself|herself)\s+as\s+(?:(?:the|a)\s+)?)"
         r"(?:founding|first)\s+(?:members?|team|hires|employees|researchers)\s+(?:of|at)"
         r"|(?:est|sont|était|étaient|devient|deviennent|figurent|figure)\s+(?:l['’]un|l['’]une|parmi)\s+(?:des|les)\s+"
         r"(?:membres\s+fondateurs|premi[eè]res?\s+recrues)\s+(?:de|d['’]|du)")
_LEAVE = (r"leav(?:e|es|ing)|left|depart(?:s|ed|ing)?|exit(?:s|ed|ing)?|quit(?:s|ting)?|abandon(?:s|ed|ing)?"
          r"|defect(?:s|ed|ing)?|announc(?:es|ed|ing)\s+(?:his|her|their)\s+(?:departure|exit|resignation)"
          r"|jump(?:s|ed|ing)?\s+ship|pli(?:e|ent|é|ée|és|er)\s+bagage|claqu(?:e|ent|é|ée|és|er)\s+la\s+porte(?:\s+(?:de|d['’]))?"
          r"|(?:a|ont|annonce|annoncé)\s+(?:annoncé\s+)?(?:son|leur)\s+départ|donn(?:er|e|é|ant)\s+sa\s+démission"
          r"|(?:moves?|moved|moving|switch(?:es|ed|ing)?|jump(?:s|ed|ing)?)\s+from"
          r"|(?:steps?|stepped|stepping)"
          r"\s+down(?:\s+from)?|resign(?:s|ed|ing)?(?:\s+from)?"
          r"|quitt(?:e|ent|é|ée|és|ées|er|erait|eraient|era|eront|ait|aient)|démissionn(?:e|é|ée)\s+de|met(?:tre|tra|)\s+fin\s+à")
_HIRE = (r"hir(?:e|es|ed|ing)|poach(?:es|ed|ing)?|tap(?:s|ped)|recruit(?:s|ed|ing)?|lur(?:e|es|ed)|snag(?:s|ged)"
         r"|sign(?:s|ed|ing)\s+on(?=\s+(?-i:[A-Z]))"
         r"|(?:bring|brings|brought|bringing|rope|ropes|roped|roping)\s+(?:in|on)|appoint(?:s|ed|ing)?|named|names|nam(?:é|ée|és|ées)|nomm(?:e|é|ée|és|ées|er|ant)"
         r"|recrut(?:e|ent|é|ée|és|ées|er|ant)|débauch(?:e|ent|é|ée|és|ées|er|ant)|embauch(?:e|ent|é|ée|és|ées|er|ant)"
         r"|s['’]offre|s['’]est\s+offert|attir(?:e|é|ée|és)")
# LOSE: an org (before) loses a person (after) "to" another: "Apple has lost another researcher, X, to Meta"
_LOSE = r"lost|loses|losing|perd(?:u|ent)?|perdre"
# WELCOME: "Excited to welcome X, Y and Z back to OpenAI": they join the org after "to"
_WELCOME = r"welcom(?:e|es|ed|ing)|accueill(?:e|ent|i|ir|ons)"
# FOLLOW: "X left in 2024, followed by Y and Z": they left the same way
_FOLLOW = (r"followed\s+by|suivie?s?\s+(?:par|de)|followed(?=\s*[.,;]|\s*$)|(?:a|ont)\s+suivi(?=\s*[.,;])"
           r"|(?:a|ont)\s+fait\s+de\s+même|did\s+the\s+same|followed\s+suit"
           r"|(?:pren(?:d|nent|ait|aient)|(?:a|ont)\s+pris|took|takes?|taking)\s+(?:le\s+même\s+chemin|the\s+same\s+"
           r"(?:path|route|road))|(?:a|ont)\s+emboîté\s+le\s+pas")
TRIGGERS = re.compile(rf"\b(?:(?P<join>{_JOIN})|(?P<leave>{_LEAVE})|(?P<hire>{_HIRE})|(?P<lose>{_LOSE})"
                      rf"|(?P<follow>{_FOLLOW})|(?P<welcome>{_WELCOME}))\b", re.IGNORECASE)
# what may follow a leaving verb that names no org, for it to still be a departure: "left in August", "quitte en
# juillet", "has left, he said" (not "left the stage", "left open")
BARE_LEAVE = re.compile(r"\s*(?:$|[,.;:]|from\s+(?:his|her|their|its)\s+(?:role|position|post|job|duties)|(?:in|on|by|"
                        r"last|this|earlier|after|following|due|for\s+personal|en|le|la|"
                        r"cette|début|fin|au|à\s+la\s+fin|to\s+(?:start|found|launch|pursue|join|focus|spend))\b)",
                        re.IGNORECASE)
# what may follow a join verb that names no org for it to share the destination of the sentence's move before:
# "Lee has started at Meta, while Gunter is set to begin shortly", "X joined Meta in May and Y joined in June"
BARE_JOIN = re.compile(r"\s*(?:$|[,.;]|(?:shortly|soon|later|too|as\s+well|in|on|next|this|last)\b)", re.IGNORECASE)
NOT_A_MOVE = re.compile(r"\s*(?:forces|hands|the\s+(?:race|fray|call|chorus|debate|ranks\s+of\s+critics))\b"
                        r"|\s+(?:behind|out|over|unanswered|open)\b", re.IGNORECASE)

# -- the words between a subject and its verb ------------------------------------------------------------------------
AUX = _words("has have had is are was were will would be been being has also too reportedly recently officially "
                "already now just finally quietly formally later since then both all two three four each himself "
                "herself themselves set to expected poised about agreed decided plans plan planning going is "
                "a ont est sont était avait avaient aurait auraient va vont vient viennent de d également aussi eux "
                "elles elle lui récemment officiellement déjà finalement bel et bien désormais pour sa part tous "
                "les deux trois ensuite lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday "
                "wednesday thursday friday saturday sunday this week month ce cette semaine mois previously earlier "
                "originally eventually subsequently briefly soon later auparavant précédemment depuis lors ainsi donc "
                "thus therefore finalement quant ve re ll été décidé choisi opted opté chose likely probably "
                "probablement parti partie partis parties")
RELATIVE = _words("whom who which that qui lequel laquelle after since before when once until après avant depuis "
                  "lorsqu quand whose dont")
# a verb these precede is not a move that happened: "declined to join", "n'a pas rejoint", "in talks to join"
NEGATED = re.compile(r"\b(?:not|no|none|nobody|unlikely|aucun|aucune|n['’]t|never|declined|refused|rejected|"
                     r"turned\s+down|tried|trying|attempted|failed|"
                     r"sought|seeking|wants?|wanted|hopes?|hoped|talks|considering|could|might|may|offered|"
                     r"pas|jamais|refusé|tenté|essayé|voulu|veut|pourrait|pourraient|discussions|envisage)\b",
                     re.IGNORECASE)
CLAUSE_BREAK = re.compile(r";|\b(?:but|while|whereas|however|meanwhile|mais|tandis|alors\s+que|"
                          r"cependant|pendant\s+que)\b", re.IGNORECASE)
# between two people of one list: "X, Y and Z", "X from Scale AI, Y, and former GitHub CEO Z", "X, qui ..., et Y"
_DESCRIBED = (r"(?:(?:former|ex-|ancien(?:ne)?|his|her|their|partner|partners|colleague|collaborator|business|and|"
              r"fellow|senior|junior|staff|principal|distinguished|top|longtime|key|"
              r"veteran|prominent|star|lead|research|ai|[A-Z][\w.&-]*(?:['’]s)?|researchers?|engineers?|scientists?|ceo|cto|"
              r"coo|co-?founder|founder|executive|head|vp|president|chief|officer|director|lead|leader|"
              r"chercheur(?:se)?s?|ingénieur(?:e)?s?|cofondat(?:eur|rice)|fondat(?:eur|rice)|patron)\s+){0,7}")
LIST_SEP = re.compile(r"^\s*(?:(?:from|of|at|de|d['’]|chez)\s+[^,;]{1,40}?)?\s*(?:,\s*)?(?:(?:and|et|&|as\s+well\s+as|"
                      rf"ainsi\s+que|along\s+with|plus)\s+)?{_DESCRIBED}$"
                      rf"|^\s*,[^,;]{{1,140}},\s*(?:(?:and|et|ainsi\s+que|along\s+with|as\s+well\s+as)\s+{_DESCRIBED})?$")

CALLED = re.compile(r"\b(?:called|named|dubbed|baptisée?|appelée?|nommée?)\s+"
                    r"(?P<name>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})")
THE_COMPANY = re.compile(r"\s*(?:the\s+(?:company|startup|firm|group|lab|organi[sz]ation)|l['’]entreprise|"
                         r"la\s+(?:société|start-up|firme)|le\s+groupe|(?P<epithet>the\s+(?:[a-z-]+\s+){0,3}(?:giant|titan|behemoth|maker|owner|"
                         r"parent)|le\s+(?:géant|mastodonte|propriétaire)\s+(?:[a-zé-]+\s+){0,2}))\b"
                         r"(?!\s+(?:de|d['’]|du|of)\b)", re.IGNORECASE)
# "X is the fourth Apple researcher to join Meta", "X devient le dernier chercheur d'Apple à rejoindre Meta"
# "X, Y and Z, all of whom departed": the people before
OF_WHOM = re.compile(r"^[\s,]*(?:all|both|each|two|three|four|five)\s+of\s+whom\s*$"
                     r"|^[\s,]*(?:qui|dont)\s+(?:tous|les\s+(?:deux|trois))\s*$", re.IGNORECASE)
# hedged, but a move: "Peebles and Du are said to be going to OpenAI"
HEDGED = re.compile(r"^\s*(?:(?:is|are|was|were)\s+(?:said|reported|reportedly|expected|believed|understood|set|poised)"
                    r"\s+to\s+(?:be\s+)?|(?:went|goes|go|has\s+gone)\s+on\s+)$", re.IGNORECASE)
# an announced intention is a reported departure: "X expressed her intentions to leave", "X a annoncé son intention de"
INTENT = re.compile(r"^[\s,]*(?:has\s+|a\s+)?(?:expressed|announced|declared|confirmed|signal(?:l)?ed|annoncé|"
                    r"confirmé)\s+(?:her|his|their|son|sa|leur)\s+(?:intentions?|plans?|decision|décision)\s+(?:to|de|d['’])\s*$",
                    re.IGNORECASE)
# a list item: "John Jumper (June 20): Nobel laureate in Chemistry for AlphaFold, joined Anthropic"
BULLET = re.compile(r"^\s*(?:\([^()]*\)\s*)?:[^;]{0,160},\s*$")
NTH = re.compile(r"^[\s,]*(?:(?:who|qui)\s+)?(?:is|was|becomes|became|has\s+become|est|devient|serait|would\s+be|"
                 r"était|a\s+été)\s+(?:the|le|la|l['’]|one\s+of\s+the|among\s+the|l['’]une?\s+des|parmi\s+les)\s*"
                 r"[^,;]{0,80}?\b(?:to|à)(?:\s+be|\s+être)?\s*$", re.IGNORECASE)
# the people of a move whose subject is a group: "Parmi eux, X, Y et Z", "four researchers, including X and Y, have"
GROUP = re.compile(r"^\W*(?:among\s+them|parmi\s+(?:eux|elles|lesquels|lesquelles)|they\s+(?:include|are)|"
                   r"(?:this|that)\s+includes|these\s+include|"
                   r"those\s+include|il\s+s['’]agit\s+de|the\s+others\s+(?:are|include)|les\s+autres\s+sont)\b",
                   re.IGNORECASE)
# the people a story lists as an org's new hires: "Parmi les nouvelles recrues figurent X, Y", "New hires include X"
RECRUITS = re.compile(r"^\W*(?:parmi\s+(?:les|ses)\s+(?:nouvelles\s+|dernières\s+)?recrues|among\s+(?:the|its|their)\s+"
                      r"(?:new\s+|latest\s+|recent\s+)?(?:hires|recruits)|(?:the|its)\s+(?:new\s+|latest\s+)?(?:hires|"
                      r"recruits)\s+include)\b", re.IGNORECASE)
# the people a story lists as departures: "Parmi les départs récents, on compte X, Y et Z", "Other departures include"
DEPARTURES = re.compile(r"^\W*(?:parmi\s+les\s+(?:autres\s+)?(?:départs|partants)|(?:other\s+|recent\s+)?departures\s+"
                        r"include|among\s+(?:the\s+)?(?:other\s+|recent\s+)?(?:departures|exits))\b",
                        re.IGNORECASE)
# the people of the previous sentence's group move, named anywhere: "X identified those four as A, B, C and D"
NAMED_AS = re.compile(r"\b(?:identified|named|identifié|nommé)\s+(?:them|those\s+\w+|the\s+\w+|these\s+\w+|"
                      r"les|ces\s+\w+)\s+(?:as|comme)\b", re.IGNORECASE)
# a sentence that adds people to the previous one's move: "Ainsi que X et Y, débauchés dès juin 2023"
CONTINUES = re.compile(r"^\W*(?:ainsi\s+que|as\s+well\s+as|de\s+même\s+que|tout\s+comme)\b",
                       re.IGNORECASE)
INCLUDING = re.compile(r"\b(?:including|naming|among\s+them|notamment|dont|parmi\s+lesquels|such\s+as)\b",
                       re.IGNORECASE)
# between a subject and its verb: "X and a dozen engineers will move", "X et son équipe ont rejoint"
COMPANIONS = re.compile(r"^\s*(?:and|et|along\s+with|together\s+with|avec|ainsi\s+que)\s+"
                        r"(?:(?!\b(?:said|says|told|wrote|announced|they|he|she|dit|déclaré|annoncé|ils|il|elle)\b)[^,;])"
                        r"{0,60}?(?=\b(?:will|would|have|has|had|are|were|is|was|ont|sont|vont|va|rejoignent|rejoint)\b)",
                        re.IGNORECASE)

# -- where an org stands relative to the verb -------------------------------------------------------------------------
TO_WORDS = _words("for to at pour chez rejoindre join joining rangs ranks with")
FROM_WORDS = _words("from depuis ex former formerly")
# what a story calls its own company when it does not name it: "the social media giant", "le fleuron français de l'IA"
EPITHETS = _words("giant géant firm firme company group groupe startup start-up fleuron maker owner lab laboratoire "
                  "rival entreprise société pépite licorne unicorn parent titan mastodonte")
TEMPORAL = _words("after since before when once until après avant depuis lorsqu quand")
LEADERS = {"zuckerberg": "Meta", "altman": "OpenAI", "amodei": "Anthropic", "hassabis": "Google DeepMind",
           "nadella": "Microsoft", "pichai": "Google", "suleyman": "Microsoft"}
PLACES = {"cupertino": "Apple", "menlo park": "Meta", "mountain view": "Google", "redmond": "Microsoft"}

# -- status ---------------------------------------------------------------------------------------------------------
REPORTED = re.compile(r"\baccording\s+to\b|\breportedly\b|\bpeople\s+(?:familiar|close|with\s+knowledge)\b|"
                      r"\bsources?\b|\breported\b|\breports?\b|\bciting\b|\bis\s+said\s+to\b|\bwould\b|"
                      r"\bselon\b|\bd['’]après\b|\bsource\b|\bproches?\s+du\s+dossier\b|\brévél|\brapport|"
                      r"\baurai(?:t|ent)\b|\bserai(?:t|ent)\b|\bdevrai(?:t|ent)\b", re.IGNORECASE)
ON_RECORD = re.compile(r"\b(?:said|wrote|posted|announced|confirmed|confirms|announces|told)\b|\bin\s+a\s+"
                       r"(?:post|statement|blog|tweet|memo)|\bspokesperson\b|\bon\s+(?:X|LinkedIn|Twitter|Threads)\b|"
                       r"\ba\s+(?:confirmé|annoncé|déclaré|écrit|indiqué)|\bconfirme\b|\bannonce\b|"
                       r"\bporte-parole\b|\bsur\s+(?:X|LinkedIn|Twitter)\b|\bcommuniqué\b", re.IGNORECASE)
NOT_ON_RECORD = re.compile(r"\b(?:declined|refused|did\s+not|didn['’]t|has\s+not|hasn['’]t|not\s+immediately|"
                           r"n['’]a\s+pas|n['’]ont\s+pas|pas\s+(?:encore\s+)?(?:confirmé|répondu|commenté))\b",
                           re.IGNORECASE)

# -- names ----------------------------------------------------------------------------------------------------------
MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
          "september": 9, "october": 10, "november": 11, "december": 12, "janvier": 1, "fevrier": 2, "février": 2,
          "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8, "août": 8, "septembre": 9,
          "octobre": 10, "novembre": 11, "decembre": 12, "décembre": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
          "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
            "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
# capitalised words that start no person's name (titles, sentence openers, places, outlets, org words)
NOT_NAME = _words("""
The A An This That These Those Its It He She They We I In On At As By For From With After Before Since During
According Earlier Later Last Next Now Then Meanwhile However But And Or Also Both Their His Her Our Your Former Ex
Though Although While When Because If Despite Yet Still Even Instead Today Yesterday Tomorrow Bien Quand Lorsque
Puisque Malgré Pourtant Toutefois Cependant Ensuite Hier Désormais Aujourd Récemment Recently Finalement Officiellement
One Two Three Four Five Six Seven Eight Nine Ten Days Weeks Months Years Hours Top Key New Big
Le La Les Un Une Des Du De Ce Cette Ces Il Elle Ils Elles Selon Chez Après Avant Depuis Pour Mais Et Ou Son Sa Ses
Leur Dans Sur Par Lors Comme Ancien Ancienne Nouveau Nouvelle Dernier Selon Alors Ainsi Enfin Déjà Aussi
Chief Officer Executive President Vice Head Director Manager Lead Senior Principal Staff Distinguished Engineer
Scientist Researcher Research Fellow Professor Dr Mr Mrs Ms Sir CEO CTO COO CFO CSO VP SVP EVP Founder Cofounder
Co-founder Co-Founder Partner Chairman Chairwoman General Superintelligence Intelligence Artificial Labs Lab AI
IA Inc Corp Corporation Technologies Technology University Institute Capital Ventures Group Team Models Model Systems
Foundation Fundamental News Times Journal Street Post Bloomberg Reuters Information Verge Wired TechCrunch Fortune
Axios CNBC Financial Silicon Valley California San Francisco New York Paris London Cupertino Menlo Park Seattle
Beijing China Chinese American French British Canadian Indian European Israeli Korean Japanese German Swiss
Google Apple Meta Microsoft Amazon OpenAI Anthropic Nvidia Tesla Facebook Instagram WhatsApp Siri ChatGPT Claude
Gemini Llama Grok Copilot Sora Vision Pro Watch iPhone Genmoji Intelligence Monday Tuesday Wednesday Thursday
Friday Saturday Sunday January February March April May June July August September October November December
Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Janvier Février Mars Avril Mai Juin Juillet Août Septembre
Octobre Novembre Décembre Update Updated Read More Photo Image Getty Images Sources Source Company Startup
Robotics Machines Dynamics Computing Networks Software Bio Therapeutics Analytics Cloud Security Data Partners
Holdings Studio Studios Works Industries Solutions Platforms Robots Neural Quantum Compute Automation Agents
Nobel Prize Award Awards Medal Turing Laureate Prix
""")
# a first word that makes a two-word name likely surname-first ("Zhao Meng"): both words then name the person later
CHINESE_SURNAMES = _words("zhang wang li liu chen yang zhao huang zhou wu xu sun hu zhu gao lin guo ma luo liang song "
                          "zheng xie han tang feng yu dong xiao cheng cao yuan deng fu shen zeng peng lu su jiang cai "
                          "jia ding wei xue ye yan pan du dai xia zhong tian ren fan fang shi yao tan liao zou xiong "
                          "jin hao kong bai cui kang mao qiu qin gu hou shao meng long wan duan lei qian yin qiao lai "
                          "gong wen")
PARTICLES = _words("de del della da di du van von der den la le bin al el ben st")
