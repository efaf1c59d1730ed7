"""The "Kết quả giải quyết: ký số và gửi" panel of the workspace's case page."""

from django import template

from cases import permissions, rules
from cases.delivery import selectors, signing
from cases.delivery.services import unsigned_documents

register = template.Library()


@register.inclusion_tag("delivery/admin/_case_panel.html", takes_context=True)
def delivery_panel(context, case):
    user = context["request"].user
    can_sign = permissions.user_can("sign", user, case) and signing.signing_enabled()
    can_deliver = permissions.user_can("deliver", user, case)
    deliveries = list(selectors.case_deliveries(case))
    return {
        "case": case,
        "signed": list(selectors.case_signed_documents(case)),
        "unsigned": list(unsigned_documents(case)) if can_sign else [],
        "deliveries": deliveries,
        "results": list(selectors.results_to_send(case)),
        "send_deadlines": list(
            case.deadlines.filter(rule_code__in=sorted(rules.SEND_RULES)).order_by("due_at")
        ),
        "can_sign": can_sign,
        "can_deliver": can_deliver,
        "signing_enabled": signing.signing_enabled(),
    }
