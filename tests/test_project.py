"""Checks of the project as a whole: deployment settings, migrations, translations."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
PO_FILE = ROOT / "fangxian" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def fangxian(*args, env=None, cwd=ROOT):
    # The browser tests allow async-unsafe ORM calls in this process; a deploy check must not.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "-m", "fangxian.cli", *args], cwd=cwd, env={**base, **(env or {})},
        capture_output=True, text=True, timeout=300,
    )


def test_it_passes_the_deploy_check_with_production_settings(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text("x" * 20 + "a-long-random-production-secret-key-9f8e7d6c5b4a")
    result = fangxian("check", "--deploy", "--fail-level", "WARNING", env={
        "FANGXIAN_ENV": "production", "FANGXIAN_SECRET_KEY_FILE": str(key_file),
        "FANGXIAN_ALLOWED_HOSTS": "fangxian.example.org", "FANGXIAN_DATA_DIR": str(tmp_path),
    })
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_production_without_a_secret_key(tmp_path):
    env = {"FANGXIAN_ENV": "production", "FANGXIAN_ALLOWED_HOSTS": "x.org", "FANGXIAN_DATA_DIR": str(tmp_path)}
    env_clean = {k: v for k, v in os.environ.items() if not k.startswith("FANGXIAN_SECRET")}
    result = subprocess.run([sys.executable, "-m", "fangxian.cli", "check"], cwd=ROOT, env={**env_clean, **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "FANGXIAN_SECRET_KEY" in result.stderr


def test_it_rejects_a_bad_boolean_setting(tmp_path):
    result = fangxian("check", env={"FANGXIAN_DEBUG": "maybe", "FANGXIAN_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "FANGXIAN_DEBUG" in result.stderr


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_it_translates_every_user_facing_string(tmp_path):
    """Extract the strings anew from a copy of the sources (xgettext through Django's
    makemessages) and fail on any without a zh-hans translation."""
    if shutil.which("msgmerge") is None:
        pytest.fail("gettext is missing: run `make test`, which installs it.")
    copy = tmp_path / "fangxian"
    shutil.copytree(ROOT / "fangxian", copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"))
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete",
         "--ignore", "static/*"],
        cwd=copy, env={**os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fangxian.settings",
                       "FANGXIAN_DATA_DIR": str(tmp_path / "var")},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    catalog = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, "Strings without a zh-hans translation:\n" + "\n".join(missing)


def test_it_ships_compiled_translations_that_match_the_sources():
    mo_file = PO_FILE.with_suffix(".mo")
    assert mo_file.exists(), "run `fangxian compilemessages` and commit the .mo file"
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo_file))}
    for entry in polib.pofile(str(PO_FILE)):
        if entry.translated() and not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, f"stale .mo for {entry.msgid!r}"
