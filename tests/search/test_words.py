"""The pure parts of search: folding text into query words, typo distances and their limits (the ranking is
tested against the databases in test_engine.py and test_ranking.py)."""
import pytest

from store.search import MAX_QUERY_LENGTH, allowed_typos, edit_distance, fold, normalise_query, words
from store.search.services import correct_word, prefix_distance


def test_words_fold_case_and_accents_and_drop_stopwords():
    assert words("The Crème de la FOAM Roller, for your feet!") == ["creme", "de", "la", "foam", "roller", "feet"]


def test_words_of_hostile_or_empty_text():
    assert words("") == [] and words(None) == []
    assert words("' OR 1=1 --") == ["1", "1"]          # "or" is a stopword; quotes and dashes are not words
    assert words('"foam" AND NOT roller*') == ["foam", "not", "roller"]
    assert words("<script>alert(1)</script>") == ["script", "alert", "1", "script"]
    assert words("中文 日本語 🙂") == []
    assert words("x" * 41) == []  # absurdly long "words" are not looked up
    assert fold("oil\x00roller") == "oil roller"


def test_normalise_query_collapses_whitespace_drops_control_characters_and_truncates():
    assert normalise_query("  foam \n\t roller ") == "foam roller"
    assert normalise_query("foam\x00roller") == "foamroller"
    assert len(normalise_query("a" * 10_000)) == MAX_QUERY_LENGTH
    assert normalise_query(None) == ""
    assert normalise_query(["list"]) == ""


@pytest.mark.parametrize("word, typos", [("oil", 0), ("ball", 1), ("roller", 1), ("massage", 1), ("cylinder", 2),
                                         ("reflexology", 2), ("2024", 0)])
def test_one_typo_from_four_letters_two_from_eight(word, typos):
    assert allowed_typos(word) == typos


@pytest.mark.parametrize("a, b, distance", [
    ("roller", "roller", 0), ("roler", "roller", 1), ("rollre", "roller", 1), ("rolelr", "roller", 1),
    ("rxller", "roller", 1), ("rolr", "roll", 1), ("cylyndir", "cylinder", 2), ("abc", "xyz", 3),
])
def test_edit_distance_counts_swaps_as_one(a, b, distance):
    assert edit_distance(a, b) == distance


def test_prefix_distance_treats_the_last_word_as_still_being_typed():
    assert prefix_distance("rolr", "roller") == 1
    assert prefix_distance("massg", "massage") == 1


def test_correct_word_picks_the_nearest_within_the_limit():
    assert correct_word("roler", ["roller", "rolling", "ruler"], as_prefix=False) in ("roller", "ruler")
    assert correct_word("rolr", ["roller", "oil"], as_prefix=True) == "roller"
    assert correct_word("oil", ["oils"], as_prefix=False) is None        # too short to correct
    assert correct_word("roller", ["roller", "rollers"], as_prefix=False) is None  # already a word
    assert correct_word("splnti", ["splint"], as_prefix=False) is None   # two typos in six letters
