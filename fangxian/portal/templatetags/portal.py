from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_tile(context, tile):
    """A home tile: its template, rendered with the page's context and the tile's own."""
    with context.push(**tile["context"]):
        return context.template.engine.get_template(tile["template"]).render(context)
