"""README's site-settings reference is generated from the settings models and kept in step with them."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.settings import DEFAULT_CONFIG, DEMO_CONFIG
from kiosk.settings_reference import BEGIN, END, README, main, reference_table, with_reference
from kiosk.settings_schema import SECTIONS


def test_the_readmes_settings_reference_is_what_the_models_say() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert with_reference(text, reference_table()) == text, "stale: regenerate with python -m kiosk.settings_reference"


def test_every_key_of_the_shipped_files_has_a_row_with_its_form_and_meaning() -> None:
    table = reference_table()
    for path in (DEFAULT_CONFIG, DEMO_CONFIG):
        with path.open("rb") as fh:
            for section, values in tomllib.load(fh).items():
                for key in values:
                    assert f"| [{section}] | `{key}` |" in table, (path.name, section, key)
    for section, model in SECTIONS.items():
        for key, info in model.model_fields.items():
            assert info.description and info.title, f"{section}.{key} needs a description and a title"
    assert "| [timeouts] | `idle_warning_s` | 10 到 3600 之间的整数 | `60` |  |" in table
    assert "| [kiosk] | `id` | 非空字符串 | — | 是 |" in table  # a real site must write it


def test_check_mode_says_stale_and_the_command_rewrites_only_the_block(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n\n{BEGIN}\n| old | table |\n{END}\n\nafter\n", encoding="utf-8")
    assert main(["--check", "--readme", str(readme)]) == 1
    assert "python -m kiosk.settings_reference" in capsys.readouterr().err
    assert main(["--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# title\n\n") and text.endswith(f"{END}\n\nafter\n") and "| old |" not in text
    assert main(["--check", "--readme", str(readme)]) == 0
