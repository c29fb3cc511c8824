"""The Swedish catalogue is complete: makemessages would not change its entries, and no entry
is empty or fuzzy. (Run `make messages`, translate, and run this again.)"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
SOURCES = ["core", "applications", "projects", "reclaim", "reports", "fondadmin", "templates"]


def entries(po: polib.POFile) -> set[tuple]:
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}


def test_makemessages_would_not_change_the_catalogue(tmp_path):
    root = Path(settings.BASE_DIR)
    for name in [*SOURCES, "locale"]:
        shutil.copytree(
            root / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
        )
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "fondadmin.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        },
    )
    fresh = entries(polib.pofile(tmp_path / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    committed = entries(polib.pofile(CATALOGUE))
    assert sorted(fresh - committed, key=str) == [], "strings missing from the catalogue"
    assert sorted(committed - fresh, key=str) == [], "strings no longer in the code"


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(CATALOGUE)
    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for entry in polib.pofile(CATALOGUE):
        wanted = set(placeholder.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(placeholder.findall(text)) == wanted, entry.msgid


@pytest.mark.django_db
def test_pages_speak_swedish_by_default_and_english_on_request():
    client = Client()
    swedish = client.get("/accounts/login/").content.decode()
    assert "<h1>Logga in</h1>" in swedish
    assert "Hoppa till huvudinnehållet" in swedish
    client.post("/language/", {"language": "en", "next": "/"})
    english = client.get("/accounts/login/").content.decode()
    assert "<h1>Log in</h1>" in english
    assert "Skip to main content" in english
