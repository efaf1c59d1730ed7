"""Accent folding and tokenising: what makes "khieu nai dat dai" find "khiếu nại đất đai"."""

import pytest

from search.documents import authority_ancestors, fold, folded_words, tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Khiếu nại đất đai", "Khieu nai dat dai"),
        ("ĐƠN TỐ CÁO", "DON TO CAO"),
        ("Ưu tiên giải quyết ở phường Ô Chợ Dừa", "Uu tien giai quyet o phuong O Cho Dua"),
        ("Nghệ An, Thừa Thiên Huế, Bà Rịa – Vũng Tàu", "Nghe An, Thua Thien Hue, Ba Ria – Vung Tau"),
        # Decomposed input (combining marks typed separately) folds the same way.
        ("Khie\u0302\u0301u na\u0323i", "Khieu nai"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_tokens_are_lower_case_words_without_punctuation():
    assert tokens("Đơn khiếu nại (lần 2) — HN-2026-000123!") == [
        "don", "khieu", "nai", "lan", "2", "hn", "2026", "000123",
    ]  # fmt: skip
    assert folded_words("Quyết định số 15/QĐ-UBND") == "quyet dinh so 15 qd ubnd"


def test_authority_ancestors():
    assert authority_ancestors("/HN/HN-SXD/HN-SXD-TT/") == ["HN", "HN-SXD", "HN-SXD-TT"]
    assert authority_ancestors("") == []
