"""The "Bảo vệ người tố cáo" panel of the workspace's case page: shown only to those who may take
or decide a request (``permissions.can_see_panel``); every action is listed, the ones the viewer
cannot take disabled with their reason."""

from django import template

from cases.models import CaseKind

from .. import permissions, selectors
from ..views import REQUEST_STEPS, STEPS

register = template.Library()


def _button(step, user, case, request=None):
    verdict = step.verdict(user, case, request)
    return {
        "slug": step.slug,
        "label": step.label,
        "allowed": bool(verdict),
        "reason": verdict.reason,
        "primary": step.primary,
    }


@register.inclusion_tag("protection/admin/_case_panel.html", takes_context=True)
def protection_panel(context, case):
    user = context["request"].user
    if case.kind != CaseKind.DENUNCIATION or not permissions.can_see_panel(user, case):
        return {"shown": False}
    rows = []
    for request in selectors.case_protections(case):
        rows.append(
            {
                "obj": request,
                "view": selectors.protection_view(request),
                "identity": permissions.can_read_identity(user, request),
                "can_keep": bool(permissions.can_keep_file(user, request)),
                "buttons": [_button(STEPS[s], user, case, request) for s in REQUEST_STEPS],
            }
        )
    return {"shown": True, "case": case, "new": _button(STEPS["new"], user, case), "requests": rows}
