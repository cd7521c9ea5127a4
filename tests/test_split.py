"""The frozen test split is what its committed rule draws, and shares no template family with
the policies the models are developed on."""


from pipeline.clean import clean_file
from pipeline.config import RAW_DIR, SHARED_CORPUS_DIR
from pipeline.split import draw_split, load_split, template_families
from tests.conftest import needs_corpus


def test_test_and_dev_are_disjoint_and_the_test_side_is_large_enough():
    split = load_split()
    assert not set(split["test"]) & set(split["dev"])
    assert len(split["test"]) >= 20
    assert not set(split["test"]) & set(split["modelled_before"])


@needs_corpus
def test_the_committed_split_is_what_its_seed_draws():
    split = load_split()
    paths = [p for p in sorted(RAW_DIR.glob("*.txt")) if not p.name.upper().startswith("README")]
    paths += [p for p in sorted(SHARED_CORPUS_DIR.iterdir()) if p.name != "SOURCES.tsv"]
    texts = {p.name: clean_file(p).text for p in paths}
    families = template_families(texts, split["family_jaccard"])
    assert draw_split(families, split["modelled_before"], split["n_test"], split["seed"]) \
        == split["test"]
    for family in families:
        sides = {name in split["test"] for name in family}
        assert len(sides) == 1, family


def test_template_families_link_near_copies_transitively():
    base = "Chúng tôi thu thập họ tên số điện thoại email địa chỉ của khách hàng khi đặt hàng"
    texts = {"a": base, "b": base + " nhanh", "c": base + " nhanh chóng", "d": "Điều khoản khác"}
    assert template_families(texts) == [["a", "b", "c"], ["d"]]
