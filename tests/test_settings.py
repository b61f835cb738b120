from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.errors import SettingsError
from pipeline.settings import Settings, load_settings, settings_from_dict


def test_missing_file_means_every_default(tmp_path: Path):
    assert load_settings(tmp_path) == Settings()


def test_values_are_read_exactly():
    settings = settings_from_dict({"thresholds": {"teckal": 0.8, "direct_award_limit_sek": "700 000"},
                                   "accounts": {"grants": [[3980, 3989], 3999]},
                                   "rules": {"allocation_key_by_year": {"2024": "direct_cost"}}})
    assert settings.thresholds.teckal == Decimal("0.8")
    assert settings.thresholds.direct_award_limit_sek == Decimal("700000")
    assert settings.accounts.grants == ((3980, 3989), (3999, 3999))
    assert settings.rules.key_for(2024) == "direct_cost" and settings.rules.key_for(2025) == "revenue"


@pytest.mark.parametrize("raw,words", [
    ({"tresholds": {}}, "unknown section"),
    ({"rules": {"grant": "include"}}, "unknown key"),
    ({"rules": {"grants": "maybe"}}, "allowed: include, exclude"),
    ({"thresholds": {"teckal": "eighty"}}, "must be a number"),
    ({"thresholds": {"teckal": True}}, "must be a number"),
    ({"accounts": {"revenue": [[3999, 3000]]}}, "not an account range"),
    ({"columns": {"ledgr": {"X": "amount"}}}, "not an input kind"),
])
def test_wrong_settings_are_named(raw, words):
    with pytest.raises(SettingsError, match=words):
        settings_from_dict(raw, language="en")


def test_bad_toml_is_a_settings_error(tmp_path: Path):
    (tmp_path / "settings.toml").write_text("[rules\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="cannot be read as TOML"):
        load_settings(tmp_path, "en")
    with pytest.raises(SettingsError, match="kan inte läsas som TOML"):
        load_settings(tmp_path)
