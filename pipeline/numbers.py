"""Stable import path of the number grammar (docs/design.md, "Interfaces"); it lives in pipeline.text.numbers."""

from .text.numbers import USD, find_quantities, format_vi, parse_number, spell_vi

__all__ = ["find_quantities", "parse_number", "format_vi", "spell_vi", "USD"]
