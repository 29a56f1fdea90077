"""Unnamed-sourcing rules NL301-NL305: cues, windows, the phrase classifier, options, metrics."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest

from newslint import Article
from newslint.testing import lint_text, run_cli
from newslint_plugins import sourcing
from newslint_plugins._sourcing_analyse import Analyser
from newslint_plugins._sourcing_classify import NAMED, UNNAMED, Phrase, Verdict, classify
from newslint_plugins._sourcing_lexicon import extension_key, load_lexicon, trie_pattern
from newslint_plugins._sourcing_text import quote_spans, sentence_starts

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED0 = (SEEDS / "000_568fc9d2fd088067.txt").read_text(encoding="utf-8")


def make_rules(**options):
    registered = []
    config = SimpleNamespace(table=lambda name: {k.replace("_", "-"): v for k, v in options.items()})
    sourcing.newslint_register_rules(registered.append, config)
    return {rule.code: rule for rule in registered}


RULES = make_rules()


def lint(text, *codes, rules=None):
    rules = rules or RULES
    chosen = [rules[c] for c in codes] if codes else list(rules.values())
    return lint_text(text, chosen)


def flagged(sentence, rules=None):
    """The source phrases NL301 reports in one sentence."""
    return [sentence[f.start:f.end] for f in lint(sentence, "NL301", rules=rules)]


# -- the first seed article ------------------------------------------------------------------------

# Every unnamed attribution of seed 000, by line: (line, the source phrase NL301 must span).
SEED_UNNAMED = {
    (1, "three senior administration officials"),
    (2, "The first senior administration source"), (2, "The official"), (2, "They"),
    (3, "The second administration official"), (3, "The source"),
    (9, "The third senior administration official"), (9, "The source familiar"),
    (14, "Two administration officials familiar with the matter"), (14, "One source"),
    (15, "Sources"),
    (16, "The source with knowledge of discussions"), (16, "The source"),
    (17, "The source familiar"),
    (20, "a fourth senior administration official"),
    (22, "This official"),
}
SEED_NAMED = ["Haley told CBS", "Trump said in Florida", "Zakharova confirmed", "Haley shot back",
              "Heather Nauert said", "Nauert said", "Trump said afterward"]


def test_seed_every_unnamed_attribution_found():
    found = {(f.line, SEED0[f.start:f.end]) for f in lint(SEED0, "NL301")}
    assert found == SEED_UNNAMED


def test_seed_second_source_of_a_sentence_is_listed():
    first = [f for f in lint(SEED0, "NL301") if f.line == 1][0]
    assert '"a source familiar with the discussions" (anonymous source)' in first.message


def test_seed_named_attributions_are_not_flagged():
    spans = [(f.start, f.end) for f in lint(SEED0, "NL301")]
    for named in SEED_NAMED:
        at = SEED0.index(named)
        assert not any(s < at + len(named) and at < e for s, e in spans), named
    analysis = Analyser(load_lexicon()).analyse(SEED0)
    kinds = {SEED0[a.start:a.end]: a.kind for a in analysis.attributions}
    assert kinds["State Department spokeswoman Heather Nauert"] == NAMED
    assert kinds["Russian Foreign Ministry spokeswoman Maria Zakharova"] == NAMED
    assert kinds["Haley"] == NAMED and kinds["Trump"] == NAMED


def test_seed_other_rules_and_metrics():
    article = Article("seed.txt", SEED0)
    findings = lint(SEED0)
    by_code = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    assert [SEED0[f.start:f.end] for f in by_code["NL302"]] == ["One source", "Sources"]
    assert len(by_code["NL303"]) == 1 and "no reason" in by_code["NL303"][0].message
    (share,) = by_code["NL305"]
    assert share.message.startswith("17 of 26 attributions (65%)")
    assert "NL304" not in by_code  # "Trump continues to believe" is a named belief, not an attribution
    RULES["NL301"].shared.of(article)
    assert article.metrics == {"attributions": 26, "named_attributions": 9, "unnamed_attributions": 17,
                               "unnamed_sentences": 16, "unnamed_share": 0.6538}


# -- NL301 on single sentences ---------------------------------------------------------------------

UNNAMED_CASES = [
    ("The deal was signed on Monday, two people familiar with the talks said.", "two people familiar with the talks"),
    ("The plant will close in May, according to a person close to the company.", "a person close to the company"),
    ('"We are looking at every option," said a spokesman for the finance ministry.', "a spokesman for the finance ministry"),
    ("A Treasury spokeswoman declined to comment on the figures but said talks would continue.", "A Treasury spokeswoman"),
    ("Prices are likely to rise again next month, analysts said.", "analysts"),
    ("Traders said demand from Asian buyers had dried up.", "Traders"),
    ("Senate Democrats said the bill would cut health coverage for millions.", "Senate Democrats"),
    ("Some economists expect the central bank to raise rates in June.", "Some economists"),
    ("The region's economy will shrink by 2 percent next year, according to a new report.", "a new report"),
    ("A recent study found that most commuters would switch to rail if fares fell.", "A recent study"),
    ("The Guardian has learned that the minister offered to resign twice.", "The Guardian"),
    ("It is understood that the board met in private on Sunday.", "is understood"),
    ("The official, who spoke on condition of anonymity, said no decision had been made.", "The official"),
    ("A senior party figure, who declined to be named, told reporters the leader would stay.", "A senior party figure"),
    ("The aide, who asked not to be identified, gave no further details of the meeting.", "The aide"),
    ("Investigators believe the fire was started deliberately.", "Investigators"),
    ("Citing two sources with knowledge of the plan, the newspaper said the merger was off.", "two sources with knowledge of the plan"),
    ("Congressional aides who asked not to be named said a vote could come next week.", "Congressional aides"),
    ("Sales fell 4 pct in the quarter, a company spokesman told Reuters.", "a company spokesman"),
    ("A leading German banker said the rate cut had come too late.", "A leading German banker"),
    ("WASHINGTON (Reuters) - Officials at the agency have said the rules will be rewritten.", "Officials at the agency"),
    ("The talks collapsed late on Friday, said current and former U.S. officials, diplomats and lawmakers.", "current and former U.S. officials"),
    ("Critics say the plan does little for renters.", "Critics"),
    ("The company is weighing a sale of the unit, Bloomberg reported, citing unnamed sources.", "unnamed sources"),
    ("The incident was first reported by local news outlets.", "local news outlets"),
    ("Trump to name a new envoy to Moscow: sources", "sources"),
    ("Several people who have seen the draft said it runs to 300 pages.", "Several people"),
    ("Leading Democrats in the House, citing the cost, on Friday called for a new vote.", "Leading Democrats in the House"),
    ("Economists polled by Reuters expect the bank to hold rates.", "Economists polled by Reuters"),
    ("According to a draft seen by the paper, the summit will call for restraint.", "a draft"),
    ("Some U.S. officials feel the sanctions have failed.", "Some U.S. officials"),
    ("Paramedics said two people were taken to hospital.", "Paramedics"),
    ("One passenger told the radio station that the train had stopped twice.", "One passenger"),
]


@pytest.mark.parametrize("sentence, phrase", UNNAMED_CASES)
def test_unnamed_sources_are_flagged(sentence, phrase):
    assert flagged(sentence) == [phrase]


NOT_UNNAMED_CASES = [
    # named people, organisations, publications and on-record documents
    "State Department spokeswoman Heather Nauert said the review was continuing.",
    "Alyssa Ayres, a former State Department official, said the move was overdue.",
    '"We are not going anywhere," Smith told reporters on Tuesday.',
    '"The numbers speak for themselves," said Jane Doe, an economist at the university.',
    "The Pentagon said the drills would go ahead as planned.",
    "The company said its profit rose 12 percent.",
    "The Interior Ministry said in a statement that the border would reopen.",
    "Police said the driver had been arrested.",
    "The ruling was delayed until March, according to a court filing.",
    "Turnout fell sharply, the New York Times reported on Sunday.",
    "Support for the plan rose to 54 percent, according to a Reuters/Ipsos poll.",
    "The head of the Senate banking panel said hearings would start in May.",
    "The deal is worth $2 billion, Chief Executive Mary Barra said.",
    "But Newcastle director of rugby Rob Andrew said the player was fit.",
    "Marc Lewis, a strategist at a London bank told Reuters that no change was expected.",
    "Sales rose 5 pct, said EEF chief economist, Steve Radley.",
    # pronouns whose speaker is named
    "Mayor Lisa Chan visited the site on Monday. She said repairs would take a year.",
    # cue words that attribute nothing
    "Officials were charged with fraud after the audit.",
    "Pollution is a major source of concern for residents.",
    "The think tank published its annual survey of member states.",
    "An estimated 5,000 people attended the rally.",
    "Profit was higher than analysts had expected.",
    "The bill stalled after Republicans added provisions on abortion.",
    "Trump believes the talks will succeed.",
    "A man suspected of arson has been charged.",
    "Officials did not say when the bridge would reopen.",
    "Lawyers worry the ruling will slow other cases.",
    # cue words inside quoted speech
    '"Sources say a lot of things, officials said so too," Mr. Jones told the committee.',
    "The Bank of England said it had revised its estimate back to its initial forecast of 550 mln stg.",
    "Chancellor of the Exchequer Nigel Lawson criticised the coverage.",
    "Chinese state media said the ship had docked in Shanghai.",
    "The market doubled, according to a recent report by analysts Screen Digest.",
    "The award has not been confirmed by a court.",
    "Obama, back on the campaign trail on Thursday, called on voters to reject division.",
    '"Not a single year of gain," says veteran industry analyst Ken Doctor.',
    "BBC News spoke to analysts about shareholder worries over the bid.",
    "What economics tells us is that the trap is hard to escape.",
    "Lord Condon, head of the anti-corruption unit, who made the call, said the penalty was too low.",
]


@pytest.mark.parametrize("sentence", NOT_UNNAMED_CASES)
def test_named_and_non_attributions_are_not_flagged(sentence):
    assert flagged(sentence) == []


def test_one_finding_per_sentence_and_paragraph_sentences_split():
    text = ("Mr. Brown met U.S. officials in Sen. Clark's office. Officials said the talks went well, "
            "and analysts said the dollar rose. Gov. J. R. Smith said nothing.\n")
    findings = lint(text, "NL301")
    assert [text[f.start:f.end] for f in findings] == ["Officials"]
    assert 'also "analysts" (unnamed group)' in findings[0].message


def test_pronoun_takes_its_speakers_kind():
    text = "A company spokesman said sales fell.\nHe said prices would rise.\n"
    assert [text[f.start:f.end] for f in lint(text, "NL301")] == ["A company spokesman", "He"]
    named = "Ms Patel said sales fell.\nShe said prices would rise.\n"
    assert lint(named, "NL301") == []


def test_straight_and_curly_quotes_mask_cues():
    assert quote_spans('a "b" c “d” e "f', 0, 16) == [(2, 5), (8, 11), (14, 16)]
    assert lint('He added: "Officials said it, and sources say it too."\n', "NL301") == []


def test_sentence_starts_protect_abbreviations():
    text = "Mr. Smith and Dr. Jones met U.S. officials. They left. J. Doe stayed."
    assert sentence_starts(text, 0, len(text)) == [0, 44, 55]


# -- NL302 to NL305 --------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, bare", [
    ("Sources say the deal is close.", ["Sources"]),
    ("A source said the minister would resign.", ["A source"]),
    ("Informed sources said the bid would be raised.", ["Informed sources"]),
    ("A source familiar with the talks said the bid would be raised.", []),
    ("Trade sources said the cargo was sold.", []),
    ("The source said the cargo was sold.", []),
])
def test_bare_source(sentence, bare):
    assert [sentence[f.start:f.end] for f in lint(sentence, "NL302")] == bare


@pytest.mark.parametrize("sentence, flagged_marker", [
    ("A central bank official, who declined to be named, said the surplus would grow.", "declined to be named"),
    ("The officials spoke on condition of anonymity.", "on condition of anonymity"),
    ("An aide, who asked not to be named because he was not authorized to speak, said no.", None),
    ("A diplomat who spoke on condition of anonymity to discuss private talks said no.", None),
])
def test_anonymity_without_reason(sentence, flagged_marker):
    found = [sentence[f.start:f.end] for f in lint(sentence, "NL303")]
    assert found == ([flagged_marker] if flagged_marker else [])


def test_anonymity_reason_per_article_option():
    text = "Officials said the plan was dropped.\n"
    assert len(lint(text, "NL303")) == 1
    quiet = make_rules(reason_per_article=False)
    assert lint(text, "NL303", rules=quiet) == []
    assert lint("Analysts said the plan was dropped.\n", "NL303") == []  # a group, not an anonymous person


@pytest.mark.parametrize("sentence, opinion", [
    ("Officials believe the attack was planned abroad.", "Officials believe"),
    ("Some analysts expect a rate cut in June.", "Some analysts expect"),
    ("Officials said the attack was planned abroad.", None),
    ("Smith believes the attack was planned abroad.", None),
    ("Residents fear the river will flood again.", None),
])
def test_unnamed_opinion(sentence, opinion):
    found = [sentence[f.start:f.end] for f in lint(sentence, "NL304")]
    assert found == ([opinion] if opinion else [])


def test_unnamed_share_threshold_and_minimum():
    three = "Officials said A.\nAides said B.\nSmith said C.\n"
    assert lint(three, "NL305") == []  # fewer than four attributions
    four = three + "Analysts said D.\n"
    (finding,) = lint(four, "NL305")
    assert finding.message == "3 of 4 attributions (75%) are to unnamed sources (threshold 50%)"
    assert lint(four, "NL305", rules=make_rules(share_threshold=0.8)) == []
    assert len(lint(three, "NL305", rules=make_rules(share_min_attributions=3))) == 1
    half = "Officials said A.\nAides said B.\nSmith said C.\nJones said D.\n"
    assert lint(half, "NL305") == []  # exactly half does not pass 0.5


# -- lexicons, options and the classifier ----------------------------------------------------------

def test_user_lexicon_extensions():
    plain = "A handler quipped that the horse was fine."
    assert flagged(plain) == []
    rules = make_rules(cue_verbs=["quipped"], source_heads=["handler"])
    assert flagged(plain, rules) == ["A handler"]
    assert flagged("Bondholders said they would sue.") == []
    assert flagged("Bondholders said they would sue.", make_rules(group_words=["bondholders"])) == ["Bondholders"]
    # a capitalised word listed as a name stop-word never makes a source named
    assert flagged("Insiders Weekly said the deal was off.") == []
    assert flagged("The Insiders said the deal was off.", make_rules(group_words=["insiders"])) == ["The Insiders"]


def test_groups_can_count_as_named():
    text = "Analysts said A.\nTraders said B.\nOfficials said C.\nSmith said D.\n"
    assert len(lint(text, "NL301")) == 3
    rules = make_rules(groups_unnamed=False)
    assert [text[f.start:f.end] for f in lint(text, "NL301", rules=rules)] == ["Officials"]
    assert lint(text, "NL305", rules=rules) == []


def test_extension_key_is_hashable_and_sorted():
    key = extension_key({"cue-verbs": ["b", "a"], "share-threshold": 0.5})
    assert ("cue-verbs", ("a", "b")) in key
    assert load_lexicon(key) is load_lexicon(key)


def test_trie_pattern_matches_exactly_the_words():
    import regex
    pattern = regex.compile(r"\b" + trie_pattern(["said", "says", "say", "according to"]) + r"\b")
    assert pattern.findall("he says she said they say, according to them; sayings") == \
        ["says", "said", "say", "according to"]


def test_classifier_is_replaceable():
    def everyone_is_named(phrase, lex):
        return Verdict(NAMED, phrase.words[-1], "name")
    analyser = Analyser(load_lexicon(), classifier=everyone_is_named)
    analysis = analyser.analyse("Officials said the talks failed.")
    assert [a.kind for a in analysis.attributions] == [NAMED]


@pytest.mark.parametrize("words, kind", [
    (["two", "senior", "officials"], UNNAMED),
    (["a", "spokesman", "for", "the", "ministry"], "spokesperson"),
    (["the", "company"], NAMED),
    (["a", "Japanese", "bank"], UNNAMED),
    (["analysts"], "group"),
    (["a", "new", "report"], "document"),
    (["a", "court", "filing"], NAMED),
    (["Heather", "Nauert"], NAMED),
    (["people"], "none"),
    (["people", "familiar", "with", "the", "matter"], UNNAMED),
    (["an", "official", "named", "Jhony"], NAMED),
])
def test_classify(words, kind):
    assert classify(Phrase(words), load_lexicon()).kind == kind


def test_rules_pickle_without_their_cache():
    rule = make_rules()["NL301"]
    lint(SEED0, "NL301", rules={"NL301": rule})
    clone = pickle.loads(pickle.dumps(rule))
    assert clone.shared._last is None and clone.shared._analyser is None
    assert len(lint(SEED0, "NL301", rules={"NL301": clone})) == len(SEED_UNNAMED)


# -- through the command line ----------------------------------------------------------------------

def test_cli_json_metrics_and_config_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("A handler said the horse was lame.\nSmith said it was fine.\n",
                                    encoding="utf-8")
    result = run_cli(["check", "--isolated", "--format", "json", "--select", "NL301", "a.txt"])
    assert json.loads(result.stdout) == []
    (tmp_path / "newslint.toml").write_text('[sourcing]\nsource-heads = ["handler"]\n', encoding="utf-8")
    result = run_cli(["check", "--format", "json", "--metrics", "--select", "NL3", "a.txt"])
    data = json.loads(result.stdout)
    findings = [d for d in data if d.get("code") == "NL301"]
    assert [(f["line"], f["column"], f["end_column"]) for f in findings] == [(1, 1, 10)]
    assert "unnamed_share" in result.stdout
