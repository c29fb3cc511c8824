"""Layout pieces every page may use.

``{% table_scroll "budget-caption" %}<table><caption id="budget-caption">…</table>
{% endtable_scroll %}`` puts a data table in its own scroll region, so that a page reflows at
320 px (WCAG 1.4.10) while a table wider than the screen scrolls sideways inside the region
only. The region is named by the element whose id is given (the table's caption; several
arguments are joined into the id: ``{% table_scroll name "-caption" %}``), and it takes
keyboard focus so that it can be scrolled without a mouse. The markup is
``includes/table_scroll.html``.
"""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_block_tag
def table_scroll(content, *id_parts):
    labelledby = "".join(str(part) for part in id_parts)
    if not labelledby:
        raise template.TemplateSyntaxError("table_scroll needs the id of the table's caption.")
    return render_to_string(
        "includes/table_scroll.html", {"content": content, "labelledby": labelledby}
    )
