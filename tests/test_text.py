"""kg/text.py: values in messages are excerpts; XML writers get text XML 1.0 can carry."""

from __future__ import annotations

import doctest
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

import pytest

from kg import text
from kg.text import clip, excerpt, file_name, forbidden_in_xml, one_line, xml_safe


def test_doctests() -> None:
    assert doctest.testmod(text).failed == 0


@pytest.mark.parametrize(
    "value",
    ["x" * 10_000_000, ["lol"] * 1_000_000, {"a": ["b"] * 1000}, 10**100_000, b"x" * 100_000],
    ids=["text", "list", "mapping", "number", "bytes"],
)
def test_an_excerpt_is_short_whatever_the_value(value: object) -> None:
    assert len(excerpt(value)) <= 100


def test_an_excerpt_says_how_long_the_value_was() -> None:
    assert excerpt("short") == "'short'"
    assert excerpt("y" * 5000, 10) == "'yyyyyyyyyy'… (5,000 characters)"
    assert excerpt([1, 2, 3]) == "a list of 3 entries"


def test_one_line_escapes_what_breaks_or_hides_a_line() -> None:
    assert one_line("plain é 开") == "plain é 开"
    assert one_line("a\nb\rc\u2028d\u2029e\x85f\x1bg\u202eh") == (
        "a\\nb\\rc\\u2028d\\u2029e\\x85f\\x1bg\\u202eh"
    )
    assert clip("z" * 1000, 10) == "zzzzzzzzz…"


FORBIDDEN = ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\ud800", "\ufffe", "\uffff"]


@pytest.mark.parametrize("bad", FORBIDDEN)
def test_every_character_xml_forbids_is_replaced(bad: str) -> None:
    value = f"a{bad}b\tc\nd\u2028e\x85\U0010ffff"
    assert forbidden_in_xml(value) == f"U+{ord(bad):04X}"
    safe = xml_safe(value)
    assert forbidden_in_xml(safe) is None and safe == value.replace(bad, "\ufffd")
    element = ET.Element("v")
    element.text = safe
    assert ET.fromstring(ET.tostring(element, encoding="unicode")).text == safe


def test_a_file_name_from_outside_is_one_line_of_text() -> None:
    name = b"land\nscape\xff\x01.yml".decode("utf-8", "surrogateescape")
    assert file_name(PurePosixPath("/x") / name) == "land scape\ufffd\ufffd.yml"


def test_every_error_message_is_bounded_whatever_it_quotes() -> None:
    from kg.errors import KgError, SourceSyntaxError

    error = SourceSyntaxError("f.trig", 3, "y" * 1_000_000 + " is not valid", column=4)
    assert len(error.message) <= 2_000 and error.message.endswith(" is not valid")
    many = KgError("\n".join(f"line {i}" for i in range(1000)), hint="z" * 10_000)
    assert len(str(many)) < 5_000 and "... and 900 more lines" in str(many)
    assert KgError("short", hint="do this").message == "short"
