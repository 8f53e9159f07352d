"""ASGI entry point for process managers (``uvicorn --workers``, gunicorn): settings from the environment."""

from fastapi import FastAPI

from gongzhi.config import get_settings
from gongzhi.web.app import create_app


def create() -> FastAPI:
    return create_app(get_settings())
