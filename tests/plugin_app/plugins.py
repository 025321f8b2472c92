"""Everything a new practice registers, and nothing else: a menu entry with a badge, a home
tile, a section of the daily report."""

from fangxian.core import plugins
from fangxian.core.reporting import Figure, Section


@plugins.menu(order=45)
def menu(scope):
    return [plugins.MenuItem("Lanterns", "/lanterns/", badge=3)] if scope.is_admin else []


@plugins.home_tile(order=50, template="plugin_app/tile.html")
def tile(request, scope):
    return {"lanterns": 12} if scope.is_admin else None


def lanterns(community_ids, day):
    return {community_id: {"lanterns_lit": 12} for community_id in community_ids}


plugins.report_section(Section(key="lanterns", title="Lanterns", order=95,
                               figures=[Figure("lanterns_lit", "Lanterns lit", kind="today")], compute=lanterns))
