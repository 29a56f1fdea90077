"""Tests of the text shape and readability rules (NL501-NL505) and their metrics."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newslint import Article
from newslint.testing import fix_text, lint_text, run_cli
from newslint_plugins import readability as R
from newslint_plugins import _readability_shape as shape
from newslint_plugins._readability_mojibake import find_damage, repair

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
SEED_000, SEED_002, SEED_003 = SEED_TEXTS

# Real paragraphs from the seed articles.
PARAGRAPH = next(line for line in SEED_000.splitlines() if line.startswith("Trump continues to believe"))
QUOTE_LINE = next(line for line in SEED_002.splitlines() if line.startswith("When asked to explain"))


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def all_rules(**options):
    return [cls(options) for cls in (R.TruncatedArticle, R.RunOnText, R.ListNotProse,
                                     R.ReadabilityOutlier, R.Mojibake)]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_the_seed_articles_pass_every_rule(seed):
    assert lint_text(seed.read_text(encoding="utf-8"), all_rules()) == []


# -- NL501 truncated-article ---------------------------------------------------------------


def truncated(**options):
    return R.TruncatedArticle(options)


def test_text_cut_after_a_function_word_is_flagged_on_its_last_word():
    cut = SEED_000[:SEED_000.rindex(" the ") + len(" the")]
    [finding] = lint_text(cut, truncated())
    assert finding.code == "NL501" and "ends mid-sentence" in finding.message
    assert finding.line == len(cut.splitlines())
    assert cut[finding.start:finding.end] == "the"


@pytest.mark.parametrize("ending", [
    "The official said the call was made to the Russian Embassy on Sunday, and that",
    "Russian Foreign Ministry spokeswoman Maria Zakharova confirmed to CNN that the Trump administration,",
    "The source said the State Department official did not tell the Russians they were off the hook -",
    "USDA analysts gave the following breakdown of the enrolled acreage:",
    "Officials said the number of cars set on fire had reached 39 ...",
    "Trump said afterward that the two leaders would likely meet soon…",
])
def test_mid_sentence_endings_are_flagged(ending):
    findings = lint_text(PARAGRAPH + "\n\n" + ending + "\n", truncated())
    assert codes(findings) == ["NL501"]


@pytest.mark.parametrize("marker", [
    "Continue reading", "Continue reading the main story", "Read the full story »", "Full Story",
    "Continued...", "MORE", "Read more", "Subscribe to continue reading",
])
def test_continuation_marks_are_flagged(marker):
    text = PARAGRAPH + "\n" + "The news was first published in The Washington Post. " + marker
    [finding] = lint_text(text, truncated())
    assert "continuation mark" in finding.message
    assert text[finding.start:finding.end] == marker


def test_a_continuation_mark_may_stand_on_its_own_line():
    [finding] = lint_text(PARAGRAPH + "\n\nContinue reading\n", truncated())
    assert finding.line == 3 and finding.column == 1


def test_extra_continuation_markers_come_from_the_options():
    text = PARAGRAPH + "\nLesen Sie mehr"
    assert lint_text(text, truncated()) == []
    assert codes(lint_text(text, truncated(**{"continuation-markers": ["Lesen Sie mehr"]}))) == ["NL501"]


@pytest.mark.parametrize("ending", [
    QUOTE_LINE,  # ends with a curly closing quote
    "(Reporting by Steve Holland; Editing by Bill Trott)",
    "Damian Paletta contributed to this report.",
    "Net 1,204,000 vs 977,000",  # a table of figures ends without a full stop
    "Avg shrs 4,312,000 vs 4,100,000",
    "SPOT PRICES (DLRS/TONNE)........PROPANE..........113/117",  # dot leaders, not an ellipsis
    "filed under:",  # a short label ending in a colon is residue, not a cut sentence
    "More on this story",
    "The shares closed at 591p, down from 611p, dealers said. REUTER...",  # a sign-off, not a cut
    "WHEAT MAY7 284 3/4 UP 1 1/4 DEC7  --     --",  # a table's empty cells
    "FTC: We use income earning affiliate links. More.",  # "More." is a sentence, not a wire mark
    "Loading content ...",
    "The plant no longer fits the company's long-term strategy, the company said",
    "<!-- newslint: ignore[NL201] -->",
])
def test_complete_or_legitimately_unpunctuated_endings_pass(ending):
    assert lint_text(PARAGRAPH + "\n" + ending + "\n", truncated()) == []


def test_require_final_punctuation_flags_a_long_unpunctuated_last_sentence():
    text = PARAGRAPH + "\nThe plant no longer fits the company's long-term strategy, the company said"
    assert lint_text(text, truncated()) == []
    [finding] = lint_text(text, truncated(**{"require-final-punctuation": True}))
    assert "no end punctuation" in finding.message


def test_short_articles_are_flagged_against_min_words():
    brief = "MARKET HOLIDAYS\nMarkets in India are closed for a holiday."
    [finding] = lint_text(brief, truncated())
    assert "only 10 words (minimum 15)" in finding.message and finding.line == 1
    assert lint_text(brief, truncated(**{"min-words": 5})) == []
    assert codes(lint_text("", truncated())) == ["NL501"]


# -- NL502 run-on-text -----------------------------------------------------------------------


def test_lost_full_stops_make_a_run_on_sentence_spanning_it():
    body = "\n".join(SEED_000.splitlines()[:6])
    lost = body.replace(". ", " ").replace(".\n", " ")  # punctuation and line breaks lost
    findings = lint_text(lost, R.RunOnText({}))
    assert codes(findings) == ["NL502"]
    [finding] = findings
    n = len(lost[finding.start:finding.end].split())
    assert finding.start == 0 and n > 200 and f"a sentence of {n} words (limit 80)" in finding.message


def test_text_glued_without_spaces_is_run_on():
    body = " ".join(SEED_000.splitlines()[1:5]).replace(". ", ".")  # get_text() with no separator
    assert codes(lint_text(body, R.RunOnText({}))) == ["NL502"]


def test_long_but_real_sentences_pass():
    # A 66-word sentence in the style of wire copy: long, but prose.
    sentence = ("The company said on Tuesday that it had agreed to buy the remaining shares of its "
                "European unit for about 1.2 billion dlrs, that the deal, which still needs the approval "
                "of regulators in Brussels and Washington, would be paid for in cash and stock, and that "
                "it expected the purchase to add to earnings within two years of the close of the "
                "transaction, which it expects in the third quarter.")
    assert 60 < len(sentence.split()) <= 80
    assert lint_text(PARAGRAPH + "\n" + sentence, R.RunOnText({})) == []
    assert codes(lint_text(sentence, R.RunOnText({"max-sentence-words": 50}))) == ["NL502"]


def test_an_ellipsis_run_into_the_next_sentence_is_a_boundary():
    briefs = " ".join(
        f"Item {n} of the coffee briefs said prices had moved again in thin trade....Brazil's "
        f"exporters registered more bags than expected in the first days of May" for n in range(8))
    assert lint_text(briefs, R.RunOnText({})) == []
    assert codes(lint_text(briefs.replace("....", " "), R.RunOnText({}))) == ["NL502"]


def test_abbreviations_and_initials_do_not_end_sentences_but_line_ends_do():
    text = "Mr. Smith met Sen. John F. Kennedy in the U.S. on Monday. He left.\nHe lives in Paramus, N.J.\nNext"
    spans = [text.splitlines()[0][a:b] for a, b in shape.sentence_spans(text.splitlines()[0])]
    assert spans == ["Mr. Smith met Sen. John F. Kennedy in the U.S. on Monday.", "He left."]
    assert shape.measure(text).sentences == 4


# -- NL503 list-not-prose --------------------------------------------------------------------

NAVIGATION = "\n".join(["Home", "World", "US Politics", "Business", "Tech", "Sport", "Most read",
                        "Weather", "Sign in"])
HEADLINE_LIST = "\n".join([
    "Trump botches North Korea sanctions announcement",
    "Haley says she does not get confused",
    "Russia sanctions put on hold",
    "Kudlow walks back remarks on UN ambassador",
    "What the Hanoi summit means for Kim",
    "Treasury targets Chinese shipping firms",
])


@pytest.mark.parametrize("text", [
    NAVIGATION + "\n" + PARAGRAPH,
    "Related stories\n" + HEADLINE_LIST + "\n" + PARAGRAPH,
])
def test_navigation_and_link_lists_are_flagged(text):
    [finding] = lint_text(text, R.ListNotProse({}))
    assert finding.code == "NL503" and "short and unpunctuated" in finding.message
    assert finding.line == 1


def test_tables_of_figures_and_articles_with_subheadings_pass():
    table = "ACME CORP 1ST QTR NET\nShr 41 cts vs 33 cts\nNet 2,104,000 vs 1,733,000\nRevs 40.1 mln vs 35.6 mln\n" \
            "Nine mths\nShr 1.12 dlrs vs 90 cts\nNet 5,950,000 vs 4,808,000\nRevs 118.3 mln vs 101.7 mln"
    assert lint_text(table, R.ListNotProse({})) == []
    with_headings = "\n\n".join(
        f"Part {n}\n{p}" if n % 2 else p
        for n, p in enumerate(line for line in SEED_000.splitlines() if line))
    assert lint_text(with_headings, R.ListNotProse({})) == []
    assert lint_text("\n".join(NAVIGATION.splitlines()[:4]), R.ListNotProse({})) == []  # too few lines
    fixtures = PARAGRAPH + "\n\n" + "\n\n".join(
        ["Everton v Manchester United", "Burnley v Blackburn", "Newcastle v Chelsea",
         "Arsenal v West Ham or Sheffield United", "Charlton Athletic vs Leicester City",
         "Winners meet in the final"]) + "\n\nTies to be played on 19/20 February."
    assert lint_text(fixtures, R.ListNotProse({})) == []


def test_list_thresholds_come_from_the_options():
    def with_paragraphs(n):
        return HEADLINE_LIST + "\n" + "\n".join([PARAGRAPH] * n)

    assert codes(lint_text(with_paragraphs(4), R.ListNotProse({}))) == ["NL503"]  # 6 of 10 lines
    assert lint_text(with_paragraphs(5), R.ListNotProse({})) == []  # 6 of 11 lines
    assert codes(lint_text(with_paragraphs(5), R.ListNotProse({"list-share": 0.5}))) == ["NL503"]
    assert lint_text(with_paragraphs(1), R.ListNotProse({"list-line-words": 4})) == []  # no line is short


def test_curly_quotes_and_brackets_count_as_end_punctuation():
    lines = [QUOTE_LINE, "“We'll do sanctions as soon as they very much deserve it,” Trump said.”",
             "(Reporting by Steve Holland)", "“I don't get confused”", "She called it «a mistake»"]
    s = shape.measure("\n".join(lines))
    assert s.punctuated_lines == 5 and s.end_punctuation_share == 1.0


# -- NL504 readability-outlier ---------------------------------------------------------------


def test_readability_outlier_is_off_by_default_and_flags_lost_punctuation():
    assert R.ReadabilityOutlier.default_enabled is False
    lost = " ".join(SEED_000.splitlines()[:8]).replace(". ", " ").replace('"', "")
    [finding] = lint_text(lost, R.ReadabilityOutlier({}))
    assert finding.code == "NL504" and finding.severity == "info"
    assert finding.message.startswith("Flesch reading ease -") and "outside 10 .. 95" in finding.message


def test_the_measure_and_range_come_from_the_options():
    rule = R.ReadabilityOutlier({"measure": "flesch-kincaid-grade", "max-score": 12.0})
    [finding] = lint_text(SEED_000, rule)
    assert finding.message.startswith("Flesch-Kincaid grade level 12.5 is outside 0 .. 12")
    assert lint_text(SEED_000, R.ReadabilityOutlier({"measure": "flesch-kincaid-grade"})) == []


def test_short_and_non_latin_texts_are_not_scored():
    lost = " ".join(SEED_000.splitlines()[:8]).replace(". ", " ")
    assert lint_text(lost, R.ReadabilityOutlier({"score-min-words": 10_000})) == []
    korean = "서울 시내 버스 요금이 다음 달부터 오른다 " * 40
    assert lint_text(korean, R.ReadabilityOutlier({})) == []


def test_readability_scores_are_added_as_metrics_and_agree_with_textstat():
    import textstat

    article = Article("seed.txt", SEED_000)
    list(R.ReadabilityOutlier({}).check_article(article))
    assert article.metrics["words"] == 845 and article.metrics["sentences"] == 38
    # Same formula; textstat's own sentence count agrees on this fully punctuated text.
    assert article.metrics["flesch_reading_ease"] == pytest.approx(textstat.flesch_reading_ease(SEED_000), abs=0.5)
    assert article.metrics["flesch_kincaid_grade"] == pytest.approx(textstat.flesch_kincaid_grade(SEED_000), abs=0.2)


# -- NL505 mojibake --------------------------------------------------------------------------


def misdecode(text: str) -> str:
    """``text`` as UTF-8 bytes decoded the way a Windows-1252 reader does (undefined bytes as Latin-1)."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def test_mojibake_is_flagged_with_the_repair_and_fixed_exactly():
    damaged = misdecode(SEED_002)
    assert "Trumpâ€™s" in damaged
    findings = lint_text(damaged, R.Mojibake({}))
    assert findings and set(codes(findings)) == {"NL505"}
    assert 'encoding damage "â€™" (UTF-8 read as Windows-1252): should be "’"' in [f.message for f in findings]
    assert all(f.fix is not None and f.fix.applicability.value == "safe" for f in findings)
    assert fix_text(damaged, R.Mojibake({})) == SEED_002


@pytest.mark.parametrize("damaged, repaired", [
    ("CafÃ© society", "Café society"),
    ("naÃ¯ve rÃ©sumÃ©", "naïve résumé"),
    ("costs Â£5", "costs £5"),
    ("Å›wiat", "świat"),
    ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"),
    ("donÃ¢â‚¬â„¢t", "don’t"),  # decoded twice
    ("ï»¿Headline", "Headline"),  # a byte-order mark
    ("don\x92t \x93quote\x94", "don’t “quote”"),  # Windows-1252 read as Latin-1
])
def test_repairs(damaged, repaired):
    assert fix_text(damaged, R.Mojibake({})) == repaired


def test_lost_bytes_and_replacement_characters_are_flagged_without_an_applied_fix():
    text = "â€œIt was announced today,â€ Trump tweeted. The \ufffd\ufffd sign."
    findings = lint_text(text, R.Mojibake({}))
    assert [text[f.start:f.end] for f in findings] == ["â€œ", "â€", "\ufffd\ufffd"]
    assert 'probably "”"' in findings[1].message and findings[1].fix.applicability.value == "display-only"
    assert findings[2].fix is None and "U+FFFD" in findings[2].message
    assert fix_text(text, R.Mojibake({})) == "“It was announced today,â€ Trump tweeted. The \ufffd\ufffd sign."


@pytest.mark.parametrize("text", [
    "SÃO PAULO (Reuters) - Brazil’s central bank held rates.",
    "Le café de la Gare à Orléans a fermé « pour de bon ».",
    "El niño comió piña en la señorial Bogotá.",
    "Die Straße»Unter den Linden« bleibt gesperrt.",
    "Zażółć gęślą jaźń. Привет, мир! Γειά σου κόσμε.",
    "Striker JOSÉ» scored twice; PERÚ’s coach resigned.",
    "The £35bn plan costs 5°C – or so — “they” said…",
])
def test_legitimate_accents_symbols_and_scripts_pass(text):
    assert lint_text(text, R.Mojibake({})) == []
    assert list(find_damage(text)) == []


def test_a_byte_order_mark_read_as_text_is_removed():
    [finding] = lint_text("ï»¿Trump botches North Korea sanctions announcement", R.Mojibake({}))
    assert finding.message.endswith("byte-order mark read as Windows-1252): should be removed")


def test_undefined_control_characters_are_flagged_without_a_fix():
    [finding] = lint_text("a stray \x81 byte", R.Mojibake({}))
    assert finding.fix is None and "\\x81" in finding.message


def test_repair_refuses_what_is_not_certain():
    assert repair("É»") is None  # a capital letter before a guillemet, not mojibake
    assert repair("Ã©") == "é"


# -- metrics, caching, options through the command line -------------------------------------


def test_shape_metrics_are_recorded_once_per_article():
    text = "Headline without a stop\nMr. Smith went to Washington. He said: “We won.”\n\n- - -\nA list item"
    article = Article("a.txt", text)
    list(R.ListNotProse({}).check_article(article))
    assert article.metrics == {"words": 16, "sentences": 4, "end_punctuation_share": round(1 / 3, 4)}
    other = Article("b.txt", SEED_000)
    list(R.RunOnText({}).check_article(other))
    assert other.metrics["words"] == 845 and article.metrics["words"] == 16


def test_unspaced_scripts_count_words_by_characters():
    assert shape.count_words("我们今天去北京") == 4  # one token plus seven characters at two a word
    assert shape.measure("東京で会議が開かれた。参加者は多かった。").sentences == 2


def test_options_come_from_the_configuration_file(tmp_path):
    (tmp_path / "newslint.toml").write_text("[readability]\nmin-words = 2000\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(SEED_000, encoding="utf-8")
    result = run_cli(["check", "--no-cache", "--select", "NL501", "--format", "json", "--config",
                      str(tmp_path / "newslint.toml"), str(article)])
    findings = json.loads(result.stdout)
    assert [f["code"] for f in findings] == ["NL501"] and "minimum 2000" in findings[0]["message"]


def test_bad_options_are_usage_errors(tmp_path):
    (tmp_path / "newslint.toml").write_text("[readability]\nlist-share = 1.5\n", encoding="utf-8")
    result = run_cli(["check", "--config", str(tmp_path / "newslint.toml"), str(SEEDS[0])])
    assert result.exit_code == 2 and "list-share" in result.stderr


# -- offline and lazy loading ----------------------------------------------------------------

BLOCK_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network access in a test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_textstat_is_imported_only_when_nl504_runs():
    done = run_python(f"""
        import sys
        from newslint.testing import run_cli
        run_cli(["check", "--isolated", "--no-cache", "--select", "NL501,NL502,NL503,NL505", {str(ROOT / 'seeds')!r}])
        print("without NL504:", "textstat" in sys.modules)
        run_cli(["check", "--isolated", "--no-cache", "--select", "NL504", {str(ROOT / 'seeds')!r}])
        print("with NL504:", "textstat" in sys.modules)
    """)
    assert done.stdout.split("\n")[:2] == ["without NL504: False", "with NL504: True"], done.stderr


def test_every_nl5_rule_works_with_the_network_blocked():
    done = run_python(BLOCK_NETWORK + f"""
import json
from newslint.testing import run_cli
result = run_cli(["check", "--isolated", "--no-cache", "--select", "NL5", "--format", "json", "--metrics",
                  {str(ROOT / 'seeds')!r}])
records = json.loads(result.stdout)
print(result.exit_code, sorted(r["metrics"]["flesch_reading_ease"] for r in records if r.get("type") == "metrics"))
""")
    assert done.returncode == 0, done.stderr
    exit_code, scores = done.stdout.split(" ", 1)
    assert exit_code == "0" and len(json.loads(scores)) == 3, done.stdout + done.stderr
