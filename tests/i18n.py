"""Test helpers for the interface's language."""

from django.utils import translation


def zh(msgid: str) -> str:
    """The text as the page shows it (the interface speaks Chinese): whatever the catalogue holds."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)
