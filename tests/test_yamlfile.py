"""kg/yamlfile.py: YAML from outside read as plain data, each refusal one line with its place."""

from __future__ import annotations

import pytest

from kg.errors import SourceSyntaxError
from kg.yamlfile import MAX_BYTES, load_plain


def refusal(raw: bytes) -> SourceSyntaxError:
    with pytest.raises(SourceSyntaxError) as info:
        load_plain(raw, "f.yml")
    assert len(str(info.value)) < 3_000
    return info.value


def test_plain_data_reads_as_the_safe_loader_reads_it_but_dates_stay_text() -> None:
    data = load_plain(
        b"a: 1\nb: [x, 'y']\nc: {d: null, e: true}\nf: 2021-02-30\ng: 2021-02-03T10:00:00Z\n",
        "f.yml",
    )
    assert data == {
        "a": 1,
        "b": ["x", "y"],
        "c": {"d": None, "e": True},
        "f": "2021-02-30",
        "g": "2021-02-03T10:00:00Z",
    }


@pytest.mark.parametrize(
    ("raw", "line", "phrase"),
    [
        (b"a: &x [1]\nb: *x\n", 1, "alias"),
        (b"a: &x [*x]\n", 1, "alias"),
        (b"base: &b {k: v}\nc: {<<: *b}\n", 1, "alias"),
        (b"a: !!python/object/apply:os.system [ls]\n", 1, "refused: could not determine"),
        (b"a: !!binary 'x!'\n", 1, "refused: failed to decode base64"),
        (b"a: " + b"9" * 5000 + b"\n", None, "a value cannot be read"),
        (b"a: b\nc: [\n", 3, "not valid YAML"),
        (b"a: b\n\x00", 2, "unacceptable character #x0000"),
        (b"a: \"\\ud800\"\n", 1, "not valid YAML"),
        (b"[" * 2000, 1, "not valid YAML"),
    ],
    ids=[
        "alias", "recursive", "merge-alias", "python-tag", "binary", "huge-number", "syntax",
        "nul", "surrogate", "deep",
    ],
)  # fmt: skip
def test_what_a_data_file_never_needs_is_refused_with_its_line(
    raw: bytes, line: int | None, phrase: str
) -> None:
    error = refusal(raw)
    assert error.line == line and phrase in str(error)


def test_duplicate_keys_are_listed_all_at_once_and_capped() -> None:
    raw = b"".join(b"k%d: 1\nk%d: 2\n" % (i, i) for i in range(30))
    error = refusal(raw)
    assert error.line == 2
    assert "30 duplicate keys" in str(error) and "... and 5 more" in str(error)
    assert "line 4: the key `k1` appears twice in one mapping (also at line 3)" in str(error)


def test_a_file_too_large_is_refused_before_it_is_parsed() -> None:
    error = refusal(b"#" * (MAX_BYTES + 1))
    assert f"{MAX_BYTES + 1:,} bytes" in str(error)
