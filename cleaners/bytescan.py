"""Find a few characters in a whole page fast, by scanning its UTF-8 bytes.

Decoding checks every page for characters that few pages hold (mojibake pairs, legacy-font
letters, control characters). A regex character class costs Python's ``re`` 4-9 ns a
character of a str; a regex led by one literal byte lets it skip ahead at memchr-like speed,
so the same search over the page's UTF-8 bytes, one pattern per lead byte, is 7-14x faster
(``bench/speed_clean.py``: 1.4 ms -> 0.1 ms for a 250 KB page) even counting the encoding.
A character matches in the text exactly when its UTF-8 encoding matches in the bytes, so
the answers are the same; positions are given back as character offsets.
"""

from __future__ import annotations

import re
from collections import defaultdict

# Below this many characters a str scan costs less than encoding the text first.
MIN_CHARS = 4096


def utf8_of(text: str) -> bytes | None:
    """The bytes to scan for a long text (None for a short one: scan the str)."""
    return text.encode("utf-8", "surrogatepass") if len(text) >= MIN_CHARS else None


class CharScan:
    """Where the characters of a set occur in a text: a str character class on short texts,
    one bytes pattern per UTF-8 lead byte on long ones (each led by its literal byte)."""

    def __init__(self, chars: str) -> None:
        self.text_re = re.compile("[" + re.escape(chars) + "]")
        by_lead: dict[int, bytearray] = defaultdict(bytearray)
        single = bytearray()
        for char in sorted(set(chars)):
            encoded = char.encode("utf-8")
            if len(encoded) == 1:
                single += encoded
            elif len(encoded) == 2:
                by_lead[encoded[0]].append(encoded[1])
            else:
                raise ValueError(f"CharScan holds 1- and 2-byte characters, not {char!r}")
        self.single = bytes(single)  # ASCII characters: each found by bytes.find (memchr)
        self.byte_res = [re.compile(re.escape(bytes([lead])) + b"[" + re.escape(bytes(rest)) + b"]")
                         for lead, rest in sorted(by_lead.items())]

    def positions(self, text: str, utf8: bytes | None = None) -> list[int]:
        """Character offsets of every match, in order (``utf8``: the text's bytes, when
        :func:`utf8_of` gave them). The bytes tell which characters occur; each is then
        found in the text by ``str.find`` (memchr speed): counting the characters before
        each match by decoding the bytes cost as much as the scan."""
        if utf8 is None:
            return [m.start() for m in self.text_re.finditer(text)]
        found = {chr(byte).encode() for byte in self.single if byte in utf8}
        for pattern in self.byte_res:
            found.update(pattern.findall(utf8))
        offsets = []
        for char in map(bytes.decode, found):
            i = text.find(char)
            while i >= 0:
                offsets.append(i)
                i = text.find(char, i + 1)
        offsets.sort()
        return offsets

    def found(self, text: str, utf8: bytes | None = None) -> bool:
        """Does any character of the set occur in ``text``?"""
        if utf8 is None:
            return self.text_re.search(text) is not None
        return any(byte in utf8 for byte in self.single) or any(
            pattern.search(utf8) for pattern in self.byte_res)

