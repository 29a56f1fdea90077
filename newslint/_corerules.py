"""The core's own codes: failures to read, plugin failures, and unused suppressions.

They are rules only so that ``newslint rule`` documents them and selectors
name them; the engine makes their findings itself. NL001 and NL002 are always
reported: they say the run did not see everything, which no selection may hide.
"""

from __future__ import annotations

from ._rules import Rule


class ReadErrorRule(Rule):
    """## What it does
    Reports a file or record that newslint could not read: a missing path, a
    file without read permission, a binary file, invalid UTF-8 (with the byte
    offset), an empty file, or a JSONL record that is not a JSON object with a
    string text field.

    ## Why is this bad?
    An article that cannot be read is an article no rule has checked.

    ## Example
    ```
    corpus/a.jsonl:17:1: NL001 record 17: invalid JSON: Expecting ',' delimiter (column 42)
    ```

    ## Fix safety
    No fix: repair or remove the input.
    """

    code = "NL001"
    name = "read-error"
    summary = "A file or record could not be read"
    severity = "error"


class PluginErrorRule(Rule):
    """## What it does
    Reports a plugin that failed to import, registered an invalid or duplicate
    rule, implemented a hook that does not exist, or a rule that raised while
    checking an article. The finding names the plugin as ``distribution[entry]``
    or the rule and the exception.

    ## Why is this bad?
    The rules of a broken plugin did not run, so the report is incomplete; the
    run goes on and exits with code 2.

    ## Example
    ```
    seeds/a.txt:1:1: NL002 rule NL201 (glued-sentence) raised in check_line: KeyError: 'x' (spacing.py:88)
    ```

    ## Fix safety
    No fix: upgrade, fix or uninstall the plugin.
    """

    code = "NL002"
    name = "plugin-error"
    summary = "A plugin or rule failed"
    severity = "error"


class UnusedSuppressionRule(Rule):
    """## What it does
    Reports a ``<!-- newslint: ignore[...] -->``, ``disable[...]`` or
    ``file-ignore[...]`` comment that hid no finding.

    ## Why is this bad?
    Stale suppressions hide the next real problem on that line.

    ## Example
    ```
    <!-- newslint: ignore[NL201] -->
    A sentence with nothing glued.
    ```

    ## Fix safety
    No fix: delete the comment by hand.
    """

    code = "NL003"
    name = "unused-suppression"
    summary = "A suppression comment hides no finding"
    severity = "info"
    default_enabled = False


READ_ERROR = ReadErrorRule()
PLUGIN_ERROR = PluginErrorRule()
UNUSED_SUPPRESSION = UnusedSuppressionRule()
CORE_RULES = (READ_ERROR, PLUGIN_ERROR, UNUSED_SUPPRESSION)
