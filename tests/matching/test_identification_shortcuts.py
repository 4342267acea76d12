"""The tests identification skips work by answer as the work they skip (session 23)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.matching import display_names
from appliance.matching.index import CpeIndex
from appliance.matching.normalize import compact

# Words as cleaned names hold them: letters, digits (also non-ASCII ones), glued bitness and majors.
WORD = st.one_of(st.text(alphabet="ab9٣²", min_size=1, max_size=6), st.sampled_from(["tomcat", "tomcat9", "64", "-64", "zoc8", "12",
                                                                                     "129", "2019", "cygwin64", "potplayer-64"]))


@settings(max_examples=1000, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=6))
def test_numbers_alone_are_neither_repeats_nor_glued(words: list[str]) -> None:
    """_from_name_uncached looks for repeats, and reads the glued bitness and major release, only
    when a word ending in a digit is no bare number, or two bare numbers are there: otherwise
    there are none to find."""
    ended, numbers = sum(map(str.isdigit, map(display_names._LAST, words))), list(map(str.isdecimal, words)).count(True)
    if ended > numbers or numbers > 1:
        return
    assert display_names._repeats(words) == ()
    assert [display_names._unglued(w) if w[-1:].isdigit() and len(w) >= 5 else w for w in words] == words
    assert [w[:-1] if w[-1] in "23456789" and 3 <= len(w) - 1 < 5 and w[:-1].isalpha() else w for w in words] == words


def test_line_starts_are_where_a_vendors_product_names_begin(index: CpeIndex) -> None:
    """CpeIndex.line_starts holds every place in a vendor's name (six letters or more) where one
    of its products' first word begins and ends the name, as step 2a of _weigh read them letter by letter."""
    expected: dict[str, tuple[int, ...]] = {}
    for vendor, kids in index.by_vendor.items():
        if len(vendor) < 6:
            continue
        firsts = {compact(index.words(k)[1].split()[0]) for k in kids}
        starts = tuple(start for start in range(2, len(vendor) - 2) if vendor[start:] in firsts)
        if starts:
            expected[vendor] = starts
    assert index.line_starts == expected
