"""Duplicate-story rules NL401-NL403: sketches, pairing, passages, clusters, the on-disk index."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import random
import signal
import sqlite3
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from newslint import ArticleRef, Article
from newslint.testing import lint_corpus, run_cli
from newslint_plugins import duplicates
from newslint_plugins import _duplicates_index as dindex
from newslint_plugins import _duplicates_pairs as pairs
from newslint_plugins import _duplicates_shards as shards
from newslint_plugins import _duplicates_sketch as sk

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED0 = (SEEDS / "000_568fc9d2fd088067.txt").read_text(encoding="utf-8")
SEED2 = (SEEDS / "002_51f578651b86b6a2.txt").read_text(encoding="utf-8")
SEED3 = (SEEDS / "003_068272d82784b23f.txt").read_text(encoding="utf-8")

# Two issues of one made-up monthly report: the same template, other figures.
JOBS_MARCH = ("The city's jobless rate fell to 4.2 percent in March from 4.5 percent in February, the "
              "statistics office said on Tuesday. The number of people out of work dropped by 12,300 to "
              "310,500, while the number of open vacancies rose by 2,100 to 48,900 over the month. "
              "Seasonally adjusted, unemployment was unchanged at 4.4 percent, the office said in its "
              "monthly report on the regional labour market. Economists had expected the rate to hold "
              "steady, and the office said the figures were not adjusted for the usual swings in "
              "construction and farm work at this time of year.\n")
JOBS_APRIL = ("The city's jobless rate fell to 3.9 percent in April from 4.2 percent in March, the "
              "statistics office said on Tuesday. The number of people out of work dropped by 8,700 to "
              "301,800, while the number of open vacancies rose by 1,600 to 50,500 over the month. "
              "Seasonally adjusted, unemployment was unchanged at 4.1 percent, the office said in its "
              "monthly report on the regional labour market. Economists had expected the rate to hold "
              "steady, and the office said the figures were not adjusted for the usual swings in "
              "construction and farm work at this time of year.\n")


def make_rules(**options):
    registered = []
    config = SimpleNamespace(table=lambda name: {k.replace("_", "-"): v for k, v in options.items()},
                             get=lambda name, default=None: None)
    duplicates.newslint_register_rules(registered.append, config)
    return registered


def codes_and_pairs(findings):
    return sorted((f.code, Path(f.path).name, tuple(sorted({Path(r.path).name for r in f.related})))
                  for f in findings)


# -- sketches --------------------------------------------------------------------------------------

def reference_sketch(text):
    """The slow, obvious computation the packed-integer code must reproduce."""
    tokens, _, _ = sk.normalise(text, drop_residue=False)
    ids = [zlib.crc32(t) & sk._M29 for t in tokens]
    mult = (sk._C0, sk._C1, sk._C2, sk._C3, sk._C4)
    grams = [(sum(c * ids[i + k] for k, c in enumerate(mult)) >> 24) & 0xFFFFFFFF
             for i in range(len(ids) - sk.K + 1)]
    low = [g & 0x7FFFFFFF for g in grams]
    if len(low) >= sk.W:
        fps = sorted({min(low[i:i + sk.W]) for i in range(len(low) - sk.W + 1)})
    else:
        fps = [min(low)] if low else []
    return grams, fps


@pytest.mark.parametrize("words", [0, 3, 4, 5, 6, 11, 12, 13, 40, 68, 71, 132, 300])
def test_packed_hashing_and_winnowing_match_the_reference(words):
    text = " ".join(SEED0.split()[:words])
    s = sk.sketch_text(text, drop_residue=False)
    grams, fps = reference_sketch(text)
    assert list(sk.u32(s.grams)) == grams
    assert list(sk.u32(s.fingerprints)) == fps
    assert len(grams) == max(0, s.tokens - 4) and s.tokens >= words


def test_longer_than_the_cached_masks():
    text = " ".join([SEED0] * 8)  # ~7,000 words: masks built on the fly
    s = sk.sketch_text(text, drop_residue=False)
    grams, fps = reference_sketch(text)
    assert list(sk.u32(s.grams)) == grams and list(sk.u32(s.fingerprints)) == fps


def test_normalisation_folds_unicode_case_quotes_and_dashes():
    a = sk.sketch_text("“It was announced today,” Trump tweeted — Friday’s SANCTIONS are off.\n")
    b = sk.sketch_text('"it was announced today," trump tweeted - friday\'s sanctions are off.\n')
    c = sk.sketch_text("ＩＴ was announced today, Trump tweeted – Friday’s sanctions are off!\n")  # fullwidth
    assert a.key == b.key == c.key
    assert a.grams == b.grams


def test_non_ascii_letters_stay_in_words_and_other_non_ascii_characters_split_them():
    # The rule is the regex ``[^\w\x00-\x7f]``: letters and digits of any script are word
    # characters; quotes, dashes, bullets, arrows and combining marks are separators.
    text = "Café «Zürich»—São Paulo•Δελτίο ١٢٣ → naïve İstanbul\u00a0end"
    tokens, _, _ = sk.normalise(text, drop_residue=False)
    import re
    import unicodedata
    reference = re.sub(r"[^\w\x00-\x7f]+", " ", unicodedata.normalize("NFKC", text).casefold())
    assert tokens == reference.encode().translate(sk._TABLE).split()
    assert b"caf\xc3\xa9" in tokens and b"z\xc3\xbcrich" in tokens and b"paulo" in tokens


def test_the_news_day_is_the_weekday_named_in_the_lead():
    lead = "Officials said on Tuesday that talks would resume, and again on FRIDAY. "
    assert sk.sketch_text(lead).weekdays == 1 << 1 | 1 << 4
    late = "Nothing here. " + "word " * sk.LEAD_WORDS + "They met on Monday."
    assert sk.sketch_text(late).weekdays == 0  # past the lead
    assert sk.sketch_text("Mondays and sundaes are not days.").weekdays == 0


def test_a_weekday_id_counts_only_as_a_whole_token_id():
    """weekdays_of searches the packed ids: bytes that straddle two ids are not a weekday."""
    from array import array
    friday = zlib.crc32(b"friday").to_bytes(4, "little")
    # Two ids whose packed bytes hold Friday's id across their boundary, then Friday itself.
    straddling = array("I", [int.from_bytes(b"ab" + friday[:2], "little"),
                             int.from_bytes(friday[2:] + b"cd", "little")])
    assert friday in straddling.tobytes()
    assert sk.weekdays_of(straddling) == 0
    assert sk.weekdays_of(straddling + array("I", [zlib.crc32(b"friday")])) == 1 << 4
    past_the_lead = array("I", [7] * sk.LEAD_WORDS + [zlib.crc32(b"friday")])
    assert sk.weekdays_of(past_the_lead) == 0


def test_every_shared_run_of_twelve_words_gives_a_shared_fingerprint():
    words = SEED3.split()
    rng = random.Random(7)
    for _ in range(200):
        start = rng.randrange(len(words) - 12)
        run = " ".join(words[start:start + 12])
        a = " ".join(rng.choice(words) for _ in range(30)) + " " + run + " " + " ".join(rng.choice(words) for _ in range(5))
        b = " ".join(rng.choice(words) for _ in range(9)) + " " + run
        fa = set(sk.u32(sk.sketch_text(a).fingerprints))
        fb = set(sk.u32(sk.sketch_text(b).fingerprints))
        assert fa & fb, run


def test_sketch_is_small_and_picklable():
    s = sk.sketch_text(SEED3)
    copy = pickle.loads(pickle.dumps(s))
    assert copy == s
    assert len(pickle.dumps(s)) < len(SEED3.encode())
    assert len(s.fingerprints) // 4 < s.tokens / 3  # winnowing keeps about 2 / (W + 1)


def test_residue_lines_are_dropped_when_the_residue_plugin_offers_a_test(monkeypatch):
    body = SEED2
    with_residue = "Share on Facebook\n" + body.replace("\nAdvertisement\n", "\nAdvertisement\nShare on Twitter\n")
    residue = {"Advertisement", "Share on Facebook", "Share on Twitter"}
    monkeypatch.setattr(sk, "_residue_filter", lambda: (lambda lines: [line.strip() in residue for line in lines]))
    assert sk.sketch_text(body).key == sk.sketch_text(with_residue).key
    # Line numbers still point into the original text.
    s = sk.sketch_text(with_residue)
    assert sk.u32(s.line_numbers)[0] == 2
    assert sk.sketch_text(body).key != sk.sketch_text(with_residue, drop_residue=False).key


def test_long_prose_lines_are_never_dropped_as_residue(monkeypatch):
    prose = " ".join(SEED0.split()[:90])  # 90 words (over 480 characters) of reporting on one line
    monkeypatch.setattr(sk, "_residue_filter", lambda: (lambda lines: [bool(line.strip()) for line in lines]))
    assert sk.sketch_text(prose) == sk.sketch_text(prose, drop_residue=False)
    assert sk.sketch_text("Advertisement").tokens == 0


def test_an_older_residue_plugin_is_asked_line_by_line(monkeypatch):
    from newslint_plugins import residue

    sk._residue_filter.cache_clear()
    monkeypatch.delattr(residue, "residue_line_flags", raising=False)
    try:
        flags = sk._residue_filter()
        assert flags(["Advertisement", "The minister said on Friday that talks would resume.", ""]) == [
            True, False, False]
    finally:
        sk._residue_filter.cache_clear()


# -- the rules on a corpus ---------------------------------------------------------------------------

def passage_lines(message, side):
    """The line numbers a message lists for ``here`` or ``there``."""
    ranges = message.split(" here", 1)[0].rsplit("lines ", 1)[1] if side == "here" else \
        message.rsplit("lines ", 1)[1].split(" there", 1)[0]
    out = set()
    for part in ranges.split(", "):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


@pytest.mark.parametrize("drop_residue", [True, False])
def test_seed_rewrite_is_a_shared_story_with_its_passages(drop_residue):
    texts = {"002.txt": SEED2, "003.txt": SEED3, "000.txt": SEED0}
    findings = lint_corpus(texts, make_rules(drop_residue=drop_residue))
    assert codes_and_pairs(findings) == [("NL403", "003.txt", ("002.txt",))]
    (f,) = findings
    assert "122 word 5-grams" in f.message and "13% of this article and 29% of the other" in f.message
    # Both articles' passages: the quoted tweet (003 line 13, 002 line 3), Sanders' quote
    # (003 line 23, 002 line 7), "could not immediately explain which sanctions" (003 line 45).
    tweet3 = SEED3.split("\n").index(next(l for l in SEED3.split("\n") if "It was announced today" in l)) + 1
    tweet2 = SEED2.split("\n").index(next(l for l in SEED2.split("\n") if "It was announced today" in l)) + 1
    assert (tweet3, tweet2) == (13, 3)
    assert {13, 23, 45} <= passage_lines(f.message, "here")
    assert {3, 5, 7} <= passage_lines(f.message, "there")
    assert f.line == 13 and f.related[0].line == 3 and len(f.related) >= 3


def test_seed_000_is_paired_with_nothing():
    findings = lint_corpus({"000.txt": SEED0, "002.txt": SEED2, "003.txt": SEED3}, make_rules())
    assert all("000.txt" not in f.path and all("000.txt" not in r.path for r in f.related) for f in findings)
    c = pairs.compare(sk.sketch_text(SEED0), sk.sketch_text(SEED2))
    assert c.shared == 0


def test_exact_copy_with_other_case_and_punctuation_is_nl401():
    copy = SEED2.replace("’", "'").replace("“", '"').replace("”", '"').replace("Trump", "TRUMP")
    findings = lint_corpus({"a.txt": SEED2, "b.txt": copy}, make_rules())
    assert codes_and_pairs(findings) == [("NL401", "b.txt", ("a.txt",))]


def test_near_duplicate_with_new_headline_and_a_paragraph_less_is_nl402():
    lines = SEED0.split("\n")
    updated = "\n".join(["Trump halted new Russia sanctions, officials say"] + lines[:-2] + lines[-1:])
    findings = lint_corpus({"old.txt": SEED0, "new.txt": updated}, make_rules())
    assert codes_and_pairs(findings) == [("NL402", "new.txt", ("old.txt",))]
    assert "Jaccard 0.9" in findings[0].message


def test_short_articles_and_different_stories_give_nothing():
    findings = lint_corpus({"a.txt": "Advertisement\n", "b.txt": "Advertisement\n", "c.txt": SEED0,
                            "d.txt": JOBS_MARCH}, make_rules())
    assert findings == []


def test_one_template_with_other_figures_is_not_a_shared_story():
    a, b = sk.sketch_text(JOBS_MARCH), sk.sketch_text(JOBS_APRIL)
    c = pairs.compare(a, b)
    assert c.containment_a >= 0.6 and c.shared >= 20  # the words alone look like a partial copy
    assert pairs.classify(c, pairs.Thresholds()) is None
    assert pairs.classify(c, pairs.Thresholds(figure_agreement=0.0)) == "shared"
    assert lint_corpus({"march.txt": JOBS_MARCH, "april.txt": JOBS_APRIL}, make_rules()) == []


def test_an_abridged_copy_of_another_news_day_is_a_follow_up():
    # The seed rewrite, with its news day moved: a follow-up repeating background, not a rewrite.
    moved = SEED2.replace("Friday", "Monday").replace("Thursday", "Sunday")
    assert sk.sketch_text(moved).weekdays and not sk.sketch_text(moved).weekdays & sk.sketch_text(SEED3).weekdays
    assert lint_corpus({"002.txt": moved, "003.txt": SEED3}, make_rules()) == []


def test_abridged_copies_must_share_prose_not_site_chrome():
    chrome = "\n".join(f"{a} {b} {c}" for a, b, c in zip(
        ["Home", "World", "Sport", "Money", "Travel", "Homes", "Jobs", "Cars", "Puzzles", "Weather"] * 4,
        ["Latest", "Videos", "Pictures", "Live", "Tables", "Results", "Fixtures", "Blogs"] * 5,
        ["Index", "Archive", "Guide", "Desk", "Extra"] * 8))
    own = "\n".join(l for l in SEED3.split("\n") if len(l.split()) > 20)[:900]
    long, short = sk.sketch_text(SEED0 + "\n" + chrome, False), sk.sketch_text(chrome + "\n" + own, False)
    c = pairs.compare(long, short)
    t = pairs.Thresholds()
    assert c.shared >= t.abridged_min_shared and c.containment_b >= t.abridged_containment
    assert pairs.classify(c, t) == "shared"  # on the counts alone
    assert pairs.classify(c, t, pairs.details_of(long, short, pairs.gram_set(long), pairs.gram_set(short))) is None


RATES_WEEK1 = ("The federal home loan agency adjusted the rates on its short-term discount notes as "
               "follows, the agency said in a statement issued in Washington on the usual day. Notes of "
               "30 days now yield 5.95 pct against 6.00 pct before, notes of 60 days yield 6.00 pct "
               "against 6.10 pct, and notes of 90 days yield 6.05 pct against 6.15 pct, it said.\n")
RATES_WEEK2 = ("The federal home loan agency adjusted the rates on its short-term discount notes as "
               "follows, the agency said in a statement issued in Washington on the usual day. Notes of "
               "30 days now yield 5.90 pct against 5.95 pct before, notes of 60 days yield 5.95 pct "
               "against 6.00 pct, and notes of 90 days yield 6.00 pct against 6.05 pct, it said.\n")


def test_a_rate_table_with_shifted_figures_is_a_template_not_a_copy():
    a, b = sk.sketch_text(RATES_WEEK1), sk.sketch_text(RATES_WEEK2)
    c = pairs.compare(a, b)
    t = pairs.Thresholds()
    assert c.figures_shared >= t.figure_agreement * c.figures_a  # most figure values recur ...
    assert pairs.classify(c, t) == "shared"                      # ... so the counts alone say copy
    assert pairs.classify(c, t, pairs.details_of(a, b, pairs.gram_set(a), pairs.gram_set(b))) is None
    assert lint_corpus({"w1.txt": RATES_WEEK1, "w2.txt": RATES_WEEK2}, make_rules()) == []
    # The same report re-sent with the same figures is still a copy.
    resent = RATES_WEEK1.replace("the agency said", "it said")
    assert [f.code for f in lint_corpus({"w1.txt": RATES_WEEK1, "w1b.txt": resent}, make_rules())] == ["NL402"]


# Two issues of one made-up weekly notice: the same template for another week, one paragraph new.
NOTICE_MARCH = ("WEEKLY HARBOUR NOTICE\n"
                "The harbour board said in its notice for the week ended March 26 that the northern channel "
                "stayed open to all shipping and that dredging of the inner basin went on as planned.\n"
                "Fog delayed the arrival of several ferries on the first two mornings, and pilots boarded "
                "incoming vessels at the outer anchorage until the visibility improved.\n"
                "Pilots must book their boarding slots through the harbour office no later than noon on the "
                "day before arrival, and vessels without a booking will be held at the outer anchorage.\n"
                "The board reminded masters that speed limits apply in the approach channel at all times and "
                "that the tug service is available around the clock on request.\n")
NOTICE_APRIL = (NOTICE_MARCH.replace("March 26", "April 2")
                .replace("Fog delayed the arrival of several ferries on the first two mornings, and pilots "
                         "boarded incoming vessels at the outer anchorage until the visibility improved.",
                         "A cargo ship lost power near the breakwater on Thursday night and was towed to a "
                         "berth in the eastern dock, where engineers repaired a fuel pump."))


def test_dates_are_a_month_and_a_day_in_the_order_written():
    text = ("On Nov. 27 the board met; the 2 April meeting and the one on April 2, 1992 were moved "
            "to the May 5 session. April 45, 2020 and March 300 are not dates. Since Dec 31 nothing changed.")
    assert list(sk.u32(sk.sketch_text(text).dates)) == [11 * 32 + 27, 4 * 32 + 2, 5 * 32 + 5, 12 * 32 + 31]
    # Case is folded away, so the verb before a bare number reads as the month: an accepted
    # ambiguity (news writes "may rise 5 pct", rarely "may 5").
    assert list(sk.u32(sk.sketch_text("Prices may 5 times rise.").dates)) == [5 * 32 + 5]
    assert sk.sketch_text("No dates here, only 26 and March.").dates == b""


def test_one_recurring_report_for_another_date_is_not_a_shared_story():
    a, b = sk.sketch_text(NOTICE_MARCH), sk.sketch_text(NOTICE_APRIL)
    c = pairs.compare(a, b)
    assert c.jaccard < 0.8 and c.containment_a >= 0.6 and c.shared >= 20  # the words look like a rewrite
    assert c.other_date
    assert pairs.classify(c, pairs.Thresholds()) is None
    assert pairs.classify(dataclasses.replace(c, other_date=False), pairs.Thresholds()) == "shared"  # the date decides
    assert lint_corpus({"march.txt": NOTICE_MARCH, "april.txt": NOTICE_APRIL}, make_rules()) == []


def test_a_rewrite_naming_more_dates_keeps_the_date_of_its_story():
    # Another version of the March notice (its second paragraph replaced) that first names an
    # earlier date, then the notice's own: the first dates differ, yet March 26 is in both.
    rewrite = (NOTICE_APRIL.replace("April 2", "March 26")
               .replace("The harbour board said", "Since the storm of January 4, the harbour board said"))
    a, b = sk.sketch_text(NOTICE_MARCH), sk.sketch_text(rewrite)
    assert list(sk.u32(b.dates))[:2] == [1 * 32 + 4, 3 * 32 + 26]
    assert not pairs.other_date(a.dates, b.dates)
    assert not pairs.other_date(b"", b.dates)  # a text that names no date dates nothing
    assert [f.code for f in lint_corpus({"march.txt": NOTICE_MARCH, "rewrite.txt": rewrite}, make_rules())] == ["NL403"]


def test_exact_and_near_copies_form_one_cluster():
    lines = SEED0.split("\n")
    near = "\n".join(lines[:-1])
    texts = {"a.txt": SEED0, "b.txt": near, "c.txt": SEED0.lower()}
    findings = lint_corpus(texts, make_rules())
    assert codes_and_pairs(findings) == [("NL401", "c.txt", ("a.txt", "b.txt")),
                                         ("NL402", "b.txt", ("a.txt",))]
    nl401 = [f for f in findings if f.code == "NL401"][0]
    assert "1 more copy in its cluster: b.txt" in nl401.message


def test_rewrites_are_pairs_never_chained():
    paragraphs = [l for l in SEED0.split("\n") if len(l.split()) > 25]
    p = ["\n".join(paragraphs[i:i + 2]) for i in range(0, 10, 2)]  # five blocks of two paragraphs
    texts = {"a.txt": "\n".join(p[0:3]), "b.txt": "\n".join(p[1:4]), "c.txt": "\n".join(p[2:5])}
    found = codes_and_pairs(lint_corpus(texts, make_rules()))
    assert found == [("NL403", "b.txt", ("a.txt",)), ("NL403", "c.txt", ("b.txt",))]


def test_the_later_date_gets_the_finding():
    rules = make_rules()
    early = Article("z-first.txt", SEED2, meta={"date": "2019-03-22T09:00:00Z"})
    late = Article("a-second.txt", SEED2.replace("Trump", "TRUMP"), meta={"date": "Fri, 22 Mar 2019 18:00:00 +0000"})
    collected = [(a.ref, rules[0].collect(a)) for a in (late, early)]
    (finding,) = rules[0].finalize(collected)
    assert finding.path == "a-second.txt" and finding.related[0].path == "z-first.txt"
    # Without dates, path order decides.
    collected = [(ArticleRef(r.path), s) for r, s in collected]
    (finding,) = make_rules()[0].finalize(collected)
    assert finding.path == "z-first.txt"


def test_three_rules_share_one_sketch_and_one_analysis(monkeypatch):
    rules = make_rules()
    calls = []
    real = pairs.analyse
    monkeypatch.setattr(pairs, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    article = Article("a.txt", SEED2)
    values = [r.collect(article) for r in rules]
    assert values[0] is values[1] is values[2]
    collected = [(article.ref, values[0]), (ArticleRef("b.txt"), values[0])]
    results = [list(r.finalize(collected)) for r in rules]
    assert len(calls) == 1 and [len(r) for r in results] == [1, 0, 0]


def test_thresholds_come_from_the_options_table():
    t = pairs.Thresholds.from_options({"near-jaccard": 0.7, "min-shared": 30, "date-field": "published"})
    assert (t.near_jaccard, t.min_shared, t.near_containment) == (0.7, 30, 0.9)


# -- candidates ---------------------------------------------------------------------------------------

def corpus_of_variants(n=40, seed=3):
    rng = random.Random(seed)
    lines = [l for l in (SEED0 + "\n" + SEED3).split("\n") if len(l.split()) > 6]
    return [sk.sketch_text("\n".join(rng.sample(lines, 5))) for _ in range(n)]


def test_candidates_do_not_depend_on_the_shards():
    sketches = corpus_of_variants()
    fps = [s.fingerprints for s in sketches]
    one = shards.candidate_counts(fps, max_df=100, fingerprint_shards=1, article_shards=1)
    many = shards.candidate_counts(fps, max_df=100, fingerprint_shards=7, article_shards=5)
    assert len(one) > 20 and one == many


def test_candidates_are_the_same_when_postings_spill_to_disk():
    fps = [s.fingerprints for s in corpus_of_variants()]
    in_memory = shards.Postings(4)
    on_disk = shards.Postings(4, spill_bytes=64)
    on_disk.BATCH = 16  # postings are sorted and split (then spilled) every 16
    for i, data in enumerate(fps):
        in_memory.add(i, data)
        on_disk.add(i, data)
    assert on_disk.files is not None and in_memory.files is None
    assert list(shards.candidate_pairs(on_disk, 100)) == list(shards.candidate_pairs(in_memory, 100))


def test_candidates_count_the_fingerprints_each_pair_shares():
    # Article 0 and 2 share fingerprints 5, 9 and 40; 1 shares only 7 with 2; 3 shares nothing.
    fps = [shards.pack_u32(shards.array("I", v)) for v in ([5, 9, 40, 1 << 30], [7, 8], [5, 7, 9, 40], [11, 12])]
    assert shards.candidate_counts(fps, max_df=100) == {(0, 2): 3}
    assert shards.candidate_counts(fps, max_df=100, fingerprint_shards=3, article_shards=3) == {(0, 2): 3}
    # An article with a single fingerprint is a candidate of every article sharing it.
    fps.append(shards.pack_u32(shards.array("I", [40])))
    assert shards.candidate_counts(fps, max_df=100, fingerprint_shards=3, article_shards=2) == {
        (0, 2): 3, (0, 4): 1, (2, 4): 1}


def test_fingerprints_in_too_many_articles_make_no_pairs():
    boiler = ("Sign up for our morning newsletter and get the day's top stories delivered to your inbox "
              "every weekday, with analysis from our reporters across the country")
    own = [l for l in SEED0.split("\n") if len(l.split()) > 12][:5]
    sketches = [sk.sketch_text(f"{line}\n{boiler}\n", drop_residue=False) for line in own]
    fps = [s.fingerprints for s in sketches]
    assert shards.candidate_counts(fps, max_df=4) == {}
    assert len(shards.candidate_counts(fps, max_df=5)) == 10


# -- the on-disk index --------------------------------------------------------------------------------

def build_index(directory, texts, **kwargs):
    writer = dindex.IndexWriter(directory, **kwargs)
    for path, text in texts.items():
        writer.add(dindex.Entry(path, None, None, 1, None, sk.sketch_text(text)))
    return writer.close()


def test_index_finds_copies_and_rewrites(tmp_path):
    build_index(tmp_path / "idx", {"002.txt": SEED2, "000.txt": SEED0, "jobs.txt": JOBS_MARCH}, shard_size=2)
    index = dindex.Index(tmp_path / "idx")
    assert index.articles == 3 and len(index.manifest["shards"]) == 2
    t = pairs.Thresholds()
    found = [(kind, ref.path) for kind, ref, _, _ in
             duplicates.match_index(index, ArticleRef("new.txt"), sk.sketch_text(SEED3), t)]
    assert found == [("shared", "002.txt")]
    found = [(kind, ref.path) for kind, ref, _, _ in
             duplicates.match_index(index, ArticleRef("new.txt"), sk.sketch_text(SEED0.upper()), t)]
    assert found == [("exact", "000.txt")]
    # The article itself, already indexed under its path, is not its own duplicate.
    assert list(duplicates.match_index(index, ArticleRef("000.txt"), sk.sketch_text(SEED0), t)) == []
    index.close()


def test_an_index_of_another_sketch_version_is_refused(tmp_path, monkeypatch):
    """Sketches change between versions (version 4 added the dates): an older index is never read."""
    monkeypatch.setattr(dindex, "SKETCH_VERSION", sk.SKETCH_VERSION - 1)
    build_index(tmp_path / "idx", {"000.txt": SEED0})
    monkeypatch.undo()
    old, new = sk.SKETCH_VERSION - 1, sk.SKETCH_VERSION
    with pytest.raises(dindex.IndexError_, match=f"sketch version {old}, this one writes {new}.*rebuild"):
        dindex.Index(tmp_path / "idx")
    result = run_cli(["check", "--isolated", "--select", "NL4", "--index", str(tmp_path / "idx"), str(SEEDS)])
    assert result.exit_code == 2 and "rebuild it with `newslint index build`" in result.stderr


def test_index_add_appends_a_shard(tmp_path):
    build_index(tmp_path / "idx", {"000.txt": SEED0})
    writer = dindex.IndexWriter(tmp_path / "idx", append=True)
    writer.add(dindex.Entry("002.txt", None, None, 1, None, sk.sketch_text(SEED2)))
    writer.close()
    index = dindex.Index(tmp_path / "idx", full_verify=True)
    assert [e.path for e in index] == ["000.txt", "002.txt"]
    assert index.entries([(1, 0)]).__next__()[1].sketch == sk.sketch_text(SEED2)
    index.close()
    with pytest.raises(dindex.IndexError_, match="exists already"):
        dindex.IndexWriter(tmp_path / "idx")
    # Re-adding 000.txt with new text: queries see only the newest version.
    writer = dindex.IndexWriter(tmp_path / "idx", append=True)
    writer.add(dindex.Entry("000.txt", None, None, 1, None, sk.sketch_text(JOBS_MARCH)))
    writer.close()
    index = dindex.Index(tmp_path / "idx")
    t = pairs.Thresholds()
    assert list(duplicates.match_index(index, ArticleRef("new.txt"), sk.sketch_text(SEED0), t)) == []
    assert [k for k, *_ in duplicates.match_index(index, ArticleRef("new.txt"), sk.sketch_text(JOBS_MARCH), t)] == ["exact"]
    index.close()


def test_truncated_shard_is_detected(tmp_path):
    build_index(tmp_path / "idx", {"000.txt": SEED0, "002.txt": SEED2})
    shard = tmp_path / "idx" / "shard-000000.sqlite"
    shard.write_bytes(shard.read_bytes()[:4096])
    with pytest.raises(dindex.IndexError_, match="truncated"):
        dindex.Index(tmp_path / "idx")


def test_corrupt_shard_is_detected_by_its_checksum(tmp_path):
    build_index(tmp_path / "idx", {"000.txt": SEED0, "002.txt": SEED2})
    shard = tmp_path / "idx" / "shard-000000.sqlite"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x55
    shard.write_bytes(bytes(data))
    with pytest.raises(dindex.IndexError_, match="checksum mismatch"):
        dindex.Index(tmp_path / "idx")


def test_edited_manifest_is_detected(tmp_path):
    build_index(tmp_path / "idx", {"000.txt": SEED0})
    manifest = tmp_path / "idx" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["max_df"] = 5000
    manifest.write_text(json.dumps(data))
    with pytest.raises(dindex.IndexError_, match="manifest checksum"):
        dindex.Index(tmp_path / "idx")


def test_bad_record_that_passes_the_file_checks_is_still_caught(tmp_path):
    """Bit rot the stamps cannot see: the record's own CRC catches it when it is read."""
    directory = tmp_path / "idx"
    build_index(directory, {"000.txt": SEED0})
    shard = directory / "shard-000000.sqlite"
    db = sqlite3.connect(shard)
    db.execute("UPDATE articles SET path = '001.txt'")
    db.commit()
    db.close()
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["shards"][0]["bytes"] = shard.stat().st_size
    manifest["shards"][0]["sha256"] = dindex._sha256(shard)
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    manifest["checksum"] = dindex._manifest_digest(body)
    (directory / "manifest.json").write_text(json.dumps(manifest))
    index = dindex.Index(directory)
    with pytest.raises(dindex.IndexError_, match="fails its checksum"):
        list(index)
    index.close()


def test_missing_or_foreign_folder_is_a_clear_error(tmp_path):
    with pytest.raises(dindex.IndexError_, match="no such index folder"):
        dindex.Index(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(dindex.IndexError_, match="not a newslint index"):
        dindex.Index(tmp_path / "empty")


# -- the command line ---------------------------------------------------------------------------------

def test_cli_index_build_check_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "000.txt").write_text(SEED0, encoding="utf-8")
    (corpus / "003.txt").write_text(SEED3, encoding="utf-8")
    (tmp_path / "staged.txt").write_text(SEED2, encoding="utf-8")
    result = run_cli(["index", "--isolated", "build", "corpus", "-o", "idx"])
    assert result.exit_code == 0, result.stderr
    assert "2 articles indexed" in result.stdout
    result = run_cli(["check", "--isolated", "--select", "NL4", "--format", "json", "--index", "idx", "staged.txt"])
    data = json.loads(result.stdout)
    assert [(f["code"], f["path"], {r["path"] for r in f["related"]}) for f in data] == \
        [("NL403", "staged.txt", {"corpus/003.txt"})]
    assert "(indexed)" in data[0]["message"] and "lines 3-7" in data[0]["message"]
    # Checking an indexed file against its own index reports nothing.
    result = run_cli(["check", "--isolated", "--select", "NL4", "--index", "idx", "corpus/000.txt"])
    assert result.exit_code == 0, result.stdout
    shard = tmp_path / "idx" / "shard-000000.sqlite"
    shard.write_bytes(shard.read_bytes()[:-100])
    result = run_cli(["check", "--isolated", "--select", "NL4", "--index", "idx", "staged.txt"])
    assert result.exit_code == 2 and "truncated" in result.stderr
    result = run_cli(["check", "--isolated", "--select", "NL4", "--index", "no-such-dir", "staged.txt"])
    assert result.exit_code == 2 and "no such index folder" in result.stderr and result.stdout == ""
    result = run_cli(["index", "verify", "idx"])
    assert result.exit_code == 2 and "truncated" in result.stderr


def test_cli_index_build_on_several_processes_writes_the_same_index(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(duplicates, "INDEX_BATCH", 2)  # 7 articles: 4 batches, so the pool runs
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate([SEED0, SEED2, SEED3, JOBS_MARCH, SEED0 + "\nAdvertisement\n", SEED3.upper(), SEED2]):
        (corpus / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"caf\xe9 au lait\n")  # not UTF-8: reported, the rest indexed
    shards = {}
    for jobs in ("1", "2"):
        result = run_cli(["index", "--isolated", "build", "corpus", "-o", f"idx{jobs}", "--jobs", jobs])
        assert result.exit_code == 2, result.stderr  # the read error
        assert "7 articles indexed" in result.stdout and "corpus/bad.txt:1:4: NL001 invalid UTF-8" in result.stderr
        manifest = json.loads((tmp_path / f"idx{jobs}" / "manifest.json").read_text(encoding="utf-8"))
        shards[jobs] = [shard["sha256"] for shard in manifest["shards"]]
    assert shards["1"] == shards["2"]
    result = run_cli(["index", "--isolated", "add", "idx2", "corpus/001.txt", "--jobs", "-1"])
    assert result.exit_code == 2 and "--jobs" in result.stderr


_PARENT = os.getpid()


def _dies_on_tuesday(item):
    """``_sketch_batch``, except that a worker process given a Tuesday story is killed."""
    if os.getpid() != _PARENT and any("Tuesday" in text for text in item[0]):
        os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
    texts, drop = item
    return [sk.sketch_text(text, drop) for text in texts]


def test_index_build_survives_a_killed_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(duplicates, "_sketch_batch", _dies_on_tuesday)
    monkeypatch.setattr(duplicates, "INDEX_BATCH", 2)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    lines = SEED0.split("\n")
    for i in range(30):  # 15 batches: more than are in flight, so some are submitted after the death
        day = "Tuesday" if i == 2 else "Monday"
        (tmp_path / "corpus" / f"{i:02d}.txt").write_text(f"On {day}, {lines[i % len(lines)]} ({i})\n",
                                                          encoding="utf-8")
    result = run_cli(["index", "--isolated", "build", "corpus", "-o", "idx", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    assert "30 articles indexed" in result.stdout


def test_pairing_runs_both_rounds_through_corpus_map_with_picklable_work(monkeypatch):
    # What an executor does with the shards: send function and item to a worker, the result back.
    calls = []

    def remote_map(function, items):
        for item in items:
            calls.append(function.__name__)
            function = pickle.loads(pickle.dumps(function))
            yield pickle.loads(pickle.dumps(function(pickle.loads(pickle.dumps(item)))))

    fps = [s.fingerprints for s in corpus_of_variants()]
    local = shards.candidate_counts(fps, max_df=100)
    monkeypatch.setattr(shards, "corpus_map", remote_map)
    assert shards.candidate_counts(fps, max_df=100, fingerprint_shards=4, article_shards=3) == local
    assert calls == ["shard_lists"] * 4 + ["shard_candidates"] * 3


def test_in_a_check_the_sketch_takes_the_residue_rules_verdicts_and_is_the_same(monkeypatch):
    from newslint import Article
    from newslint_plugins import residue

    text = "Share on Facebook\n" + SEED2 + "\nAdvertisement\n"
    alone = sk.sketch_text(text)
    assert alone != sk.sketch_text(text, drop_residue=False)  # there is residue to drop
    flags = sk._residue_filter()

    def untouchable(lines):
        raise AssertionError("the lines were tested again")

    monkeypatch.setattr(flags, "first", untouchable)
    monkeypatch.setattr(flags, "then", untouchable)
    residue.analyse(Article("a.txt", text), residue.catalogue_for(residue.Settings()))
    assert sk.sketch_text(text) == alone
    # The same words in another object are tested as usual (here the test fails, so nothing is dropped).
    other = "".join(list(text))
    assert sk.sketch_text(other) == sk.sketch_text(text, drop_residue=False)


def test_the_residue_filter_switches_to_the_whole_article_test_after_the_first_articles(monkeypatch):
    from newslint_plugins import residue

    monkeypatch.setattr(sk._Switch, "AFTER", 2)
    sk._residue_filter.cache_clear()
    try:
        flags = sk._residue_filter()
        lines = ["Advertisement", "Officials said on Friday that the talks would resume next week.", "Share this"]
        answers = [flags(lines) for _ in range(4)]
        assert flags.calls == 4 and answers[0] == answers[3] == residue.residue_line_flags(lines)
        assert answers[0] == [residue.is_residue_line(line) for line in lines]
    finally:
        sk._residue_filter.cache_clear()
