"""A Flask hello world, served exactly like the portal by ``python -m bench pages``: the
100 % mark every page's throughput is compared with (``gunicorn bench._hello:app``)."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world"
