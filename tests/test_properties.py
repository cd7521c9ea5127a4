"""Property-based tests: cleaning and extraction never crash and keep offsets valid."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import clean_text
from pipeline.extract.facts import extract_text_facts

VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíị"
                                  "òỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ0123456789 .,:;@-()+/\n\t•*"
                                  "\u00a0\u200b\u0300\u0301\ufeff")),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(VIETNAMESE, st.text(max_size=200)))
def test_cleaning_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=150, deadline=None)
@given(st.one_of(VIETNAMESE, st.text(max_size=200)))
def test_fact_offsets_are_always_valid(text):
    text = clean_text(text)
    for fact in extract_text_facts(text):
        assert text[fact.start:fact.end] == fact.value
