"""Realistic Vietnamese demo data for `make run`: Hà Nội, its inspectorate, departments and wards,
staff for every role, and cases in every kind and state, all made through the services so the
events, history and deadlines are real. Idempotent; refuses to run when DEBUG is off."""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.actors import SYSTEM, Citizen
from cases.models import Authority, Case, EscalationPolicy, Role
from cases.roles import membership_grant
from cases.verification import services as verification

A = Authority.Level
AUTHORITIES = [
    # code, name_vi, name_en, level, parent, remote
    ("HN", "UBND Thành phố Hà Nội", "Hanoi People's Committee", A.PROVINCIAL, None, False),
    ("HN-TTTP", "Thanh tra Thành phố Hà Nội", "Hanoi City Inspectorate", A.DEPARTMENT, "HN", False),
    ("HN-SXD", "Sở Xây dựng Hà Nội", "Hanoi Department of Construction", A.DEPARTMENT, "HN", False),
    (
        "HN-SNNMT",
        "Sở Nông nghiệp và Môi trường Hà Nội",
        "Hanoi Department of Agriculture and Environment",
        A.DEPARTMENT,
        "HN",
        False,
    ),
    (
        "HN-SGDDT",
        "Sở Giáo dục và Đào tạo Hà Nội",
        "Hanoi Department of Education and Training",
        A.DEPARTMENT,
        "HN",
        False,
    ),
    ("HN-P-HOANKIEM", "UBND phường Hoàn Kiếm", "Hoan Kiem Ward People's Committee", A.COMMUNE, "HN", False),
    ("HN-P-BADINH", "UBND phường Ba Đình", "Ba Dinh Ward People's Committee", A.COMMUNE, "HN", False),
    ("HN-X-BAVI", "UBND xã Ba Vì", "Ba Vi Commune People's Committee", A.COMMUNE, "HN", True),
]

STAFF = [
    # username, full name, role, authority
    ("intake", "Nguyễn Thu Hà", Role.INTAKE, "HN"),
    ("inspector", "Phạm Minh Tuấn", Role.INSPECTOR, "HN-TTTP"),
    ("inspector2", "Lê Thị Lan", Role.INSPECTOR, "HN-TTTP"),
    ("head", "Đỗ Văn Hùng", Role.HEAD_OF_UNIT, "HN-TTTP"),
    ("director", "Vũ Quang Khải", Role.HEAD_OF_AGENCY, "HN"),
    ("auditor", "Hoàng Thị Mai", Role.AUDITOR, "HN"),
    ("admin", "Quản trị hệ thống", Role.ADMINISTRATOR, "HN"),
]

PEOPLE = [
    ("Trần Văn An", "001085012345", "15 Hàng Bạc, phường Hoàn Kiếm, Hà Nội", "0912000111"),
    ("Nguyễn Thị Bích", "001190054321", "22 Phan Đình Phùng, phường Ba Đình, Hà Nội", "0983222333"),
    ("Lê Hoàng Cường", "001078098765", "Thôn Yên Bài, xã Ba Vì, Hà Nội", "0904555666"),
    ("Phạm Thu Dung", "001195011122", "8 Kim Mã, phường Ba Đình, Hà Nội", "0977888999"),
]

SUBJECTS = {
    "complaint": [
        ("Khiếu nại quyết định thu hồi đất để mở rộng đường", "Quyết định số 1520/QĐ-UBND về thu hồi đất"),
        ("Khiếu nại mức bồi thường giải phóng mặt bằng", "Phương án bồi thường số 88/PA-BT"),
        ("Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng", "Quyết định xử phạt 312/QĐ-XPVPHC"),
        ("Khiếu nại việc không cấp giấy phép xây dựng", "Văn bản từ chối cấp phép số 45/SXD-CP"),
    ],
    "denunciation": [
        ("Tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ", ""),
        ("Tố cáo việc lấn chiếm đất công xây nhà trái phép", ""),
        ("Tố cáo sai phạm trong đấu thầu sửa chữa trường học", ""),
    ],
    "petition": [
        ("Kiến nghị sửa chữa hệ thống thoát nước ngõ 32", ""),
        ("Phản ánh tiếng ồn công trình thi công ban đêm", ""),
    ],
    "anonymous_report": [("Tin báo về bãi tập kết vật liệu trái phép ven đê", "")],
}

# A one-page PDF for the demo decisions that are sent before their file is closed.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# The path of each demo case through the workflow (verbs applied in order).
SCENARIOS = {
    "complaint": [
        [],
        ["accept"],
        ["accept", "assign"],
        ["accept", "assign", "verify"],
        ["accept", "assign", "verify", "dialogue"],
        ["accept", "assign", "verify", "conclude"],
        ["accept", "assign", "verify", "conclude", "publish"],
        ["accept", "assign", "verify", "conclude", "close"],
        ["reject"],
        ["guide"],
        ["accept", "suspend"],
        ["accept", "withdraw"],
        ["accept", "assign", "verify", "suspend", "resume"],
    ],
    "denunciation": [
        [],
        ["accept"],
        ["accept", "assign", "verify"],
        ["complex", "accept", "assign", "verify", "extend"],
        ["especially_complex", "accept", "assign", "verify", "extend", "extend"],
        ["accept", "assign", "verify", "conclude"],
        ["accept", "assign", "verify", "conclude", "publish"],
        ["reject"],
        ["transfer"],
        ["accept", "suspend"],
        ["accept", "terminate"],
    ],
    "petition": [
        [],
        ["accept"],
        ["accept", "assign", "conclude"],
        ["guide"],
        ["accept", "conclude", "close"],
    ],
    "anonymous_report": [[], ["accept", "assign", "verify"], ["reject"]],
}


@contextmanager
def frozen_now(moment: dt.datetime):
    """Demo cases happen over past weeks: the services read the clock through timezone.now()."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu / load demo data (idempotent; DEBUG only). "
        "Logins: intake, inspector, head, director, auditor, admin; password demo"
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo chỉ chạy khi DEBUG=True / seed_demo runs only with DEBUG on")
        with transaction.atomic():
            authorities = self._authorities()
            users = self._staff(authorities)
            EscalationPolicy.objects.get_or_create(
                authority=None,
                defaults={
                    "warn_leads": [3, 1],
                    "level2_after": 3,
                    "level3_after": 5,
                    "stalled_after": {"received": 10, "accepted": 15, "verifying": 20},
                },
            )
        if Case.objects.filter(authority__code__startswith="HN").exists():
            self.stdout.write("Demo data already present; nothing added.")
            return
        with transaction.atomic():  # all demo cases or none, so a rerun is never half-done
            count = self._cases(authorities, users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(authorities)} authorities, {len(users)} staff, {count} cases."
            )
        )

    def _authorities(self) -> dict[str, Authority]:
        out: dict[str, Authority] = {}
        for code, vi, en, level, parent, remote in AUTHORITIES:
            out[code], _ = Authority.objects.update_or_create(
                code=code,
                defaults={
                    "name_vi": vi,
                    "name_en": en,
                    "level": level,
                    "parent": out.get(parent) if parent else None,
                    "remote_area": remote,
                    "valid_from": dt.date(2025, 7, 1),
                },
            )
        return out

    def _staff(self, authorities):
        User = get_user_model()
        users = {}
        for username, full_name, role, code in STAFF:
            last, first = full_name.rsplit(" ", 1)[0], full_name.rsplit(" ", 1)[-1]
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": True,
                    "email": f"{username}@thanhtra.hanoi.gov.vn",
                },
            )
            if created:
                user.set_password("demo")
                user.is_superuser = role == Role.ADMINISTRATOR
                user.save()
            membership_grant(user=user, authority=authorities[code], role=role)
            users[username] = User.objects.get(pk=user.pk)
        return users

    def _cases(self, authorities, users) -> int:
        rng = random.Random(20261126)
        today = timezone.now()
        handlers = [
            authorities["HN-TTTP"],
            authorities["HN-SXD"],
            authorities["HN-SNNMT"],
            authorities["HN-X-BAVI"],
        ]
        count = 0
        for kind, scenarios in SCENARIOS.items():
            for i, steps in enumerate(scenarios):
                subject, act = SUBJECTS[kind][i % len(SUBJECTS[kind])]
                name, nid, address, phone = PEOPLE[i % len(PEOPLE)]
                start = today - dt.timedelta(days=rng.randint(5, 75), hours=rng.randint(0, 8))
                # The demo staff work at the city inspectorate; letters only triaged spread elsewhere.
                handled = any(
                    step not in ("accept", "reject", "transfer", "guide", "withdraw") for step in steps
                )
                authority = authorities["HN-TTTP"] if handled or i % 3 else rng.choice(handlers)
                parties = (
                    []
                    if kind == "anonymous_report"
                    else [
                        services.PartyInput(
                            full_name=name,
                            national_id=nid,
                            address=address,
                            phone=phone,
                            email=f"nguoidan{i}@example.vn",
                        )
                    ]
                )
                channel = rng.choice(list(Case.Channel.values))
                with frozen_now(start):
                    result = services.case_submit(
                        kind=kind,
                        subject=subject,
                        description=f"{subject}. Đề nghị cơ quan có thẩm quyền xem xét, "
                        "giải quyết theo quy định của pháp luật.",
                        parties=parties,
                        channel=channel,
                        authority=authority,
                        contested_act=act,
                        contested_act_known_on=(start - dt.timedelta(days=20)).date() if act else None,
                        accused_name="Ông Nguyễn Văn X" if kind == "denunciation" else "",
                        actor=Citizen.filing() if channel == Case.Channel.ONLINE else SYSTEM,
                        received_at=start,
                    )
                case = result.case
                moment = start
                for step in steps:
                    moment += dt.timedelta(days=rng.randint(2, 9), hours=rng.randint(1, 5))
                    if moment > today:
                        moment = today - dt.timedelta(minutes=5)
                    with frozen_now(moment):
                        case = self._apply(step, case, users, authorities)
                count += 1
        return count

    def _send_result(self, case, head):
        """The decision sent to the complainant (the sending limit, K7/T6, is met by the dispatch,
        ``cases.delivery``): a short PDF decision on file, e-mailed to the first party."""
        from cases.delivery.services import delivery_record
        from cases.models import Deadline
        from cases.rules import SEND_RULES

        if not Deadline.objects.filter(case=case, rule_code__in=sorted(SEND_RULES), state="open").exists():
            return
        attachment = services.attachment_add(
            case=case,
            actor=head,
            files=[
                services.FileInput(
                    name="quyet-dinh.pdf",
                    content=DEMO_PDF,
                    content_type="application/pdf",
                    kind="decision",
                    description="Quyết định giải quyết",
                )
            ],
            visibility="complainant",
        )[0]
        attachment.uploaded_at = (
            timezone.now()
        )  # the frozen demo clock (the model default reads the real one)
        attachment.save(update_fields=["uploaded_at"])
        party = case.parties.order_by("position").first()
        delivery_record(
            case=case, actor=head, attachment=attachment, recipient_kind="party", channel="email", party=party
        )

    def _apply(self, step, case, users, authorities):
        head, intake, inspector = users["head"], users["intake"], users["inspector"]
        case = Case.objects.get(pk=case.pk)
        if step in ("complex", "especially_complex"):
            return services.case_classify(case=case, actor=intake, complexity=step)
        if step == "accept":
            return services.case_accept(case=case, actor=intake, note="Đủ điều kiện thụ lý")
        if step == "assign":
            return services.case_assign(
                case=case, actor=head, assignee=inspector, reason="Phân công xác minh"
            )
        if step == "verify":
            return services.case_start_verification(case=case, actor=inspector, plan="Làm việc với các bên")
        if step == "dialogue":
            return services.case_schedule_dialogue(
                case=case,
                actor=inspector,
                when=timezone.now() + dt.timedelta(days=7),
                place="Trụ sở Thanh tra Thành phố, 5 Hàng Bài",
            )
        if step == "extend":
            return services.case_extend(
                case=case,
                actor=head,
                days=30,
                decision_number=f"{case.extension_count + 1}/QĐ-GH",
                justification="Cần xác minh tại nhiều địa điểm",
            )
        if step == "suspend":
            code = "TC-34-1-b" if case.kind == "denunciation" else "KN-11a-related"
            return services.case_suspend(
                case=case, actor=head, reason_code=code, reason_text="Chờ kết quả giám định"
            )
        if step == "resume":
            return services.case_resume(
                case=case, actor=head, decision_number="02/QĐ-TTGQ", note="Đã có kết quả giám định"
            )
        if step == "withdraw":
            # Online the citizen asks; the signed letter then makes the withdrawal (Law on
            # Complaints Art 10).
            case = services.case_withdrawal_request(
                case=case, actor=Citizen.with_key(case.pk), statement="Tôi xin rút đơn"
            )
            return services.case_withdraw(
                case=case,
                actor=intake,
                statement="Đơn xin rút khiếu nại có chữ ký",
                evidence="signed_letter",
                end_reason="Người tố cáo rút toàn bộ, không thuộc khoản 3 Điều 33 Luật Tố cáo",
            )
        if step == "terminate":
            return services.case_terminate(case=case, actor=head, reason_code="TC-34-3-c")
        if step == "conclude":
            if case.status in ("verifying", "dialogue") and case.kind in ("complaint", "denunciation"):
                # The verification work and its report before the head (cases.verification).
                verification.verification_record_add(
                    case=case,
                    actor=inspector,
                    kind="minutes",
                    date=timezone.localdate(),
                    summary="Làm việc với các bên, lập biên bản.",
                )
                verification.verification_report_submit(
                    case=case,
                    actor=inspector,
                    findings="Nội dung đúng một phần.",
                    draft_summary="Dự thảo: đúng một phần.",
                )
                case = Case.objects.get(pk=case.pk)
            outcome = {
                "complaint": "partly_right",
                "denunciation": "partly_true",
                "petition": "answered",
                "anonymous_report": "no_violation",
            }[case.kind]
            return services.case_conclude(
                case=case,
                actor=head,
                outcome=outcome,
                summary="Kết quả xác minh cho thấy nội dung đúng một phần.",
                decision_number="15/QĐ-GQKN",
            )
        if step == "publish":
            return services.case_publish(case=case, actor=head, channel="Đăng trên cổng thông tin điện tử")
        if step == "close":
            self._send_result(case, head)
            return services.case_close(case=Case.objects.get(pk=case.pk), actor=head)
        if step == "reject":
            code = {
                "complaint": "KN-11-6",
                "denunciation": "TC-29-1-d",
                "petition": "KNPA-not-competent",
                "anonymous_report": "TC-25-2-insufficient",
            }[case.kind]
            return services.case_reject(case=case, actor=intake, reason_code=code)
        if step == "transfer":
            return services.case_transfer(case=case, actor=intake, to_authority=authorities["HN-P-HOANKIEM"])
        if step == "guide":
            return services.case_guide(
                case=case, actor=intake, guidance="Đề nghị gửi đơn đến UBND phường nơi cư trú"
            )
        raise CommandError(f"unknown demo step {step}")
