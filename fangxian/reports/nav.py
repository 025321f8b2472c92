"""This app's entries in the menu (core.context_processors.navigation): (label, url) or
(label, url, badge count), only those the scope may open."""


def items(scope) -> list[tuple]:
    return []
