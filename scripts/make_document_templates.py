# ruff: noqa: E501  (the forms' legal text is kept one paragraph a line)
"""Build the editable Word templates of the standard forms (cases/templates/cases/documents/*.docx).

    .venv/bin/python scripts/make_document_templates.py          # write every template
    .venv/bin/python scripts/make_document_templates.py --check  # fail if a committed one differs

The texts below are the source; the .docx files are committed too, so an agency can open one in
Word, change the wording and keep the ``{{ … }}`` fields (docxtpl renders them: see
``cases/documents.py``). What each form must contain (title, legal basis, content items,
recipients, signatory) is listed in ``forms.toml`` beside the templates, and
``tests/documents/test_forms.py`` checks every rendered form against that list.

Markup (``cases/docx_writer.py``): ``# `` centred bold, ``## `` centred bold, ``### `` centred
italic, ``- `` item, ``! `` bold, ``{%p … %}`` a docxtpl paragraph tag."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cases import docx_writer as w  # noqa: E402

OUT = ROOT / "cases" / "templates" / "cases" / "documents"

# Shared pieces ---------------------------------------------------------------------------------

KN_BASIS = "Căn cứ {{ law_complaints }};\nCăn cứ {{ decree_complaints }};\nCăn cứ {{ competence_basis }};"
TC_BASIS = (
    "Căn cứ {{ law_denunciations }};\nCăn cứ {{ decree_denunciations }};\nCăn cứ {{ competence_basis }};"
)
TO_PARTY = "Kính gửi: Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}."

# code -> (body, recipients, signatory line)
COMPETENT = "{{ signatory_title }}"

FORMS: dict[str, tuple[str, list[str], str]] = {
    # ---------------------------------------------------------------- complaints (Decree 124/2020)
    "thu_ly_khieu_nai": (
        """# THÔNG BÁO
## Về việc thụ lý giải quyết khiếu nại {{ level }}
### Hồ sơ {{ reference }}
Kính gửi: Ông/Bà {{ party_name }}.
{{ authority_name }} đã nhận được đơn khiếu nại của: Ông/Bà {{ party_name }}.
Địa chỉ: {{ party_address }}.
Số căn cước/định danh cá nhân/giấy chứng nhận căn cước/hộ chiếu: {{ party_id }}.
Khiếu nại về việc: {{ subject }}.
{%p if contested_act %}
Quyết định, hành vi bị khiếu nại: {{ contested_act }}.
{%p endif %}
Sau khi xem xét nội dung đơn khiếu nại, căn cứ {{ accept_article }} {{ law_complaints }}, {{ authority_name }} nhận thấy đơn khiếu nại đủ điều kiện thụ lý và đã thụ lý giải quyết kể từ ngày {{ accepted_on }}.
{%p if resolution_due %}
Thời hạn giải quyết theo quy định đến hết ngày {{ resolution_due }}.
{%p endif %}
Ông/Bà có thể theo dõi tiến độ giải quyết bằng mã hồ sơ {{ reference }} và mã bí mật đã được cấp khi nộp đơn.
Vậy thông báo để Ông/Bà {{ party_name }} được biết./.""",
        [
            "Như trên;",
            "Thanh tra cùng cấp;",
            "Cơ quan, tổ chức, cá nhân đã chuyển khiếu nại đến (nếu có);",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "khong_thu_ly": (
        """# THÔNG BÁO
## Về việc không thụ lý giải quyết khiếu nại
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn khiếu nại của Ông/Bà về việc: {{ subject }}.
Sau khi xem xét nội dung đơn khiếu nại, căn cứ Điều 11 {{ law_complaints }}, {{ authority_name }} nhận thấy đơn khiếu nại của Ông/Bà {{ party_name }} không đủ điều kiện để thụ lý giải quyết vì:
- {{ reason_label }} (căn cứ: {{ reason_basis }}).
{%p if reason_text %}
- {{ reason_text }}
{%p endif %}
Vậy thông báo để Ông/Bà {{ party_name }} được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "bien_ban_doi_thoai": (
        """# BIÊN BẢN
## Đối thoại với người khiếu nại
### Hồ sơ {{ reference }}
Vào hồi {{ dialogue_time }}, ngày {{ dialogue_date }}, tại {{ dialogue_place }}, thực hiện Điều {{ dialogue_article }} {{ law_complaints }} và {{ decree_complaints }}.
! I. THÀNH PHẦN THAM GIA ĐỐI THOẠI
1. Người giải quyết khiếu nại, người được phân công chủ trì đối thoại: {{ competent }}.
2. Người ghi biên bản: Ông (bà) {{ ph }}, chức vụ {{ ph }}.
3. Người khiếu nại (hoặc người đại diện, người được ủy quyền khiếu nại): Ông (bà) {{ party_name }}, số căn cước/định danh cá nhân/giấy chứng nhận căn cước/hộ chiếu: {{ party_id }}.
(Trường hợp người khiếu nại không tham gia đối thoại thì ghi rõ trong biên bản người khiếu nại vắng mặt có lý do hoặc không có lý do).
4. Người bị khiếu nại (hoặc người đại diện, người được ủy quyền): {{ accused }}.
5. Người có quyền, nghĩa vụ liên quan (nếu có): {{ ph }}.
6. Đại diện cơ quan, tổ chức, cá nhân có liên quan (nếu có): {{ ph }}.
! II. NỘI DUNG ĐỐI THOẠI
1. Người chủ trì đối thoại nêu mục đích, yêu cầu của việc đối thoại, tóm tắt kết quả xác minh nội dung khiếu nại ({{ subject }}) và những nội dung đối thoại: {{ dialogue_agenda }}.
2. Ý kiến của những người tham gia đối thoại về từng nội dung đối thoại: {{ ph }}
! III. KẾT QUẢ ĐỐI THOẠI
Những nội dung đối thoại đã thống nhất, những vấn đề còn ý kiến khác nhau và những ý kiến khác (nếu có): {{ ph }}
Buổi đối thoại kết thúc hồi ….. giờ ….. ngày ….. tháng ….. năm ……
Biên bản đối thoại đã được đọc lại cho những người tham gia đối thoại nghe và ký xác nhận (trường hợp người tham gia đối thoại không ký xác nhận thì phải ghi rõ lý do).
Biên bản được lập thành ….. bản; mỗi người tham gia nhận 01 bản./.
! NGƯỜI KHIẾU NẠI (hoặc người đại diện, người được ủy quyền) – Ký, ghi rõ họ tên hoặc điểm chỉ
! NGƯỜI BỊ KHIẾU NẠI – Ký, ghi rõ họ tên
! NGƯỜI CÓ QUYỀN VÀ NGHĨA VỤ LIÊN QUAN – Ký, ghi rõ họ tên hoặc điểm chỉ
! ĐẠI DIỆN CƠ QUAN, TỔ CHỨC, CÁ NHÂN CÓ LIÊN QUAN – Ký, ghi rõ họ tên, đóng dấu (nếu có)
! NGƯỜI GHI BIÊN BẢN – Ký, ghi rõ họ tên""",
        ["Người khiếu nại;", "Người bị khiếu nại;", "Người có quyền, nghĩa vụ liên quan;", "Lưu: hồ sơ."],
        "NGƯỜI GIẢI QUYẾT KHIẾU NẠI (HOẶC NGƯỜI ĐƯỢC PHÂN CÔNG CHỦ TRÌ ĐỐI THOẠI)",
    ),
    "qd_tam_dinh_chi_khieu_nai": (
        """# QUYẾT ĐỊNH
## Về việc tạm đình chỉ giải quyết khiếu nại
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + KN_BASIS
        + """
Căn cứ Điều 11a {{ law_complaints }}; Điều 28a, Điều 28b {{ decree_complaints }};
Xét đơn khiếu nại ngày {{ received_on }} của Ông/Bà {{ party_name }} về việc: {{ subject }}.
# QUYẾT ĐỊNH:
Điều 1. Tạm đình chỉ giải quyết khiếu nại của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}, kể từ ngày {{ suspended_on }}.
Lý do: {{ suspend_label }} (căn cứ: {{ suspend_basis }}){% if suspend_text %}; {{ suspend_text }}{% endif %}.
Thời gian tạm đình chỉ không tính vào thời hạn giải quyết khiếu nại. Khi lý do tạm đình chỉ không còn, người giải quyết khiếu nại ban hành quyết định tiếp tục giải quyết khiếu nại.
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.
Điều 3. Người khiếu nại, người đại diện người khiếu nại, người bị khiếu nại, người có quyền, nghĩa vụ liên quan và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người khiếu nại, người đại diện người khiếu nại;",
            "Người bị khiếu nại;",
            "Người có quyền, nghĩa vụ liên quan;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "qd_dinh_chi_khieu_nai": (
        """# QUYẾT ĐỊNH
## Về việc đình chỉ giải quyết khiếu nại
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + KN_BASIS
        + """
Căn cứ Điều 10, Điều 11a {{ law_complaints }}; Điều 28b {{ decree_complaints }};
Xét đơn khiếu nại ngày {{ received_on }} của Ông/Bà {{ party_name }} về việc: {{ subject }}.
# QUYẾT ĐỊNH:
Điều 1. Đình chỉ giải quyết khiếu nại của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}.
Lý do: {{ end_label }} (căn cứ: {{ end_basis }}){% if end_text %}; {{ end_text }}{% endif %}.
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.
Điều 3. Người khiếu nại, người đại diện người khiếu nại, người bị khiếu nại, người có quyền, nghĩa vụ liên quan và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người khiếu nại, người đại diện người khiếu nại;",
            "Người bị khiếu nại;",
            "Người có quyền, nghĩa vụ liên quan;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "qd_tiep_tuc_khieu_nai": (
        """# QUYẾT ĐỊNH
## Về việc tiếp tục giải quyết khiếu nại
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + KN_BASIS
        + """
Căn cứ Điều 11a {{ law_complaints }}; khoản 2 Điều 28b {{ decree_complaints }};
Căn cứ Quyết định tạm đình chỉ giải quyết khiếu nại ngày {{ suspended_on }};
Xét lý do tạm đình chỉ không còn: {{ resume_note }}.
# QUYẾT ĐỊNH:
Điều 1. Tiếp tục giải quyết khiếu nại của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}, về việc: {{ subject }}, kể từ ngày {{ resumed_on }}.
Điều 2. Thời hạn giải quyết khiếu nại được tính tiếp từ ngày tiếp tục giải quyết{% if resolution_due %}, đến hết ngày {{ resolution_due }}{% endif %}.
Điều 3. Người khiếu nại, người đại diện người khiếu nại, người bị khiếu nại, người có quyền, nghĩa vụ liên quan và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người khiếu nại, người đại diện người khiếu nại;",
            "Người bị khiếu nại;",
            "Người có quyền, nghĩa vụ liên quan;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "quyet_dinh_giai_quyet_khieu_nai": (
        """# QUYẾT ĐỊNH
## Về việc giải quyết khiếu nại {{ level }} của Ông/Bà {{ party_name }}
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + KN_BASIS
        + """
Xét đơn khiếu nại ngày {{ received_on }} của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }};
! I. Nội dung khiếu nại
Người bị khiếu nại: {{ accused }}.
Quyết định, hành vi bị khiếu nại: {{ contested_act }}.
Nội dung khiếu nại, lý do và yêu cầu của người khiếu nại: {{ subject }}.
{%p if is_second %}
! II. Kết quả giải quyết khiếu nại của người giải quyết khiếu nại lần đầu
{{ first_level_result }}
{%p endif %}
! {% if is_second %}III{% else %}II{% endif %}. Kết quả xác minh nội dung khiếu nại
{{ outcome_summary }}
! {% if is_second %}IV{% else %}III{% endif %}. Kết quả đối thoại
{{ dialogue_result }}
! {% if is_second %}V{% else %}IV{% endif %}. Kết luận
Căn cứ pháp luật: {{ law_complaints }}; {{ decree_complaints }} và các văn bản pháp luật có liên quan.
Kết luận nội dung khiếu nại: {{ outcome }}.
Từ những nhận định và căn cứ trên,
# QUYẾT ĐỊNH:
Điều 1. {{ remedy }}
Điều 2. Giải quyết các vấn đề cụ thể trong nội dung khiếu nại; bồi thường thiệt hại (nếu có): {{ compensation }}.
Điều 3. {{ appeal_right }}
Điều 4. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này. Số quyết định: {{ decision_number }}.""",
        [
            "Như Điều 4;",
            "Người khiếu nại;",
            "{%p if is_second %}",
            "Người bị khiếu nại;",
            "Người giải quyết khiếu nại lần đầu;",
            "{%p else %}",
            "{{ superior }} (cấp trên trực tiếp của người giải quyết khiếu nại);",
            "{%p endif %}",
            "Người có quyền, nghĩa vụ liên quan;",
            "Cơ quan, tổ chức, cá nhân đã chuyển khiếu nại đến;",
            "Thanh tra cùng cấp;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "qd_xac_minh_khieu_nai": (
        """# QUYẾT ĐỊNH
## Về việc xác minh nội dung khiếu nại
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + KN_BASIS
        + """
Căn cứ Điều 29 {{ law_complaints }};
Xét đơn khiếu nại ngày {{ received_on }} của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}, về việc: {{ subject }};
# QUYẾT ĐỊNH:
Điều 1. Giao Ông/Bà {{ inspector }} xác minh nội dung khiếu nại của Ông/Bà {{ party_name }} đối với {{ contested_act }}.
Điều 2. Thời gian xác minh là {{ verify_days }} ngày kể từ ngày ký Quyết định; người được giao xác minh có nhiệm vụ, quyền hạn theo quy định tại khoản 2 Điều 29 {{ law_complaints }} và báo cáo kết quả xác minh bằng văn bản.
Điều 3. Người được giao xác minh, người khiếu nại, người bị khiếu nại và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        ["Như Điều 3;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "qd_tam_dinh_chi_thi_hanh": (
        """# QUYẾT ĐỊNH
## Về việc tạm đình chỉ việc thi hành quyết định hành chính bị khiếu nại
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + KN_BASIS
        + """
Căn cứ Điều 35 {{ law_complaints }};
Xét đơn khiếu nại ngày {{ received_on }} của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}, về việc: {{ subject }};
Xét thấy việc thi hành {{ contested_act }} sẽ gây hậu quả khó khắc phục,
# QUYẾT ĐỊNH:
Điều 1. Tạm đình chỉ việc thi hành {{ contested_act }} kể từ ngày {{ today }}.
Lý do: việc thi hành quyết định hành chính bị khiếu nại sẽ gây hậu quả khó khắc phục: {{ ph }}
Thời gian tạm đình chỉ không vượt quá thời gian còn lại của thời hạn giải quyết khiếu nại{% if resolution_due %} (đến hết ngày {{ resolution_due }}){% endif %}; khi lý do tạm đình chỉ không còn thì hủy bỏ ngay quyết định này.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Người khiếu nại, người bị khiếu nại, người có quyền, nghĩa vụ liên quan và những người có trách nhiệm thi hành chịu trách nhiệm thi hành Quyết định này.""",
        ["Như Điều 3;", "Người khiếu nại;", "Người có quyền, nghĩa vụ liên quan;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "bao_cao_xac_minh_khieu_nai": (
        """# BÁO CÁO
## Kết quả xác minh nội dung khiếu nại
### Hồ sơ {{ reference }}
Kính gửi: {{ competent }}.
Thực hiện việc xác minh nội dung khiếu nại theo Điều 29 {{ law_complaints }} và {{ decree_complaints }}, người được giao xác minh báo cáo như sau:
! 1. Đối tượng xác minh
Ông/Bà {{ party_name }} khiếu nại {{ contested_act }} của {{ accused }}.
! 2. Nội dung khiếu nại được xác minh
{{ subject }}.
! 3. Kết quả xác minh đối với từng nội dung được giao xác minh
{{ outcome_summary }}
! 4. Kết luận nội dung được xác minh
{{ outcome }}.
! 5. Kiến nghị giải quyết khiếu nại
{{ ph }}""",
        ["Như trên;", "Lưu: hồ sơ."],
        "NGƯỜI XÁC MINH",
    ),
    # ---------------------------------------------------------------- denunciations (Decree 31/2019)
    "gia_han": (
        """# QUYẾT ĐỊNH
## Về việc gia hạn giải quyết tố cáo
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + TC_BASIS
        + """
Căn cứ Điều 30 {{ law_denunciations }}; Điều 3 {{ decree_denunciations }};
Căn cứ Quyết định thụ lý tố cáo ngày {{ accepted_on }};
Xét tính chất vụ việc ({{ complexity }}): {{ ext_justification }}.
# QUYẾT ĐỊNH:
Điều 1. Gia hạn giải quyết tố cáo đối với {{ accused }} (lần {{ ext_no }}), thời gian gia hạn {{ ext_days }} ngày. Thời hạn giải quyết mới đến hết ngày {{ ext_due }}.
Điều 2. Quyết định số {{ ext_number }} có hiệu lực kể từ ngày ký và được gửi cho người tố cáo, người bị tố cáo và cơ quan, tổ chức, cá nhân có liên quan.
Điều 3. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người tố cáo (gửi riêng, không ghi nhân thân trong văn bản này);",
            "Người bị tố cáo;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "don_rut_to_cao": (
        """# ĐƠN RÚT TỐ CÁO
### Hồ sơ {{ reference }}
Kính gửi: {{ competent }}.
Họ và tên người tố cáo: {{ party_name }}.
Địa chỉ: {{ party_address }}.
Số căn cước/định danh cá nhân/hộ chiếu: {{ party_id }}.
Ngày {{ received_on }}, tôi đã gửi đơn tố cáo đến {{ authority_name }} về việc: {{ subject }}.
Căn cứ Điều 33 {{ law_denunciations }} và Điều 4 {{ decree_denunciations }}, nay tôi đề nghị được rút {{ withdraw_scope }} nội dung tố cáo nêu trên.
Lý do rút tố cáo: {{ withdraw_reason }}.
Tôi cam đoan việc rút tố cáo là tự nguyện, không bị ép buộc và chịu trách nhiệm về việc rút tố cáo của mình.""",
        ["Như trên;", "Lưu: người tố cáo."],
        "NGƯỜI RÚT TỐ CÁO",
    ),
    "bien_ban_rut_to_cao": (
        """# BIÊN BẢN
## Ghi nhận việc rút tố cáo
### Hồ sơ {{ reference }}
Vào hồi ….. giờ ….. ngày {{ today }}, tại {{ authority_name }}.
! Người tiếp nhận việc rút tố cáo:
Ông (bà) {{ ph }}, chức vụ {{ ph }}, cơ quan {{ authority_name }}.
! Người rút tố cáo:
Ông (bà) {{ party_name }}; số căn cước/định danh cá nhân/hộ chiếu: {{ party_id }}; địa chỉ: {{ party_address }}.
Căn cứ Điều 33 {{ law_denunciations }} và Điều 4 {{ decree_denunciations }}, Ông (bà) {{ party_name }} đề nghị rút {{ withdraw_scope }} nội dung tố cáo đã gửi ngày {{ received_on }} về việc: {{ subject }}.
Lý do rút tố cáo: {{ withdraw_reason }}.
Trường hợp có căn cứ cho rằng việc rút tố cáo do bị đe dọa, mua chuộc hoặc người tố cáo lợi dụng việc tố cáo để vu khống, hoặc hành vi bị tố cáo có dấu hiệu vi phạm pháp luật, người giải quyết tố cáo vẫn tiếp tục giải quyết tố cáo (khoản 3 Điều 33 {{ law_denunciations }}).
Biên bản được lập thành 02 bản, đã đọc lại cho người rút tố cáo nghe, công nhận đúng và ký tên hoặc điểm chỉ; người rút tố cáo giữ 01 bản.
! NGƯỜI RÚT TỐ CÁO – Ký, ghi rõ họ tên hoặc điểm chỉ""",
        ["Người rút tố cáo;", "Lưu: hồ sơ (chế độ mật)."],
        "NGƯỜI TIẾP NHẬN",
    ),
    "qd_tam_dinh_chi_to_cao": (
        """# QUYẾT ĐỊNH
## Về việc tạm đình chỉ việc giải quyết tố cáo
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + TC_BASIS
        + """
Căn cứ khoản 1, khoản 4 Điều 34 {{ law_denunciations }};
Căn cứ Quyết định thụ lý tố cáo ngày {{ accepted_on }};
# QUYẾT ĐỊNH:
Điều 1. Tạm đình chỉ việc giải quyết tố cáo đối với {{ accused }} kể từ ngày {{ suspended_on }}.
Lý do: {{ suspend_label }} (căn cứ: {{ suspend_basis }}){% if suspend_text %}; {{ suspend_text }}{% endif %}.
Thời gian tạm đình chỉ không tính vào thời hạn giải quyết tố cáo.
Điều 2. Trách nhiệm của cơ quan, tổ chức, cá nhân có liên quan: {{ ph }}
Điều 3. Quyết định có hiệu lực kể từ ngày ký. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người tố cáo (gửi riêng, không ghi nhân thân trong văn bản này);",
            "Người bị tố cáo;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "qd_tiep_tuc_to_cao": (
        """# QUYẾT ĐỊNH
## Về việc tiếp tục giải quyết tố cáo
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + TC_BASIS
        + """
Căn cứ khoản 2, khoản 4 Điều 34 {{ law_denunciations }};
Căn cứ Quyết định tạm đình chỉ việc giải quyết tố cáo ngày {{ suspended_on }};
Xét lý do tạm đình chỉ không còn: {{ resume_note }}.
# QUYẾT ĐỊNH:
Điều 1. Tiếp tục giải quyết tố cáo đối với {{ accused }} kể từ ngày {{ resumed_on }}.
Điều 2. Thời gian tạm đình chỉ không tính vào thời hạn giải quyết tố cáo{% if resolution_due %}; thời hạn giải quyết đến hết ngày {{ resolution_due }}{% endif %}.
Điều 3. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người tố cáo (gửi riêng, không ghi nhân thân trong văn bản này);",
            "Người bị tố cáo;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "qd_dinh_chi_to_cao": (
        """# QUYẾT ĐỊNH
## Về việc đình chỉ việc giải quyết tố cáo
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + TC_BASIS
        + """
Căn cứ khoản 3, khoản 4 Điều 34 {{ law_denunciations }};
Căn cứ Quyết định thụ lý tố cáo ngày {{ accepted_on }};
# QUYẾT ĐỊNH:
Điều 1. Đình chỉ việc giải quyết tố cáo đối với {{ accused }}.
Lý do: {{ end_label }} (căn cứ: {{ end_basis }}){% if end_text %}; {{ end_text }}{% endif %}.
Điều 2. Trách nhiệm của cơ quan, tổ chức, cá nhân có liên quan: {{ ph }}
Điều 3. Quyết định có hiệu lực kể từ ngày ký. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        [
            "Như Điều 3;",
            "Người tố cáo (gửi riêng, không ghi nhân thân trong văn bản này);",
            "Người bị tố cáo;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "thu_ly_to_cao_qd": (
        """# QUYẾT ĐỊNH
## Về việc thụ lý tố cáo
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + TC_BASIS
        + """
Căn cứ Điều 29 {{ law_denunciations }}; Điều 9 {{ decree_denunciations }};
Xét đơn tố cáo nhận ngày {{ received_on }} (thông tin người tố cáo được giữ bí mật theo Điều 56 {{ law_denunciations }}).
# QUYẾT ĐỊNH:
Điều 1. Thụ lý tố cáo đối với {{ accused }}{% if accused_position %}, chức vụ: {{ accused_position }}{% endif %}.
Nội dung tố cáo được thụ lý: {{ subject }}.
Điều 2. Thời hạn giải quyết tố cáo là 30 ngày kể từ ngày thụ lý{% if resolution_due %} (đến hết ngày {{ resolution_due }}){% endif %}; vụ việc phức tạp có thể gia hạn theo Điều 30 {{ law_denunciations }}.
Điều 3. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        ["Như Điều 3;", "Người bị tố cáo;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "thu_ly_to_cao_tb_nguoi_to_cao": (
        """# THÔNG BÁO
## Về việc thụ lý tố cáo
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn tố cáo của Ông/Bà về việc: {{ subject }}.
Căn cứ khoản 3 Điều 29 {{ law_denunciations }} và khoản 2 Điều 9 {{ decree_denunciations }}, {{ authority_name }} thông báo: ngày {{ accepted_on }} đã ban hành quyết định thụ lý tố cáo.{% if resolution_due %} Thời hạn giải quyết đến hết ngày {{ resolution_due }}.{% endif %}
Nội dung tố cáo được thụ lý: {{ subject }}.
Thông tin về họ tên, địa chỉ, bút tích và các thông tin cá nhân khác của Ông/Bà được giữ bí mật theo quy định tại Điều 56 {{ law_denunciations }}.
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ (chế độ mật)."],
        COMPETENT,
    ),
    "thu_ly_to_cao_tb_nguoi_bi_to_cao": (
        """# THÔNG BÁO
## Về nội dung tố cáo
### Hồ sơ {{ reference }}
Kính gửi: {{ accused }}{% if accused_position %}, {{ accused_position }}{% endif %}.
Căn cứ khoản 3 Điều 29 {{ law_denunciations }} và khoản 2 Điều 9 {{ decree_denunciations }}, {{ authority_name }} thông báo: ngày {{ accepted_on }} đã thụ lý giải quyết tố cáo với nội dung sau đây:
- {{ subject }}.
Đề nghị {{ accused }} có văn bản giải trình về nội dung bị tố cáo và cung cấp thông tin, tài liệu, chứng cứ liên quan theo quy định tại Điều 10 {{ law_denunciations }}.
Vậy thông báo để {{ accused }} được biết và thực hiện./.""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "qd_to_xac_minh": (
        """# QUYẾT ĐỊNH
## Về việc thành lập Tổ xác minh nội dung tố cáo
### Hồ sơ {{ reference }}
! {{ competent_upper }}
"""
        + TC_BASIS
        + """
Căn cứ Điều 31 {{ law_denunciations }}; Điều 10 {{ decree_denunciations }};
Căn cứ Quyết định thụ lý tố cáo ngày {{ accepted_on }};
# QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ xác minh nội dung tố cáo đối với {{ accused }}{% if accused_position %}, chức vụ: {{ accused_position }}{% endif %}, gồm:
- Ông/Bà {{ inspector }}, Tổ trưởng;
- Ông/Bà {{ team_members }}, Thành viên.
Điều 2. Tổ xác minh có nhiệm vụ xác minh nội dung tố cáo: {{ subject }}. Thời gian xác minh là {{ verify_days }} ngày kể từ ngày ký Quyết định. Tổ xác minh có nhiệm vụ, quyền hạn theo quy định tại Điều 11 {{ decree_denunciations }}; thành viên Tổ xác minh không được là người có quyền, lợi ích liên quan hoặc người thân thích của người bị tố cáo.
Điều 3. Quyết định có hiệu lực kể từ ngày ký. Tổ xác minh, {{ accused }} và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.""",
        ["Như Điều 3;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "bien_ban_lam_viec_to_cao": (
        """# BIÊN BẢN LÀM VIỆC
### Hồ sơ {{ reference }}
Vào hồi ….. giờ ….. ngày {{ today }}, tại {{ authority_name }}.
Thực hiện Quyết định thành lập Tổ xác minh nội dung tố cáo; căn cứ Điều 12, Điều 13 {{ decree_denunciations }}.
! I. Thành phần làm việc
1. Đại diện Tổ xác minh: Ông/Bà {{ inspector }}, Tổ trưởng; Ông/Bà {{ team_members }}.
2. Người làm việc với Tổ xác minh: Ông/Bà {{ ph }}, chức vụ {{ ph }}, cơ quan {{ ph }}.
! II. Nội dung làm việc
Xác minh nội dung tố cáo đối với {{ accused }}: {{ subject }}.
Ý kiến của người làm việc, thông tin, tài liệu, bằng chứng cung cấp: {{ ph }}
! III. Kết thúc
Buổi làm việc kết thúc hồi ….. giờ ….. cùng ngày. Biên bản được lập thành ….. bản, đã đọc lại cho những người có mặt nghe và ký xác nhận; mỗi bên giữ 01 bản. Trường hợp người làm việc không ký thì ghi rõ lý do.
! NGƯỜI LÀM VIỆC VỚI TỔ XÁC MINH – Ký, ghi rõ họ tên""",
        ["Người làm việc với Tổ xác minh;", "Lưu: hồ sơ."],
        "ĐẠI DIỆN TỔ XÁC MINH",
    ),
    "trung_cau_giam_dinh": (
        """# VĂN BẢN TRƯNG CẦU GIÁM ĐỊNH
## Về việc trưng cầu giám định phục vụ giải quyết tố cáo
### Hồ sơ {{ reference }}
Kính gửi: {{ expert_body }}.
Căn cứ Điều 32 {{ law_denunciations }}; Điều 15 {{ decree_denunciations }};
Để có căn cứ kết luận nội dung tố cáo đối với {{ accused }} về việc: {{ subject }}, {{ authority_name }} trưng cầu {{ expert_body }} thực hiện giám định:
- Nội dung cần giám định: {{ expert_question }}.
- Thông tin, tài liệu, đồ vật gửi giám định: {{ ph }}.
- Thời hạn đề nghị gửi kết luận giám định: trước ngày {{ expert_due }}.
Kết luận giám định xin gửi về {{ authority_name }}. Thông tin về người tố cáo không được cung cấp trong văn bản này (Điều 56 {{ law_denunciations }}).""",
        [
            "Như trên;",
            "Người giải quyết tố cáo;",
            "Người tố cáo (gửi riêng);",
            "Cơ quan, tổ chức, cá nhân có liên quan;",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "bao_cao_xac_minh_to_cao": (
        """# BÁO CÁO
## Kết quả xác minh nội dung tố cáo
### Hồ sơ {{ reference }}
Kính gửi: {{ competent }}.
Căn cứ Điều 16 {{ decree_denunciations }}, Tổ xác minh báo cáo kết quả xác minh nội dung tố cáo đối với {{ accused }} như sau:
! 1. Tóm tắt nội dung tố cáo
{{ subject }}.
! 2. Kết quả xác minh đối với từng nội dung được giao xác minh
{{ outcome_summary }}
! 3. Nội dung giải trình của người bị tố cáo
{{ ph }}
! 4. Nhận xét, đánh giá và đề xuất kết luận nội dung tố cáo là đúng, đúng một phần hoặc tố cáo sai
{{ outcome }}.
! 5. Trách nhiệm của cơ quan, tổ chức, cá nhân có liên quan; đề xuất biện pháp xử lý
{{ ph }}
! 6. Kiến nghị
{{ ph }}""",
        ["Như trên;", "Lưu: hồ sơ."],
        "TỔ TRƯỞNG TỔ XÁC MINH",
    ),
    "bao_cao_ket_qua_xac_minh_co_quan": (
        """# BÁO CÁO
## Kết quả xác minh nội dung tố cáo (cơ quan, tổ chức, đơn vị được giao xác minh)
### Hồ sơ {{ reference }}
Kính gửi: {{ resolver }}.
Căn cứ Điều 16 {{ decree_denunciations }}, {{ authority_name }} báo cáo kết quả xác minh nội dung tố cáo đối với {{ accused }} như sau:
! 1. Tóm tắt nội dung tố cáo
{{ subject }}.
! 2. Kết quả xác minh đối với từng nội dung được giao xác minh
{{ outcome_summary }}
! 3. Nội dung giải trình của người bị tố cáo
{{ ph }}
! 4. Đề xuất kết luận nội dung tố cáo là đúng, đúng một phần hoặc tố cáo sai
{{ outcome }}.
! 5. Trách nhiệm của cơ quan, tổ chức, cá nhân có liên quan; đề xuất biện pháp xử lý
{{ ph }}
! 6. Kiến nghị
{{ ph }}""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "ket_luan_to_cao": (
        """# KẾT LUẬN
## Nội dung tố cáo
### Hồ sơ {{ reference }}
Căn cứ Điều 35 {{ law_denunciations }}; Điều 17 {{ decree_denunciations }};
Ngày {{ accepted_on }}, {{ authority_name }} thụ lý giải quyết tố cáo đối với {{ accused }}{% if accused_position %}, chức vụ: {{ accused_position }}{% endif %}.
Nội dung tố cáo: {{ subject }}.
Căn cứ báo cáo kết quả xác minh, các tài liệu, chứng cứ có liên quan, {{ competent }} kết luận như sau:
! 1. Kết quả xác minh nội dung tố cáo
{{ outcome_summary }}
! 2. Căn cứ pháp luật để xác định có hay không có hành vi vi phạm pháp luật
{{ violation_basis }}
! 3. Kết luận về nội dung tố cáo
Nội dung tố cáo là: {{ outcome }}. Trách nhiệm của từng cơ quan, tổ chức, cá nhân về những nội dung vi phạm (nếu có): {{ ph }}
! 4. Các biện pháp xử lý theo thẩm quyền cần được thực hiện; kiến nghị cơ quan, tổ chức, cá nhân khác áp dụng biện pháp xử lý
Thực hiện trong thời hạn 07 ngày làm việc kể từ ngày ban hành kết luận (Điều 36 {{ law_denunciations }}): {{ ph }}
! 5. Kiến nghị cơ quan nhà nước có thẩm quyền sửa đổi, bổ sung, ban hành văn bản, biện pháp để hoàn thiện chính sách, pháp luật (nếu có)
{{ ph }}
Số kết luận: {{ decision_number }}.""",
        [
            "Người bị tố cáo;",
            "Cơ quan, tổ chức quản lý người bị tố cáo;",
            "Cơ quan, tổ chức, cá nhân có liên quan;",
            "Người tố cáo (thông báo kết luận bằng văn bản riêng);",
            "Lưu: VT, hồ sơ.",
        ],
        COMPETENT,
    ),
    "tb_ket_luan_to_cao": (
        """# THÔNG BÁO
## Kết luận nội dung tố cáo
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Căn cứ khoản 3 Điều 35 {{ law_denunciations }}, {{ authority_name }} thông báo kết luận nội dung tố cáo của Ông/Bà về việc: {{ subject }}.
Ngày {{ decided_on }}, {{ competent }} đã ban hành Kết luận số {{ decision_number }}. Kết luận nội dung tố cáo: {{ outcome }}.
Tóm tắt kết quả: {{ outcome_summary }}
Trường hợp có căn cứ cho rằng việc giải quyết tố cáo là không đúng pháp luật, Ông/Bà có quyền tố cáo tiếp đến cơ quan, tổ chức cấp trên trực tiếp của người đã giải quyết tố cáo (Điều 37 {{ law_denunciations }}).
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ (chế độ mật)."],
        COMPETENT,
    ),
    "tb_chuyen_don_to_cao": (
        """# THÔNG BÁO
## Về việc chuyển đơn tố cáo
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn tố cáo của Ông/Bà về việc: {{ subject }}.
Căn cứ khoản 2 Điều 24 {{ law_denunciations }} và Điều 14 {{ circular_letters }}, nội dung tố cáo không thuộc thẩm quyền giải quyết của {{ authority_name }}. Ngày {{ transferred_on }}, {{ authority_name }} đã chuyển đơn đến {{ transfer_to }} để xem xét, giải quyết theo thẩm quyền.
Thông tin về người tố cáo được giữ bí mật khi chuyển đơn (Điều 56 {{ law_denunciations }}).
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ (chế độ mật)."],
        COMPETENT,
    ),
    "tb_khong_giai_quyet_lai": (
        """# THÔNG BÁO
## Về việc không giải quyết lại tố cáo
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
{{ authority_name }} nhận được đơn của Ông/Bà tố cáo tiếp việc giải quyết tố cáo về việc: {{ subject }}.
Căn cứ điểm a khoản 2 Điều 37 {{ law_denunciations }}, sau khi xem xét, {{ authority_name }} nhận thấy việc giải quyết tố cáo trước đó là đúng pháp luật và không có tình tiết mới, nên không giải quyết lại tố cáo.
Lý do: {{ reason_label }}{% if reason_text %}; {{ reason_text }}{% endif %}.
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Người đã giải quyết tố cáo;", "Lưu: VT, hồ sơ (chế độ mật)."],
        COMPETENT,
    ),
    "yeu_cau_bao_cao_to_cao_qua_han": (
        """# VĂN BẢN
## Yêu cầu báo cáo về việc giải quyết tố cáo quá thời hạn
### Hồ sơ {{ reference }}
Kính gửi: {{ previous_authority }}.
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn tố cáo tiếp về việc: {{ subject }}, liên quan đến vụ việc tố cáo tại hồ sơ {{ previous_reference }}, đã quá thời hạn giải quyết quy định tại Điều 30 {{ law_denunciations }} mà chưa được giải quyết.
Căn cứ khoản 2 Điều 38 {{ law_denunciations }} và Điều 5 {{ decree_denunciations }}, {{ authority_name }} yêu cầu {{ previous_authority }}:
- Báo cáo về quá trình giải quyết tố cáo, lý do chậm giải quyết và xác định trách nhiệm giải quyết tố cáo;
- Gửi báo cáo trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản này;
- Tiếp tục giải quyết tố cáo theo quy định và báo cáo kết quả cho {{ authority_name }}.
Thông tin về người tố cáo được giữ bí mật và không ghi trong văn bản này (Điều 56 {{ law_denunciations }})./.""",
        ["Như trên;", "Lưu: VT, hồ sơ (chế độ mật)."],
        COMPETENT,
    ),
    # ---------------------------------------------------------------- letter handling (Circular 05/2021)
    "phieu_de_xuat_thu_ly": (
        """# PHIẾU ĐỀ XUẤT THỤ LÝ ĐƠN
### Hồ sơ {{ reference }}
Kính gửi: {{ competent }}.
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn {{ kind_label }}{% if show_sender %} của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}{% endif %}.
Nội dung đơn: {{ subject }}.
{%p if accused %}
Người bị khiếu nại/bị tố cáo: {{ accused }}.
{%p endif %}
Qua xem xét, đơn đủ điều kiện thụ lý theo {{ accept_rule }} và thuộc thẩm quyền giải quyết của {{ competent }}. Căn cứ {{ circular_letters }}, người xử lý đơn đề xuất thụ lý giải quyết đơn nêu trên.
! Ý KIẾN CỦA NGƯỜI CÓ THẨM QUYỀN: ……………………………………""",
        ["Như trên;", "Lưu: hồ sơ."],
        "NGƯỜI ĐỀ XUẤT",
    ),
    "phieu_chuyen_don": (
        """# PHIẾU CHUYỂN ĐƠN TỐ CÁO
### Hồ sơ {{ reference }}
Kính gửi: {{ transfer_to }}.
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn {{ kind_label }}.
Nội dung đơn: {{ subject }}.
Căn cứ khoản 2 Điều 24 {{ law_denunciations }} và khoản 1 Điều 14 {{ circular_letters }}, nội dung đơn không thuộc thẩm quyền giải quyết của {{ authority_name }}. {{ authority_name }} chuyển đơn đến {{ transfer_to }} để xem xét, giải quyết theo thẩm quyền và thông báo kết quả theo quy định.
Thông tin nhân thân của người tố cáo được chuyển kèm theo chế độ mật, không ghi trong phiếu này (Điều 56 {{ law_denunciations }}).
{%p if transfer_note %}
Ghi chú: {{ transfer_note }}
{%p endif %}""",
        ["Như trên;", "Người tố cáo (thông báo riêng);", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "phieu_chuyen_don_khac": (
        """# PHIẾU CHUYỂN ĐƠN
### Hồ sơ {{ reference }}
Kính gửi: {{ transfer_to }}.
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn {{ kind_label }} của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}.
Nội dung đơn: {{ subject }}.
Căn cứ {{ circular_letters }}, nội dung đơn không thuộc thẩm quyền giải quyết của {{ authority_name }}. {{ authority_name }} chuyển đơn đến {{ transfer_to }} để xem xét, giải quyết theo thẩm quyền.
{%p if transfer_note %}
Ghi chú: {{ transfer_note }}
{%p endif %}""",
        ["Như trên;", "Người gửi đơn (để biết);", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "van_ban_huong_dan": (
        """# VĂN BẢN HƯỚNG DẪN
## Về việc gửi đơn đến cơ quan có thẩm quyền
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn {{ kind_label }} của Ông/Bà về việc: {{ subject }}.
Căn cứ {{ guidance_basis }} và {{ circular_letters }}, nội dung đơn không thuộc thẩm quyền giải quyết của {{ authority_name }}. Đề nghị Ông/Bà gửi đơn đến {{ guide_to }} để được xem xét, giải quyết theo quy định của pháp luật.
{%p if guidance %}
{{ guidance }}
{%p endif %}
Việc hướng dẫn chỉ thực hiện một lần đối với cùng một nội dung đơn.
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "thu_ly_kien_nghi": (
        """# THÔNG BÁO
## Về việc thụ lý kiến nghị, phản ánh
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được kiến nghị, phản ánh của Ông/Bà về việc: {{ subject }}.
Căn cứ khoản 2 Điều 2 {{ law_reception }} và {{ circular_letters }}, nội dung kiến nghị, phản ánh thuộc trách nhiệm của {{ authority_name }} và đã được thụ lý xem xét kể từ ngày {{ accepted_on }}.
Ông/Bà có thể theo dõi tiến độ bằng mã hồ sơ {{ reference }} và mã bí mật đã được cấp khi nộp đơn.
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "khong_thu_ly_to_cao": (
        """# THÔNG BÁO
## Về việc không thụ lý tố cáo
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được đơn tố cáo của Ông/Bà về việc: {{ subject }}.
Căn cứ khoản 1 Điều 29 {{ law_denunciations }}, {{ authority_name }} thông báo không thụ lý tố cáo vì lý do sau:
- {{ reason_label }} (căn cứ: {{ reason_basis }}).
{%p if reason_text %}
- {{ reason_text }}
{%p endif %}
Thông tin về người tố cáo được giữ bí mật theo Điều 56 {{ law_denunciations }}.
Vậy thông báo để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ (chế độ mật)."],
        COMPETENT,
    ),
    "khong_thu_ly_kien_nghi": (
        """# THÔNG BÁO
## Về việc không thụ lý kiến nghị, phản ánh
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được kiến nghị, phản ánh của Ông/Bà về việc: {{ subject }}.
Căn cứ {{ circular_letters }}, {{ authority_name }} thông báo không thụ lý vì lý do sau:
- {{ reason_label }} (căn cứ: {{ reason_basis }}).
{%p if reason_text %}
- {{ reason_text }}
{%p endif %}
Ông/Bà có thể bổ sung, hoàn thiện đơn hoặc gửi đơn đến cơ quan có thẩm quyền theo quy định của pháp luật.""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    "tra_loi_kien_nghi": (
        """# VĂN BẢN TRẢ LỜI
## Kiến nghị, phản ánh
### Hồ sơ {{ reference }}
"""
        + TO_PARTY
        + """
Ngày {{ received_on }}, {{ authority_name }} nhận được kiến nghị, phản ánh của Ông/Bà về việc: {{ subject }}.
Căn cứ khoản 2 Điều 2 {{ law_reception }} và {{ circular_letters }}, sau khi xem xét, {{ authority_name }} trả lời như sau:
{{ outcome_summary }}
Vậy trả lời để Ông/Bà được biết./.""",
        ["Như trên;", "Lưu: VT, hồ sơ."],
        COMPETENT,
    ),
    # ---------------------------------------------------------------- citizen reception
    "giay_bien_nhan": (
        """# GIẤY BIÊN NHẬN
## Đơn, thông tin, tài liệu, bằng chứng
### Hồ sơ {{ reference }}
Căn cứ {{ law_reception }} và {{ circular_letters }}, {{ authority_name }} đã nhận của Ông/Bà {{ party_name }}, địa chỉ: {{ party_address }}, số căn cước/định danh cá nhân/hộ chiếu: {{ party_id }}:
- Đơn {{ kind_label }} ngày {{ received_on }} về việc: {{ subject }};
- Thông tin, tài liệu, bằng chứng kèm theo: {{ attachments }}.
Mã hồ sơ để theo dõi: {{ reference }}. Ông/Bà dùng mã này và mã bí mật đã được cấp để tra cứu tiến độ giải quyết.
Giấy biên nhận được lập thành 02 bản, người nộp giữ 01 bản, cơ quan tiếp nhận giữ 01 bản./.
! NGƯỜI NỘP – Ký, ghi rõ họ tên hoặc điểm chỉ""",
        ["Người nộp;", "Lưu: hồ sơ."],
        "NGƯỜI TIẾP NHẬN",
    ),
}


def template_docx(code: str) -> bytes:
    body, recipients, signatory = FORMS[code]
    header = {
        "issuer_parent": "{{ issuer_parent }}",
        "issuer": "{{ issuer }}",
        "number": "{{ number_line }}",
        "dateline": "{{ dateline }}",
    }
    parts = [
        w.para("{{ form_line }}", align="right", italic=True, size=22, indent=False, after=60),
        w.header_table(header),
        w.para("", after=240),
        *w.body_paragraphs(body),
        w.signature_block(signatory, recipients=recipients),
        w.para("{{ privacy_line }}", align="left", italic=True, size=20, indent=False, after=0),
    ]
    xml = w.document_xml(parts)
    assert unicodedata.is_normalized("NFC", xml), code
    return w.package(xml)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    OUT.mkdir(parents=True, exist_ok=True)
    differ = []
    for code in FORMS:
        path = OUT / f"{code}.docx"
        content = template_docx(code)
        if check:
            if not path.exists() or path.read_bytes() != content:
                differ.append(path.name)
        else:
            path.write_bytes(content)
    if differ:
        print("out of date (run scripts/make_document_templates.py):", ", ".join(differ))
        return 1
    if not check:
        print(f"wrote {len(FORMS)} templates to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
