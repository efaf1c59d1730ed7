"""The admin's sign-in form in Vietnamese (``WAGTAILADMIN_USER_LOGIN_FORM``): Wagtail's own leaves
the password label to the field name ("Password") and builds its placeholders from pieces."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": _("Nhập tên đăng nhập"), "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"placeholder": _("Nhập mật khẩu"), "autocomplete": "current-password"}
        ),
    )
    remember = forms.BooleanField(label=_("Ghi nhớ đăng nhập"), required=False)

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["placeholder"] = _("Nhập tên đăng nhập")
