"""Every message exists in Vietnamese and English, renders completely, and citizen messages carry the
tracking and unsubscribe links but never the access key."""

import pytest
from django.conf import settings

from notifications.rendering import (
    CITIZEN_TEMPLATES,
    LANGUAGES,
    STAFF_TEMPLATES,
    party_id_from_token,
    render_message,
    tracking_url,
    unsubscribe_token,
    unsubscribe_url,
)

CITIZEN_CONTEXT = {
    "reference": "HN-2026-000123",
    "kind": "complaint",
    "event_date": "02/03/2026",
    "authority_vi": "Sở Xây dựng Hà Nội",
    "authority_en": "Hanoi Construction Dept",
    "due_date": "15/04/2026",
    "reason_code": "R3",
    "reason_text": "Đơn đã được giải quyết trước đây",
    "outcome": "partly_right",
    "outcome_summary": "Điều chỉnh mức bồi thường",
    "transferred_to_vi": "UBND phường Hoàn Kiếm",
    "transferred_to_en": "Hoan Kiem Ward",
    "tracking_url": "https://khieunai.example.vn/tra-cuu/?ma=HN-2026-000123",
    "unsubscribe_url": "https://khieunai.example.vn/thong-bao/huy/TOKEN/",
}
STAFF_CONTEXT = {
    "reference": "HN-2026-000123",
    "kind": "denunciation",
    "subject": "Tố cáo hành vi nhận hối lộ",
    "authority_vi": "Thanh tra thành phố",
    "authority_en": "City Inspectorate",
    "due_date": "15/04/2026",
    "deadline_due_date": "15/04/2026",
    "days_left": 2,
    "days_overdue": 3,
    "level": 2,
    "idle_days": 12,
    "assigned_by": "Trưởng phòng A",
    "admin_url": "https://khieunai.example.vn/admin/",
    "inbox_url": "https://khieunai.example.vn/admin/notifications/",
    "date": "02/03/2026",
    "overdue_count": 1,
    "due_soon_count": 1,
    "overdue": [{"reference": "HN-2026-000001", "due_date": "01/03/2026", "overdue_days": 1, "subject": "A"}],
    "due_soon": [{"reference": "HN-2026-000002", "due_date": "04/03/2026", "subject": "B"}],
    "more": 0,
}


@pytest.mark.parametrize("template", sorted(CITIZEN_TEMPLATES))
def test_citizen_templates_render_in_both_languages_with_links(template):
    rendered = {lang: render_message(template, lang, CITIZEN_CONTEXT) for lang in LANGUAGES}
    for lang, r in rendered.items():
        assert r.subject and r.body and r.sms, (template, lang)
        assert "HN-2026-000123" in r.subject
        for text in (r.subject, r.body, r.sms):
            assert "{{" not in text and "{%" not in text
        assert CITIZEN_CONTEXT["tracking_url"] in r.body and CITIZEN_CONTEXT["tracking_url"] in r.sms
        assert CITIZEN_CONTEXT["unsubscribe_url"] in r.body and CITIZEN_CONTEXT["unsubscribe_url"] in r.sms
        assert "\n" not in r.subject
    assert rendered["vi"].body != rendered["en"].body
    assert "Kính gửi" in rendered["vi"].body and "Dear" in rendered["en"].body


@pytest.mark.parametrize("template", sorted(STAFF_TEMPLATES))
def test_staff_templates_render_in_both_languages(template):
    for lang in LANGUAGES:
        r = render_message(template, lang, STAFF_CONTEXT)
        assert r.subject and r.body, (template, lang)
        assert "{{" not in r.body and "{%" not in r.body
        assert STAFF_CONTEXT["admin_url"] in r.body
        if template != "digest.daily":
            assert "HN-2026-000123" in r.subject


def test_rejection_gives_the_reason_and_the_outcome_is_spelled_out():
    vi = render_message("case.rejected", "vi", CITIZEN_CONTEXT)
    en = render_message("case.decided", "en", CITIZEN_CONTEXT)
    assert "Lý do: Đơn đã được giải quyết trước đây" in vi.body
    assert "the complaint is partly right" in en.body


def test_unknown_language_falls_back_to_vietnamese_and_unknown_template_is_refused():
    assert render_message("case.accepted", "fr", CITIZEN_CONTEXT).subject.startswith("Hồ sơ")
    with pytest.raises(ValueError):
        render_message("case.nonsense", "vi", CITIZEN_CONTEXT)


def test_tracking_link_carries_the_reference_only_and_the_unsubscribe_token_is_signed():
    url = tracking_url("HN-2026-000123")
    assert url.startswith(settings.WAGTAILADMIN_BASE_URL) and "HN-2026-000123" in url
    assert "key" not in url.lower()
    token = unsubscribe_token(42)
    assert party_id_from_token(token) == 42
    assert "/thong-bao/huy/" in unsubscribe_url(42)
    from django.core import signing

    with pytest.raises(signing.BadSignature):
        party_id_from_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
