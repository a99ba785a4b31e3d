"""The library search's sealed words (``chalicelib.web.search_token``): they open only with
the secret of the session that sealed them, and anything else opens as nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chalicelib.library import MAX_QUERY_LENGTH
from chalicelib.sign_in import new_csrf_token
from chalicelib.web.search_token import seal, unseal

MINE = new_csrf_token()
THEIRS = new_csrf_token()


@pytest.mark.parametrize(
    "words", ["urge", "respiración ñ", "🙂 cravings", "a  b ", "\x00x", "x" * MAX_QUERY_LENGTH]
)
def test_the_words_come_back_in_the_same_session_and_nowhere_readable(words):
    token = seal(words, MINE)
    assert unseal(token, MINE) == words
    assert words.strip() not in token and "=" not in token
    assert all(c.isalnum() or c in "-_" for c in token)  # safe in an address as it is


def test_each_search_gets_a_new_token_and_the_length_says_little():
    assert seal("urge", MINE) != seal("urge", MINE)
    assert len(seal("a", MINE)) == len(seal("a" * 20, MINE))


@pytest.mark.parametrize("secret", [THEIRS, "", None], ids=["another-session", "empty", "none"])
def test_another_sessions_token_opens_as_nothing(secret):
    assert unseal(seal("urge", MINE), secret) is None


def test_an_edited_token_opens_as_nothing():
    token = seal("urge", MINE)
    for i in range(len(token)):
        edited = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        assert unseal(edited, MINE) is None, i
    assert unseal(token[:-1], MINE) is None and unseal(token + "AAAA", MINE) is None


@pytest.mark.parametrize(
    "garbage", ["", "x", "not a token", "%%%", "é" * 40, "A" * 80, "=" * 100, "A" * 10_000]
)
def test_garbage_opens_as_nothing(garbage):
    assert unseal(garbage, MINE) is None


def test_only_as_many_characters_as_a_search_takes():
    with pytest.raises(ValueError):
        seal("x" * (MAX_QUERY_LENGTH + 1), MINE)
    with pytest.raises(ValueError):
        seal("urge", "")
    # The longest search, in the widest characters, still fits the length unseal reads.
    assert unseal(seal("🙂" * MAX_QUERY_LENGTH, MINE), MINE) == "🙂" * MAX_QUERY_LENGTH


def test_the_cipher_is_not_imported_at_cold_start():
    code = "import sys, app; assert 'cryptography' not in sys.modules, 'imported at cold start'"
    subprocess.run([sys.executable, "-c", code], check=True)
