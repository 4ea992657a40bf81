"""The web dashboard's server (aiohttp, Jinja2); pages come from the features (bot/api/web.py)."""
