"""`python -m pipeline` is the `vnpolicy` command."""

from .cli import app

app(prog_name="vnpolicy")
