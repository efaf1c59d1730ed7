"""The public "verify a document" page (xác thực văn bản): anyone uploads a PDF they received, or
types the case reference and the document number printed on it, and learns in plain words whether
the signature is intact, whether the certificate chains to a trust anchor the system accepts, and
whether the file is the one the case issued (``cases.delivery.verification``). Rate-limited like
the other public steps; nothing about the people in the case is ever shown."""

from __future__ import annotations

from django import forms
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.translation import pgettext, pgettext_lazy

from cases import rules
from cases.delivery import verification
from cases.delivery.verification import Outcome

from . import ratelimit
from .access import normalise_reference
from .forms import AccessibleForm

# The page's address in each language (config/urls.py): /xac-thuc-van-ban/, /en/verify-a-document/.
ROUTE = pgettext_lazy("url", "xac-thuc-van-ban/")


class VerifyForm(AccessibleForm):
    file = forms.FileField(
        label=pgettext_lazy("public", "Tệp văn bản (PDF)"),
        required=False,
        help_text=pgettext_lazy("public", "Tệp PDF đã ký số ông/bà nhận được hoặc tải về, tối đa 20 MB."),
    )
    reference = forms.CharField(
        label=pgettext_lazy("public", "Mã hồ sơ"),
        max_length=32,
        required=False,
        help_text=pgettext_lazy("public", "In trên văn bản, ví dụ HN-2026-000123."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    number = forms.CharField(
        label=pgettext_lazy("public", "Số văn bản"),
        max_length=60,
        required=False,
        help_text=pgettext_lazy("public", "Ví dụ 15/QĐ-SXD."),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    def clean_reference(self):
        return normalise_reference(self.cleaned_data.get("reference", ""))

    def clean_number(self):
        return " ".join((self.cleaned_data.get("number") or "").split())

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > rules.MAX_FILE_BYTES:
            raise forms.ValidationError(pgettext("public", "Tệp quá lớn (tối đa 20 MB)."))
        return upload

    def clean(self):
        data = super().clean()
        has_file = data.get("file") is not None
        has_lookup = bool(data.get("reference") and data.get("number"))
        if not has_file and not has_lookup:
            raise forms.ValidationError(
                pgettext("public", "Chọn tệp văn bản, hoặc nhập mã hồ sơ và số văn bản.")
            )
        if not has_file and (data.get("reference") or data.get("number")) and not has_lookup:
            raise forms.ValidationError(pgettext("public", "Nhập cả mã hồ sơ và số văn bản."))
        return data


def outcome_text(outcome: str) -> tuple[str, str]:
    """(headline, explanation) in plain words for a verification outcome."""
    texts = {
        Outcome.VALID: (
            pgettext("public", "Văn bản hợp lệ"),
            pgettext(
                "public",
                "Chữ ký số còn nguyên vẹn, chứng thư số do tổ chức được công nhận cấp, và đây đúng là văn "
                "bản cơ quan đã ban hành trong hồ sơ.",
            ),
        ),
        Outcome.ALTERED: (
            pgettext("public", "Văn bản đã bị thay đổi"),
            pgettext(
                "public",
                "Nội dung tệp không còn khớp với chữ ký số: tệp đã bị sửa sau khi ký. Đây không phải bản "
                "gốc do cơ quan ban hành.",
            ),
        ),
        Outcome.UNTRUSTED: (
            pgettext("public", "Chữ ký không được công nhận"),
            pgettext(
                "public",
                "Tệp có chữ ký số, nhưng chứng thư số của người ký không do tổ chức được hệ thống công "
                "nhận cấp. Không thể coi đây là văn bản của cơ quan giải quyết.",
            ),
        ),
        Outcome.NOT_ISSUED: (
            pgettext("public", "Không phải văn bản đã ban hành"),
            pgettext(
                "public",
                "Chữ ký số còn nguyên vẹn, nhưng tệp này không phải văn bản cơ quan đã ban hành trong hồ "
                "sơ (hoặc không đúng mã hồ sơ, số văn bản đã nhập).",
            ),
        ),
        Outcome.NOT_SIGNED: (
            pgettext("public", "Tệp không có chữ ký số"),
            pgettext(
                "public",
                "Tệp này không mang chữ ký số nên không thể xác thực. Văn bản điện tử của cơ quan luôn "
                "được ký số.",
            ),
        ),
        Outcome.UNREADABLE: (
            pgettext("public", "Không đọc được tệp"),
            pgettext("public", "Vui lòng tải lên đúng tệp PDF đã nhận, không chuyển đổi hay in lại."),
        ),
        Outcome.FOUND: (
            pgettext("public", "Có văn bản này trong hồ sơ"),
            pgettext(
                "public",
                "Cơ quan đã ban hành văn bản với mã hồ sơ và số văn bản này. Để chắc chắn tệp ông/bà "
                "có là bản gốc, hãy tải tệp lên để đối chiếu.",
            ),
        ),
        Outcome.NOT_FOUND: (
            pgettext("public", "Không tìm thấy văn bản"),
            pgettext("public", "Không có văn bản đã ký số nào với mã hồ sơ và số văn bản này."),
        ),
    }
    return texts[outcome]


def result_context(result: verification.Verification) -> dict:
    headline, explanation = outcome_text(result.outcome)
    document = result.document
    return {
        "outcome": result.outcome,
        "ok": result.outcome in (Outcome.VALID, Outcome.FOUND),
        "headline": headline,
        "explanation": explanation,
        "document": document,
        "certificate": result.certificate,
        "sha256": result.sha256,
    }


def verify_document(request):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    result = None
    errors: list = []
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            verdict = ratelimit.hit(request, "verify")
            if not verdict.allowed:
                response = TemplateResponse(
                    request,
                    "publicsite/problem.html",
                    {
                        "title": pgettext("public", "Quá nhiều yêu cầu"),
                        "message": pgettext(
                            "public",
                            "Có quá nhiều yêu cầu từ địa chỉ mạng của ông/bà. Vui lòng thử lại sau "
                            "%(minutes)s phút.",
                        )
                        % {"minutes": max(1, verdict.retry_after // 60)},
                    },
                    status=429,
                )
                response["Retry-After"] = str(verdict.retry_after)
                return response
            data = form.cleaned_data
            upload = data.get("file")
            if upload is not None:
                content = upload.read(rules.MAX_FILE_BYTES + 1)
                result = verification.verify_pdf(content, reference=data["reference"], number=data["number"])
            else:
                result = verification.verify_reference(data["reference"], data["number"])
        else:
            errors = form.error_list()
    else:
        form = VerifyForm(
            initial={"reference": request.GET.get("ma", "")[:32], "number": request.GET.get("so", "")[:60]}
        )
    context = {"form": form, "errors": errors, "result": result_context(result) if result else None}
    response = TemplateResponse(request, "publicsite/verify_page.html", context)
    response["Cache-Control"] = "no-store, private"
    return response
