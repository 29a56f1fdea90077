"""Precompute the first-key index of the built-in residue packs: plugins/data/residue/keys.json.

The residue matcher groups the whole-line alternatives of the built-in packs by
the first characters a line must start with (``first_keys``). Working that out
takes about 50 ms of regex parsing on every run; this file holds the answers,
keyed by a hash of each alternative, so a run only loads them. An alternative
missing from the file (a pack edited without re-running this script) is worked
out at run time, so a stale file costs time, never matches;
tests/test_residue.py checks the file is current.

    .venv/bin/python scripts/build_residue_keys.py
"""

from __future__ import annotations

import json

from newslint_plugins._residue_catalogue import (KEYS_FILE, Catalogue, builtin_packs, first_keys,
                                                 pattern_digest)


def main() -> None:
    catalogue = Catalogue([e for p in builtin_packs() for e in p.entries])
    keys = {}
    for alternative, _ in catalogue._line_alts:
        found = first_keys(alternative)
        keys[pattern_digest(alternative)] = None if found is None else [sorted(found.words), list(found.prefixes)]
    KEYS_FILE.write_text(json.dumps(keys, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"{KEYS_FILE}: {len(keys)} alternatives")


if __name__ == "__main__":
    main()
