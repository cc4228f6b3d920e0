"""Values as people read them: dates ("19 July 2019"), money ("£5 million"), numbers ("93,690").

The RDF keeps the exact literal; pages show this reading of it, with the literal in a tooltip.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from markupsafe import Markup, escape

from ..store import Term
from ..vocab import XSD

__all__ = ["dated", "human_date", "human_number", "money", "readable"]

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}
_NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "nonNegativeInteger")}


def human_date(value: str, datatype: str | None = None) -> str:
    """'2019-07-19' -> '19 July 2019', '2019-07' -> 'July 2019', '2019' -> '2019'."""
    try:
        if datatype in (None, f"{XSD}date") and len(value) == 10:
            day = date.fromisoformat(value)
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        if datatype in (None, f"{XSD}gYearMonth") and len(value) == 7:
            year, month = value.split("-")
            return f"{_MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        pass
    return value


#: An ISO day or month standing alone in a value's text ("published, 2019-07-19").
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)(?![\w-])")


def dated(text: str) -> Markup:
    """``text`` (escaped) with each ISO day or month in it as a ``<time>`` element: machine-
    readable in ``datetime``, read as people read it ("published, <time datetime="2019-07-19">19
    July 2019</time>")."""
    parts = []
    last = 0
    for found in _ISO_DATE.finditer(text):
        iso = found.group(1)
        human = human_date(iso)
        if human == iso:  # not a real day (2019-02-30): left as written
            continue
        parts.append(escape(text[last : found.start()]))
        parts.append(Markup('<time datetime="{}">{}</time>').format(iso, human))
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def human_number(value: str) -> str:
    """'93690' -> '93,690'; '0.25' -> '0.25'; anything else unchanged."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,f}"


def money(value: str, currency: str | None) -> str:
    """'5000000' GBP -> '£5 million'; '28000000' -> '£28 million'; '35000' -> '£35,000'."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return value
    sign = _CURRENCY_SIGNS.get(currency or "", "")
    suffix = "" if sign or not currency else f" {currency}"
    for scale, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(amount) >= scale:
            scaled = (amount / scale).normalize()
            text = f"{scaled:f}".rstrip("0").rstrip(".") if "." in f"{scaled:f}" else f"{scaled:f}"
            return f"{sign}{text} {word}{suffix}"
    return f"{sign}{human_number(value)}{suffix}"


def readable(term: Term, currency: str | None = None, is_amount: bool = False) -> str:
    """A literal as a person reads it (dates, money, numbers); other text unchanged."""
    if term.kind != "literal":
        return term.value
    if is_amount and term.datatype in _NUMERIC:
        return money(term.value, currency)
    if term.datatype in (f"{XSD}date", f"{XSD}gYearMonth", f"{XSD}gYear"):
        return human_date(term.value, term.datatype)
    if term.datatype in _NUMERIC:
        return human_number(term.value)
    return term.value
