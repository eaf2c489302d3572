"""Plain-language rewriting of clinical notes (no web framework here).

    >>> from plain_language import simplify, readability
    >>> result = simplify("Pt denies CP. BP 120/80 mmHg. Lasix 40 mg p.o. b.i.d.")
    >>> result.text, result.grade_before, result.grade_after

``grade_before``/``grade_after`` are the NOTE grade (``note_readability``: a line
break ends a sentence, so headings do not run into the text below them);
``readability`` is textstat's own number for any text.  Languages: "en" and "es".
"""

from .readability import (
    LANGUAGES,
    fernandez_huerta_to_grade,
    note_readability,
    readability,
    readability_scores,
    word_grade,
)
from .simplify import Definition, Replacement, Segment, Simplified, simplify

__all__ = [
    "LANGUAGES", "Definition", "Replacement", "Segment", "Simplified",
    "fernandez_huerta_to_grade", "note_readability", "readability", "readability_scores", "simplify",
    "word_grade",
]
