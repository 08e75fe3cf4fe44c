"""The Vietnamese number grammar: `find_quantities(text)` → every number with its unit, qualifier and span.

`grammar` (entry points), `scan` (the scanner), `lexicon` (words), `numerals`, `words` (spelled-out
numbers), `units`, `ranges`, `hedges` (approximately, at least…), `context` (what surrounds a number).
"""

from .grammar import USD, find_quantities, format_vi, parse_number, spell_vi

__all__ = ["find_quantities", "parse_number", "format_vi", "spell_vi", "USD"]
