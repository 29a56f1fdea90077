"""Tests of the residue rules (NL101-NL107), their declarative packs and the user-facing options."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from newslint import UsageError
from newslint.testing import fix_text, lint_text, run_cli
from newslint_plugins import residue
from newslint_plugins._residue_catalogue import (Catalogue, Entry, PackError, builtin_packs, clean, parse_pack,
                                                 phrase_key, split_alternatives)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SETTINGS = residue.Settings()


def rules():
    return [cls(SETTINGS) for cls in residue.RULES]


def codes_by_line(text: str) -> dict[int, set[str]]:
    """``{line: {codes}}`` of every residue finding on ``text``."""
    found: dict[int, set[str]] = {}
    for f in lint_text(text, rules()):
        found.setdefault(f.line, set()).add(f.code)
    return found


def flagged(text: str) -> set[int]:
    return set(codes_by_line(text))


# A body written for these tests, in the seeds' style, with no residue.
BODY = [
    "President Trump sparked confusion on Friday by announcing the cancellation of new sanctions.",
    "Administration officials could not immediately explain which sanctions he was referring to.",
    "The Treasury Department announced the measures on Thursday, a day before the tweet.",
    "Critics said the move undercut the administration's pressure campaign against North Korea.",
]


def article(*middle: str, head: tuple = (), tail: tuple = ()) -> str:
    """Body paragraphs with ``middle`` lines between the second and third, and lines before and after."""
    return "\n".join([*head, BODY[0], BODY[1], *middle, BODY[2], BODY[3], *tail]) + "\n"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line == needle)


# -- the seeds ----------------------------------------------------------------------------------

#: Every residue line of the seeds (file -> lines), found by reading them.
SEED_RESIDUE = {
    "002_51f578651b86b6a2.txt": ["Advertisement", "Comments are no longer available on this story", "filed under:"],
    "003_068272d82784b23f.txt": [
        "The Washington PostDemocracy Dies in Darkness",
        "President Trump and North Korean leader Kim Jong Un at their summit in Hanoi last month.",
        "President Trump and North Korean leader Kim Jong Un at their summit in Hanoi last month. "
        "(Saul Loeb/AFP/Getty Images)",
        "Placeholder while article actions load",
    ],
}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_residue_lines_are_all_found_and_nothing_else(seed):
    text = seed.read_text(encoding="utf-8")
    lines = text.split("\n")
    expected = {i for i, line in enumerate(lines, 1) if line in SEED_RESIDUE.get(seed.name, [])}
    assert flagged(text) == expected


def test_seed_caption_printed_twice_is_a_caption_and_a_repeat():
    text = (ROOT / "seeds" / "003_068272d82784b23f.txt").read_text(encoding="utf-8")
    found = codes_by_line(text)
    assert found[5] == {"NL104"}  # the caption, above its copy with the credit
    assert found[6] == {"NL103", "NL104"}  # the copy: a repeat, ending with a credit


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_fix_keeps_every_body_sentence_byte_identical(seed):
    text = seed.read_text(encoding="utf-8")
    residue_lines = set(SEED_RESIDUE.get(seed.name, []))
    body = [line for line in text.split("\n") if line and line not in residue_lines]
    for unsafe in (False, True):
        fixed = fix_text(text, rules(), unsafe=unsafe)
        kept = [line for line in fixed.split("\n") if line]
        # Safe fixes may leave the context-found caption; nothing else but residue may go.
        assert [line for line in kept if line not in residue_lines] == body
        assert all(line in text.split("\n") for line in kept)
    fixed = fix_text(text, rules(), unsafe=True)
    assert not any(line in fixed.split("\n") for line in residue_lines)


def test_safe_fix_deletes_the_line_and_its_break_only():
    text = "Officials said the bridge would reopen on Monday.\r\nAdvertisement\r\nThe repairs cost $2 million.\r\n"
    assert fix_text(text, rules()) == "Officials said the bridge would reopen on Monday.\r\nThe repairs cost $2 million.\r\n"
    last = "The repairs cost $2 million, the city said.\nfiled under:"
    assert fix_text(last, rules()) == "The repairs cost $2 million, the city said.\n"


# -- NL101: the catalogue, whole lines only -------------------------------------------------------

ENTRIES = [e for p in builtin_packs() for e in p.entries]


def test_every_builtin_entry_has_examples():
    assert [e.name for e in ENTRIES if not e.examples] == []
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.scope != "inline"], ids=lambda e: e.name)
def test_every_builtin_entry_matches_its_examples_by_itself(entry):
    """Each example is matched by its own entry alone, and by the whole catalogue."""
    own = Catalogue([entry])
    for example in entry.examples:
        assert own.match_line(example) is entry, example
        assert residue.is_residue_line(example), example


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.scope == "inline"], ids=lambda e: e.name)
def test_every_inline_entry_matches_its_examples(entry):
    own = Catalogue([entry])
    for example in entry.examples:
        assert [hit.entry for hit in own.match_inline(example)] == [entry], example


@pytest.mark.parametrize("line", [
    "Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Sponsored Content",
    "Loading...", "Placeholder while article actions load", "Please enable JavaScript to view the comments.",
    "12 Comments", "Leave a comment", "Comments are closed.", "Share this article", "Facebook  Twitter  Email",
    "Follow Jane Doe on Twitter: @janedoe", "Sign up for our daily newsletter", "Subscribe now",
    "Already a subscriber? Sign in", "We use cookies to improve your experience on our site.",
    "Privacy Policy", "Read more: Storm closes the valley road", "Related Articles", "You may also like",
    "Tags: budget, city council", "Filed under: Politics", "5 min read", "Updated 3:45 PM ET",
    "Listen to this article", "Copyright 2019 The Associated Press. All rights reserved.",
    "This article has been adapted from its original source.", "© 2019 Example Media Group",
    "Democracy Dies in Darkness", "Text size", "Home > News > World",
])
def test_known_residue_lines(line):
    found = codes_by_line(article(line))
    assert found.get(3) and found[3] <= {"NL101", "NL104"}, found


@pytest.mark.parametrize("line", [
    # Body sentences that mention residue words: whole-line matching never takes them.
    "The company said the advertisement had been pulled after complaints from viewers.",
    "Readers left more than 200 comments on the newspaper's website within an hour.",
    "She said she would share the findings with the committee before the vote on Tuesday.",
    "The site uses cookies to track visitors, the regulator said in its ruling on Monday.",
    "He told reporters that the print edition would continue to appear on Sundays.",
    "Subscribers to the service will be able to cancel at any time, the company said.",
    "The photo, taken by a bystander, was shared thousands of times before it was deleted.",
    "“We will not sit on our hands,” the ambassador said.",
    "Copyright law has not kept pace with the technology, lawyers for the studios argued.",
    "The European Commission said the company may earn a commission on each sale.",
    "Watch out for black ice on the roads tonight, forecasters warned.",
    "Share prices fell 3% on Tuesday after the results.",
    "Comments by the minister drew criticism from the opposition.",
    "Video footage showed the car hitting the barrier at speed.",
    "Follow-up talks are scheduled for next week in Geneva.",
    "Home prices rose 5% in the year to March, the agency said.",
    "Tags on the luggage identified the owner as a Canadian citizen.",
    "Copyright lawsuits filed in 2019 rose sharply, the report found.",
    "In this photo-heavy book, the author traces the city's decline.",
    "Sponsored by Democrats, the bill passed on a party-line vote.",
    "More than 2,500 civilians were killed in the fighting last year.",
])
def test_body_sentences_with_residue_words_are_not_flagged(line):
    assert flagged(article(line)) == set()


def test_whole_line_matching_ignores_case_space_curly_quotes_and_decoration():
    for line in ["  advertisement  ", "ADVERTISEMENT:", "• Advertisement", "Don’t Miss", "Read more »"]:
        assert residue.is_residue_line(line), line
    assert clean(" \u2022  Don\u2019t\u00a0miss  \u00bb ") == "Don't miss"
    assert phrase_key("  Don\u2019t   MISS ") == "don't miss"


def test_section_labels_count_only_outside_the_body():
    inside = article("Housing")  # a one-word subhead between paragraphs
    assert flagged(inside) == set()
    outside = article(head=("Politics",), tail=("Politics",))
    assert flagged(outside) == {1, 6}


def test_message_names_the_pack_and_entry():
    (finding,) = lint_text(article("Advertisement"), residue.ResidueLine(SETTINGS))
    assert finding.code == "NL101" and "advertising/advertisement-marker" in finding.message
    assert finding.fix.applicability.value == "safe"


def test_residue_lines_metric():
    from newslint import Article
    a = Article("a.txt", article("Advertisement", tail=("Privacy Policy",)))
    list(residue.ResidueLine(SETTINGS).check_article(a))
    assert a.metrics["residue_lines"] == 2


# -- NL102: inline ------------------------------------------------------------------------------

def test_inline_marker_between_sentences():
    text = article("The council voted on Tuesday. Advertisement The bill now goes to the mayor.")
    (finding,) = lint_text(text, residue.ResidueInline(SETTINGS))
    assert (finding.line, finding.code) == (3, "NL102")
    assert finding.fix.applicability.value == "unsafe"
    assert "Tuesday. The bill" in fix_text(text, residue.ResidueInline(SETTINGS), unsafe=True)
    assert fix_text(text, residue.ResidueInline(SETTINGS)) == text  # unsafe: --fix alone leaves it


@pytest.mark.parametrize("line", [
    "He bought an Advertisement from the agency, he said.",
    "The campaign's Advertisement Standards complaint was upheld.",
    "The ad ran for two weeks. Advertisements for the show were later withdrawn.",
])
def test_inline_marker_needs_sentence_boundaries(line):
    assert lint_text(article(line), residue.ResidueInline(SETTINGS)) == []


# -- NL103: repeated lines ------------------------------------------------------------------------

def test_line_printed_twice_in_a_row():
    caption = "Firefighters at the scene of the blaze in the city centre on Sunday."
    found = codes_by_line(article(caption, caption))
    assert found == {3: {"NL104"}, 4: {"NL103"}} or found.get(4, set()) >= {"NL103"}
    assert 4 in flagged(article(caption, caption))


def test_repeat_with_credit_appended():
    caption = "Firefighters at the scene of the blaze in the city centre on Sunday."
    found = codes_by_line(article(caption, caption + " (Jane Doe/Reuters)"))
    assert "NL103" in found[4] and "NL104" in found[4] and found[3] == {"NL104"}


def test_repeated_body_sentence_far_apart_is_a_pull_quote_not_residue():
    text = "\n".join([BODY[0], BODY[1], BODY[2], BODY[1], BODY[3]])
    assert flagged(text) == set()


def test_structured_lines_repeated_far_apart_are_not_flagged():
    schedule = ["Pre-Workout Meal", "Eat 60-90 minutes before your workout", "Post-Workout Meal",
                "Eat 1-2 hours after your workout"]
    text = "\n".join([BODY[0], *schedule, BODY[1], *schedule, BODY[2]])
    assert lint_text(text, residue.RepeatedLine(SETTINGS)) == []


# -- NL104: credits and captions -------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "(Jane Doe/AFP/Getty Images)", "AP Photo/John Smith", "Photo: Reuters", "Image copyright Getty Images",
    "Crowds gather outside the court on Monday. (Jane Doe/AFP/Getty Images)",
    "A trader works on the floor of the exchange. REUTERS/Jane Doe",
    "The harbour at dawn (Image: GETTY )", "Troops patrol the border town [File: Reuters]",
    "A model of the new habitat module. Credit: ESA",
    "FILE PHOTO: Traders work on the floor of the New York Stock Exchange.",
])
def test_credit_and_caption_lines(line):
    found = codes_by_line(article(line))
    assert found.get(3) == {"NL104"}, found


def test_caption_above_a_lone_credit_is_an_unsafe_caption():
    caption = "An artist's impression of the probe as it nears the moon's south pole."
    found = lint_text(article(caption, "(Image: © Example Space Agency)"), residue.PhotoCredit(SETTINGS))
    assert [(f.line, f.fix.applicability.value) for f in found] == [(3, "unsafe"), (4, "safe")]


def test_page_level_credit_does_not_make_the_last_paragraph_a_caption():
    text = article(tail=("Main image credit: Getty",))
    assert flagged(text) == {5}


@pytest.mark.parametrize("line", [
    "Sales rose 4% (ePA) in the quarter, the company said.",
    "The agency, known as the EPA, said it would review the rules (AP).".replace(" (AP).", "."),
    "He moved to Paris in 2010 and joined the firm as a partner.",
    "Shares in Example Corp rose 3% after the report (Reuters reported the deal earlier).",
])
def test_body_lines_with_agency_names_are_not_credits(line):
    assert flagged(article(line)) == set()


def test_footer_fragment_only_on_short_lines():
    assert flagged(article(tail=("Example Media Publications Pty Limited,",))) == {5}
    wrapped = "said Samuel Hunter, senior vice president for equity trading at Example Brothers Inc,"
    assert flagged(article(wrapped)) == set()
    assert flagged("CBS/FOX VIDEO SEES HIGHER 1987 REVENUES\n" + "\n".join(BODY)) == set()


# -- NL105: markup -------------------------------------------------------------------------------

def test_markup_tags_entities_and_placeholders():
    text = article("Prices rose&nbsp;3% in May.<br> [object Object]", "Shares of AT&amp;T fell {{ headline }}.")
    found = lint_text(text, residue.MarkupResidue(SETTINGS))
    fragments = [text[f.start:f.end] for f in found]
    assert fragments == ["&nbsp;", "<br>", "[object Object]", "&amp;", "{{ headline }}"]
    fixed = fix_text(text, residue.MarkupResidue(SETTINGS))
    assert "Prices rose\u00a03% in May.<br>" in fixed and "AT&T" in fixed  # entities decoded; tags left (unsafe)


def test_suppression_comments_are_not_markup():
    text = article("<!-- newslint: ignore[NL101] -->", "Advertisement")
    assert lint_text(text, residue.MarkupResidue(SETTINGS)) == []
    assert flagged(text) == set()  # the directive suppresses the Advertisement line below it


def test_script_line():
    text = article("googletag.cmd.push(function() { googletag.display('div-gpt-ad-1'); });")
    assert [f.code for f in lint_text(text, rules())] == ["NL105"]


def test_less_than_in_prose_is_not_a_tag():
    assert lint_text(article("Inflation was < 2% and unemployment > 5% in the region, <Acme Corp> said."),
                     residue.MarkupResidue(SETTINGS)) == []


# -- NL106: link lists, NL107: residue clusters ----------------------------------------------------

def test_link_titles_under_a_list_heading():
    text = article("Related articles", "Council approves new budget for schools",
                   "Floods close the valley road again")
    found = codes_by_line(text)
    assert found == {3: {"NL101"}, 4: {"NL106"}, 5: {"NL106"}}


def test_list_ends_at_the_first_sentence():
    text = article("More:", "Council approves new budget for schools")
    assert flagged(text) == {3, 4}


def test_all_capitals_promo_headline_inside_the_body():
    text = article("SINGER REVEALS WHY SHE WALKED AWAY FROM THE SHOW AFTER TEN YEARS")
    assert codes_by_line(text) == {3: {"NL106"}}
    assert flagged(article("HOW TO USE A WATER BATH CANNER")) == set()  # a short subhead
    assert flagged("CME BOARD LIMITS BUT DOES NOT BAN DUAL TRADING IN PITS\n" + "\n".join(BODY)) == set()


def test_unknown_lines_in_a_block_of_residue():
    text = article(tail=("Asia", "Afghanistan", "United States"))
    assert codes_by_line(text) == {5: {"NL101"}, 6: {"NL107"}, 7: {"NL107"}}


def test_one_short_line_next_to_residue_is_a_subhead():
    assert flagged(article("Advertisement", "Hostage swap")) == {3}


def test_lists_and_tables_without_residue_are_body():
    table = ["Qualified teams", "England (Group A): 10th appearance", "Spain (Group F): 11th appearance",
             "France (Group H): 10th appearance"]
    assert flagged(article(*table)) == set()
    assert flagged(article(tail=tuple(table))) == set()


def test_curly_quote_endings_are_sentence_ends():
    quote = "“We are profoundly pleased and relieved,” the prime minister said of the release, “and grateful”"
    assert flagged(article(tail=("Privacy Policy", quote))) == {5}


# -- is_residue_line ---------------------------------------------------------------------------------

def test_is_residue_line():
    assert residue.is_residue_line("Advertisement")
    assert residue.is_residue_line("(AP Photo/Evan Vucci)")
    assert not residue.is_residue_line(BODY[0])
    assert not residue.is_residue_line("")
    assert not residue.is_residue_line("Council approves new budget for schools")  # needs context


# -- the keyed matcher finds what a plain scan of the catalogue finds ---------------------------------

def naive_match(catalogue: Catalogue, text: str):
    """The catalogue's answer the slow, obvious way (the order the real matcher promises)."""
    c = clean(text)
    if not c:
        return None
    if len(text) <= 700:
        for e in catalogue.entries:
            if e.kind == "phrase" and e.scope == "line" and phrase_key(text) in {phrase_key(p) for p in e.phrases}:
                return e
        for e in catalogue.entries:
            if e.kind == "regex" and e.scope == "line" and not e.triggers:
                if any(re.fullmatch(p, c, re.IGNORECASE) for p in e.patterns):
                    return e
        for e in catalogue.entries:
            if e.scope == "line-contains" and any(clean(p).lower() in c.lower() for p in e.phrases):
                return e
        for e in catalogue.entries:
            if e.kind == "regex" and e.scope == "line" and e.triggers and \
                    any(t in c.lower() for t in e.triggers) and any(re.fullmatch(p, c, re.I) for p in e.patterns):
                return e
        if c[0] == "(" and c[-1] == ")" and c[1:-1].strip():
            inner = naive_match(catalogue, c[1:-1].strip())
            if inner is not None:
                return inner
    if text.rstrip()[-1:] in tuple(".?!\"'\u2019\u201d"):
        return None
    return catalogue.match_end(text)


def sample_lines() -> list[str]:
    lines = [line for seed in SEEDS for line in seed.read_text(encoding="utf-8").split("\n")]
    lines += [x for e in ENTRIES for x in e.examples if e.scope != "inline"]
    lines += [x.upper() for x in lines[-200:]] + [x.lower() for x in lines[-200:]]
    words = [w for line in lines for w in line.split()][:400]
    lines += [" ".join(words[i:i + n]) for n in (1, 2, 3, 5) for i in range(0, len(words) - n, 7)]
    return lines


def test_keyed_matcher_agrees_with_a_plain_scan():
    catalogue = Catalogue(ENTRIES)
    for line in sample_lines():
        expected = naive_match(catalogue, line)
        got = catalogue.match_line(line)
        assert (got is None) == (expected is None), line


def test_alternatives_split_at_top_level_only():
    assert split_alternatives(r"a|(b|c)|[|]|\|d") == ["a", "(b|c)", "[|]", r"\|d"]


# -- residue_line_flags: a whole article at once, the same answers as is_residue_line -------------------

def assert_flags_agree(lines: list[str]) -> None:
    got = residue.residue_line_flags(lines)
    expected = [residue.is_residue_line(line) for line in lines]
    assert len(got) == len(lines)
    wrong = [(i, line, flag) for i, (line, flag, want) in enumerate(zip(lines, got, expected)) if flag != want]
    assert wrong == []


#: Lines built to reach each route of the matcher in its awkward forms: odd whitespace that clean()
#: collapses, curly quotes, decoration, brackets, credits at the end, lines over MAX_LINE.
EDGE_LINES = [
    "", " ", "\t", "\u200b", "\ufeff", "\u00a0", "   \t  ", "|", "| | |", "»", "• • •", "-", "--- ", ":", "…",
    "Advertisement", "  Advertisement  ", "ADVERTISEMENT", "Advertisement:", "» Advertisement", "• Advertisement |",
    "Advertisement\u00a0", "Adver\u200btisement", "(Advertisement)", "( Advertisement )", "[Advertisement]",
    "(Story continues below)", "(Story continues below).", "(The council met on Monday.)", "()", "( )",
    "(AP Photo/Evan Vucci)", "(AP\tPhoto/Evan Vucci)", "(Photo:\tJane Doe)", "(Photo:  Jane Doe)",
    "The harbour at dawn on Tuesday (Image: GETTY )", "The harbour at dawn on Tuesday (Image: GETTY ).",
    "The harbour at dawn on Tuesday (Image: GETTY )  ", "A trader at the exchange in New York. REUTERS/Jane Doe",
    "Crowds gather outside the court. Credit: Jane Doe", "Crowds gather outside the court. Credit:\tJane Doe",
    "Example Media Publications Pty Limited,", "Example Media  Publications Pty\u00a0Limited,",
    "All rights reserved.", "All  rights\treserved.", "all rights\u3000reserved", "ALL RIGHTS RESERVED",
    "Copyright 2019 The Associated Press. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "This material may not be published,  broadcast, rewritten or redistributed.",
    "When you buy through links on our site, we may earn an affiliate commission.",
    "When you buy through  links on our site, we may earn an affiliate commission.",
    "Example Media may receive a commission", "The commission said it would decide on Monday.",
    "Politics | Business | Sport | Culture", "Politics  |  Business |\tSport | Culture", "Home | News | World",
    "Politics - Business - Sport - Culture", "Politics\u3000-\u3000Business - Sport - Culture",
    "Politics  -  Business  -  Sport  -  Culture", "The bill - which passed - now goes to the mayor.",
    "Jane Doe/AFP/Getty Images", "Jane Doe / AFP / Getty Images", "Jane Doe/ AFP", "Jane Doe/\tAFP",
    "We use cookies to ensure that we give you the best experience on our website.",
    "We  use cookies", "This site uses\u00a0cookies", "Cookie settings",
    "The Washington Post relies on advertising to support its journalism.",
    "The Washington Post  relies on advertising.", "The\tpaper relies on readers.", "We rely on readers",
    "The Star depends on readers.", "The Star  depends on\treaders.", "The Star depends\u00a0on readers",
    "The Bank  depends on readers, and we thank every one of them for their support this year.",
    "Scroll to" + " " * 70 + "continue with content", "Scroll to continue with\tcontent" + " :" * 40,
    "The harbour at dawn on Tuesday (Image: GETTY IMAGES via the local news agency)",
    "A trader at the exchange in New York. REUTERS\t/Jane Doe", "Shares fell. AP\t/ John Smith",
    "Read more: Council votes to close the library", "READ MORE:  Council votes", "Read more »",
    "Related: Seven strange signs of a food allergy", "Profile: David Miliband", "Factbox: Trump on Twitter",
    "“We are profoundly pleased and relieved,” the prime minister said", "\u2018Quoted\u2019",
    "He said: \u201cno.\u201d", "It\u2019s over\u2019", "Officials said the bridge would reopen on Monday.",
    "Officials said the bridge would reopen on Monday", "Officials said the bridge would reopen on Monday. ",
    "Officials said the bridge would reopen on Monday.\u200b", "Officials\u2009said it\u00c2\u00a0would reopen",
    "Share this article", "Share  this\tarticle", "Share on Facebook Share on Twitter",
    "İstanbul is the largest city", "KELVIN \u212a", "ſhare this article", "Σ \u03a3\u03c3\u03c2",
    "1986/87 GRAIN/OILSEED REGISTRATIONS", "Sunflowerseed total 15.0 (7.9)", "Soybean May 20.0, total 20.0 (nil)",
    "Tags: budget, schools", "Filed under: Politics", "filed under:", "Advertisement\r", "Photo: Reuters\r",
    "Ad :::", "Go >>>", "UK |||||||||", "Top \u2192 \u2192", "Ad", "TV", "x",
    "The council met on Monday.\r",
    "x" * 701, "Advertisement" + " " * 700, "\u200b" * 700 + "Advertisement", "\u00c2\u00a0" * 350 + "Advertisement",
    "\u200b" * 688 + "Advertisement", "Advertisement" + "\u200b" * 690, "(AP Photo/Evan Vucci)".rjust(750), "Photo: Reuters".rjust(720),
    "All rights reserved. " * 40, "The council met. " * 50 + "(Jane Doe/AFP/Getty Images)",
]


def article_variants(lines: list[str]) -> list[list[str]]:
    """One article, and forms of it: case changed, indented, decorated, whitespace doubled, curly quotes."""
    return [
        lines,
        [line.upper() for line in lines],
        [line.lower() for line in lines],
        ["  " + line for line in lines],
        ["\u2022 " + line + " \u00bb" for line in lines],
        [line.replace(" ", "  ") for line in lines],
        [line.replace(" ", "\t", 1) for line in lines],
        [line.replace(" ", "\u00a0") for line in lines],
        [line.replace("'", "\u2019").replace('"', "\u201d") for line in lines],
        [line[:9] for line in lines],
        [line[:40] for line in lines],
    ]


@pytest.mark.parametrize("path", SEEDS + [ROOT / "tests" / "data" / "legit_mixed_case.txt"], ids=lambda p: p.name)
def test_line_flags_agree_on_real_text(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    for variant in article_variants(lines):
        assert_flags_agree(variant)


def test_line_flags_agree_on_every_example_of_every_entry():
    examples = [x for e in ENTRIES for x in e.examples]
    assert any(residue.residue_line_flags(examples))
    for variant in article_variants(examples):
        assert_flags_agree(variant)
    # Each example inside a body, and with its neighbours' lines.
    body = [line for seed in SEEDS for line in seed.read_text(encoding="utf-8").split("\n")][:40]
    for i in range(0, len(examples), 7):
        assert_flags_agree(body[:5] + examples[i:i + 7] + body[5:])


def test_line_flags_agree_on_edge_cases():
    assert residue.residue_line_flags([]) == []
    assert residue.residue_line_flags([""]) == [False]
    assert_flags_agree(EDGE_LINES)
    for variant in article_variants(EDGE_LINES):
        assert_flags_agree(variant)
    for line in EDGE_LINES:  # alone, and as the only line of an ASCII or non-ASCII article
        assert_flags_agree([line])
        assert_flags_agree(["Caf\u00e9 owners met.", line, ""])


def test_line_flags_agree_on_random_articles():
    """Lines cut and glued from the seeds and the examples, with the characters clean() treats specially."""
    import random
    rng = random.Random(20240607)
    pool = sample_lines() + EDGE_LINES
    odd = [" ", "  ", "\t", "\r", "\u00a0", "\u3000", "\u200b", "\u2019", "\u201c", "\u2014", "|", "»", "•", ".", ":",
           "(", ")", "/", "-", " - ", "\u00c2\u00a0", "\u2009", "\n"]
    for _ in range(400):
        lines = []
        for _ in range(rng.randint(0, 12)):
            line = rng.choice(pool)
            for _ in range(rng.randint(0, 3)):
                at = rng.randint(0, len(line))
                line = line[:at] + rng.choice(odd) + line[at:]
            if rng.random() < 0.2:
                line = line[rng.randint(0, len(line)):] if rng.random() < 0.5 else line[:rng.randint(0, len(line))]
            lines.append(line)
        assert_flags_agree(lines)  # a line holding "\n" included: tested line by line


# -- the rules' own whole-line verdicts, and sharing them with the duplicate rules -------------------

def shared_flags_after_check(text: str, settings=SETTINGS):
    """``shared_residue_lines`` after the rules analysed ``text``, as one flag per line (or None)."""
    from newslint import Article
    residue.analyse(Article("a.txt", text), residue.catalogue_for(settings))
    found = residue.shared_residue_lines(text)
    if found is None:
        return None
    return [i in found for i in range(text.count("\n") + 1)]


def test_the_rules_match_every_line_the_line_test_matches_whatever_its_spacing():
    """The per-article pre-scan may only skip what cannot match: a credit written with a
    non-breaking space or two spaces ("Jane Doe /\u00a0AP") is a credit to the rules too."""
    for line in ["John Smith /\u00a0AP", "John Smith /  AP", "Copyright 2020 Example. All rights re\u200bserved."]:
        assert residue.is_residue_line(line)
        assert flagged(article(line)) == {3}, line
    # Each awkward line alone in an article (so no other line's words help the scan), in its variants.
    for variant in article_variants(EDGE_LINES):
        for line in variant:
            if "\r" in line or "\n" in line:
                continue
            text = "\n".join([BODY[0], line, BODY[1]])
            assert shared_flags_after_check(text) == [False, residue.is_residue_line(line), False], repr(line)


def test_shared_residue_lines_are_the_line_tests_answers_for_the_text_just_checked():
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        assert shared_flags_after_check(text) == [residue.is_residue_line(line) for line in text.split("\n")]
    text = article("Advertisement", "Share this article")
    assert shared_flags_after_check(text) == [residue.is_residue_line(line) for line in text.split("\n")]
    assert sum(shared_flags_after_check(text)) == 2
    # Only for that very text object, checked with the built-in packs alone, every line tested.
    assert residue.shared_residue_lines("".join(list(text))) is None
    assert shared_flags_after_check(text, residue.Settings(allow=("Share this article",))) is None
    assert shared_flags_after_check(text, residue.Settings(disable=("share-button",))) is None
    assert shared_flags_after_check("<!-- newslint: disable -->\n" + text) is None
    assert shared_flags_after_check(text.replace("\n", "\r\n")) is None


def test_line_flags_follow_the_packs():
    """The shortcuts come from the catalogue: entries of a new pack are found just as match_line finds them."""
    pack = parse_pack({"pack": {"name": "extra"}, "rules": [
        {"name": "love-pitch", "kind": "regex", "pattern": r"(?:we|the \w+) (?:loves?|hates?) (?:our|your) readers\b.{0,40}"},
        {"name": "house-notice", "scope": "line-contains", "phrases": ["please  read the house rules", "moderated by"]},
        {"name": "pipe-menu", "kind": "regex", "triggers": [" :: ", "~"], "pattern": r"\w+(?: :: \w+){2,}|~\w+~"},
        {"name": "signed-off", "scope": "line-end", "kind": "regex", "triggers": ["--"], "pattern": r"--\s?[A-Z]\w+"},
        {"name": "house-phrase", "phrases": ["The Gazette Daily"]},
    ]}, "extra", builtin=True)
    catalogue = Catalogue(ENTRIES + pack.entries)
    lines = ["The paper loves our readers, thank you.", "The  paper\tloves your readers", "the board hates our readers",
             "Then we loves our readers", "Comments are moderated by our staff.", "Please read the house rules here",
             "News :: Sport :: Weather", "News  ::  Sport  ::\tWeather", "~Menu~", "The vote was close --Jane",
             "The vote was close -- Jane", "The vote was close. --Jane", "The Gazette Daily", "THE GAZETTE  DAILY.",
             "The council met on Monday.", "", *EDGE_LINES[:40]]
    for variant in article_variants(lines):
        got = catalogue.line_flags(variant)
        assert got == [catalogue.match_line(line) is not None for line in variant]
    assert catalogue.line_flags(lines)[:3] == [True, True, True]


def test_line_flags_with_user_patterns_test_line_by_line(tmp_path):
    pack = parse_pack({"rules": [{"name": "house-slogan", "kind": "regex", "pattern": "the gazette: news you trust"}]},
                      "house", builtin=False)
    catalogue = Catalogue(ENTRIES + pack.entries)
    lines = ["The Gazette: news you trust", "Advertisement", "The council met on Monday."]
    assert catalogue.line_flags(lines) == [True, True, False]


def test_whitespace_is_what_str_isspace_accepts():
    import sys
    from newslint_plugins._residue_catalogue import WHITESPACE
    assert sorted(WHITESPACE) == [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]


def test_clean_collapses_whitespace_as_the_regex_did():
    import random
    from newslint_plugins._residue_catalogue import WHITESPACE, normalise
    rng = random.Random(7)
    alphabet = list(WHITESPACE) + list("ab-.|:»") + ["\u00c2", "\u200b", "\u2019"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        old = normalise(text)
        if "  " in old or "\t" in old:
            old = re.sub(r"\s+", " ", old)
        old = old.strip()
        assert clean(text) == (old.lstrip(" \t•·*▪►▶■□●○◆◇>»›|-").rstrip(" \t:.!|»›>→…-") or old)


# -- user packs: files, inline rules, disable, allow -------------------------------------------------

HOUSE = '''
[pack]
name = "house"

[[rules]]
name = "house-promo"
code = "ACME101"
message = "house promotion"
phrases = ["Get the Gazette app"]
examples = ["Get the Gazette app"]

[[rules]]
name = "house-slogan"
message = "house slogan"
kind = "regex"
pattern = 'the gazette: news (?:you|we) trust'
'''


def run_json(tmp_path: Path, config: str, text: str, *extra: str):
    (tmp_path / "newslint.toml").write_text(config, encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    result = run_cli(["check", "--format", "json", "--exit-zero", "--config", str(tmp_path / "newslint.toml"),
                      "--no-cache", *extra, str(tmp_path / "a.txt")])
    return result


def test_pack_file_adds_rules_and_a_rule_of_its_own_code(tmp_path):
    (tmp_path / "house.toml").write_text(HOUSE, encoding="utf-8")
    text = article("Get the Gazette app", "The Gazette: News You Trust")
    result = run_json(tmp_path, '[residue]\npacks = ["house.toml"]\n', text, "--select", "NL1,ACME")
    assert result.exit_code == 0, result.stderr
    found = {(f["line"], f["code"]) for f in json.loads(result.stdout)}
    assert found == {(3, "ACME101"), (4, "NL101")}


def test_inline_rules_in_the_configuration(tmp_path):
    config = '[[residue.rules]]\nname = "tip-line"\nmessage = "tip line"\nphrases = ["Send us your tips"]\n'
    result = run_json(tmp_path, config, article("Send us your tips"), "--select", "NL101")
    assert result.exit_code == 0, result.stderr
    assert [(f["line"], f["code"]) for f in json.loads(result.stdout)] == [(3, "NL101")]


def test_disable_packs_and_allow(tmp_path):
    text = article(tail=("Advertisement", "Privacy Policy", "Highlights"))
    assert flagged(text) == {5, 6, 7}
    config = '[residue]\ndisable-packs = ["advertising", "related"]\nallow = ["privacy policy"]\n'
    result = run_json(tmp_path, config, text, "--select", "NL1")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("config, message", [
    ('[residue]\ndisable-packs = ["advertsing"]\n', "did you mean advertising"),
    ('[residue]\npacks = ["missing.toml"]\n', "cannot read residue pack"),
    ('[[residue.rules]]\nname = "bad"\npattern = "(unclosed"\n', "invalid regular expression"),
    ('[[residue.rules]]\nname = "slow"\npattern = "(a|aa)+$"\n', "backtracks catastrophically"),
    ('[[residue.rules]]\nname = "Bad Name"\nphrases = ["x"]\n', "kebab-case"),
    ('[[residue.rules]]\nname = "x"\nphrases = ["x"]\nscope = "page"\n', "scope must be one of"),
    ('[[residue.rules]]\nname = "x"\nphrases = ["x"]\ncode = "NL150"\n', "reserved for newslint"),
    ('[[residue.rules]]\nname = "advertisement-marker"\nphrases = ["x"]\n', "already used"),
])
def test_configuration_errors_are_usage_errors(tmp_path, config, message):
    result = run_json(tmp_path, config, article())
    assert result.exit_code == 2
    assert message in result.stderr


def test_catastrophic_pattern_at_run_time_is_a_clear_error_not_a_hang():
    # Survives the configure-time probes, backtracks exponentially on a long enough line.
    entry = Entry("slow", "NL101", "slow", "regex", "line", "delete-line", "house", patterns=(r"(x+x+)+y",),
                  builtin=False)
    entry.patterns = (r"(?:a|aa)+b",)
    catalogue = Catalogue([entry], timeout=0.05)
    start = time.perf_counter()
    assert catalogue.match_line("a" * 60) is None
    assert time.perf_counter() - start < 2
    (message,) = catalogue.take_timeouts()
    assert "timed out" in message and "'slow'" in message
    assert catalogue.match_line("a" * 60) is None and catalogue.take_timeouts() == []  # disabled after one


def test_timeout_becomes_an_nl002_finding(tmp_path):
    # The configure-time probes hold no "q": this pattern passes them and times out on the article.
    (tmp_path / "slow.toml").write_text('[[rules]]\nname = "slow"\npattern = \'(?:q|qq)+b\'\n', encoding="utf-8")
    config = '[residue]\npacks = ["slow.toml"]\ntimeout = 0.02\n'
    start = time.perf_counter()
    result = run_json(tmp_path, config, article("q" * 80, "q" * 90), "--select", "NL1")
    assert time.perf_counter() - start < 10
    findings = json.loads(result.stdout)
    errors = [f for f in findings if f["code"] == "NL002"]
    assert len(errors) == 1 and "'slow'" in errors[0]["message"] and "timed out" in errors[0]["message"]
    assert result.exit_code == 2


def test_pack_errors_name_the_pack_and_rule():
    with pytest.raises(PackError, match=r"pack 'p', rule 'x': scope line-end needs kind"):
        parse_pack({"rules": [{"name": "x", "phrases": ["a"], "scope": "line-end"}]}, "p", builtin=False)
    with pytest.raises(PackError, match="unknown key"):
        parse_pack({"rules": [{"name": "x", "phrases": ["a"], "phrase": "b"}]}, "p", builtin=False)


def test_validate_raises_usage_error():
    bad = residue.Settings(allow_patterns=("(",))
    with pytest.raises(UsageError, match="allow-patterns"):
        residue.validate(bad)


def test_precomputed_first_keys_are_current():
    """plugins/data/residue/keys.json: rebuild with scripts/build_residue_keys.py after editing a pack."""
    from newslint_plugins._residue_catalogue import KEYS_FILE, first_keys, pattern_digest
    known = json.loads(KEYS_FILE.read_text(encoding="utf-8"))
    catalogue = Catalogue(ENTRIES)
    stale = []
    for alternative, entry in catalogue._line_alts:
        found = first_keys(alternative)
        expected = None if found is None else [sorted(found.words), list(found.prefixes)]
        if known.get(pattern_digest(alternative), "missing") != expected:
            stale.append(entry.name)
    assert stale == [], "run scripts/build_residue_keys.py"
