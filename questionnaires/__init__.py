"""Questionnaire definitions and the engine that reads, checks and scores them.

This package imports neither Flask nor the database.
"""

from .load import DEFAULT_QUESTIONNAIRE, load_questionnaire
from .model import Option, Question, Questionnaire, Section, Topic
from .text import tr
from .yamlio import DefinitionError

__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "DefinitionError",
    "Option",
    "Question",
    "Questionnaire",
    "Section",
    "Topic",
    "load_questionnaire",
    "tr",
]
