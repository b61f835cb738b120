"""The report's texts come from the shared catalogue machinery (pipeline/messages.py)."""

from pipeline.messages import CATALOGUE_PATH, LANGUAGES, CatalogueError, Text, load_catalogue

__all__ = ["CATALOGUE_PATH", "LANGUAGES", "CatalogueError", "Text", "load_catalogue"]
