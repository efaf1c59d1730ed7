# ruff: noqa: E501 - one catalogue entry per line reads best
"""Vietnamese for the parts of Wagtail's admin that staff read and Wagtail's own catalogue lacks
(its ``vi`` catalogue covers about a tenth of the admin). ``python locale/wagtail_vi.py`` writes
``locale/vi/LC_MESSAGES/django.po`` and ``djangojs.po`` and compiles them; LOCALE_PATHS puts them
before every app's catalogue. Keys are Wagtail's English msgids, exactly."""

from __future__ import annotations

from pathlib import Path

DJANGO = {
    "Sign in to Wagtail": "Đăng nhập hệ thống",
    "Sign in": "Đăng nhập",
    "Signing in…": "Đang đăng nhập…",
    "Password": "Mật khẩu",
    "Forgotten password?": "Quên mật khẩu?",
    "Remember me": "Ghi nhớ đăng nhập",
    "Username": "Tên đăng nhập",
    "Email": "Thư điện tử",
    "Log in": "Đăng nhập",
    "Log out": "Đăng xuất",
    "Reset your password": "Đặt lại mật khẩu",
    "Enter your email address to reset your password": "Nhập địa chỉ thư điện tử để đặt lại mật khẩu",
    "Reset password": "Đặt lại mật khẩu",
    "Check your email": "Kiểm tra hộp thư điện tử",
    "Your username and password didn't match. Please try again.": "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại.",
    "You do not have permission to access the admin.": "Bạn không có quyền vào trang quản trị.",
    "Sorry, you do not have permission to access this area.": "Bạn không có quyền truy cập mục này.",
    "Skip to main content": "Chuyển đến nội dung chính",
    (
        "JavaScript is required to use Wagtail, but it is currently disabled.<br /> Here are the "
        '<a href="https://www.enable-javascript.com/" target="_blank" rel="noreferrer">instructions '
        "how to enable JavaScript in your web browser</a>."
    ): "Trang quản trị cần JavaScript nhưng trình duyệt đang tắt JavaScript. Hãy bật JavaScript trong phần cài đặt của trình duyệt.",
    "Dashboard": "Trang chủ",
    "Search": "Tìm kiếm",
    "Search…": "Tìm kiếm…",
    "Search term": "Từ khoá tìm kiếm",
    "Search all pages…": "Tìm kiếm…",
    "Help": "Trợ giúp",
    "Reports": "Báo cáo",
    "Settings": "Cài đặt",
    "Account": "Tài khoản",
    "account": "tài khoản",
    "Sidebar": "Thanh điều hướng",
    "Toggle sidebar": "Thu gọn/mở rộng thanh điều hướng",
    "Toggle breadcrumbs": "Ẩn/hiện đường dẫn",
    "Toggle minimap": "Ẩn/hiện sơ đồ trang",
    "Toggle section": "Thu gọn/mở rộng mục",
    "Breadcrumb": "Đường dẫn",
    "Back": "Quay lại",
    "Close": "Đóng",
    "Close dialog": "Đóng hộp thoại",
    "Cancel": "Huỷ",
    "Yes": "Có",
    "No": "Không",
    "Edit": "Sửa",
    "Delete": "Xoá",
    "Save": "Lưu",
    "Save changes": "Lưu thay đổi",
    "Actions": "Thao tác",
    "Filter": "Lọc",
    "Filter by": "Lọc theo",
    "Show filters": "Hiện bộ lọc",
    "Apply filters": "Áp dụng bộ lọc",
    "Clear": "Xoá",
    "Select all": "Chọn tất cả",
    "Show": "Hiện",
    "items": "mục",
    "Page": "Trang",
    "Pagination": "Phân trang",
    "Next": "Sau",
    "Previous": "Trước",
    "Page %(page_number)s of %(num_pages)s.": "Trang %(page_number)s/%(num_pages)s.",
    "Page %(page_num)s of %(total_pages)s": "Trang %(page_num)s/%(total_pages)s",
    "Enter password": "Nhập mật khẩu",
    "Enter your %(username_field_name)s": "Nhập %(username_field_name)s",
    "Your %(username_field)s and password didn't match. Please try again.": "%(username_field)s hoặc mật khẩu không đúng. Vui lòng thử lại.",
    "No %(model_name)s match your query.": "Không có %(model_name)s nào khớp với điều kiện tìm.",
    "There are no results.": "Không có kết quả.",
    "No results": "Không có kết quả",
    "Sort by '%(label)s' in ascending order.": "Sắp xếp theo «%(label)s» tăng dần.",
    "Sort by '%(label)s' in descending order.": "Sắp xếp theo «%(label)s» giảm dần.",
    "Go to the first error": "Đến lỗi đầu tiên",
    "Add or show comments": "Thêm hoặc xem bình luận",
    "Keyboard shortcut": "Phím tắt",
    "Keyboard shortcuts": "Phím tắt",
    "All keyboard shortcuts": "Tất cả phím tắt",
    "Show keyboard shortcuts": "Xem các phím tắt",
    "Close modal dialogs (like this one)": "Đóng hộp thoại (như hộp thoại này)",
    "Keyboard shortcuts are currently enabled; manage your %(account_link)s to disable them.": "Phím tắt đang bật; vào %(account_link)s để tắt.",
    "Enable custom keyboard shortcuts specific to Wagtail.": "Bật các phím tắt riêng của trang quản trị.",
    "Application": "Ứng dụng",
    "Section": "Mục",
    "Text editing": "Soạn thảo",
    "Text formatting": "Định dạng văn bản",
    "Cut": "Cắt",
    "Paste": "Dán",
    "Paste without formatting": "Dán không định dạng",
    "Undo": "Hoàn tác",
    "Redo": "Làm lại",
    "Bold": "Đậm",
    "Italic": "Nghiêng",
    "Strike-through": "Gạch ngang",
    "Subscript": "Chỉ số dưới",
    "Superscript": "Chỉ số trên",
    "Monospace (code)": "Chữ đơn cách (mã)",
    "Insert or edit a link": "Chèn hoặc sửa liên kết",
    "You have <span>unsaved edits</span>": "Bạn có <span>thay đổi chưa lưu</span>",
    "Save your changes before leaving": "Hãy lưu thay đổi trước khi rời trang",
    "You have unsaved changes in another window": "Bạn có thay đổi chưa lưu ở cửa sổ khác",
    "Profile": "Hồ sơ cá nhân",
    "Profile picture": "Ảnh đại diện",
    "Upload a profile picture:": "Tải ảnh đại diện lên:",
    "Name and Email": "Họ tên và thư điện tử",
    "First Name": "Tên",
    "Last Name": "Họ và tên đệm",
    "Preferred language": "Ngôn ngữ",
    "Current time zone": "Múi giờ",
    "current time zone": "múi giờ",
    "Use server time zone": "Dùng múi giờ của máy chủ",
    "Theme preferences": "Giao diện",
    "admin theme": "giao diện",
    "System default": "Theo hệ thống",
    "Light": "Sáng",
    "Dark": "Tối",
    "contrast": "độ tương phản",
    "More contrast": "Tương phản cao",
    "density": "mật độ hiển thị",
    "Default": "Mặc định",
    "Snug": "Gọn",
    "Notifications": "Thông báo",
    "Edit your notification preferences here:": "Chỉnh cách nhận thông báo tại đây:",
    "Error 404: Page not found": "Lỗi 404: Không tìm thấy trang",
    "Go to Wagtail admin": "Về trang quản trị",
    "Pages": "Trang",
    "Images": "Hình ảnh",
    "Documents": "Tài liệu",
    "Snippets": "Đoạn nội dung",
    "Users": "Người dùng",
    "Groups": "Nhóm",
    "Sites": "Trang web",
    "Collections": "Bộ sưu tập",
    "Locales": "Ngôn ngữ",
    "Redirects": "Chuyển hướng",
    "Workflows": "Quy trình",
    "Site history": "Lịch sử thay đổi",
    "Aging pages": "Trang lâu chưa cập nhật",
    "Date": "Ngày",
    "Your username (in case you've forgotten):": "Tên đăng nhập của bạn (nếu đã quên):",
}

# msgid -> (msgid_plural, msgstr): Vietnamese has one plural form.
PLURALS = {
    "There is %(counter)s match": ("There are %(counter)s matches", "Có %(counter)s kết quả"),
}

# Strings the admin's JavaScript translates (the djangojs catalogue).
DJANGOJS = {
    "Search": "Tìm kiếm",
    "Dashboard": "Trang chủ",
    "Toggle sidebar": "Thu gọn/mở rộng thanh điều hướng",
    "Sidebar": "Thanh điều hướng",
    "Back": "Quay lại",
    "Close": "Đóng",
    "Loading…": "Đang tải…",
    "Edit": "Sửa",
    "Clear": "Xoá",
    "Cancel": "Huỷ",
    "Save": "Lưu",
    "Main menu": "Trình đơn chính",
    "Account": "Tài khoản",
    "Log out": "Đăng xuất",
    "Help": "Trợ giúp",
    "Show": "Hiện",
    "Hide": "Ẩn",
    "Copy": "Sao chép",
    "Copied": "Đã sao chép",
    "Error": "Lỗi",
    "Server Error": "Lỗi máy chủ",
    "Report this error to your website administrator with the following information:": "Báo lỗi này cho quản trị hệ thống kèm thông tin sau:",
}


def _write(domain: str, entries: dict[str, str], folder: Path, plurals: dict | None = None) -> None:
    import polib

    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "vi",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for msgid, msgstr in entries.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    for msgid, (plural, msgstr) in (plurals or {}).items():
        po.append(polib.POEntry(msgid=msgid, msgid_plural=plural, msgstr_plural={0: msgstr}))
    po.save(str(folder / f"{domain}.po"))
    po.save_as_mofile(str(folder / f"{domain}.mo"))


if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "vi" / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    _write("django", DJANGO, out, PLURALS)
    _write("djangojs", DJANGOJS, out)
