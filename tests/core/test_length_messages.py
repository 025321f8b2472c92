"""Every form with a length limit tells a text too long by its field's name (core.forms.NamedLengthLimits),
never with Django's stock "确保该变量包含不超过 N 字符"."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms
from django.utils import translation

import fangxian
from fangxian.core.forms import NamedLengthLimits
from fangxian.incidents.forms import ReportInForm


def _form_classes():
    for module_info in pkgutil.walk_packages(fangxian.__path__, "fangxian."):
        if module_info.name.rsplit(".", 1)[-1] != "forms":
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_with_a_length_limit_names_the_field():
    limited = [cls for cls in _form_classes() if any(
        isinstance(field, forms.CharField) and field.max_length for field in cls.base_fields.values())]
    assert len(limited) > 10  # the walk found the apps' forms
    assert [cls.__qualname__ for cls in limited if not issubclass(cls, NamedLengthLimits)] == []


def test_a_note_too_long_is_told_by_its_name_in_chinese():
    with translation.override("zh-hans"):
        form = ReportInForm(data={"note": "很" * 501})
        assert not form.is_valid()
        [message] = form.errors["note"]
    assert message == "处置情况最多 500 个字符。"
