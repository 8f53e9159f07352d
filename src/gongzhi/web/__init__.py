"""The web layer: FastAPI routes that parse, call one domain function, and render."""
