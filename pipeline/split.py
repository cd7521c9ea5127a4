"""The frozen test split: real policies no feature, threshold, rule or synthetic policy was
chosen on.

Drawn once, before any modelling on the 62-policy corpus, and committed as
`data/annotated/split.json`. Policies of one template family (3-syllable shingle Jaccard of
0.3 or more) go to the same side, and a family that holds a policy the earlier models were
tuned on (the 2 seeds and the first 17 corpus policies) stays on the development side, so the
test policies are new in wording as well as in organisation.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Mapping
from pathlib import Path

from .compare.templates import components, shingles, syllables
from .config import ANNOTATED_DIR

SPLIT_PATH = ANNOTATED_DIR / "split.json"
FAMILY_JACCARD = 0.3
SEED = 20261201
N_TEST = 22


def template_families(texts: Mapping[str, str], threshold: float = FAMILY_JACCARD
                      ) -> list[list[str]]:
    """Groups of files linked by an exact shingle Jaccard of at least `threshold`
    (transitively), each sorted, singletons included.

    Examples:
        >>> template_families({"a": "x y z w v", "b": "x y z w v", "c": "p q r s t"})
        [['a', 'b'], ['c']]
    """
    grams = {name: shingles(syllables(text), 3) for name, text in texts.items()}
    linked = [(a, b) for a, b in itertools.combinations(sorted(texts), 2)
              if len(grams[a] & grams[b]) >= threshold * len(grams[a] | grams[b]) > 0]
    grouped = components(linked)
    alone = [[name] for name in texts if not any(name in group for group in grouped)]
    return sorted(grouped + alone)


def draw_split(families: list[list[str]], modelled: Iterable[str], n_test: int = N_TEST,
               seed: int = SEED) -> list[str]:
    """Test files: whole families drawn at random (seeded) from those with no modelled file,
    until `n_test` files are drawn.

    Examples:
        >>> draw_split([["a"], ["b", "c"], ["d"], ["e"]], modelled=["a"], n_test=2, seed=1)
        ['d', 'e']
    """
    modelled = set(modelled)
    pool = [family for family in families if not modelled & set(family)]
    random.Random(seed).shuffle(pool)
    test: list[str] = []
    for family in pool:
        if len(test) + len(family) <= n_test:
            test.extend(family)
        if len(test) == n_test:
            break
    return sorted(test)


def load_split(path: Path = SPLIT_PATH) -> dict:
    """The committed split: `test` and `dev` file names, and how they were drawn."""
    return json.loads(path.read_text(encoding="utf-8"))


def family_groups(path: Path = SPLIT_PATH) -> dict[str, str]:
    """Each policy of a committed template family (by doc id, the file stem) mapped to the
    family's first member, so that cross-validation keeps near copies in one fold: a policy
    scored with its copy in training reads as better than on a new organisation. Policies of
    no family are their own group and are not listed.

    Examples:
        >>> import json, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     split = Path(tmp) / "split.json"
        ...     _ = split.write_text(json.dumps({"families": [["a.txt", "b.html"]]}))
        ...     family_groups(split)
        {'a': 'a', 'b': 'a'}
    """
    groups = {}
    for family in load_split(path).get("families", []):
        stems = [Path(name).stem for name in family]
        groups.update(dict.fromkeys(stems, stems[0]))
    return groups


def frozen_test_files(path: Path = SPLIT_PATH) -> frozenset[str]:
    """File names of the frozen test policies."""
    return frozenset(load_split(path)["test"])
