"""Small closed word lists per language: negation cues, verbs, pronouns...

These are grammar words, not medical vocabulary (that lives in ``data/``).
The sentence splitter uses them to decide whether the words after a comma
form a clause of their own, and the protector uses the negation cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class LanguageRules:
    # Negation cues: never altered, and a sentence is never split in a way that
    # could move words out of their reach.  Multi-word cues first.
    negations: tuple[str, ...]
    # Finite verbs / auxiliaries that mark "this is a clause".
    finite_verbs: frozenset[str]
    pronouns: frozenset[str]           # subject pronouns that start a clause
    determiners: frozenset[str]
    # Words that cannot be the head noun after an adjective ("left and right X").
    function_words: frozenset[str]
    # Conjunctions that may start a new sentence when they join two clauses:
    # word -> what the new sentence starts with ("" = drop the word).
    clause_joiners: dict[str, str]
    # ", which was ..." -> ". This was ..."  (relative pronoun -> pronoun by verb number)
    relatives: dict[str, str]
    plural_verbs: frozenset[str]
    this_word: str
    these_word: str
    # Words after which a list of findings starts ("denies", "including"...).
    list_heads: tuple[str, ...]
    and_word: str
    or_word: str
    # Irregular past participles (English) so "placed, given, and taken" is seen as a verb list.
    participles: frozenset[str]
    # Abbreviations whose final period does not end a sentence.
    non_terminal: frozenset[str]
    # Words that open a dependent clause: "When X was done, Y" must not lose its "Y".
    subordinators: frozenset[str] = frozenset()


_EN_FUNCTION = """a an the and or but nor so yet of to in on at by for from with without into onto
upon over under up down out off through across along about above below between within around near
per via as than then also not no only both either neither if while when where after before during
is are was were be been being am has have had do does did will would can could shall should may
might must this that these those it its he she they we i you his her their our your my which who
whom whose what there here very too well again still just even ever never always often once
twice each every all any some few more most less least other such same own x vs""".split()

_ES_FUNCTION = """el la los las un una unos unas y o u e ni pero sino de del a al en con sin por para
desde hasta hacia sobre bajo entre tras durante que se su sus lo le les es son fue fueron era eran
está están estaba estaban ha han había habían muy más menos como cuando donde también no ya""".split()

ENGLISH = LanguageRules(
    negations=(
        "negative for", "free of", "absence of", "ruled out", "rules out", "rule out",
        "no", "not", "denies", "denied", "deny", "denying", "without", "never", "none",
        "neither", "nor", "cannot", "absent", "unable",
    ),
    finite_verbs=frozenset("""is are was were has have had does did do will would can could
    should may might must shall remains remained appears appeared seems seemed showed shows
    revealed reveals measured measures became becomes came comes went goes got gets took gave
    saw began knew chose fell ran rose grew drew ate spoke wrote said says""".split()),
    pronouns=frozenset("he she they it we i there this these".split()),
    determiners=frozenset("the a an his her their its this these that those our your my all both each".split()),
    function_words=frozenset(_EN_FUNCTION),
    clause_joiners={"and": "", "and then": "Then", "then": "Then", "but": "But", "so": "So"},
    relatives={"which": "This"},
    plural_verbs=frozenset("are were have".split()),
    this_word="This",
    these_word="These",
    list_heads=(
        "negative for", "positive for", "free of", "denies", "denied", "no", "without",
        "including", "includes", "included", "include", "such as", "consisting of",
        "significant for", "notable for", "remarkable for", "history of",
        # a verb whose object is the list: "He has A, B, C, and D" -> "He has A and B. He has C and D."
        "has", "had", "have", "takes", "took", "uses", "reports", "reported", "showed", "shows",
        "comes in with", "came in with", "diagnosed with", "allergic to", "is on", "was on",
    ),
    and_word="and",
    or_word="or",
    participles=frozenset("""taken given made put brought sent seen found done held kept
    cut drawn begun shown known split set laid sewn spread withdrawn undone run shut bound
    wound felt understood told woken awoken broken chosen driven eaten fallen forgotten frozen gotten
    grown hidden shaken spoken thrown torn worn written blown drawn bent built fed hung lost
    met paid sold shot spent stuck struck swept taught thought won become gone undergone
    used tied""".split()),
    non_terminal=frozenset("""dr mr mrs ms prof st vs no fig approx e.g i.e etc a.m p.m
    p.o b.i.d t.i.d q.i.d q.d p.r.n q.h.s h.s q.o.d q.a.m q.p.m n.p.o a.c p.c y.o""".split()),
    subordinators=frozenset("""after before when whenever while if because since although though
    once as until unless whereas upon having whether so that""".split()),
)

SPANISH = LanguageRules(
    negations=(
        "negativo para", "negativa para", "ausencia de", "libre de", "no", "niega", "negó",
        "niegan", "sin", "nunca", "ninguno", "ninguna", "ni", "tampoco",
    ),
    finite_verbs=frozenset("""es son fue fueron era eran está están estaba estaban estuvo ha han
    había habían tiene tienen tenía tuvo presenta presentó presentaba refiere refirió se
    muestra mostró mide midió queda quedó será serán puede pudo""".split()),
    pronouns=frozenset("él ella ellos ellas se esto este esta estos estas".split()),
    determiners=frozenset("el la los las un una unos unas su sus este esta estos estas".split()),
    function_words=frozenset(_ES_FUNCTION),
    clause_joiners={"y": "", "pero": "Pero", "luego": "Luego"},
    relatives={"lo cual": "Esto", "la cual": "Esta", "el cual": "Este"},
    plural_verbs=frozenset("son fueron eran están estaban han habían".split()),
    this_word="Esto",
    these_word="Estos",
    list_heads=("negativo para", "negativa para", "niega", "no", "sin", "incluyendo", "incluye", "como",
                "antecedentes de", "presenta", "tiene", "toma"),
    and_word="y",
    or_word="o",
    participles=frozenset(),
    non_terminal=frozenset("dr dra sr sra srta núm aprox etc p.ej v.o c/u".split()),
    subordinators=frozenset("""cuando si aunque porque mientras tras después antes como
    una vez que pues ya""".split()),
)

_RULES = {"en": ENGLISH, "es": SPANISH}


def rules_for(lang: str) -> LanguageRules:
    return _RULES[lang]


@lru_cache(maxsize=None)
def negation_pattern(lang: str):
    """One regex for every negation cue (plus English n't contractions)."""
    cues = sorted(rules_for(lang).negations, key=len, reverse=True)
    alternatives = [r"\s+".join(map(re.escape, cue.split())) for cue in cues]
    if lang == "en":
        alternatives.append(r"\w+n't")
    from .glossary import CaselessPattern   # runs on lower-cased text: faster than IGNORECASE

    return CaselessPattern(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
