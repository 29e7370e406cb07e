"""The baseline: a bare Flask route, served by gunicorn with the same settings as the product."""

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "hello"

    return app
