"""Every user-facing message exists in both languages, with the same fields."""

import string

import pytest

from pipeline.messages import CATALOGUE_PATH, LANGUAGES, MESSAGES_PATH, load_catalogue, messages


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("path", [MESSAGES_PATH, CATALOGUE_PATH], ids=["messages", "report_text"])
def test_every_key_has_both_languages_with_the_same_fields(path):
    catalogue = load_catalogue(path)
    assert catalogue
    for key, entry in catalogue.items():
        assert set(entry) == set(LANGUAGES), key
        assert fields(entry["sv"]) == fields(entry["en"]), key


def test_messages_fill_fields_in_the_chosen_language():
    assert messages("sv")("run.wrote", path="x.pdf") == "skrev x.pdf"
    assert messages("en")("run.wrote", path="x.pdf") == "wrote x.pdf"
