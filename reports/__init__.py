"""From answers to documents: catalogue, recommendations, the report model and its rendering.

Imports `questionnaires`, never Flask or the database.
"""
