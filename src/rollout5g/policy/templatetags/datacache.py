"""A part of a page rendered once per version of the data: ``{% load datacache %}`` then

    {% datacache "cases.sections" request.get_full_path user.pk today %} … {% enddatacache %}

The part's HTML is kept by :func:`rollout5g.policy.cache.memoize` under the fragment's name, the values listed after
it (what the part shows depends on: the address with its filters and page, the reader), the language and the day
(working-day clocks change state at midnight), so it is rendered again after any change of the data (an audited
write anywhere, or a row this process wrote), on another day, in another language, or after :data:`rollout5g.policy.cache.MAX_AGE` seconds — and shared by the
server's processes like any computed value.

``{% datacache "name" … with data %}``: ``data`` is a mapping whose items the part reads as names of their own, read
only when the part is rendered — a view passes ``SimpleLazyObject(compute)``, so a kept part costs none of the
view's queries.

Only for parts whose HTML follows from the data and the listed values alone: never around a form that posts (its
CSRF token belongs to one session), flash messages, or anything else read from the request that is not listed.
"""

import datetime as dt

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from rollout5g.policy.cache import memoize

register = template.Library()


class DataCacheNode(template.Node):
    def __init__(self, nodelist, name: str, vary: list, data=None):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary
        self.data = data

    def render(self, context):
        key = (tuple(_hashable(v.resolve(context)) for v in self.vary), get_language(), dt.date.today())
        return mark_safe(memoize(f"fragment:{self.name}", key, lambda: self._render(context)))  # noqa: S308 - rendered by the template engine, escaped there

    def _render(self, context) -> str:
        if self.data is None:
            return str(self.nodelist.render(context))
        with context.push(**dict(self.data.resolve(context).items())):
            return str(self.nodelist.render(context))


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


@register.tag
def datacache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a quoted name, then the values the part depends on")
    data = None
    if len(bits) >= 4 and bits[-2] == "with":
        data, bits = parser.compile_filter(bits[-1]), bits[:-2]
    nodelist = parser.parse(("enddatacache",))
    parser.delete_first_token()
    return DataCacheNode(nodelist, bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]], data)
