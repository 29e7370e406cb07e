from __future__ import annotations

from flask import current_app

from questionnaires import Questionnaire
from questionnaires.carry import History
from reports.catalogue import Catalogue


def questionnaire() -> Questionnaire:
    return current_app.extensions["tna.questionnaire"]


def history() -> History:
    """Every kept version of the questionnaire, for carrying answers over."""
    return current_app.extensions["tna.history"]


def catalogue() -> Catalogue:
    return current_app.extensions["tna.catalogue"]
