from __future__ import annotations

from flask import current_app

from questionnaires import Questionnaire
from reports.catalogue import Catalogue


def questionnaire() -> Questionnaire:
    return current_app.extensions["tna.questionnaire"]


def catalogue() -> Catalogue:
    return current_app.extensions["tna.catalogue"]
