"""The one place a spaCy pipeline is assembled: blank Vietnamese, underthesea words."""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.vocab import Vocab


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """A blank Vietnamese `Language` that needs no pyvi and downloads nothing.

    Docs are not made by its tokenizer: `segment.build_doc` builds them from underthesea's
    words so that token offsets are the dataset's offsets.
    """
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def get_vocab() -> Vocab:
    """The shared vocabulary every `Doc` of a run is built on."""
    return build_nlp().vocab
