"""One factory per model. Cases built here bypass the services (fast fixtures for reads);
tests of behaviour go through ``cases.services``."""

import datetime as dt
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.vn")
    first_name = "Cán bộ"
    last_name = factory.Sequence(lambda n: f"Số {n}")
    is_staff = True
    password = factory.django.Password("demo")


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Authority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AUTH{n}")
    name_vi = factory.Sequence(lambda n: f"Cơ quan số {n}")
    name_en = factory.Sequence(lambda n: f"Authority {n}")
    level = models.Authority.Level.DEPARTMENT
    parent = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AuthorityFactory)
    role = models.Role.INSPECTOR


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Case

    reference = factory.Sequence(lambda n: f"HN-2026-{n + 900000:06d}")
    access_key_hash = factory.LazyFunction(lambda: hashlib.sha256(b"key").hexdigest())
    kind = models.CaseKind.COMPLAINT
    complaint_level = models.Case.Level.FIRST
    status = models.CaseStatus.RECEIVED
    channel = models.Case.Channel.ONLINE
    received_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyAttribute(lambda o: o.received_at)
    authority = factory.SubFactory(AuthorityFactory)
    subject = "Khiếu nại quyết định thu hồi đất"
    description = "Nội dung khiếu nại về việc bồi thường khi thu hồi đất."


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Party

    case = factory.SubFactory(CaseFactory)
    role = models.Party.Role.COMPLAINANT
    full_name = "Nguyễn Văn An"
    national_id = factory.Sequence(lambda n: f"001{n:09d}")
    address = "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội"
    phone = "0912345678"
    email = "an.nguyen@example.vn"


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Holiday
        django_get_or_create = ("date",)

    date = dt.date(2026, 9, 2)
    kind = models.Holiday.Kind.HOLIDAY
    name = "Quốc khánh"
